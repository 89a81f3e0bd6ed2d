import Testing
@testable import KassaCore
@testable import KassaIPC

@Suite("Domain values on the wire")
struct DomainJSONTests {
    @Test func amountsTravelAsIntegerMinorUnits() {
        let t = Tender(kind: .cash, amount: 2050)
        #expect(t.json.serialized() == #"{"kind":"cash","amount":2050}"#)
    }

    @Test func everyEventNamesItsType() {
        let events: [RegisterEvent] = [.totalled, .loggedOut("anna"), .saleParked(parkID: 3)]
        for e in events { #expect(e.json["type"]?.stringValue == e.name) }
    }

    @Test func aShiftNeverShowsTheExpectedCashBeforeTheBlindCount() {
        let s = ShiftState(number: 1, openedBy: "anna", openedAt: Timestamp(milliseconds: 0), float: 100, expectedCash: 12345)
        #expect(!s.json.serialized().contains("12345"))
    }

    @Test func refusalsMapToStableCodes() {
        #expect(Refusal.notLoggedIn.ipcError.code == .notLoggedIn)
        #expect(Refusal.supervisorRequired(.priceOverride).ipcError.code == .pinRequired)
        #expect(Refusal.lookup(.unknownCode("1")).ipcError.code == .notFound)
        #expect(Refusal.wrongPIN.ipcError.code == .wrongPin)
    }
}

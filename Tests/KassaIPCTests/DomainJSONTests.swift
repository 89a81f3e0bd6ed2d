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

    /// What kassad sends of a report row, a client reads back whole: the register's screen
    /// lays its table out from it.
    @Test func aSalesReportRowReadsBackAsItWasSent() throws {
        var f = SalesFigures()
        (f.sales, f.items, f.quantity, f.gross, f.tax) = (4, 10, 9, 5_000, 800)
        (f.refunds, f.refunded, f.refundedTax) = (1, 500, 80)
        (f.voidedLines, f.cancelledSales, f.priceOverrides, f.discounts) = (2, 1, 3, 4)
        let row = SalesReportRow(key: "anna", label: "Anna", figures: f)
        let wire = try JSONValue.parse(Array(row.json.serialized().utf8))
        #expect(SalesReportRow(json: wire) == row)
        #expect(wire["figures"]?["net"] == 4_500 && wire["figures"]?["average_sale"] == 1_250 && wire["figures"]?["items_per_sale_tenths"] == 25)
        #expect(SalesReportRow(json: ["label": "no key"]) == nil)
    }
}

import Testing
@testable import KassaCore
@testable import KassaIPC

@Suite("Time clock and stock on the wire")
struct StaffAndStockJSONTests {
    static let at = Timestamp(milliseconds: 1_765_000_000_000)

    @Test(arguments: [
        RegisterEvent.timePunched("anna", TimePunch(.breakStart, at: at)),
        .timeCorrected(TimeCorrection(operatorID: "anna", removed: nil, added: TimePunch(.clockOut, at: at), reason: "forgot",
                                      by: "sami", at: at)),
        .stockReceived("coffee", quantity: 12, unitCost: 120, reason: "delivery", by: "anna"),
        .stockCounted("coffee", counted: 4, difference: -2, by: "sami"),
        .stockAdjusted("coffee", delta: -1, reason: "broken", by: "sami"),
        .reorderSet("coffee", ReorderRule(point: 3, quantity: 12), by: "tero"),
    ])
    func everyNewEventNamesItsTypeAndWhoDidIt(event: RegisterEvent) {
        #expect(event.json["type"]?.stringValue == event.name)
        #expect(event.json["operator"] != nil || event.json["by"] != nil)
    }

    @Test func aCorrectionShowsWhatWentOutWhatCameInAndWhy() {
        let e = RegisterEvent.timeCorrected(TimeCorrection(operatorID: "anna", removed: TimePunch(.clockIn, at: Self.at),
                                                           added: nil, reason: "double punch", by: "sami", at: Self.at))
        #expect(e.json["removed"]?["action"]?.stringValue == "in")
        #expect(e.json["added"] == .null)
        #expect(e.json["reason"]?.stringValue == "double punch")
        #expect(e.json["by"]?.stringValue == "sami")
    }

    @Test func aCountShowsTheDifferenceItFound() {
        #expect(RegisterEvent.stockCounted("coffee", counted: 4, difference: -2, by: "sami").json["difference"]?.intValue == -2)
    }

    @Test func timeClockRefusalsMapToStableCodes() {
        #expect(Refusal.timeClock(.notClockedIn("anna")).ipcError.code == .conflict)
        #expect(Refusal.timeClock(.onBreak("anna")).ipcError.code == .conflict)
        #expect(Refusal.timeClock(.punchNotAfterLast("anna")).ipcError.code == .conflict)
        #expect(Refusal.timeClock(.invalidCorrection("x")).ipcError.code == .badArgs)
        #expect(Refusal.supervisorRequired(.correctTime).ipcError.code == .pinRequired)
    }
}

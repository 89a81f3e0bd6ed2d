import Foundation
import Glibc
import KassaIPC
import Testing

/// Promotions against the real kassad (demo: cashier 1111, supervisor 2222; PLU 101 a coffee at
/// 2.90, PLU 103 a tea at 2.80, both in department Kahvila).
@Suite struct PromotionSystemTests {
    @Test func aMixAndMatchDealIsOnTheReceiptAndSurvivesACrashMidSale() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.promotionSet, args: ["id": "cafe", "name": "Any 2 drinks 5,00", "department": "Kahvila",
                                               "bundle_count": 2, "bundle_price": 500, "override_pin": "2222"])
        _ = try c.call(.saleScan, args: ["code": "101"])
        let sale = try c.call(.saleScan, args: ["code": "103"])
        #expect(sale["total"]?.intValue == 500)

        // Killed mid-sale: the lines come back with the deal they were rung up with.
        try d.restart()
        let again = try d.client()
        let back = try again.call(.saleGet)
        #expect(back["total"]?.intValue == 500)
        #expect(back["promotions"]?.arrayValue?.first?["amount"]?.intValue == 70)

        _ = try again.call(.login, args: ["pin": "1111"])
        let done = try again.call(.saleTender, args: ["kind": "cash", "amount": 500])
        let text = done["completed"]?["text"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(text.contains { $0.hasPrefix("Any 2 drinks 5,00") && $0.hasSuffix("-0,70 €") })
        #expect(text.contains { $0.hasPrefix("TOTAL") && $0.hasSuffix("5,00 €") })
        let listed = try again.call(.promotionList).arrayValue ?? []
        #expect(listed.map { $0["id"]?.stringValue } == ["cafe"])
        #expect(listed.first?["in_force_now"]?.boolValue == true)

        // Items may be named by PLU; they are kept as item ids.
        let coffee = try again.call(.catalogLookup, args: ["code": "101"])["item"]?["id"]
        let byPLU = try again.call(.promotionSet, args: ["id": "coffee", "name": "Coffee -10%", "items": ["101"],
                                                           "percent_bp": 1000, "override_pin": "2222"])
        #expect(byPLU["items"]?.arrayValue?.first == coffee)
    }

    @Test func theCommandLineSetsUpAHappyHourInWords() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let set = try d.kassa(["promotion", "set", "happy", "Happy", "hour", "-20%", "--items", "101,103", "--percent", "12.5",
                               "--days", "mon-wed,sun", "--hours", "16:00-17:30", "--until", "2030-12-31", "--override"],
                              stdin: "2222\n")
        #expect(set.status == 0, "\(set.err)")
        let listed = try c.call(.promotionList).arrayValue?.first
        #expect(listed?["name"]?.stringValue == "Happy hour -20%")
        #expect(listed?["percent_bp"]?.intValue == 1250)
        #expect(listed?["weekdays"]?.arrayValue?.compactMap(\.intValue) == [1, 2, 3, 7])
        #expect(listed?["start"]?.stringValue == "16:00" && listed?["end"]?.stringValue == "17:30")
        let list = try d.kassa(["promotion", "list"])
        #expect(list.out.contains("Happy hour -20%: -12.5 % on 1001,1003, until 2030-12-31 mon,tue,wed,sun 16:00-17:30"))

        // Mistakes are usage errors with the reason, or the register's refusal.
        let badDays = try d.kassa(["promotion", "set", "x", "X", "--items", "101", "--percent", "10", "--days", "mon-xyz"])
        #expect(badDays.status == 2 && badDays.err.contains("--days"))
        let noRule = try d.kassa(["promotion", "set", "x", "X", "--items", "101"], stdin: "2222\n")
        #expect(noRule.status == 1 && noRule.err.contains("give one rule"))
        #expect(try d.kassa(["promotion", "remove", "happy", "--override"], stdin: "2222\n").status == 0)
        #expect(try d.kassa(["promotion", "list"]).out.contains("no promotions"))
    }

    @Test func theTechniciansConsoleListsPromotionsAndEndsOne() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.promotionSet, args: ["id": "tea", "name": "Tea -0,50", "items": ["103"], "amount_off": 50,
                                               "override_pin": "2222"])
        let console = try ConsoleLine(d)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("kassa> ")
        console.send("promotion\r")
        console.expect("tea: Tea -0,50: -0,50 € each on 1003, always  IN FORCE")
        console.send("promotion remove tea\r")
        console.expect("Removed and journaled.")
        console.send("promotion remove tea\r")
        console.expect("no promotion 'tea'")
        #expect(try c.call(.promotionList).arrayValue?.isEmpty == true)
    }
}

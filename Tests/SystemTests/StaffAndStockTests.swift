import Foundation
import Glibc
import KassaIPC
import Testing

/// The time clock and stock over the socket, against the real kassad (demo: cashier anna 1111,
/// supervisor sami 2222, technician tero 3333; PLU 101 is a coffee at 2.90).
@Suite struct StaffAndStockSystemTests {
    func level(_ c: IPCClient, _ item: String) throws -> JSONValue {
        try #require(try c.call(.stockLevels, args: ["item": .string(item)])["items"]?.arrayValue?.first)
    }

    func alarms(_ c: IPCClient) throws -> [String] {
        (try c.call(.status)["alarms"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
    }

    @Test func stockFollowsSalesRefundsCountsAndAdjustmentsAndTheLowStockAlarm() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let coffee = try #require(try c.call(.catalogLookup, args: ["code": "101"])["item"]?["id"]?.stringValue)

        let received = try c.call(.stockReceive, args: ["item": .string(coffee), "quantity": 5, "unit_cost": 100,
                                                           "reason": "delivery 17"])
        #expect(received["level"]?.intValue == 5)
        // Reorder settings need a supervisor.
        #expect(c.errorCode(.stockSetReorder, ["item": .string(coffee), "point": 3, "quantity": 10]) == .pinRequired)
        _ = try c.call(.stockSetReorder, args: ["item": .string(coffee), "point": 3, "quantity": 10, "override_pin": "2222"])
        #expect(try !alarms(c).contains("low_stock"))

        // Two sold: down to the reorder point, low, on the reorder list, alarm raised.
        _ = try c.call(.saleScan, args: ["code": "101", "quantity": 2])
        _ = try c.call(.saleTender, args: ["kind": "cash", "amount": 1000])
        #expect(try level(c, coffee)["level"]?.intValue == 3)
        #expect(try level(c, coffee)["low"]?.boolValue == true)
        let list = try c.call(.stockReorderList)["items"]?.arrayValue ?? []
        #expect(list.map { $0["item"]?.stringValue } == [coffee])
        #expect(list.first?["order"]?.intValue == 10)
        #expect(try alarms(c).contains("low_stock"))

        // One refunded: back on the shelf, above the point, the alarm clears.
        _ = try c.call(.refund, args: ["receipt": 1, "lines": [["line": 0, "quantity": 1]], "tender": "cash",
                                        "override_pin": "2222"])
        #expect(try level(c, coffee)["level"]?.intValue == 4)
        #expect(try !alarms(c).contains("low_stock"))
        #expect(try c.call(.stockReorderList)["items"]?.arrayValue?.isEmpty == true)

        // Adjustments need a reason and a supervisor; a count sets the level.
        #expect(c.errorCode(.stockAdjust, ["item": .string(coffee), "delta": -1, "reason": "", "override_pin": "2222"]) == .badArgs)
        #expect(c.errorCode(.stockAdjust, ["item": .string(coffee), "delta": -1, "reason": "broken"]) == .pinRequired)
        #expect(try c.call(.stockAdjust, args: ["item": .string(coffee), "delta": -1, "reason": "broken",
                                                  "override_pin": "2222"])["level"]?.intValue == 3)
        #expect(try c.call(.stockCount, args: ["item": .string(coffee), "counted": 7, "override_pin": "2222"])["level"]?.intValue == 7)
        #expect(c.errorCode(.stockReceive, ["item": "no-such-item", "quantity": 1]) == .notFound)

        // The same after a crash and a replay; worth 7 × 2.90 at retail and 7 × 1.00 at cost.
        try d.restart()
        let again = try d.client()
        #expect(try level(again, coffee)["level"]?.intValue == 7)
        let value = try again.call(.stockValue)
        #expect(value["retail_value"]?.intValue == 2030)  // 7 × 2.90
        #expect(value["cost_value"]?.intValue == 700)

        // A long list comes in pages.
        let first = try again.call(.stockLevels, args: ["limit": 1])
        #expect(first["items"]?.arrayValue?.count == 1)
        #expect(first["next"]?.intValue == 1)
        let total = try #require(first["total_items"]?.intValue)
        #expect(try again.call(.stockLevels, args: ["offset": .int(total - 1)])["next"] == .null)

        // The CLI shows the level.
        let cli = try d.kassa(["stock", "levels", coffee])
        #expect(cli.status == 0)
        #expect(cli.out.contains(coffee) && cli.out.contains(" 7"))
    }

    @Test func theTimeClockByPinAndBadgeWithBreaksAndASupervisorsCorrection() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        // Clocking out without having clocked in is refused.
        #expect(c.errorCode(.timeclockOut, ["pin": "1111"]) == .conflict)
        #expect(c.errorCode(.timeclockIn, ["pin": "9999"]) == .wrongPin)

        let watcher = try d.client()
        _ = try watcher.call(.subscribe)
        let clockedIn = try c.call(.timeclockIn, args: ["pin": "1111"])
        var punched: JSONValue?
        for _ in 0..<5 where punched == nil {
            if case .event(let e) = try watcher.nextEvent(), e.name == "timeclock.punched" { punched = e.data }
        }
        #expect(punched?["operator"]?.stringValue == "anna")
        #expect(clockedIn["operator"]?.stringValue == "anna")
        #expect(clockedIn["status"]?.stringValue == "working")
        // Clocking in is not logging in.
        #expect(try c.call(.status)["operator"] == .null)
        usleep(20_000)
        #expect(try c.call(.timeclockBreakStart, args: ["pin": "1111"])["status"]?.stringValue == "on_break")
        usleep(20_000)
        #expect(c.errorCode(.timeclockOut, ["pin": "1111"]) == .conflict)
        _ = try c.call(.timeclockBreakEnd, args: ["pin": "1111"])
        usleep(20_000)
        #expect(try c.call(.timeclockOut, args: ["pin": "1111"])["status"]?.stringValue == "off")

        // A badge enrolled by the technician clocks its owner.
        _ = try c.call(.technician, args: ["pin": "3333"])
        _ = try c.call(.operatorSetBadge, args: ["id": "sami", "card": "6390001234"])
        let sami = try c.call(.timeclockIn, args: ["card": "6390001234"])
        #expect(sami["operator"]?.stringValue == "sami")
        let samiIn = try #require(sami["at"]?.intValue)

        // Sami forgot to clock out: a correction needs a supervisor and a reason.
        let add: JSONValue = ["action": "out", "at": .int(samiIn + 1)]
        #expect(c.errorCode(.timeclockCorrect, ["operator": "sami", "add": add, "reason": "forgot"]) == .notLoggedIn)
        _ = try c.call(.login, args: ["pin": "1111"])
        #expect(c.errorCode(.timeclockCorrect, ["operator": "sami", "add": add, "reason": "forgot"]) == .pinRequired)
        #expect(c.errorCode(.timeclockCorrect, ["operator": "sami", "add": add, "reason": " ", "override_pin": "2222"]) == .badArgs)
        let fixed = try c.call(.timeclockCorrect, args: ["operator": "sami", "add": add, "reason": "forgot to clock out",
                                                            "override_pin": "2222"])
        #expect(fixed["status"]?.stringValue == "off")

        // Hours for today, in the register's time zone, by the CLI too.
        let today = String((try c.call(.status)["local_time"]?.stringValue ?? "").prefix(10))
        let hours = try c.call(.timeclockHours, args: ["from": .string(today), "to": .string(today)])
        let people = (hours["employees"]?.arrayValue ?? []).compactMap { $0["operator"]?.stringValue }
        #expect(people == ["anna", "sami"])
        #expect(hours["employees"]?.arrayValue?.first?["days"]?.arrayValue?.first?["date"]?.stringValue == today)
        let cli = try d.kassa(["clock", "in"], stdin: "2222\n")
        #expect(cli.status == 0, "\(cli.err)")
        #expect(cli.out.contains("in at"))
        #expect(try d.kassa(["clock", "hours", today]).out.contains("week"))
        // A correction from the CLI in local time: that punch is not on the card.
        let fix = try d.kassa(["clock", "fix", "anna", "--remove", "in \(today) 03:00", "wrong", "time", "--override"], stdin: "2222\n")
        #expect(fix.status == 1)
        #expect(fix.err.contains("no such punch"))

        // Replayed after a crash, the cards are the same.
        try d.restart()
        let status = try d.client().call(.timeclockStatus).arrayValue ?? []
        #expect(status.first { $0["operator"]?.stringValue == "sami" }?["status"]?.stringValue == "working")
        #expect(status.first { $0["operator"]?.stringValue == "anna" }?["status"]?.stringValue == "off")
    }

    @Test func theConsolesTechnicianSetsAReorderPointAndSeesTheReorderList() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        let technician = try d.client()
        _ = try technician.call(.technician, args: ["pin": "3333"])
        let coffee = try #require(try technician.call(.catalogLookup, args: ["code": "101"])["item"]?["id"]?.stringValue)
        let console = try ConsoleLine(d)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("Logged in as Tero")
        // Nobody is logged in to the register: the console's technician session is enough.
        console.send("stock reorder \(coffee) 3 10\r")
        console.expect("Journaled.")
        #expect(try technician.call(.stockReorderList)["items"]?.arrayValue?.first?["item"]?.stringValue == coffee)
        #expect(try alarms(c).contains("low_stock"))
        console.send("stock low\r")
        let low = console.expect("LOW")
        #expect(low.contains(coffee))
        console.expect("kassa> ")
        console.send("stock\r")
        console.expect("kassa> ")
        // "\r\n" is one Character in Swift.
        let wide = console.text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }).filter { $0.count > 80 }
        #expect(wide.isEmpty, "the console's lines fit in 80 columns: \(wide)")
        // A cashier's logged-in session may not.
        #expect(c.errorCode(.login, ["pin": "1111"]) == nil)
        #expect(c.errorCode(.stockSetReorder, ["item": .string(coffee), "remove": true]) == .pinRequired)
    }
}

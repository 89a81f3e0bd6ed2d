import Foundation
import Testing
import KassaIPC

/// Sales reports against the real kassad: over the socket, from the CLI, and offline.
@Suite("Sales reports over the socket")
struct SalesReportSystemTests {
    @Test func reportSalesReadsTheJournalForASupervisorOnly() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        var total: Int64 = 0
        for _ in 0..<2 {
            let sale = try c.call(.saleScan, args: ["code": "101"])
            let due = sale["total"]!.intValue!
            _ = try c.call(.saleTender, args: ["kind": "card", "amount": .int(due)])
            total += due
        }
        #expect(c.errorCode(.reportSales, ["by": "day"]) == .forbidden)
        _ = try c.call(.logout)
        _ = try c.call(.login, args: ["pin": "2222"])
        #expect(c.errorCode(.reportSales, ["by": "fortnight"]) == .badArgs)
        #expect(c.errorCode(.reportSales, ["by": "day", "from": "2026-02-30"]) == .badArgs)

        let byDay = try c.call(.reportSales, args: ["by": "day"])
        #expect(byDay["rows"]!.arrayValue!.count == 1)
        #expect(byDay["total"]!["sales"]!.intValue == 2)
        #expect(byDay["total"]!["net"]!.intValue == total)
        let text = byDay["text"]!.arrayValue!.compactMap(\.stringValue)
        #expect(text.contains { $0.contains("#") })
        #expect(text.allSatisfy { $0.count <= 80 })

        let byEmployee = try c.call(.reportSales, args: ["by": "employee"])
        let rows = byEmployee["rows"]!.arrayValue!
        #expect(rows.count == 1)
        #expect(rows[0]["figures"]!["sales"]!.intValue == 2)
        #expect(rows[0]["key"]!.stringValue != rows[0]["label"]!.stringValue, "operators are shown by name")
        #expect(rows[0]["figures"]!["items"]!.intValue == 2)
        #expect(rows[0]["figures"]!["average_sale"]!.intValue == total / 2)

        // A period before today has nothing.
        let none = try c.call(.reportSales, args: ["by": "tender", "to": "2000-01-01"])
        #expect(none["total"]!["sales"]!.intValue == 0)

        // The CLI: the table, the SVG chart, and one CSV per Z closing.
        let svg = d.directory + "/chart.svg"
        let table = try d.kassa(["report", "sales", "--by", "hour", "--svg", svg])
        #expect(table.status == 0, "\(table.err)")
        #expect(table.out.contains("SALES BY HOUR"))
        let chart = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains("<rect"))
        let z = try c.call(.reportZ)
        let out = d.directory + "/z"
        let exported = try d.kassa(["report", "export-z", "--out", out])
        #expect(exported.status == 0, "\(exported.err)")
        let csv = try String(contentsOfFile: out + "/z-000001.csv", encoding: .utf8)
        #expect(csv.hasPrefix("z,closed_at_utc,"))
        #expect(csv.contains(",tender,card,,,,\(total)\n"))

        // The anchor the Z report showed (and printed) is the one the journal holds, as is the
        // export's; one the journal does not hold fails.
        let anchor = try #require(z["anchor"]?.stringValue)
        #expect(anchor.hasPrefix("Z1 "))
        #expect(z["text"]?.arrayValue?.last?.stringValue?.hasSuffix(anchor) == true)
        #expect(csv.contains(",anchor,\(anchor)"), "the export's anchor row begins with the report's")
        let held = try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory, "--anchor", anchor, "--anchors", out + "/z-000001.csv"])
        #expect(held.status == 0, "\(held.out)")
        #expect(held.out.contains("2 of 2 anchors held"), "\(held.out)")
        let typo = try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory, "--anchor", String(anchor.dropLast()) + "x"])
        #expect(typo.status == 2, "a hash digit that is no hex digit is no anchor")

        // Offline, from the state directory alone.
        let offline = try d.kassa(["report", "sales", "--by", "year", "--json", "--state-dir", d.stateDirectory])
        #expect(offline.status == 0, "\(offline.err)")
        let parsed = try JSONValue.parse(offline.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(parsed["total"]!["net"]!.intValue == total)
    }

    /// A report too long for one reply line comes in pages that put together make the whole table.
    @Test func aLongReportComesInPagesThatMakeTheWholeTable() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        _ = try c.call(.login, args: ["pin": "2222"])
        _ = try c.call(.shiftOpen, args: ["float": 0])
        var sold = 0
        for n in 1...204 where sold < 150 {
            if case .success = c.attempt(.saleAdd, ["item": .string(String(1000 + n)), "quantity": 1]) { sold += 1 }
        }
        let due = try c.call(.saleGet)["total"]!.intValue!
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": .int(due)])

        var pages: [JSONValue] = [try c.call(.reportSales, args: ["by": "item", "limit": 1000])]
        while let next = pages.last!["next"]?.intValue {
            pages.append(try c.call(.reportSales, args: ["by": "item", "limit": 1000, "offset": .int(next)]))
        }
        #expect(pages.count >= 2)
        #expect(pages.allSatisfy { $0.serialized().utf8.count < 48_000 })
        let rows = pages.flatMap { $0["rows"]!.arrayValue! }
        #expect(rows.count == sold)
        #expect(Set(rows.compactMap { $0["key"]?.stringValue }).count == sold)
        #expect(rows.compactMap { $0["figures"]?["net"]?.intValue }.reduce(0, +) == due)
        let text = pages.flatMap { $0["text"]!.arrayValue! }.compactMap(\.stringValue)
        #expect(text.first!.hasPrefix("SALES BY ITEM"))
        #expect(text.last!.hasPrefix("Total: 1 sales"))
        #expect(text.count == sold + 3)

        // The CLI puts the pages together.
        let cli = try d.kassa(["report", "sales", "--by", "item", "--limit", "1000", "--json"])
        #expect(cli.status == 0, "\(cli.err)")
        let whole = try JSONValue.parse(cli.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(whole["rows"]!.arrayValue!.count == sold)
        #expect(whole["next"] == nil)
    }

    /// The technician's console shows the table; a bad grouping gets the reason, not a crash.
    @Test func theConsoleShowsSalesByDepartment() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let due = try c.call(.saleScan, args: ["code": "101"])["total"]!.intValue!
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": .int(due)])
        let console = try ConsoleLine(d)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("kassa> ")
        console.send("report sales department\r")
        let table = console.expect("kassa> ")
        #expect(table.contains("SALES BY DEPARTMENT"))
        #expect(table.contains("Kahvila") && table.contains("#"))
        #expect(table.contains("Total: 1 sales"))
        console.send("report sales fortnight\r")
        #expect(console.expect("kassa> ").contains("'by' must be one of"))
    }

    @Test func aFloodOfReportsIsBoundedAndTheExcessIsBusyNotAnExhaustedDaemon() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        _ = try c.call(.login, args: ["pin": "2222"])
        // Many different reports at once, each its own read of the journal.
        let count = 300
        let flood = try IPCClient(path: d.socket, timeoutMilliseconds: 60_000)
        for i in 0..<count {
            let day = String(format: "2026-%02d-%02d", 1 + i / 28 % 12, 1 + i % 28)
            try flood.send(Request(id: .int(Int64(i)), op: .reportSales, args: ["by": "day", "from": .string(day)]))
        }
        var busy = 0, answered = 0
        var ids = Set<RequestID>()
        while ids.count < count {
            // Replies come as the reads finish, not in the order asked.
            guard case .reply(let reply) = try flood.nextEvent() else { continue }
            #expect(ids.insert(try #require(reply.id)).inserted, "two replies to \(String(describing: reply.id))")
            switch reply.outcome {
            case .success: answered += 1
            case .failure(let e):
                #expect(e.code == .busy, "\(e)")
                busy += 1
            }
        }
        // Every request got one reply; the reads beyond the bound were refused, not queued.
        #expect(answered + busy == count)
        #expect(answered >= 1)
        #expect(busy >= 1)
        let pid = try #require(d.process?.processIdentifier)
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        #expect(descriptors < 100, "kassad holds \(descriptors) descriptors")
        // And the register still answers, reports included, once the reads are done.
        #expect(try c.call(.reportSales, args: ["by": "day"])["rows"] != nil)
        #expect(try c.call(.status)["register"] != nil)
    }
}

import Foundation
import Testing
import KassaIPC

/// A whole working day from a shell: the `kassa` CLI against the real kassad.
@Suite("A whole shift over the socket")
struct WholeShiftTests {
    func json(_ r: (status: Int32, out: String, err: String), sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        #expect(r.status == 0, "kassa failed: \(r.err)", sourceLocation: sourceLocation)
        return try JSONValue.parse(r.out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// 1234 → "12.34", as a person types an amount.
    func decimal(_ minor: Int64) -> String {
        let cents = minor % 100
        return "\(minor / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    @Test func aDayOfSalesRefundsAndReportsAddsUp() throws {
        let d = Daemon()
        try d.start()
        var salesTotal: Int64 = 0
        #expect(try d.kassa(["login"], stdin: "1111\n").status == 0)
        #expect(try d.kassa(["shift", "open", "100.00"]).status == 0)

        // Split tender with cash rounding: card pays part, cash the rest rounded to 0.05.
        _ = try json(d.kassa(["scan", "101", "--json"]))
        let sale = try json(d.kassa(["scan", "105", "--qty", "3", "--json"]))
        let total = sale["total"]!.intValue!
        #expect(try json(d.kassa(["pay", "card", "1.01", "--ref", "T-1", "--json"]))["sale"] != nil)
        let paid = try json(d.kassa(["pay", "cash", "50", "--json"]))
        let receipt1 = paid["completed"]!
        #expect(receipt1["total"]!.intValue! == total)
        let cashPart = total - 101
        let rounded = (cashPart + 2) / 5 * 5
        #expect(receipt1["rounding"]!.intValue! == rounded - cashPart)
        #expect(receipt1["change"]!.intValue! == 5000 - rounded)
        salesTotal += total

        // A price override: refused for the cashier, allowed with a supervisor's PIN.
        _ = try json(d.kassa(["scan", "102", "--json"]))
        let refused = try d.kassa(["price", "1", "1.00"])
        #expect(refused.status == 1)
        #expect(refused.err.contains("pin_required"))
        let overridden = try json(d.kassa(["price", "1", "1.00", "--override", "--json"], stdin: "2222\n"))
        #expect(overridden["lines"]!.arrayValue![0]["unit_price"]!.intValue == 100)
        #expect(overridden["lines"]!.arrayValue![0]["authorised_by"]!.stringValue == "sami")
        salesTotal += try json(d.kassa(["pay", "card", "1.00", "--json"]))["completed"]!["total"]!.intValue!

        // Park a sale, sell another, resume the first.
        _ = try json(d.kassa(["scan", "101", "--qty", "2", "--json"]))
        let parkID = try json(d.kassa(["park", "--json"]))["park_id"]!.intValue!
        _ = try json(d.kassa(["scan", "103", "--json"]))
        salesTotal += try json(d.kassa(["pay", "cash", "20", "--json"]))["completed"]!["total"]!.intValue!
        let resumed = try json(d.kassa(["resume", String(parkID), "--json"]))
        #expect(resumed["lines"]!.arrayValue!.count == 1)
        salesTotal += try json(d.kassa(["pay", "card", decimal(resumed["total"]!.intValue!), "--json"]))["completed"]!["total"]!.intValue!

        // A refund of one coffee of receipt 1 and a no-sale, both authorised by the supervisor.
        #expect(try d.kassa(["refund", "1", "1:1", "--tender", "cash"]).status == 1)
        let refund = try json(d.kassa(["refund", "1", "1:1", "--tender", "cash", "--override", "--json"], stdin: "2222\n"))
        let refunded = refund["total"]!.intValue!
        #expect(refunded == 290)
        #expect(try d.kassa(["no-sale", "--override"], stdin: "2222\n").status == 0)

        // X changes nothing; the blind count shows over/short only after it is entered.
        // The X report is a supervisor's while the shift is open: the cashier counts blind.
        #expect(try d.kassa(["report", "x"]).status == 1)
        #expect(try d.kassa(["logout"]).status == 0)
        #expect(try d.kassa(["login"], stdin: "2222\n").status == 0)
        let x = try json(d.kassa(["report", "x", "--json"]))
        #expect(x["report"]!["sales"]!.intValue == 4)
        #expect(try d.kassa(["logout"]).status == 0)
        #expect(try d.kassa(["login"], stdin: "1111\n").status == 0)
        let close = try json(d.kassa(["shift", "close", "150.00", "--json"]))
        #expect(close["over_short"]!.intValue == close["counted"]!.intValue! - close["expected"]!.intValue!)

        // Z by the supervisor: the day's figures are the sales made.
        #expect(try d.kassa(["report", "z"]).status == 1)  // a cashier may not close the day
        #expect(try d.kassa(["login"], stdin: "2222\n").status == 0)
        let z = try json(d.kassa(["report", "z", "--json"]))
        #expect(z["z"]!.intValue == 1)
        let r = z["report"]!
        #expect(r["sales"]!.intValue == 4)
        #expect(r["refunds"]!.intValue == 1)
        #expect(r["no_sales"]!.intValue == 1)
        #expect(r["price_overrides"]!.intValue == 1)
        #expect(r["sales_gross"]!.intValue == salesTotal)
        #expect(r["refunds_gross"]!.intValue == refunded)
        #expect(r["net_total"]!.intValue == salesTotal - refunded)
        #expect(z["grand_total_sales"]!.intValue == salesTotal)
        // After Z the next day starts from zero.
        #expect(try json(d.kassa(["report", "x", "--json"]))["report"]!["sales"]!.intValue == 0)
        #expect(d.stop() == 0)
        #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)
    }
}

import Foundation
import Testing
import KassaIPC
import KassaTestSupport

/// No amount crashes or bricks the register: over the socket, a huge number is refused at the
/// door, one above the shop's limit with `over_limit`, and kassad answers every request and
/// stays up, selling on.
@Suite("Amounts at their limits, on kassad")
struct AmountLimitSystemTests {
    static let huge = Int64.max

    func due(_ c: IPCClient) throws -> Int64 { try c.call(.saleGet)["due"]?.intValue ?? 0 }

    @Test func theAmountsThatCrashedOrBrickedTheRegisterAreRefusedAndItSellsOn() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()  // the cashier, no PIN asked again
        _ = try c.call(.saleScan, args: ["code": "101"])
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": 100, "reference": "T1"])
        #expect(c.errorCode(.saleTender, ["kind": "cash", "amount": .int(Self.huge)]) == .badArgs)
        let left = try due(c)
        #expect(c.errorCode(.saleTender, ["kind": "cash", "amount": .int(left + 1_000_001)]) == .overLimit)
        #expect(try c.call(.saleTender, args: ["kind": "cash", "amount": .int(left + 1_000_000)])["completed"] != nil)

        for _ in 0..<2 {
            #expect(c.errorCode(.shiftCashOut, ["amount": .int(Self.huge), "reason": "bank"]) == .badArgs)
            #expect(c.errorCode(.shiftCashOut, ["amount": 10_000_001, "reason": "bank"]) == .overLimit)
        }
        #expect(c.errorCode(.saleSellVoucher, ["amount": 1_000_001]) == .overLimit)
        _ = try c.call(.saleSellVoucher, args: ["amount": 1_000_000])
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": 1_000_000, "reference": "typed 4242"])

        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(c.errorCode(.saleOverridePrice, ["line": 0, "unit_price": .int(Self.huge), "override_pin": "2222"]) == .badArgs)
        let refused = c.attempt(name: Op.saleOverridePrice.name, ["line": 0, "unit_price": 10_000_001, "override_pin": "2222"])
        guard case .failure(let e) = refused else {
            Issue.record("an override above the price limit was taken")
            return
        }
        #expect(e.code == .overLimit)
        #expect(e.message.contains("100000,00 €"), "the limit in the register's money format: \(e.message)")
        _ = try c.call(.saleOverridePrice, args: ["line": 0, "unit_price": 10_000_000, "override_pin": "2222"])
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": .int(try due(c)), "reference": "T2"])

        // A Z and a new shift, and the register still sells, cash and card.
        _ = try c.call(.login, args: ["pin": "2222"])
        _ = try c.call(.shiftClose, args: ["counted": 0])
        _ = try c.call(.reportZ)
        _ = try c.call(.shiftOpen, args: ["float": 1_000_000])
        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(try c.call(.saleTender, args: ["kind": "cash", "amount": 5000])["completed"] != nil)
        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(try c.call(.saleTender, args: ["kind": "card", "amount": .int(try due(c)), "reference": "T3"])["completed"] != nil)
        #expect(d.process?.isRunning == true)
    }

    /// Random requests whose numbers come from the edges: each gets its answer and kassad stays up.
    @Test func kassadAnswersEveryEdgeNumberAndStaysUp() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        var edges: [Int64] = [Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for b: Int64 in [0, 1, 9_999, 1_000_000, 10_000_000, 100_000_000, 10_000_000_000] {
            edges += [b - 1, b, b + 1, -b]
        }
        var random = SystemRandomNumberGenerator()
        func n() -> JSONValue { .int(edges.randomElement(using: &random)!) }
        let requests: [() -> (Op, JSONObject)] = [
            { (.saleScan, ["code": "101", "quantity": n()]) },
            { (.saleAdd, ["item": "coffee", "quantity": n()]) },
            { (.saleSellVoucher, ["amount": n()]) },
            { (.saleOverridePrice, ["line": n(), "unit_price": n(), "override_pin": "2222"]) },
            { (.saleDiscountLine, ["line": n(), "amount": n(), "override_pin": "2222"]) },
            { (.saleDiscount, ["percent_bp": n(), "override_pin": "2222"]) },
            { (.saleTender, ["kind": "cash", "amount": n()]) },
            { (.saleTender, ["kind": "card", "amount": n(), "reference": "T"]) },
            { (.saleVoidLine, ["line": n()]) },
            { (.saleResume, ["park_id": n()]) },
            { (.saleRedeemPoints, ["points": n()]) },
            { (.shiftCashIn, ["amount": n(), "reason": "edge"]) },
            { (.shiftCashOut, ["amount": n(), "reason": "edge"]) },
            { (.stockReceive, ["item": "coffee", "quantity": n(), "unit_cost": n()]) },
            { (.stockAdjust, ["item": "coffee", "delta": n(), "reason": "edge", "override_pin": "2222"]) },
            { (.refund, ["receipt": n(), "lines": [["line": n(), "quantity": n()]], "tender": "cash", "override_pin": "2222"]) },
            { (.receiptGet, ["receipt": n()]) },
            { (.saleComplete, [:]) },
        ]
        var answered = 0
        for _ in 0..<400 {
            let (op, args) = requests.randomElement(using: &random)!()
            switch c.attempt(name: op.name, args) {
            case .success: answered += 1
            case .failure(let e):
                #expect(e.code != .internal, "\(op.name) \(args): \(e.message)")
                answered += 1
            }
        }
        #expect(answered == 400)
        #expect(try c.call(.status)["register"] != nil)
        #expect(d.process?.isRunning == true)
        // Whatever the sale came to, it can be paid or cancelled, and the next one sold.
        // Cash pays what is due rounded to the cash step (`cash_due`), or the sale stays open.
        if try c.call(.saleGet) != .null, c.errorCode(.saleCancel, ["override_pin": "2222"]) != nil {
            let cashDue = try c.call(.saleGet)["cash_due"]?.intValue ?? 0
            #expect(try c.call(.saleTender, args: ["kind": "cash", "amount": .int(cashDue)])["completed"] != nil)
        }
        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(try c.call(.saleTender, args: ["kind": "cash", "amount": 500])["completed"] != nil)
        #expect(d.process?.isRunning == true)
    }
}

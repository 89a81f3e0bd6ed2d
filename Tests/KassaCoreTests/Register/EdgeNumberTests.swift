import Testing
@testable import KassaCore

/// `decide` driven with random commands whose numbers are drawn from the edges: 0, 1, every
/// limit and the ceiling, each ± 1, and the Int64 extremes. Whatever comes, it answers (no trap),
/// and everything it accepts folds, so the journal always replays.
@Suite("Numbers at the edges")
struct EdgeNumberTests {
    struct Rng {
        var random: SplitMix64
        mutating func below(_ n: Int) -> Int { random.next(below: n) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    static let edges: [Int64] = {
        var bounds: [Int64] = [0, 1, 9_999, 1_000_000, AmountLimits.ceiling, FoldCheck.amountBound]
        let limits = AmountLimits()
        bounds += AmountLimit.allCases.map { limits[$0] }
        var all: Set<Int64> = [Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for b in bounds { for d: Int64 in [-1, 0, 1] { all.insert(b + d); all.insert(-(b + d)) } }
        return all.sorted()
    }()

    func edgeCommand(_ t: Till, _ r: inout Rng, _ sales: [CompletedSale]) -> Command {
        func n() -> Int64 { r.pick(Self.edges) }
        func small() -> Int64 { r.pick([1, 2, 3, 350, 1000]) }
        let line = r.pick([0, 1, -1, Int.max, Int.min, (t.state.openSale?.lines.count ?? 1) - 1])
        let pins = [Till.cashierPIN, Till.supervisorPIN, Till.technicianPIN]
        switch r.below(30) {
        case 0: return .login(pin: r.pick(pins))
        case 1: return .openShift(float: n())
        case 2: return .closeShift(counted: n())
        case 3: return .moveCash(r.pick([.cashIn, .cashOut]), amount: n(), reason: "edge")
        case 4, 5: return .scan(code: r.pick(["1", "2", "3", "10001"]), quantity: r.pick([nil, n(), small()]))
        case 6: return .addItem(r.pick(["coffee", "mug", "candy"]), quantity: r.pick([n(), small()]))
        case 7: return .sellVoucher(amount: r.pick([n(), small()]))
        case 8: return r.below(2) == 0 ? .voidLine(line) : .setQuantity(line: line, quantity: n())
        case 9: return .discountLine(line, r.pick([.amount(n()), .percent(Int(truncatingIfNeeded: n())), nil]), override: Till.supervisorPIN)
        case 10: return .discountReceipt(r.pick([.amount(n()), .percent(Int(truncatingIfNeeded: n()))]), override: Till.supervisorPIN)
        case 11, 12: return .overridePrice(line: line, unitPrice: n(), override: Till.supervisorPIN)
        case 13, 14, 15: return .tender(Tender(kind: r.pick([.cash, .card]), amount: n(), reference: r.pick([nil, "typed"])))
        case 16: return .tender(Tender(kind: .cash, amount: (try? t.state.openSale?.totals(.inclusive).total) ?? 1))
        case 17: return .tenderVoucher(code: t.state.vouchers.keys.sorted().first ?? "V-R1-0001-0", amount: r.pick([nil, n()]))
        case 18: return .requestCardAuthorisation(amount: n(), requestKey: nil)
        case 19:
            guard let pending = t.state.pendingCardAuthorisation else { return .complete }
            return .resolveCardAuthorisation(reference: pending.reference,
                                             r.pick([.approved(CardApproval(authorisationCode: "A", maskedPAN: "****1", scheme: "V")),
                                                     .declined(reason: "no")]))
        case 20:
            guard let sale = sales.isEmpty ? nil : r.pick(sales) else { return .total }
            return .refund(original: sale, lines: [RefundRequestLine(line: line, quantity: n())],
                           tender: r.pick([.cash, .card, .voucher]), override: Till.supervisorPIN)
        case 21: return .receiveStock("coffee", quantity: n(), unitCost: r.pick([nil, n()]), reason: nil)
        case 22: return .adjustStock("coffee", delta: n(), reason: "edge", override: Till.supervisorPIN)
        case 23: return .countStock("mug", counted: n(), override: Till.supervisorPIN)
        case 24: return .redeemPoints(n())
        case 25: return .resume(parkID: UInt64(truncatingIfNeeded: n()))
        case 26: return r.pick([.park, .complete, .total, .cancel(override: Till.supervisorPIN)])
        case 27: return r.pick([.closeDay, .noSale(override: Till.supervisorPIN), .openSale])
        default: return .scan(code: "1", quantity: small())
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func decideAnswersEveryEdgeAndEverythingItAcceptsReplays(seed: UInt64) throws {
        var t = Till()
        var r = Rng(random: SplitMix64(seed: seed))
        var sales: [CompletedSale] = []
        var accepted = 0
        var overLimit = 0
        for _ in 0..<4_000 {
            let command = edgeCommand(t, &r, sales)
            let d = t.state.decide(command, t.env, t.ctx)
            var next = t.state
            for e in d.events { try next.apply(e) }
            t.state = next
            t.journal += d.events
            t.ctx.now.milliseconds += 1000
            if d.refusal == nil { accepted += 1 }
            if case .overLimit = d.refusal { overLimit += 1 }
            for e in d.events { if case .saleCompleted(let s) = e, !s.training { sales.append(s) } }
        }
        #expect(accepted > 500, "the edges should not refuse everything")
        #expect(overLimit > 30, "the limits are reached")
        #expect(sales.count > 20)
        // Every total stays far inside Int64: the grand total is at most the sales' own.
        #expect(t.state.grandTotalSales <= Int64(sales.count) * AmountLimits().sale)
        #expect(try RegisterState.replay(t.journal) == t.state)
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
    }
}

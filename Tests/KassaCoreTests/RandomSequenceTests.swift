import Testing
@testable import KassaCore

/// Drives the register with thousands of seeded random commands, good and bad, and checks the
/// promises that must hold whatever happens.
@Suite("Random command sequences")
struct RandomSequenceTests {
    struct Rng {
        var random: SplitMix64
        init(s: UInt64) { random = SplitMix64(seed: s) }
        mutating func below(_ n: Int) -> Int { random.next(below: n) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    /// One of the terminal's answers to a pending authorisation, now and then for another reference.
    func terminalAnswer(_ pending: CardAuthorisation, _ r: inout Rng) -> Command {
        let outcomes: [CardAuthorisationOutcome] = [
            .approved(CardApproval(authorisationCode: "A1", maskedPAN: "****1111", scheme: "VISA")),
            .declined(reason: "declined"), .notCharged(reason: "offline"), .reversed(reason: "late"),
        ]
        return .resolveCardAuthorisation(reference: r.below(8) == 0 ? "other" : pending.reference, r.pick(outcomes))
    }

    func randomCommand(_ t: Till, _ r: inout Rng, _ sales: [CompletedSale]) -> Command {
        let pins = [Till.cashierPIN, Till.supervisorPIN, Till.technicianPIN, "0000"]
        let lines = t.state.openSale?.lines.count ?? 0
        // The terminal mostly answers soon; meanwhile the register refuses whatever else comes.
        if let pending = t.state.pendingCardAuthorisation, r.below(3) > 0 { return terminalAnswer(pending, &r) }
        switch r.below(47) {
        case 0: return .login(pin: r.pick(pins))
        case 1: return .openShift(float: Int64(r.below(20_000)))
        case 2: return .closeShift(counted: Int64(r.below(50_000)))
        case 3, 4, 5, 6: return .scan(code: r.pick(["1", "2", "3", "6400000000019", "x", "9"]), quantity: Int64(r.below(4)))
        case 7: return .addItem("candy", quantity: Int64(r.below(900)) + 1)
        case 8: return .scan(code: Barcode.withCheckDigit("2310001" + String(10000 + r.below(80000)).suffix(5)), quantity: nil)
        case 9:
            let line = r.below(max(1, lines + 1))
            return r.below(2) == 0 ? .voidLine(line) : .setQuantity(line: line, quantity: Int64(r.below(5)))
        case 10: return .discountLine(r.below(max(1, lines)), r.pick([.percent(500), .percent(3000), .amount(50), nil]),
                                      override: r.below(2) == 0 ? Till.supervisorPIN : nil)
        case 11: return .discountReceipt(r.pick([.percent(1000), .amount(199), nil]), override: r.pick([nil, Till.supervisorPIN]))
        case 12: return .overridePrice(line: r.below(max(1, lines)), unitPrice: Int64(r.below(2000)), override: r.pick([nil, Till.supervisorPIN]))
        case 13, 14, 15: return .tender(Tender(kind: r.pick([.cash, .cash, .card]), amount: Int64(r.below(3000)) + 1))
        case 16: return .complete
        case 17: return .cancel(override: r.pick([nil, Till.supervisorPIN]))
        case 18: return .park
        case 19: return .resume(parkID: t.state.parked.keys.first ?? 1)
        case 20:
            guard let sale = sales.isEmpty ? nil : r.pick(sales) else { return .total }
            let line = r.below(sale.lines.count)
            return .refund(original: sale, lines: [RefundRequestLine(line: line, quantity: Int64(r.below(3)) + 1)],
                           tender: r.pick([.cash, .card, .voucher]), override: r.pick([nil, Till.supervisorPIN]))
        case 21: return .moveCash(r.pick([.cashIn, .cashOut]), amount: Int64(r.below(5000)), reason: "float")
        case 22: return r.below(3) == 0 ? .closeDay : .noSale(override: Till.supervisorPIN)
        case 23: return .total
        case 24..<32: return .scan(code: r.pick(["1", "2", "3"]), quantity: Int64(r.below(3)) + 1)
        case 44: return .sellVoucher(amount: Int64(r.below(5000)) + 1)
        case 45, 46:
            // A voucher of this register (spent or not), now and then one mistyped, by code or scan.
            let codes = t.state.vouchers.keys.sorted()
            let code = codes.isEmpty || r.below(8) == 0 ? "V-R1-0001-0" : r.pick(codes)
            if r.below(3) == 0 { return .scan(code: code, quantity: nil) }
            return .tenderVoucher(code: code, amount: r.pick([nil, nil, Int64(r.below(3000)) + 1]))
        case 40..<44:
            if let pending = t.state.pendingCardAuthorisation { return terminalAnswer(pending, &r) }
            let due = (try? t.state.openSale?.totals(.inclusive).total) ?? 0
            return .requestCardAuthorisation(amount: max(1, due - Int64(r.below(300))), requestKey: r.pick([nil, "k"]))
        default:
            let due = (try? t.state.openSale?.totals(.inclusive).total) ?? 0
            return .tender(Tender(kind: r.pick([.cash, .card]), amount: max(1, (due ?? 0) + Int64(r.below(500)) - 250)))
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func replayRebuildsTheSameStateAndMoneyAlwaysBalances(seed: UInt64) throws {
        var t = Till()
        var r = Rng(s: seed)
        var sales: [CompletedSale] = []
        var refunds: [CompletedRefund] = []
        var dayGross: Int64 = 0
        var dayRefunds: Int64 = 0
        var accepted = 0
        var cardCharges = 0
        for _ in 0..<6_000 {
            let command = randomCommand(t, &r, sales)
            let d = t.state.decide(command, t.env, t.ctx)
            t.record(d.events)
            t.ctx.now.milliseconds += 1000
            if d.refusal == nil { accepted += 1 }
            for e in d.events {
                switch e {
                case .saleCompleted(let s):
                    let paid = s.tenders.reduce(0) { $0 + $1.amount }
                    #expect(paid - s.change == s.total + s.rounding)
                    #expect(s.change >= 0)
                    #expect(s.tenders.filter { $0.kind != .cash }.reduce(0) { $0 + $1.amount } <= s.total)
                    // Gift vouchers sold are in the total, in no VAT row and no revenue.
                    #expect(s.breakdown.reduce(0) { $0 + $1.gross } == s.total - s.vouchersSold)
                    if !s.training {
                        sales.append(s)
                        dayGross += s.total - s.vouchersSold
                    }
                case .refundCompleted(let rf):
                    refunds.append(rf)
                    if !rf.training { dayRefunds += rf.total - rf.vouchersRefunded }
                case .cardAuthorisationResolved(_, let outcome):
                    if outcome.charged { cardCharges += 1 }
                case .dayClosed(let z):
                    #expect(z.counters.salesGross == dayGross)
                    #expect(z.counters.refundsGross == dayRefunds)
                    #expect(z.counters.netTotal == dayGross - dayRefunds)
                    dayGross = 0
                    dayRefunds = 0
                default: break
                }
            }
        }
        #expect(accepted > 1000, "the sequence should mostly do real work")
        #expect(sales.count > 200)
        #expect(!refunds.isEmpty)
        #expect(cardCharges > 20, "card payments through the terminal are part of the mix")
        // Never more refunded than sold, per receipt.
        for s in sales {
            let back = refunds.filter { $0.originalReceipt == s.receiptNumber && !$0.training }.reduce(0) { $0 + $1.total }
            #expect(back <= s.total)
        }
        // Vouchers were sold and spent; no balance ever went below zero or strayed from its history.
        #expect(t.state.vouchers.values.contains { !$0.redemptions.isEmpty })
        for v in t.state.vouchers.values {
            #expect(v.balance >= 0)
            let spent = v.redemptions.reduce(0) { $0 + $1.amount }
            #expect(v.voidedByRefund != nil ? v.balance == 0 : v.balance == v.issue.amount - spent)
        }
        // Replaying the recorded events, through the journal codec, rebuilds exactly the same state.
        let decoded = try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) }
        #expect(decoded == t.journal)
        #expect(try RegisterState.replay(decoded) == t.state)
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
    }

    @Test func aTruncatedOrCorruptedPayloadIsATypedErrorNeverATrap() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.tender(Tender(kind: .cash, amount: 1000)))
        let bytes = EventCodec.encode(.saleCompleted(t.lastSale!))
        for cut in 0..<bytes.count {
            #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes[..<cut])) }
        }
        var r = Rng(s: 9)
        for _ in 0..<2000 {
            var b = bytes
            b[r.below(b.count)] ^= UInt8(1 << r.below(8))
            _ = try? EventCodec.decode(b)
        }
        #expect(throws: CodecError.self) { try EventCodec.decode(bytes + [0]) }
    }
}

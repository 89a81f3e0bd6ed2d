import Testing
@testable import KassaCore

/// No amount that enters can crash the register or make it unusable: each kind has a limit,
/// and what goes over it is refused before anything is recorded.
@Suite("Amount limits")
struct AmountLimitTests {
    static let huge = Int64.max

    /// Every event the register decided folds onto its state, so the journal can always be replayed.
    func expectFolds(_ t: Till, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect((try? try RegisterState.replay(t.journal)) == t.state, "the journal replays", sourceLocation: sourceLocation)
    }

    @Test func aHugeCashTenderAfterACardPartPaymentIsRefused() {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 100, reference: "T1")))
        let refusal = t.run(.tender(Tender(kind: .cash, amount: Self.huge)))
        #expect(refusal == .overLimit(.tender, limit: RegisterConfig().limits.tenderAboveDue))
        // What is due can still be paid, with change up to the limit.
        t.must(.tender(Tender(kind: .cash, amount: 1000)))
        #expect(t.lastSale?.change == 750)
        expectFolds(t)
    }

    @Test func cashInAndOutAboveTheLimitAreRefusedEveryTime() {
        var t = Till()
        t.cashierWithOpenShift()
        let limit = RegisterConfig().limits.cashMovement
        #expect(t.run(.moveCash(.cashOut, amount: Self.huge, reason: "bank")) == .overLimit(.cashMovement, limit: limit))
        #expect(t.run(.moveCash(.cashOut, amount: Self.huge, reason: "bank")) == .overLimit(.cashMovement, limit: limit))
        #expect(t.run(.moveCash(.cashIn, amount: limit + 1, reason: "bank")) == .overLimit(.cashMovement, limit: limit))
        t.must(.moveCash(.cashOut, amount: limit, reason: "bank"))
        t.must(.moveCash(.cashOut, amount: limit, reason: "bank"))
        expectFolds(t)
    }

    @Test func aFloatAboveTheLimitIsRefusedAndCashSalesGoOn() {
        var t = Till()
        t.must(.login(pin: Till.cashierPIN))
        let limit = RegisterConfig().limits.float
        #expect(t.run(.openShift(float: Self.huge)) == .overLimit(.float, limit: limit))
        t.must(.openShift(float: limit))
        for _ in 0..<3 {
            t.must(.scan(code: "1", quantity: 1))
            t.must(.tender(Tender(kind: .cash, amount: 500)))
        }
        #expect(t.state.shift?.expectedCash == limit + 3 * 350)
        #expect(t.run(.closeShift(counted: Self.huge)) == .invalidAmount("the counted cash is more than any drawer holds"))
        expectFolds(t)
    }

    @Test func aVoucherAboveTheLimitIsRefusedAndCardSalesGoOn() {
        var t = Till()
        t.cashierWithOpenShift()
        let limit = RegisterConfig().limits.voucher
        #expect(t.run(.sellVoucher(amount: Self.huge)) == .overLimit(.voucher, limit: limit))
        t.must(.sellVoucher(amount: limit))
        t.must(.tender(Tender(kind: .card, amount: limit, reference: "typed 1234")))
        for _ in 0..<3 {
            t.must(.scan(code: "1", quantity: 1))
            t.must(.tender(Tender(kind: .card, amount: 350, reference: "T")))
        }
        #expect(t.state.day.tenders[.card] == limit + 3 * 350)
        expectFolds(t)
    }

    @Test func aPriceOverrideAboveTheLimitIsRefusedAndTheRegisterSellsOnAfterAZ() {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        let limits = RegisterConfig().limits
        #expect(t.run(.overridePrice(line: 0, unitPrice: Self.huge, override: Till.supervisorPIN))
                == .overLimit(.price, limit: limits.price))
        #expect(t.run(.overridePrice(line: 0, unitPrice: limits.price + 1, override: Till.supervisorPIN))
                == .overLimit(.price, limit: limits.price))
        t.must(.overridePrice(line: 0, unitPrice: limits.price, override: Till.supervisorPIN))
        t.must(.tender(Tender(kind: .card, amount: limits.price, reference: "T")))
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.closeShift(counted: 10_000))
        t.must(.closeDay)
        t.must(.openShift(float: 10_000))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .cash, amount: 500)))
        #expect(t.state.grandTotalSales == limits.price + 350)
        expectFolds(t)
    }

    @Test func aLineAndASaleAboveTheirLimitsAreRefused() {
        var limits = AmountLimits()
        limits.line = 1000
        limits.sale = 2000
        var t = Till(config: RegisterConfig(limits: limits))
        t.cashierWithOpenShift()
        #expect(t.run(.scan(code: "1", quantity: 3)) == .overLimit(.line, limit: 1000))
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "1", quantity: 2))
        #expect(t.run(.scan(code: "1", quantity: 2)) == .overLimit(.sale, limit: 2000))
        #expect(t.run(.addItem("mug", quantity: 1)) == .overLimit(.line, limit: 1000))
        #expect(t.state.openSale?.lines.count == 2)
    }

    @Test func theLimitsHaveSaneDefaultsWithinTheCeiling() {
        let limits = AmountLimits()
        for kind in AmountLimit.allCases {
            #expect((1...AmountLimits.ceiling).contains(limits[kind]), "\(kind)")
        }
        #expect(limits.price <= limits.line && limits.line <= limits.sale)
    }
}

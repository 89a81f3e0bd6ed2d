import Testing
@testable import KassaCore

@Suite("Refunds")
struct RefundTests {
    /// Sells 3 coffees and a mug with a 10 % receipt discount, paid by card; returns the receipt.
    func soldReceipt(_ t: inout Till) -> CompletedSale {
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 3))
        t.must(.scan(code: "3", quantity: 1))
        t.must(.discountReceipt(.percent(1000), override: nil))
        let due = try! t.state.openSale!.totals(.inclusive).total
        t.must(.tender(Tender(kind: .card, amount: due, reference: "T-9")))
        return t.lastSale!
    }

    @Test func aRefundNeedsASupervisor() throws {
        var t = Till()
        let sale = soldReceipt(&t)
        let lines = [RefundRequestLine(line: 0, quantity: 1)]
        #expect(t.run(.refund(original: sale, lines: lines, tender: .cash, override: nil)) == .supervisorRequired(.refund))
        t.must(.refund(original: sale, lines: lines, tender: .cash, override: Till.supervisorPIN))
        #expect(t.lastRefund!.authorisedBy == "sami")
    }

    @Test func aPreviewShowsWhatTheRefundWillPayBackAndRecordsNothing() throws {
        var t = Till()
        let sale = soldReceipt(&t)
        let lines = [RefundRequestLine(line: 0, quantity: 2), RefundRequestLine(line: 1, quantity: 1)]
        let before = t.state
        let preview = try t.state.refundPreview(sale, lines, t.env.config, t.ctx)
        #expect(t.state == before)
        t.must(.refund(original: sale, lines: lines, tender: .card, override: Till.supervisorPIN))
        #expect(preview.total == t.lastRefund!.total && preview.lines == t.lastRefund!.lines)
        // Nothing is left of line 0's third coffee but one: the preview refuses as the refund would.
        #expect(throws: Refusal.refundExceedsSale(line: 0, refundable: 1)) {
            try t.state.refundPreview(sale, [RefundRequestLine(line: 0, quantity: 2)], t.env.config, t.ctx)
        }
    }

    @Test func refundCannotExceedWhatWasSoldMinusEarlierRefunds() throws {
        var t = Till()
        let sale = soldReceipt(&t)
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 2)], tender: .card, override: Till.supervisorPIN))
        #expect(t.run(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 2)], tender: .card,
                              override: Till.supervisorPIN)) == .refundExceedsSale(line: 0, refundable: 1))
        #expect(t.run(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1), RefundRequestLine(line: 0, quantity: 1)],
                              tender: .card, override: Till.supervisorPIN)) == .refundExceedsSale(line: 0, refundable: 1))
    }

    @Test func partialRefundsAddUpExactlyToWhatWasPaid() throws {
        var t = Till()
        let sale = soldReceipt(&t)
        var refundedGross: Int64 = 0
        var refundedTax: Int64 = 0
        for _ in 0..<3 {
            t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: Till.supervisorPIN))
            refundedGross += t.lastRefund!.total
            refundedTax += t.lastRefund!.breakdown.reduce(0) { $0 + $1.tax }
        }
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 1, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        refundedGross += t.lastRefund!.total
        refundedTax += t.lastRefund!.breakdown.reduce(0) { $0 + $1.tax }
        #expect(refundedGross == sale.total)
        #expect(refundedTax == sale.breakdown.reduce(0) { $0 + $1.tax })
        #expect(t.state.day.netTotal == 0)
    }

    @Test func aRefundUsesTheOriginalRateAndPriceWhateverTheyAreToday() throws {
        var t = Till()
        t.ctx.today = CivilDate(year: 2025, month: 12, day: 31)
        let sale = soldReceipt(&t)
        #expect(sale.lines[0].taxBasisPoints == 1400)
        // The next year: the food rate is 13.5 % and coffee costs more.
        t.ctx.today = CivilDate(year: 2026, month: 1, day: 2)
        var catalog = t.env.catalog
        var dearer = Till.coffee
        dearer.price = 400
        try catalog.upsert(dearer)
        t.env.catalog = catalog
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 3)], tender: .card, override: Till.supervisorPIN))
        let r = t.lastRefund!
        #expect(r.lines[0].taxBasisPoints == 1400)
        #expect(r.total == sale.priced[0]!.gross)
    }

    @Test func aCashRefundIsRoundedAndTheRoundingReported() throws {
        var t = Till()
        let sale = soldReceipt(&t)
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
        let r = t.lastRefund!
        #expect(r.paidOut == CashRounding.finland.round(r.total))
        #expect(r.rounding == r.paidOut - r.total)
        #expect(t.state.shift!.expectedCash == 10_000 - r.paidOut)
    }

    @Test func anUnknownReceiptCannotBeRefunded() throws {
        var t = Till()
        var sale = soldReceipt(&t)
        sale.receiptNumber = 42
        #expect(t.run(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card,
                              override: Till.supervisorPIN)) == .unknownReceipt(42))
    }
}

@Suite("Tax breakdown")
struct TaxBreakdownTests {
    func line(_ price: Int64, _ qty: Int64 = 1, bp: Int, cls: TaxClassID) -> SaleLine {
        SaleLine(itemID: "x", name: "x", department: "", unit: .piece, quantity: qty, unitPrice: price, catalogPrice: price,
                 taxClass: cls, taxBasisPoints: bp)
    }

    @Test func inclusiveTaxIsComputedOncePerRateOnTheReceiptSum() throws {
        // Three 0.99 lines at 25.5 %: per-line tax would be 0.20 each (0.60); on the sum 2.97 it is 0.60 too,
        // but 1.01 + 1.01: per line 0.21 + 0.21 = 0.42, on the sum 2.02 × 25.5/125.5 = 0.4104 → 0.41.
        let totals = try SaleTotals.compute(lines: [line(101, bp: 2550, cls: "A"), line(101, bp: 2550, cls: "A")],
                                            receiptDiscount: nil, priceMode: .inclusive)
        #expect(totals.breakdown == [TaxBreakdownLine(taxClass: "A", basisPoints: 2550, net: 161, tax: 41, gross: 202)])
        #expect(totals.lines.compactMap { $0?.tax }.reduce(0, +) == 41)
    }

    @Test func theBreakdownAlwaysAddsUpToTheTotal() throws {
        var seed = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            var lines: [SaleLine] = []
            for _ in 0..<(1 + Int(next(&seed) % 8)) {
                let rates: [(TaxClassID, Int)] = [("A", 2550), ("B", 1350), ("C", 1000), ("Z", 0)]
                let r = rates[Int(next(&seed) % 4)]
                var l = line(Int64(next(&seed) % 5000) + 1, Int64(next(&seed) % 5) + 1, bp: r.1, cls: r.0)
                if next(&seed) % 3 == 0 { l.discount = .percent(Int(next(&seed) % 5000) + 1) }
                lines.append(l)
            }
            let rd: Discount? = next(&seed) % 2 == 0 ? .amount(Int64(next(&seed) % 300) + 1) : nil
            for mode in PriceMode.allCases {
                let t = try SaleTotals.compute(lines: lines, receiptDiscount: rd, priceMode: mode)
                #expect(t.breakdown.reduce(0) { $0 + $1.gross } == t.total)
                for b in t.breakdown { #expect(b.net + b.tax == b.gross) }
                #expect(t.lines.compactMap { $0?.gross }.reduce(0, +) == t.total)
                #expect(t.lines.compactMap { $0?.tax }.reduce(0, +) == t.breakdown.reduce(0) { $0 + $1.tax })
            }
        }
    }

    @Test func exclusivePricesHaveTaxAddedOnTop() throws {
        let totals = try SaleTotals.compute(lines: [line(1000, bp: 2550, cls: "A")], receiptDiscount: nil, priceMode: .exclusive)
        #expect(totals.total == 1255)
        #expect(totals.breakdown[0].net == 1000)
        #expect(totals.breakdown[0].tax == 255)
    }

    @Test func aReceiptDiscountIsSpreadSoTheSharesAddUpExactly() throws {
        let totals = try SaleTotals.compute(lines: [line(100, bp: 2550, cls: "A"), line(100, bp: 1350, cls: "B"),
                                                    line(100, bp: 1000, cls: "C")],
                                            receiptDiscount: .amount(100), priceMode: .inclusive)
        #expect(totals.total == 200)
        #expect(totals.lines.map { $0!.receiptDiscount } == [34, 33, 33])
    }

    @Test func largestRemainderSplitsEvenlyWhenAllWeightsAreZero() throws {
        #expect(try Allocation.largestRemainder(10, weights: [0, 0, 0]) == [4, 3, 3])
        #expect(try Allocation.largestRemainder(-10, weights: [1, 1, 1]) == [-4, -3, -3])
    }

    func next(_ random: inout SplitMix64) -> UInt64 { random.next() }
}

@Suite("Shifts, drawer and the day")
struct DayTests {
    @Test func blindCloseRecordsOverAndShort() throws {
        var t = Till()
        t.cashierWithOpenShift(float: 15_000)
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))  // 3.50 in cash
        t.must(.moveCash(.cashOut, amount: 1000, reason: "bank"))
        #expect(t.run(.moveCash(.cashIn, amount: 500, reason: "  ")) == .reasonRequired)
        let events = t.must(.closeShift(counted: 17_000))
        #expect(events == [.shiftClosed(number: 1, counted: 17_000, expected: 14_350, by: "anna", at: t.ctx.now.advanced(-1000))])
        #expect(t.state.shift == nil)
    }

    @Test func noSaleOpensTheDrawerOnlyWithASupervisor() throws {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.noSale(override: nil)) == .supervisorRequired(.noSale))
        t.must(.noSale(override: Till.supervisorPIN))
        #expect(t.state.day.noSales == 1)
    }

    @Test func zReportClosesTheDayWithAGapFreeNumberAndTheDaysFigures() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.tender(Tender(kind: .cash, amount: 1000)))
        t.must(.scan(code: "3", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        let sale = t.lastSale!
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: nil))
        t.must(.closeShift(counted: 10_700))
        let x = t.state.xReport(registerID: "R1")
        let events = t.must(.closeDay)
        guard case .dayClosed(let z)? = events.first else {
            Issue.record("no Z")
            return
        }
        #expect(z.number == 1)
        #expect(z.counters == x.counters)
        #expect(z.counters.salesCount == 2)
        #expect(z.counters.refundsCount == 1)
        #expect(z.counters.salesGross == 1990)
        #expect(z.counters.netTotal == 700)
        #expect(z.counters.tenders == [.cash: 700, .card: 1290])
        #expect(z.counters.salesByTax[TaxKey(taxClass: "A", basisPoints: 2550)]?.gross == 1290)
        #expect(z.grandTotalSales == 1990)
        // The next day starts from zero; the grand total never does.
        #expect(t.state.day == ReportCounters())
        t.must(.login(pin: Till.cashierPIN))
        t.must(.openShift(float: 0))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 350)))
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.closeShift(counted: 0))
        guard case .dayClosed(let z2)? = t.must(.closeDay).first else { return }
        #expect(z2.number == 2)
        #expect(z2.grandTotalSales == 2340)
    }

    @Test func trainingSalesAreMarkedAndNeverCounted() throws {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.setTraining(true, override: nil)) == .supervisorRequired(.trainingMode))
        t.must(.setTraining(true, override: Till.supervisorPIN))
        t.must(.scan(code: "3", quantity: 1))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        let sale = t.lastSale!
        #expect(sale.training)
        #expect(sale.receiptNumber == 1)
        #expect(t.state.lastReceipt == 0)
        #expect(t.state.day == ReportCounters())
        #expect(t.state.shift!.expectedCash == 10_000)
        t.must(.setTraining(false, override: Till.supervisorPIN))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 350)))
        #expect(t.lastSale!.receiptNumber == 1)
        #expect(!t.lastSale!.training)
    }

    /// Training receipt 1 and real receipt 1 both exist: each mode reaches only its own.
    @Test func trainingAndRealReceiptsNeverReachEachOther() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 350)))
        let real = try #require(t.lastSale)
        #expect(try t.state.receiptsReachable(asked: nil) == false)
        #expect(throws: Refusal.trainingModeMismatch) { try t.state.receiptsReachable(asked: true) }
        #expect(t.run(.reprint(.receipt(number: 1, training: true))) == .trainingModeMismatch)

        t.must(.setTraining(true, override: Till.supervisorPIN))
        t.must(.scan(code: "3", quantity: 1))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        #expect(try t.state.receiptsReachable(asked: nil) == true)
        #expect(throws: Refusal.trainingModeMismatch) { try t.state.receiptsReachable(asked: false) }
        #expect(t.run(.reprint(.receipt(number: 1, training: false))) == .trainingModeMismatch)
        #expect(t.must(.reprint(.receipt(number: 1, training: true))).count == 1)
        // A refund in training of the real receipt 1 is refused.
        #expect(t.run(.refund(original: real, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
                == .trainingModeMismatch)
    }
}

extension Timestamp {
    func advanced(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + ms) }
}

import Testing
@testable import KassaCore

/// Reports read from the journal's payloads (`add(tag:payload:recordTime:)`, which decodes only
/// what a report reads) are exactly the reports of the fully decoded events.
@Suite("Sales reports from journal payloads")
struct SalesReportPayloadTests {
    /// Sixty days of trading at the till of the fixtures: promotions, line and receipt
    /// discounts, voids, price overrides, parked and resumed sales, cancellations, training
    /// sales, gift vouchers sold and paid with, card and cash, refunds of goods and of a
    /// voucher, two operators, a Z closing every night but one; then the random year of
    /// `SalesReportTests` after it.
    static func history() -> [(RegisterEvent, Timestamp)] {
        var t = Till()
        var out: [(RegisterEvent, Timestamp)] = t.journal.map { ($0, t.ctx.now) }
        @discardableResult
        func run(_ c: Command) -> Refusal? {
            let at = t.ctx.now
            let before = t.journal.count
            let refusal = t.run(c)
            out += t.journal[before...].map { ($0, at) }
            return refusal
        }
        func pay(_ kind: TenderKind) {
            let due = try! t.state.openSale!.totals(.inclusive).total
            run(.tender(Tender(kind: kind, amount: kind == .card ? due : (due / 500 + 1) * 500)))
        }
        t.ctx.now = Timestamp(milliseconds: 1_767_218_400_000)  // 2025-12-31 22:00 UTC, midnight in Helsinki
        run(.login(pin: Till.supervisorPIN))
        run(.setPromotion(Promotion(id: "buns", name: "Pulla -10%", target: .items(["bun"]), rule: .percentOff(1000)), override: nil))
        var random = SplitMix64(seed: 18)
        var voucher: String?
        for day in 0..<60 {
            t.ctx.now = Timestamp(milliseconds: 1_767_218_400_000 + Int64(day) * 86_400_000 + 9 * 3_600_000)
            t.ctx.today = CivilDate(daysSinceEpoch: CivilDate(year: 2026, month: 1, day: 1).daysSinceEpoch + Int64(day))
            run(.logout)
            run(.login(pin: day % 2 == 0 ? Till.cashierPIN : Till.supervisorPIN))
            run(.openShift(float: 10_000))
            for n in 0..<12 {
                t.ctx.now.milliseconds += Int64(random.next(below: 2_400_000))
                let training = n == 5 && day % 3 == 0
                if training { run(.setTraining(true, override: Till.supervisorPIN)) }
                for item in [Till.coffee, Till.bun, Till.mug, Till.candy].prefix(1 + random.next(below: 4)) {
                    run(.addItem(item.id, quantity: item.unit == .piece ? Int64(1 + random.next(below: 3)) : Int64(50 + random.next(below: 400))))
                }
                switch n {
                case 1: run(.discountLine(0, .percent(1500), override: Till.supervisorPIN))
                case 2: run(.discountReceipt(.amount(100), override: Till.supervisorPIN))
                case 3: run(.overridePrice(line: 0, unitPrice: 99, override: Till.supervisorPIN))
                case 4: run(.voidLine(0))
                case 6:
                    run(.park)
                    run(.addItem(Till.mug.id, quantity: 1))
                    pay(.cash)
                    run(.resume(parkID: t.state.parked.keys.min()!))
                case 7: run(.sellVoucher(amount: 2000))
                case 8: if let voucher { run(.tenderVoucher(code: voucher, amount: nil)) }
                default: break
                }
                if n == 9 && day % 4 == 1 {
                    run(.cancel(override: Till.supervisorPIN))
                } else if t.state.openSale != nil {
                    pay(n % 3 == 0 ? .card : .cash)
                }
                if training { run(.setTraining(false, override: Till.supervisorPIN)) }
                if n == 7 { voucher = t.state.vouchers.values.filter { $0.balance > 0 }.map(\.code).min() }
                if n == 10, let sale = t.lastSale, !sale.training {
                    // A piece of the sale just made goes back.
                    let line = sale.lines.indices.first { !sale.lines[$0].voided && sale.lines[$0].unit == .piece }!
                    run(.refund(original: sale, lines: [RefundRequestLine(line: line, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
                }
            }
            // A receipt of a gift voucher alone, taken back now and then.
            run(.sellVoucher(amount: 1500))
            pay(.cash)
            if day % 5 == 0, let sold = t.lastSale {
                run(.refund(original: sold, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
            }
            run(.closeShift(counted: 10_000))
            // No Z closing on day 17: the next one covers two days.
            if day != 17 {
                run(.logout)
                run(.login(pin: Till.supervisorPIN))
                run(.closeDay)
            }
        }
        return out + SalesReportTests.trading(seed: 7, sales: 300)
    }

    static func fromEvents(_ events: [(RegisterEvent, Timestamp)], _ query: (SalesGrouping, CivilDate?, CivilDate?)) -> SalesReport {
        var b = SalesReportBuilder(grouping: query.0, from: query.1, to: query.2, utcOffsetSeconds: SalesReportTests.helsinki)
        for (e, at) in events where SalesReportBuilder.wants(e.tag) { b.add(e, recordTime: at) }
        return b.report()
    }

    static func fromPayloads(_ events: [(RegisterEvent, Timestamp)], _ query: (SalesGrouping, CivilDate?, CivilDate?)) throws -> SalesReport {
        var b = SalesReportBuilder(grouping: query.0, from: query.1, to: query.2, utcOffsetSeconds: SalesReportTests.helsinki)
        for (e, at) in events where SalesReportBuilder.wants(e.tag) {
            try EventCodec.encode(e).withUnsafeBytes { bytes in try b.add(tag: e.tag, payload: bytes, recordTime: at) }
        }
        return b.report()
    }

    @Test func theHistoryHoldsEveryKindOfSaleAReportTellsApart() {
        let events = Self.history().map(\.0)
        let sales = events.compactMap { if case .saleCompleted(let s) = $0 { return s }; return nil }
        let refunds = events.compactMap { if case .refundCompleted(let r) = $0 { return r }; return nil }
        #expect(sales.contains { !$0.promotions.isEmpty })
        #expect(sales.contains { $0.lines.contains { $0.discount != nil } })
        #expect(sales.contains { $0.receiptDiscount != nil })
        #expect(sales.contains { $0.lines.contains { $0.voided } })
        #expect(sales.contains { $0.lines.contains { $0.unitPrice != $0.catalogPrice } })
        #expect(sales.contains { $0.training })
        #expect(sales.contains { $0.soldOnlyVouchers })
        #expect(sales.contains { $0.tenders.contains { $0.kind == .voucher } })
        #expect(sales.contains { $0.lines.contains { $0.unit == .weight } })
        #expect(refunds.contains { $0.refundedOnlyVouchers })
        #expect(refunds.contains { !$0.refundedOnlyVouchers })
        #expect(events.contains { if case .saleResumed = $0 { return true }; return false })
        #expect(events.contains { if case .saleCancelled = $0 { return true }; return false })
        #expect(events.filter { if case .dayClosed = $0 { return true }; return false }.count == 59)
    }

    @Test(arguments: SalesGrouping.allCases)
    func payloadsGiveExactlyTheReportOfDecodedEvents(_ by: SalesGrouping) throws {
        let events = Self.history()
        let jan = CivilDate(year: 2026, month: 1, day: 1)
        for (from, to) in [(nil, nil), (jan, CivilDate(year: 2027, month: 1, day: 1)), (CivilDate(year: 2026, month: 1, day: 18), CivilDate(year: 2026, month: 2, day: 9))] {
            let expected = Self.fromEvents(events, (by, from, to))
            #expect(!expected.rows.isEmpty)
            #expect(try Self.fromPayloads(events, (by, from, to)) == expected)
        }
    }

    @Test func aPayloadOfAnotherEventIsRefused() {
        var b = SalesReportBuilder(grouping: .day, from: nil, to: nil) { _ in 0 }
        let payload = EventCodec.encode(.saleParked(parkID: 1))
        #expect(throws: CodecError.self) {
            try payload.withUnsafeBytes { try b.add(tag: .saleResumed, payload: $0, recordTime: Timestamp(milliseconds: 0)) }
        }
    }
}

@testable import KassaCore
import Testing

/// Scheduled promotions: which lines they apply to, what they take off, and that the sale keeps
/// what was in force when each line was rung up.
@Suite("Promotions")
struct PromotionTests {
    // Till: coffee 3.50 and bun 2.95 in department Café, mug 12.90 in Gifts, candy 15.90/kg.
    static let happyHour = Promotion(id: "happy-hour", name: "Happy hour -20%",
                                     window: PromotionWindow(startMinute: 16 * 60, endMinute: 17 * 60),
                                     target: .items(["coffee"]), rule: .percentOff(2000))

    /// A till with the cashier selling, the promotions set up by the supervisor, at `hh:mm`.
    func till(_ promotions: [Promotion], at hour: Int = 12, _ minute: Int = 0) -> Till {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        for p in promotions { t.must(.setPromotion(p, override: nil)) }
        t.must(.logout)
        t.cashierWithOpenShift()
        t.ctx.minuteOfDay = hour * 60 + minute
        return t
    }

    func pay(_ t: inout Till) -> CompletedSale? {
        let due = (try? t.state.openSale?.totals(.inclusive).total) ?? 0
        t.must(.tender(Tender(kind: .card, amount: due)))
        return t.lastSale
    }

    // MARK: The time window

    @Test func aHappyHourThatEndsAt17StopsAt17() throws {
        var t = till([Self.happyHour], at: 16, 59)
        t.must(.scan(code: "1", quantity: 1))
        t.ctx.minuteOfDay = 17 * 60
        t.must(.scan(code: "1", quantity: 1))
        let sale = try #require(pay(&t))
        // 3.50 − 20 % = 2.80 for the first coffee; the second, rung up at 17:00, costs 3.50.
        #expect(sale.total == 280 + 350)
        #expect(sale.promotions == [AppliedPromotion(id: "happy-hour", name: "Happy hour -20%", amount: 70,
                                                     lines: [.init(line: 0, amount: 70)])])
        #expect(sale.priced[1]?.promotion == 0)
    }

    @Test func itStartsAt16WithNobodyActing() {
        var t = till([Self.happyHour], at: 15, 59)
        t.must(.scan(code: "1", quantity: 1))
        t.ctx.minuteOfDay = 16 * 60
        t.must(.scan(code: "1", quantity: 1))
        #expect(t.state.openSale?.offers.keys.sorted() == [1])
        #expect(try! t.state.openSale!.totals(.inclusive).total == 350 + 280)
    }

    @Test func aLineKeepsThePriceItWasRungUpWithWhenPaidAfterTheEnd() throws {
        var t = till([Self.happyHour], at: 16, 59)
        t.must(.scan(code: "1", quantity: 2))
        t.ctx.minuteOfDay = 17 * 60 + 1
        // Changing or removing the promotion now does not reach back into the open sale either.
        t.must(.logout)
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.removePromotion(id: "happy-hour", override: nil))
        #expect(t.state.promotions.isEmpty)
        let sale = try #require(pay(&t))
        #expect(sale.total == 560)
    }

    @Test(arguments: [
        // (date, minute, in force?) for weekdays Mon–Fri, 1–28 Feb 2026, 22:00–02:00 over midnight.
        ("2026-02-02", 22 * 60, true), ("2026-02-02", 1 * 60 + 59, true), ("2026-02-02", 2 * 60, false),
        ("2026-02-02", 21 * 60 + 59, false), ("2026-02-07", 23 * 60, false), ("2026-02-08", 23 * 60, false),
        ("2026-01-31", 23 * 60, false), ("2026-02-27", 23 * 60, true), ("2026-03-02", 23 * 60, false),
    ])
    func windowsHaveDatesWeekdaysAndHours(date: String, minute: Int, inForce: Bool) {
        let w = PromotionWindow(from: CivilDate("2026-02-01"), until: CivilDate("2026-02-28"), weekdays: [1, 2, 3, 4, 5],
                                startMinute: 22 * 60, endMinute: 2 * 60)
        #expect(w.contains(date: CivilDate(date)!, minute: minute) == inForce)
    }

    // MARK: The rules

    @Test func amountOffIsPerPieceAndPerKilogram() throws {
        let p = Promotion(id: "sweets", name: "Sweets -1.00", target: .items(["coffee", "candy"]), rule: .amountOff(100))
        var t = till([p])
        t.must(.scan(code: "1", quantity: 3))           // 3 × 3.50 − 3 × 1.00
        t.must(.addItem("candy", quantity: 250))         // 0.250 kg × 15.90 = 3.98, − 0.25 × 1.00
        let sale = try #require(pay(&t))
        #expect(sale.promotions.first?.lines == [.init(line: 0, amount: 300), .init(line: 1, amount: 25)])
        #expect(sale.total == 750 + 373)
    }

    @Test func buyTwoGetOneFreeGivesTheCheapestOfEachThreeAway() throws {
        let p = Promotion(id: "cafe3", name: "Café 3 for 2", target: .department("Café"), rule: .buyGetFree(buy: 2, free: 1))
        var t = till([p])
        t.must(.scan(code: "1", quantity: 2))   // coffee 3.50 × 2
        t.must(.scan(code: "2", quantity: 2))   // bun 2.95 × 2
        // Most expensive first: coffee, coffee, bun | bun. The first group's bun is free; the last
        // bun has no group and pays.
        let sale = try #require(pay(&t))
        #expect(sale.promotions == [AppliedPromotion(id: "cafe3", name: "Café 3 for 2", amount: 295, lines: [.init(line: 1, amount: 295)])])
        #expect(sale.total == 700 + 590 - 295)
    }

    @Test func nForAPriceMixesItemsAndSpreadsTheSavingByPrice() throws {
        let p = Promotion(id: "cafe-deal", name: "Any 3 for 9.00", target: .department("Café"), rule: .bundlePrice(count: 3, price: 900))
        var t = till([p])
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "2", quantity: 1))
        t.must(.scan(code: "3", quantity: 1))   // the mug is in Gifts: not part of it
        let sale = try #require(pay(&t))
        // 3.50 + 3.50 + 2.95 = 9.95 for 9.00: 0.95 off, split 3.50 : 3.50 : 2.95.
        let applied = try #require(sale.promotions.first)
        #expect(applied.amount == 95)
        #expect(applied.lines.map(\.amount).reduce(0, +) == 95)
        #expect(applied.lines.map(\.line) == [0, 1])
        #expect(sale.total == 900 + 1290)
    }

    @Test func aBundleThatWouldCostMoreThanThePiecesTakesNothingAndLeavesThemToOtherPromotions() {
        let p = Promotion(id: "bad-deal", name: "2 for 8.00", target: .items(["coffee"]), rule: .bundlePrice(count: 2, price: 800))
        var t = till([p])
        t.must(.scan(code: "1", quantity: 2))
        #expect(try! t.state.openSale!.totals(.inclusive).promotions == [])
        let half = Promotion(id: "half", name: "-50%", target: .items(["coffee"]), rule: .percentOff(5000))
        var u = till([p, half])
        u.must(.scan(code: "1", quantity: 2))
        #expect(try! u.state.openSale!.totals(.inclusive).promotions.map(\.id) == ["half"])
        #expect(try! u.state.openSale!.totals(.inclusive).total == 350)
    }

    @Test func aPieceGoesIntoOneGroupedPromotionAndAGroupedLineTakesNoPercentOnTop() throws {
        let three = Promotion(id: "a-three", name: "3 for 2", target: .items(["coffee"]), rule: .buyGetFree(buy: 2, free: 1))
        let pair = Promotion(id: "b-pair", name: "2 for 5.00", target: .items(["coffee"]), rule: .bundlePrice(count: 2, price: 500))
        let percent = Promotion(id: "c-pct", name: "-50%", target: .items(["coffee", "bun"]), rule: .percentOff(5000))
        var t = till([three, pair, percent])
        t.must(.scan(code: "1", quantity: 5))
        t.must(.scan(code: "2", quantity: 1))
        let sale = try #require(pay(&t))
        // Coffees: three go into "a-three" (one free), the other two into "b-pair" (7.00 for 5.00).
        // The bun takes the percent.
        #expect(sale.promotions.map(\.id) == ["a-three", "b-pair", "c-pct"])
        #expect(sale.promotions.map(\.amount) == [350, 200, 148])
    }

    @Test func theBestSingleLinePromotionWins() throws {
        let small = Promotion(id: "a", name: "-10%", target: .items(["mug"]), rule: .percentOff(1000))
        let big = Promotion(id: "b", name: "-2.00", target: .department("Gifts"), rule: .amountOff(200))
        var t = till([small, big])
        t.must(.scan(code: "3", quantity: 1))
        let sale = try #require(pay(&t))
        #expect(sale.promotions.map(\.id) == ["b"])
        #expect(sale.total == 1090)
    }

    @Test func theOrderOfScanningDoesNotChangeTheTotal() throws {
        let p = Promotion(id: "cafe3", name: "3 for 2", target: .department("Café"), rule: .buyGetFree(buy: 2, free: 1))
        var totals: [Int64] = []
        for order in [["1", "2", "1", "2", "2"], ["2", "2", "2", "1", "1"], ["1", "1", "2", "2", "2"]] {
            var t = till([p])
            for code in order { t.must(.scan(code: code, quantity: 1)) }
            totals.append(try t.state.openSale!.totals(.inclusive).total)
        }
        // 3.50, 3.50, 2.95 | 2.95, 2.95: the first group's bun is free.
        #expect(totals == [1290, 1290, 1290])
    }

    // MARK: With the rest of the sale

    @Test func aLineDiscountComesOffWhatThePromotionLeftAndOverriddenOrVoidedLinesTakeNone() throws {
        var t = till([Promotion(id: "p", name: "-20%", target: .department("Café"), rule: .percentOff(2000))])
        t.must(.scan(code: "1", quantity: 1))
        t.must(.scan(code: "2", quantity: 1))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.discountLine(0, .percent(1000), override: nil))        // 3.50 → 2.80 → 2.52
        t.must(.overridePrice(line: 1, unitPrice: 200, override: Till.supervisorPIN))
        t.must(.voidLine(2))
        let sale = try #require(pay(&t))
        #expect(sale.promotions.first?.lines == [.init(line: 0, amount: 70)])
        #expect(sale.priced[0]?.lineDiscount == 28)
        #expect(sale.total == 252 + 200)
        #expect(sale.discountTotal == 98)
    }

    @Test func aRefundGivesBackWhatThePromotedLineCost() throws {
        var t = till([Promotion(id: "cafe3", name: "3 for 2", target: .items(["coffee"]), rule: .buyGetFree(buy: 2, free: 1))])
        t.must(.scan(code: "1", quantity: 3))
        let sale = try #require(pay(&t))
        #expect(sale.total == 700)
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 2)], tender: .cash, override: Till.supervisorPIN))
        let refunds = t.journal.compactMap { e -> Int64? in if case .refundCompleted(let r) = e { return r.total }; return nil }
        #expect(refunds.reduce(0, +) == 700)
    }

    @Test func theReceiptShowsFullPricesAndEachPromotionAsItsOwnLine() throws {
        var t = till([Self.happyHour], at: 16, 30)
        t.must(.scan(code: "1", quantity: 2))
        let sale = try #require(pay(&t))
        let text = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "16:30")
            .render(columns: 42, format: .finnish, currency: .EUR, words: .english)
        let lines = text.drop { $0 != "Kahvi" }
        #expect(Array(lines.prefix(5)) == [
            "Kahvi",
            TextLayout.leftRight("  2 x 3,50 €", "7,00 €", columns: 42),
            TextLayout.leftRight("Happy hour -20%", "-1,40 €", columns: 42),
            String(repeating: "-", count: 42),
            TextLayout.leftRight("TOTAL", "5,60 €", columns: 42),
        ])
    }

    // MARK: Setting them up

    @Test func onlyASupervisorSetsUpPromotionsAndEveryChangeIsJournaled() {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.setPromotion(Self.happyHour, override: nil)) == .supervisorRequired(.promotions))
        #expect(t.run(.setPromotion(Self.happyHour, override: Till.cashierPIN)) == .wrongPIN)
        let events = t.must(.setPromotion(Self.happyHour, override: Till.supervisorPIN))
        #expect(events == [.promotionSet(Self.happyHour, by: "sami")])
        #expect(events.allSatisfy { $0.isDurable })
        // The same again records nothing; a removal is journaled; an unknown id is refused.
        #expect(t.must(.setPromotion(Self.happyHour, override: Till.supervisorPIN)) == [])
        #expect(t.must(.removePromotion(id: "happy-hour", override: Till.supervisorPIN)) == [.promotionRemoved(id: "happy-hour", by: "sami")])
        #expect(t.run(.removePromotion(id: "happy-hour", override: Till.supervisorPIN)) == .unknownPromotion("happy-hour"))
    }

    @Test(arguments: [
        (Promotion(id: "", name: "x", target: .items(["coffee"]), rule: .percentOff(100)), "a promotion id is 1 to 40 letters, digits, '-' or '_'"),
        (Promotion(id: "a b", name: "x", target: .items(["coffee"]), rule: .percentOff(100)), "a promotion id is 1 to 40 letters, digits, '-' or '_'"),
        (Promotion(id: "p", name: "  ", target: .items(["coffee"]), rule: .percentOff(100)), "a promotion needs a name for the receipt"),
        (Promotion(id: "p", name: "x", target: .items([]), rule: .percentOff(100)), "name at least one item"),
        (Promotion(id: "p", name: "x", target: .items(["coffee"]), rule: .percentOff(10_001)), "a percentage off must be above 0 and at most 100"),
        (Promotion(id: "p", name: "x", target: .items(["coffee"]), rule: .amountOff(0)), "an amount off must be more than zero"),
        (Promotion(id: "p", name: "x", target: .items(["coffee"]), rule: .buyGetFree(buy: 0, free: 1)), "buy X get Y free needs X and Y from 1 to 99"),
        (Promotion(id: "p", name: "x", target: .items(["coffee"]), rule: .bundlePrice(count: 1, price: 100)), "N for a price needs N from 2 to 99 and a price of zero or more"),
        (Promotion(id: "p", name: "x", window: PromotionWindow(from: CivilDate("2026-03-01"), until: CivilDate("2026-02-01")),
                   target: .items(["coffee"]), rule: .percentOff(100)), "the promotion ends (2026-02-01) before it starts (2026-03-01)"),
        (Promotion(id: "p", name: "x", window: PromotionWindow(weekdays: [0]), target: .items(["coffee"]), rule: .percentOff(100)),
         "weekdays are 1 (Monday) to 7 (Sunday)"),
        (Promotion(id: "p", name: "x", window: PromotionWindow(startMinute: 60), target: .items(["coffee"]), rule: .percentOff(100)),
         "give both the start and the end hour, or neither"),
        (Promotion(id: "p", name: "x", window: PromotionWindow(startMinute: 60, endMinute: 60), target: .items(["coffee"]), rule: .percentOff(100)),
         "the start and end hour are the same"),
    ])
    func aPromotionThatCannotWorkIsRefusedWithTheReason(p: Promotion, reason: String) {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        #expect(t.run(.setPromotion(p, override: nil)) == .invalidPromotion(reason))
    }

    @Test func aPromotionOfAnUnknownItemIsRefused() {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        #expect(t.run(.setPromotion(Promotion(id: "p", name: "x", target: .items(["nosuch"]), rule: .percentOff(100)), override: nil))
                == .unknownItem("nosuch"))
    }

    // MARK: The journal

    @Test func promotionsAndTheSaleTheyWereAppliedToSurviveTheCodecAndASnapshot() throws {
        let bundle = Promotion(id: "deal", name: "2 for 5.00",
                               window: PromotionWindow(from: CivilDate("2026-01-01"), until: CivilDate("2026-12-31"), weekdays: [1, 5],
                                                       startMinute: 600, endMinute: 120),
                               target: .department("Café"), rule: .bundlePrice(count: 2, price: 500))
        var t = till([Self.happyHour, bundle], at: 16, 10)
        t.must(.scan(code: "1", quantity: 1))
        t.must(.park)
        t.must(.scan(code: "2", quantity: 2))
        for e in t.journal {
            #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
        }
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
        #expect(t.state.parked.values.first?.offers.isEmpty == false)
        _ = try #require(pay(&t))
        let sale = try #require(t.lastSale)
        #expect(!sale.promotions.isEmpty)
        #expect(try EventCodec.decode(EventCodec.encode(.saleCompleted(sale))) == .saleCompleted(sale))
        #expect(try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) }) == t.state)
    }

    @Test func aSaleRecordedBeforePromotionsStillReads() throws {
        var t = till([])
        t.must(.scan(code: "1", quantity: 1))
        let sale = try #require(pay(&t))
        #expect(sale.promotions.isEmpty)
        // Without promotions nothing is written after the discount total, as before.
        var w = ByteWriter()
        w.u8(28)
        w.sale(sale)
        #expect(EventCodec.encode(.saleCompleted(sale)) == w.bytes)
        #expect(try EventCodec.decode(w.bytes) == .saleCompleted(sale))
    }
}

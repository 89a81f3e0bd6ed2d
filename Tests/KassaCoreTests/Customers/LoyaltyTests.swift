import Testing
@testable import KassaCore

@Suite("Loyalty points")
struct LoyaltyTests {
    /// A point per cent paid (so amounts and points read alike), a point worth a cent, at least 100 redeemed.
    static let centRules = RegisterConfig(loyalty: LoyaltyRules(pointsPerUnit: 100, pointValue: 1, minimumRedemption: 100))

    /// A till with a cashier, a shift, and Liisa who has `points` from an earlier sale of mugs.
    func tillWithLiisa(mugs: Int64 = 1) -> (Till, CustomerID) {
        var t = Till(config: Self.centRules)
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa Laine", cards: ["LOY-1001"])
        if mugs > 0 {
            t.must(.scan(code: "LOY-1001", quantity: nil))
            t.must(.addItem("mug", quantity: mugs))
            t.must(.tender(Tender(kind: .card, amount: 1290 * mugs)))
        }
        return (t, liisa)
    }

    @Test func aSaleEarnsPointsPerWholeUnitPaidAfterDiscountsAndAGiftVoucherWhenSpentNotWhenBought() throws {
        var t = Till()  // the defaults: a point per euro
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa", cards: ["LOY-1001"])
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.discountLine(1, .amount(100), override: nil))
        // 7.00 + 11.90 = 18.90 of goods and a 50.00 gift voucher: 18 points, none for the voucher.
        t.must(.sellVoucher(amount: 5000))
        t.must(.tender(Tender(kind: .cash, amount: 6890)))
        #expect(t.lastSale?.loyalty == SaleLoyalty(customer: liisa, earned: 18, redeemed: 0, redeemedValue: 0, balance: 18))
        #expect(t.state.customers[liisa]?.points == 18)
        #expect(t.state.customers[liisa]?.receipts == [1])
        // The voucher spent on a mug earns its points like cash would.
        let code = try #require(t.state.vouchers.values.first?.code)
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .voucher, amount: 1290, reference: code)))
        #expect(t.lastSale?.loyalty?.earned == 12)
        #expect(t.state.customers[liisa]?.points == 30)
        // A sale without a customer earns no one anything.
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        #expect(t.lastSale?.loyalty == nil)
        #expect(t.state.customers[liisa]?.points == 30)
    }

    @Test func pointsAreNeverWorthTheGiftVouchersOnASale() {
        var t = Till(config: Self.centRules)
        t.cashierWithOpenShift()
        t.addCustomer("Liisa", cards: ["LOY-1001"])
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.sellVoucher(amount: 2000))
        t.must(.scan(code: "2", quantity: nil))
        #expect(t.customerRefusal(.redeemPoints(296)) == .redemptionExceedsSale(value: 296, sale: 295))
        t.must(.redeemPoints(295))
        t.must(.tender(Tender(kind: .card, amount: 2000)))
        #expect(t.lastSale?.loyalty == SaleLoyalty(customer: CustomerID(1), earned: 0, redeemed: 295, redeemedValue: 295, balance: 995))
    }

    @Test func cashRoundingEarnsNothingAndNothingIsEarnedWithPointsPerUnitZero() {
        var t = Till(config: RegisterConfig(loyalty: LoyaltyRules(pointsPerUnit: 0)))
        t.cashierWithOpenShift()
        t.addCustomer("Liisa", cards: ["LOY-1001"])
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        #expect(t.lastSale?.loyalty?.earned == 0)
        #expect(LoyaltyRules(pointsPerUnit: 1).earned(on: 1999, currency: .EUR) == 19)
        #expect(LoyaltyRules(pointsPerUnit: 3).earned(on: 99, currency: .EUR) == 2)
        #expect(LoyaltyRules(pointsPerUnit: 1).earned(on: 150, currency: Currency(code: "JPY", minorUnits: 0)) == 150)
    }

    @Test func trainingSalesEarnNothingAndSpendNothing() {
        var (t, liisa) = tillWithLiisa()
        t.must(.setTraining(true, override: Till.supervisorPIN))
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.redeemPoints(1000))
        t.must(.tender(Tender(kind: .cash, amount: 290)))
        #expect(t.lastSale?.training == true)
        #expect(t.lastSale?.loyalty == SaleLoyalty(customer: liisa, earned: 0, redeemed: 1000, redeemedValue: 1000, balance: 1290))
        #expect(t.state.customers[liisa]?.points == 1290)
        #expect(t.state.customers[liisa]?.receipts == [1])
    }

    @Test func redeemedPointsAreADiscountSpreadOverTheLinesWithVATOnWhatIsLeft() throws {
        var (t, liisa) = tillWithLiisa()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.redeemPoints(500))
        let totals = try t.state.totals(of: t.state.openSale!, .inclusive)
        #expect(totals.total == 1490)
        #expect(totals.redeemed == 500)
        #expect(totals.discountTotal == 500)
        #expect(totals.lines.compactMap { $0?.receiptDiscount }.reduce(0, +) == 500)
        #expect(totals.breakdown.map(\.gross).reduce(0, +) == 1490)
        t.must(.tender(Tender(kind: .card, amount: 1490)))
        let sale = try #require(t.lastSale)
        #expect(sale.total == 1490)
        #expect(sale.loyalty == SaleLoyalty(customer: liisa, earned: 1490, redeemed: 500, redeemedValue: 500, balance: 2280))
        #expect(t.state.customers[liisa]?.points == 2280)
    }

    @Test func noMorePointsThanTheBalanceNorWorthMoreThanTheSaleNorFewerThanTheMinimum() {
        var (t, _) = tillWithLiisa()
        t.must(.scan(code: "LOY-1001", quantity: nil))
        #expect(t.run(.redeemPoints(100)) == .saleIsEmpty)
        t.must(.scan(code: "1", quantity: nil))
        #expect(t.customerRefusal(.redeemPoints(99)) == .belowMinimumRedemption(minimum: 100))
        #expect(t.customerRefusal(.redeemPoints(1291)) == .notEnoughPoints(balance: 1290))
        #expect(t.customerRefusal(.redeemPoints(351)) == .redemptionExceedsSale(value: 351, sale: 350))
        #expect(t.run(.redeemPoints(-5)) == .invalidAmount("points to redeem cannot be negative"))
        t.must(.redeemPoints(350))
        // The whole sale paid with points: nothing to tender, the sale completes.
        t.must(.complete)
        #expect(t.lastSale?.total == 0)
        #expect(t.lastSale?.loyalty?.balance == 940)
    }

    @Test func aRedemptionThatNoLongerFitsTheSaleStopsThePaymentUntilChanged() {
        var (t, _) = tillWithLiisa()
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "1", quantity: 2))
        t.must(.redeemPoints(600))
        t.must(.voidLine(0))
        t.must(.scan(code: "1", quantity: nil))
        // 3.50 left, 6.00 of points: paying is refused until fewer are redeemed.
        #expect(t.customerRefusal(.tender(Tender(kind: .cash, amount: 1000))) == .redemptionExceedsSale(value: 600, sale: 350))
        #expect(t.customerRefusal(.complete) == .redemptionExceedsSale(value: 600, sale: 350))
        #expect(t.customerRefusal(.requestCardAuthorisation(amount: 100, requestKey: nil)) == .redemptionExceedsSale(value: 600, sale: 350))
        t.must(.redeemPoints(0))
        #expect(t.state.saleCustomers[2]?.redeemPoints == 0)
        t.must(.redeemPoints(300))
        t.must(.tender(Tender(kind: .cash, amount: 50)))
        #expect(t.lastSale?.loyalty?.redeemed == 300)
    }

    @Test func twoSalesCannotSpendTheSamePoints() {
        var (t, liisa) = tillWithLiisa()
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.redeemPoints(1000))
        t.must(.park)
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.redeemPoints(1000))
        t.must(.tender(Tender(kind: .card, amount: 290)))
        #expect(t.state.customers[liisa]?.points == 580)  // 1290 − 1000 + 290
        t.must(.resume(parkID: 2))
        #expect(t.customerRefusal(.tender(Tender(kind: .card, amount: 290))) == .notEnoughPoints(balance: 580))
        t.must(.redeemPoints(500))
        t.must(.tender(Tender(kind: .card, amount: 790)))
        #expect(t.state.customers[liisa]?.points == 870)  // 580 − 500 + 790
    }

    @Test func aRefundTakesBackWhatItsGoodsEarnedAndPartialRefundsAddUpToTheSale() throws {
        var (t, liisa) = tillWithLiisa(mugs: 0)
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1990)))
        let sale = try #require(t.lastSale)
        #expect(sale.loyalty?.earned == 1990)
        let refundOne = [RefundRequestLine(line: 0, quantity: 1)]
        t.must(.refund(original: sale, lines: refundOne, tender: .card, override: Till.supervisorPIN))
        #expect(t.lastRefund?.loyalty == RefundLoyalty(customer: liisa, takenBack: 350, forgone: 0, returned: 0, balance: 1640))
        t.must(.refund(original: sale, lines: refundOne, tender: .card, override: Till.supervisorPIN))
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 1, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        #expect(t.lastRefund?.loyalty?.takenBack == 1290)
        #expect(t.state.customers[liisa]?.points == 0)
        // The refund slip says so.
        let slip = Receipt.refund(t.lastRefund!, config: t.env.config, operatorName: "Sami", localTime: "", customer: "Liisa Laine")
            .render(columns: 42, format: .finnish, currency: .EUR, words: .english).joined(separator: "\n")
        #expect(slip.contains("Customer: Liisa Laine"))
        #expect(slip.contains("Points taken back") && slip.contains("-1290"))
    }

    @Test func aRefundGivesBackRedeemedPointsAndSpentPointsLeaveTheBalanceAtZeroNotInDebt() throws {
        var (t, liisa) = tillWithLiisa(mugs: 0)
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1990)))
        let first = try #require(t.lastSale)
        // All 1990 points spent on a second sale, which earns 590.
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.addItem("mug", quantity: 2))
        t.must(.redeemPoints(1990))
        t.must(.tender(Tender(kind: .card, amount: 590)))
        let second = try #require(t.lastSale)
        #expect(t.state.customers[liisa]?.points == 590)
        // The first sale refunded whole: 1990 due back, only 590 left.
        t.must(.refund(original: first, lines: [RefundRequestLine(line: 0, quantity: 2), RefundRequestLine(line: 1, quantity: 1)],
                       tender: .card, override: Till.supervisorPIN))
        #expect(t.lastRefund?.loyalty == RefundLoyalty(customer: liisa, takenBack: 590, forgone: 1400, returned: 0, balance: 0))
        #expect(t.state.customers[liisa]?.points == 0)
        // One of the second sale's mugs back: half its redeemed points return, half its earned go.
        t.must(.refund(original: second, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        #expect(t.lastRefund?.loyalty == RefundLoyalty(customer: liisa, takenBack: 295, forgone: 0, returned: 995, balance: 700))
        #expect(t.lastRefund?.total == 295)
    }

    @Test func promotionsComeOffBeforePointsAndARefundTakesBackWhatThePromotedSaleEarned() throws {
        var (t, liisa) = tillWithLiisa()
        t.must(.logout)
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.setPromotion(Promotion(id: "coffee", name: "Coffee -20%", target: .items(["coffee"]), rule: .percentOff(2000)),
                             override: nil))
        t.must(.logout)
        t.must(.login(pin: Till.cashierPIN))
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "2", quantity: nil))
        // 5.60 of promoted coffee and a 2.95 bun: 8.55, of which 1.00 in points.
        t.must(.redeemPoints(100))
        #expect(try t.state.totals(of: t.state.openSale!, .inclusive).total == 755)
        t.must(.tender(Tender(kind: .card, amount: 755)))
        let sale = try #require(t.lastSale)
        #expect(sale.loyalty == SaleLoyalty(customer: liisa, earned: 755, redeemed: 100, redeemedValue: 100, balance: 1945))
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 2), RefundRequestLine(line: 1, quantity: 1)],
                       tender: .card, override: Till.supervisorPIN))
        #expect(t.lastRefund?.loyalty == RefundLoyalty(customer: liisa, takenBack: 755, forgone: 0, returned: 100, balance: 1290))
    }

    @Test func pointsAddUpOverManySalesAndRefunds() throws {
        var random = SplitMix64(seed: 2026)
        var t = Till(config: RegisterConfig(loyalty: LoyaltyRules(pointsPerUnit: 7, pointValue: 3, minimumRedemption: 10)))
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa", cards: ["LOY-1001"])
        var sales: [CompletedSale] = []
        for _ in 0..<300 {
            if random.next(below: 3) == 0, !sales.isEmpty {
                let sale = sales[random.next(below: sales.count)]
                let line = random.next(below: sale.lines.count)
                t.run(.refund(original: sale, lines: [RefundRequestLine(line: line, quantity: Int64(random.next(below: 2)) + 1)],
                              tender: .card, override: Till.supervisorPIN))
            } else {
                t.must(.scan(code: "LOY-1001", quantity: nil))
                for _ in 0...random.next(below: 3) {
                    t.must(.scan(code: ["1", "2", "3"][random.next(below: 3)], quantity: Int64(random.next(below: 3)) + 1))
                }
                if random.next(below: 2) == 0 { t.must(.discountReceipt(.percent(1000), override: nil)) }
                let balance = t.state.customers[liisa]!.points
                if balance >= 10, random.next(below: 2) == 0 { t.run(.redeemPoints(10 + Int64(random.next(below: Int(balance - 9))))) }
                let due = try t.state.totals(of: t.state.openSale!, .inclusive).total
                if due == 0 { t.must(.complete) } else { t.must(.tender(Tender(kind: .card, amount: due))) }
                sales.append(try #require(t.lastSale))
            }
            #expect(t.state.customers[liisa]!.points >= 0)
        }
        let soldPoints = sales.compactMap(\.loyalty).reduce(Int64(0)) { $0 + $1.earned - $1.redeemed }
        let refunds = t.journal.compactMap { e -> RefundLoyalty? in
            if case .refundCompleted(let r) = e { return r.loyalty }
            return nil
        }
        #expect(refunds.count > 20)
        let refundedPoints = refunds.reduce(Int64(0)) { $0 - $1.takenBack + $1.returned }
        #expect(t.state.customers[liisa]!.points == soldPoints + refundedPoints)
        // Receipts refunded in full gave back exactly what they earned and redeemed.
        for sale in sales {
            let key = ReceiptKey(number: sale.receiptNumber, training: false)
            let done = t.state.refunded[key] ?? [:]
            guard sale.lines.indices.allSatisfy({ done[$0]?.quantity == sale.lines[$0].quantity }) else { continue }
            let mine = t.journal.compactMap { e -> RefundLoyalty? in
                if case .refundCompleted(let r) = e, r.originalReceipt == sale.receiptNumber { return r.loyalty }
                return nil
            }
            #expect(mine.reduce(Int64(0)) { $0 + $1.takenBack + $1.forgone } == sale.loyalty?.earned ?? 0)
            #expect(mine.reduce(Int64(0)) { $0 + $1.returned } == sale.loyalty?.redeemed ?? 0)
        }
        let replayed = try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) })
        #expect(replayed == t.state)
    }

    @Test func theReceiptShowsTheCustomerThePointsAndTheNewBalance() throws {
        var (t, _) = tillWithLiisa()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.discountReceipt(.amount(50), override: nil))
        t.must(.redeemPoints(250))
        t.must(.tender(Tender(kind: .card, amount: 400)))
        let sale = try #require(t.lastSale)
        let text = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "", customer: "Liisa Laine (****1001)")
            .render(columns: 42, format: .finnish, currency: .EUR, words: .english)
        #expect(text.contains { $0.hasPrefix("Receipt discount") && $0.hasSuffix("-0,50 €") })
        #expect(text.contains { $0.hasPrefix("Points redeemed 250") && $0.hasSuffix("-2,50 €") })
        #expect(text.contains("Customer: Liisa Laine (****1001)"))
        #expect(text.contains { $0.hasPrefix("Points earned") && $0.hasSuffix("+400") })
        #expect(text.contains { $0.hasPrefix("Points balance") && $0.hasSuffix("1440") })
        for columns in [32, 48] {
            for line in Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "", customer: String(repeating: "N", count: 80))
                .render(columns: columns, format: .finnish, currency: .EUR, words: .finnish) {
                #expect(TextLayout.width(line) <= columns)
            }
        }
        // A customer since forgotten shows as their number.
        let forgotten = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "")
            .render(columns: 42, format: .finnish, currency: .EUR, words: .english)
        #expect(forgotten.contains("Customer: #1"))
    }
}

@Suite("Customer and loyalty records")
struct CustomerCodecTests {
    static let profile = CustomerProfile(name: "Liisa Laine", phone: "+358401234567", email: "liisa@example.fi", notes: "oat milk",
                                         marketing: MarketingConsent(given: true, at: Timestamp(milliseconds: 5)), cards: ["LOY-1001"])

    @Test(arguments: [
        RegisterEvent.customerAdded(CustomerID(1), profile, by: "anna", at: Timestamp(milliseconds: 7)),
        .customerAdded(CustomerID(2), CustomerProfile(name: "B"), by: "anna", at: Timestamp(milliseconds: 8)),
        .customerUpdated(CustomerID(1), profile, by: "sami", at: Timestamp(milliseconds: 9)),
        .customerRemoved(CustomerID(1), by: "sami", at: Timestamp(milliseconds: 10)),
        .saleCustomerSet(sale: 4, CustomerID(1)),
        .saleCustomerSet(sale: 4, nil),
        .pointsRedemptionSet(sale: 4, points: 300, value: 300),
    ])
    func customerEventsSurviveTheCodec(event: RegisterEvent) throws {
        #expect(try EventCodec.decode(EventCodec.encode(event)) == event)
        switch event {
        case .saleCustomerSet, .pointsRedemptionSet: #expect(!event.isDurable)  // like the sale's other steps
        default: #expect(event.isDurable)
        }
    }

    @Test func customerEventTagsAreStable() {
        let at = Timestamp(milliseconds: 0)
        #expect(RegisterEvent.customerAdded(CustomerID(1), Self.profile, by: "a", at: at).recordType == 140)
        #expect(RegisterEvent.customerUpdated(CustomerID(1), Self.profile, by: "a", at: at).recordType == 141)
        #expect(RegisterEvent.customerRemoved(CustomerID(1), by: "a", at: at).recordType == 142)
        #expect(RegisterEvent.saleCustomerSet(sale: 1, nil).recordType == 143)
        #expect(RegisterEvent.pointsRedemptionSet(sale: 1, points: 0, value: 0).recordType == 144)
    }

    @Test func aSaleOrRefundWithoutACustomerIsRecordedAsBeforeLoyaltyAndOneWithEndsInItsPoints() throws {
        var (t, _) = LoyaltyTests().tillWithLiisa(mugs: 0)
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        for event in [RegisterEvent.saleCompleted(t.lastSale!), .refundCompleted(t.lastRefund!)] {
            let bytes = EventCodec.encode(event)
            // Nothing after the old fields: one byte more is no record of ours.
            #expect(throws: CodecError.self) { try EventCodec.decode(bytes + [0]) }
        }
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        let sale = try #require(t.lastSale)
        let bytes = EventCodec.encode(.saleCompleted(sale))
        var without = sale
        without.loyalty = nil
        // An empty list of promotions, then the customer's number and four figures.
        let old = EventCodec.encode(.saleCompleted(without))
        #expect(bytes.count > old.count + 1 && bytes[old.count] == 0)
        #expect(try EventCodec.decode(bytes) == .saleCompleted(sale))
        #expect(throws: CodecError.self) { try EventCodec.decode(Array(bytes.prefix(old.count + 1))) }
    }

    @Test func aSaleWithLoyaltySurvivesTheCodec() throws {
        var (t, _) = LoyaltyTests().tillWithLiisa()
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.redeemPoints(200))
        t.must(.tender(Tender(kind: .card, amount: 1090)))
        t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        for event in [RegisterEvent.saleCompleted(t.lastSale!), .refundCompleted(t.lastRefund!)] {
            #expect(try EventCodec.decode(EventCodec.encode(event)) == event)
        }
        #expect(t.lastRefund?.loyalty != nil)
    }

    @Test func aSnapshotWrittenBeforeCustomersStillReads() throws {
        var (t, _) = LoyaltyTests().tillWithLiisa()
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "1", quantity: nil))
        let state = t.state
        #expect(try EventCodec.decodeState(EventCodec.encode(state)) == state)
        var before = state
        before.customers = [:]
        before.customerCards = [:]
        before.saleCustomers = [:]
        before.lastCustomerID = 0
        let current = EventCodec.encodeFormat1(before)
        // The customer section, empty, ends it: the last customer number and two empty maps.
        #expect(Array(current.suffix(3)) == [0, 0, 0])
        #expect(try EventCodec.decodeState(Array(current.dropLast(3))) == before)
    }
}

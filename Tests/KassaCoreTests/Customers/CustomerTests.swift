import Testing
@testable import KassaCore

extension Till {
    /// Signs a customer up; returns their number.
    @discardableResult
    mutating func addCustomer(_ name: String, phone: String? = nil, cards: [String] = [],
                              sourceLocation: SourceLocation = #_sourceLocation) -> CustomerID {
        let events = must(.addCustomer(CustomerChanges(name: name, phone: phone, addCards: cards)), sourceLocation: sourceLocation)
        guard case .customerAdded(let id, _, _, _)? = events.first else {
            Issue.record("no customer added", sourceLocation: sourceLocation)
            return CustomerID(0)
        }
        return id
    }

    func customerRefusal(_ command: Command) -> CustomerProblem? {
        if case .customer(let p)? = state.decide(command, env, ctx).refusal { return p }
        return nil
    }
}

@Suite("Customers")
struct CustomerTests {
    @Test func aCustomerNeedsANameAndSomeoneLoggedIn() {
        var t = Till()
        #expect(t.run(.addCustomer(CustomerChanges(name: "Liisa"))) == .notLoggedIn)
        t.cashierWithOpenShift()
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "  "))) == .emptyName)
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(phone: "040 123 4567"))) == .emptyName)
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: String(repeating: "x", count: 101)))) == .tooLong(field: "name", limit: 100))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "Liisa\nLaine"))) == .controlCharacters(field: "name"))
        let id = t.addCustomer("  Liisa Laine ")
        #expect(id == CustomerID(1))
        #expect(t.state.customers[id]?.profile.name == "Liisa Laine")
        #expect(t.state.customers[id]?.since == Timestamp(milliseconds: t.ctx.now.milliseconds - 1000))
        #expect(t.addCustomer("Matti") == CustomerID(2))
    }

    @Test func phoneNumbersAreKeptAsDigitsAndMalformedOnesRefused() {
        #expect(Customers.normalisedPhone("040 123 4567") == "0401234567")
        #expect(Customers.normalisedPhone("+358 (40) 123-45.67") == "+358401234567")
        for bad in ["12345", "0401234567890123", "040 123 4567 ext 2", "040+1234567", "phone"] {
            #expect(Customers.normalisedPhone(bad) == nil, "\(bad)")
        }
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "A", phone: "12-34"))) == .malformedPhone("12-34"))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "A", email: "a@b"))) == .malformedEmail("a@b"))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "A", email: "a b@example.fi"))) == .malformedEmail("a b@example.fi"))
        let id = t.addCustomer("A", phone: "+358 40 123 4567")
        #expect(t.state.customers[id]?.profile.phone == "+358401234567")
    }

    @Test func theSameNumberWrittenNationallyOrInternationallyIsFound() {
        #expect(Customers.phoneMatches("+358401234567", "040 123 4567"))
        #expect(Customers.phoneMatches("0401234567", "+358 40 1234567"))
        #expect(Customers.phoneMatches("0401234567", "1234567"))
        #expect(!Customers.phoneMatches("0401234567", "0401234568"))
        #expect(!Customers.phoneMatches("0401234567", "4567"))
    }

    @Test func aPaymentCardNumberIsNeverStoredAsALoyaltyCard() {
        var t = Till()
        t.cashierWithOpenShift()
        for pan in ["4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004"] {
            let d = t.state.decide(.addCustomer(CustomerChanges(name: "A", addCards: [pan])), t.env, t.ctx)
            #expect(d.refusal == .customer(.paymentCardNumber))
            #expect(d.events.isEmpty)
        }
        // The same digits failing the Luhn check are a fine loyalty number.
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "A", addCards: ["4111111111111112"]))) == nil)
        // An EAN-13 card passing the Luhn check by chance (one in ten do) is a barcode, not a payment
        // card; so is a Luhn-valid number outside the card schemes' first digits.
        #expect(CardNumberMasker.luhnValid("2000000000008".map { Int(String($0))! }))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["2000000000008"]))) == nil)
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "C", addCards: ["9000000000000001"]))) == nil)
        // A number with a card number inside it is refused too.
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "D", addCards: ["LOY4111111111111111"])))
                == .paymentCardNumber)
    }

    @Test func aLoyaltyCardIsOneCustomersAndNeitherAnItemCodeNorAStaffBadge() throws {
        var t = Till()
        t.cashierWithOpenShift()
        try t.env.pins.setBadge("6390001234", for: "sami")
        let liisa = t.addCustomer("Liisa", cards: ["LOY-1001"])
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["LOY-1001"]))) == .cardInUse("LOY-1001", by: liisa))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["6400000000019"]))) == .cardIsItemCode("6400000000019", "coffee"))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["6390001234"]))) == .cardIsStaffBadge)
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["ab c"]))) == .malformedCard("ab c"))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["abc"]))) == .malformedCard("abc"))
        #expect(t.customerRefusal(.addCustomer(CustomerChanges(name: "B", addCards: ["A1", "A2", "A3", "A4", "A5", "A6"].map { "CARD" + $0 })))
                == .tooManyCards(limit: 5))
        // Moving the card: off Liisa, then onto someone else.
        #expect(t.customerRefusal(.updateCustomer(liisa, CustomerChanges(removeCards: ["LOY-9999"]))) == .cardNotOnCustomer("LOY-9999"))
        t.must(.updateCustomer(liisa, CustomerChanges(removeCards: ["LOY-1001"])))
        #expect(t.state.customerCards["LOY-1001"] == nil)
        let b = t.addCustomer("B", cards: ["LOY-1001"])
        #expect(t.state.customerCards["LOY-1001"] == b)
    }

    @Test func marketingConsentIsStampedWhenGivenAndWhenWithdrawn() {
        var t = Till()
        t.cashierWithOpenShift()
        let id = t.addCustomer("Liisa")
        #expect(t.state.customers[id]?.profile.marketing == nil)
        let given = t.ctx.now
        t.must(.updateCustomer(id, CustomerChanges(marketing: true)))
        #expect(t.state.customers[id]?.profile.marketing == MarketingConsent(given: true, at: given))
        // Saying yes again changes nothing, not even the time.
        #expect(t.must(.updateCustomer(id, CustomerChanges(marketing: true))).isEmpty)
        let withdrawn = t.ctx.now
        t.must(.updateCustomer(id, CustomerChanges(marketing: false)))
        #expect(t.state.customers[id]?.profile.marketing == MarketingConsent(given: false, at: withdrawn))
    }

    @Test func notesAndNamesNeverKeepACardNumber() {
        var t = Till()
        t.cashierWithOpenShift()
        let id = t.addCustomer("Liisa")
        t.must(.updateCustomer(id, CustomerChanges(notes: "paid once with 4111 1111 1111 1111, prefers oat milk")))
        let notes = t.state.customers[id]?.profile.notes ?? ""
        #expect(!notes.contains("4111 1111") && notes.hasSuffix("1111, prefers oat milk"))
        #expect(t.customerRefusal(.updateCustomer(id, CustomerChanges(phone: ""))) == nil)
        #expect(t.customerRefusal(.updateCustomer(CustomerID(9), CustomerChanges(name: "X"))) == .unknownCustomer(CustomerID(9)))
    }

    @Test func customersAreFoundByCardPhoneOrPartOfTheNameAtMostALimit() {
        var t = Till()
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa Laine", phone: "+358 40 123 4567", cards: ["LOY-1001"])
        let ville = t.addCustomer("Ville Lainela", phone: "050 765 4321")
        t.addCustomer("Äijä Öhman")
        #expect(t.state.findCustomers(.card("LOY-1001"), limit: 5).found.map(\.id) == [liisa])
        #expect(t.state.findCustomers(.card(" LOY-1001 "), limit: 5).found.map(\.id) == [liisa])
        #expect(t.state.findCustomers(.card("LOY-100"), limit: 5).found.isEmpty)
        #expect(t.state.findCustomers(.phone("040-1234567"), limit: 5).found.map(\.id) == [liisa])
        #expect(t.state.findCustomers(.phone("+358507654321"), limit: 5).found.map(\.id) == [ville])
        #expect(t.state.findCustomers(.name("LAINE"), limit: 5).found.map(\.id) == [liisa, ville])
        #expect(t.state.findCustomers(.name("äijä"), limit: 5).found.count == 1)
        let bounded = t.state.findCustomers(.name("lain"), limit: 1)
        #expect(bounded.found.map(\.id) == [liisa] && bounded.more)
        #expect(t.state.findCustomers(.name("  "), limit: 5).found.isEmpty)
    }

    @Test func forgettingACustomerDropsTheirDataButKeepsTheirSales() throws {
        var t = Till()
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa Laine", phone: "0401234567", cards: ["LOY-1001"])
        t.must(.scan(code: "LOY-1001", quantity: nil))
        // Not while they are on a sale.
        #expect(t.customerRefusal(.removeCustomer(liisa, override: Till.supervisorPIN)) == .onSale(liisa, sale: 1))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        let sale = try #require(t.lastSale)
        // A cashier needs a supervisor.
        #expect(t.run(.removeCustomer(liisa, override: nil)) == .supervisorRequired(.forgetCustomer))
        t.must(.removeCustomer(liisa, override: Till.supervisorPIN))
        #expect(t.state.customers[liisa] == nil)
        #expect(t.state.customerCards.isEmpty)
        // Nothing brings her back, not even a stray update.
        var stray = t.state
        try stray.apply(.customerUpdated(liisa, CustomerProfile(name: "Liisa", cards: ["LOY-1001"]), by: "anna", at: t.ctx.now))
        #expect(stray == t.state)
        #expect(t.state.findCustomers(.phone("0401234567"), limit: 5).found.isEmpty)
        // The sale stays as it was, with the customer's number only; the number is never reused.
        #expect(t.lastSale?.loyalty?.customer == liisa)
        #expect(t.state.lastReceipt == sale.receiptNumber)
        #expect(t.addCustomer("Next") == CustomerID(2))
        // The snapshot written now holds nothing of hers.
        let snapshot = EventCodec.encode(t.state)
        #expect(!String(decoding: snapshot, as: UTF8.self).contains("Liisa"))
        #expect(!String(decoding: snapshot, as: UTF8.self).contains("LOY-1001"))
        // A refund of her sale still works, and moves no points of anyone's.
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        #expect(t.lastRefund?.loyalty == nil)
    }
}

@Suite("Customers on a sale")
struct SaleCustomerTests {
    @Test func scanningALoyaltyCardPutsItsCustomerOnTheSaleOpeningOne() {
        var t = Till()
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa", cards: ["LOY-1001", "2000000000015"])
        let events = t.must(.scan(code: "LOY-1001", quantity: nil))
        #expect(events == [.saleOpened(id: 1, by: "anna", training: false, at: Timestamp(milliseconds: t.ctx.now.milliseconds - 1000)),
                           .saleCustomerSet(sale: 1, liisa)])
        #expect(t.state.saleCustomers[1]?.customer == liisa)
        // The same card again changes nothing; an EAN-13 loyalty barcode works as well.
        #expect(t.must(.scan(code: "LOY-1001", quantity: nil)).isEmpty)
        #expect(t.must(.scan(code: "2000000000015", quantity: nil)).isEmpty)
        // Anything else unknown is still an unknown code; a card with a quantity is no card.
        #expect(t.run(.scan(code: "LOY-1002", quantity: nil)) == .lookup(.malformed("LOY-1002")))
        #expect(t.run(.scan(code: "LOY-1001", quantity: 2)) == .lookup(.malformed("LOY-1001")))
    }

    @Test func theCustomerStaysWithAParkedSaleAndComesBackWithIt() throws {
        var t = Till(config: RegisterConfig(loyalty: LoyaltyRules(pointsPerUnit: 100)))
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa", cards: ["LOY-1001"])
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        t.must(.scan(code: "1", quantity: 2))
        t.must(.setSaleCustomer(liisa))
        t.must(.redeemPoints(300))
        t.must(.park)
        #expect(t.state.saleCustomers[2] == SaleCustomer(customer: liisa, redeemPoints: 300, redeemValue: 300))
        // Another sale in between, without her.
        t.must(.scan(code: "2", quantity: nil))
        #expect(t.state.saleCustomers[3] == nil)
        t.must(.tender(Tender(kind: .card, amount: 295)))
        t.must(.resume(parkID: 2))
        let replayed = try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) })
        #expect(replayed == t.state)
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
        t.must(.tender(Tender(kind: .cash, amount: 400)))
        #expect(t.lastSale?.total == 400)
        #expect(t.lastSale?.loyalty == SaleLoyalty(customer: liisa, earned: 400, redeemed: 300, redeemedValue: 300, balance: 1390))
        #expect(t.state.saleCustomers.isEmpty)
    }

    @Test func takingTheCustomerOffTakesTheirRedemptionOffAndNothingChangesOncePaymentStarted() {
        var t = Till(config: RegisterConfig(loyalty: LoyaltyRules(pointsPerUnit: 100)))
        t.cashierWithOpenShift()
        let liisa = t.addCustomer("Liisa")
        let other = t.addCustomer("Ville")
        t.must(.setSaleCustomer(liisa))
        t.must(.scan(code: "3", quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        #expect(t.run(.setSaleCustomer(nil)) == .noOpenSale)
        t.must(.scan(code: "3", quantity: nil))
        #expect(t.customerRefusal(.setSaleCustomer(nil)) == .noCustomerOnSale)
        #expect(t.customerRefusal(.redeemPoints(100)) == .noCustomerOnSale)
        #expect(t.customerRefusal(.setSaleCustomer(CustomerID(7))) == .unknownCustomer(CustomerID(7)))
        t.must(.setSaleCustomer(liisa))
        t.must(.redeemPoints(500))
        #expect((try? t.state.totals(of: t.state.openSale!, .inclusive).total) == 790)
        // Another customer on the sale: the redemption was Liisa's and goes with her.
        t.must(.setSaleCustomer(other))
        #expect(t.state.saleCustomers[2] == SaleCustomer(customer: other))
        t.must(.setSaleCustomer(nil))
        #expect(t.state.saleCustomers[2] == nil)
        t.must(.setSaleCustomer(liisa))
        t.must(.tender(Tender(kind: .cash, amount: 500)))
        #expect(t.run(.setSaleCustomer(other)) == .tendersPresent)
        #expect(t.run(.redeemPoints(100)) == .tendersPresent)
    }
}

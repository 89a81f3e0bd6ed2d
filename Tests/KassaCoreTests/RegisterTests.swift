import Testing
@testable import KassaCore

@Suite("The sale")
struct SaleTests {
    @Test func scanningOpensASaleAndAddsTheItemAtTodaysRate() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "6400000000019", quantity: nil))
        let sale = t.state.openSale!
        #expect(sale.lines.count == 1)
        #expect(sale.lines[0].taxBasisPoints == 1350)
        #expect(try sale.totals(.inclusive).total == 350)
    }

    @Test func sellingNeedsALoggedInOperatorAndAnOpenShift() throws {
        var t = Till()
        #expect(t.run(.scan(code: "1", quantity: nil)) == .notLoggedIn)
        t.must(.login(pin: Till.cashierPIN))
        #expect(t.run(.scan(code: "1", quantity: nil)) == .shiftNotOpen)
    }

    @Test func cashPaymentIsRoundedToFiveCentsAndTheDifferenceRecorded() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))     // 3.50
        t.must(.scan(code: "2", quantity: 1))     // 2.95
        t.must(.addItem("candy", quantity: 123))  // 15.90/kg × 0.123 kg = 1.9557 → 1.96
        // 3.50 + 2.95 + 1.96 = 8.41, rounds to 8.40 in cash.
        t.must(.tender(Tender(kind: .cash, amount: 1000)))
        let sale = t.lastSale!
        #expect(sale.total == 841)
        #expect(sale.rounding == -1)
        #expect(sale.change == 160)
        #expect(t.state.openSale == nil)
        #expect(t.state.day.roundingTotal == -1)
        #expect(t.state.shift!.expectedCash == 10_000 + 840)
    }

    @Test func cardPaysTheExactAmountAndIsNeverRounded() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.addItem("candy", quantity: 123))
        t.must(.tender(Tender(kind: .card, amount: 196, reference: "T-1")))
        #expect(t.lastSale!.rounding == 0)
        #expect(t.lastSale!.change == 0)
    }

    @Test func aCardCannotPayMoreThanIsDue() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        #expect(t.run(.tender(Tender(kind: .card, amount: 351))) == .cardOverpayment(remaining: 350))
    }

    @Test func splitTenderCardThenCashRoundsOnlyTheCashPart() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.addItem("mug", quantity: 1))          // 12.90
        t.must(.addItem("candy", quantity: 100))      // 1.59
        t.must(.tender(Tender(kind: .card, amount: 1000)))
        #expect(t.state.openSale != nil)
        t.must(.tender(Tender(kind: .cash, amount: 500)))  // 4.49 due → 4.50 in cash
        let sale = t.lastSale!
        #expect(sale.total == 1449)
        #expect(sale.rounding == 1)
        #expect(sale.change == 50)
        let paid = sale.tenders.reduce(0) { $0 + $1.amount }
        #expect(paid - sale.change == sale.total + sale.rounding)
    }

    @Test func swedishRoundingIsToWholeKronor() throws {
        var config = RegisterConfig()
        config.cashRounding = .sweden
        var t = Till(config: config)
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))  // 3.50 → 4.00 (half away from zero)
        t.must(.tender(Tender(kind: .cash, amount: 500)))
        #expect(t.lastSale!.rounding == 50)
        #expect(t.lastSale!.change == 100)
    }

    @Test func aWeighedItemScannedWithoutWeightAsksForIt() throws {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.scan(code: "10001", quantity: nil)) == .weightRequired("candy"))
    }

    @Test func weightEmbeddedBarcodeAddsTheWeighedLine() throws {
        var t = Till()
        t.cashierWithOpenShift()
        // 23 + item 10001 + 00250 g + check digit
        let code = Barcode.withCheckDigit("231000100250")
        t.must(.scan(code: code, quantity: nil))
        let line = t.state.openSale!.lines[0]
        #expect(line.unit == .weight)
        #expect(line.quantity == 250)
        #expect(try line.baseAmount() == 398)  // 15.90 × 0.25 = 3.975 → 3.98
    }

    @Test func anUnknownOrMisreadBarcodeIsATypedRefusal() throws {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.scan(code: "6400000000018", quantity: nil)) == .lookup(.invalidCheckDigit("6400000000018")))
        #expect(t.run(.scan(code: Barcode.withCheckDigit("640000000999"), quantity: nil))
            == .lookup(.unknownCode(Barcode.withCheckDigit("640000000999"))))
        #expect(t.run(.scan(code: "12ab", quantity: nil)) == .lookup(.malformed("12ab")))
    }

    @Test func voidedLinesLeaveTheTotalAndAreCounted() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.scan(code: "3", quantity: 1))
        t.must(.voidLine(1))
        #expect(try t.state.openSale!.totals(.inclusive).total == 700)
        #expect(t.run(.voidLine(1)) == .lineAlreadyVoided(1))
        #expect(t.run(.voidLine(7)) == .noSuchLine(7))
        t.must(.tender(Tender(kind: .cash, amount: 700)))
        #expect(t.state.day.voidedLines == 1)
    }

    @Test func aLinesQuantityChangesAfterItWasRungUpAndSurvivesTheJournal() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.scan(code: "3", quantity: 1))
        let events = t.must(.setQuantity(line: 0, quantity: 3))
        #expect(events == [.lineQuantityChanged(index: 0, quantity: 3, by: "anna")])
        #expect(try EventCodec.decode(EventCodec.encode(events[0])) == events[0])
        #expect(t.state.openSale!.lines.map(\.quantity) == [3, 1])
        #expect(try t.state.openSale!.totals(.inclusive).total == 3 * 350 + 1290)
        // The same quantity again changes nothing and journals nothing.
        #expect(t.must(.setQuantity(line: 0, quantity: 3)).isEmpty)
        let sale = try #require({ t.must(.tender(Tender(kind: .cash, amount: 3 * 350 + 1290))); return t.lastSale }())
        #expect(sale.lines[0].quantity == 3)
    }

    @Test func aQuantityChangeIsRefusedWhereANewLineWouldBe() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.scan(code: "3", quantity: 1))
        #expect(t.run(.setQuantity(line: 0, quantity: 0)) == .invalidQuantity(0))
        #expect(t.run(.setQuantity(line: 0, quantity: 10_000)) == .invalidQuantity(10_000))
        #expect(t.run(.setQuantity(line: 0, quantity: Int64.max)) == .invalidQuantity(Int64.max))
        #expect(t.run(.setQuantity(line: 5, quantity: 2)) == .noSuchLine(5))
        t.must(.voidLine(1))
        #expect(t.run(.setQuantity(line: 1, quantity: 2)) == .lineAlreadyVoided(1))
        // An amount off the line larger than the new amount: the discount goes first.
        t.must(.scan(code: "1", quantity: 2))
        t.must(.discountLine(2, .amount(500), override: Till.supervisorPIN))
        #expect(t.run(.setQuantity(line: 2, quantity: 1)) == .invalidDiscount("the line's discount is more than its new amount"))
        t.must(.tender(Tender(kind: .card, amount: 100)))
        #expect(t.run(.setQuantity(line: 0, quantity: 2)) == .tendersPresent)
    }

    @Test func aDiscountWithinTheCashierLimitNeedsNoSupervisor() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "3", quantity: 1))
        t.must(.discountLine(0, .percent(1000), override: nil))
        #expect(try t.state.openSale!.totals(.inclusive).total == 1161)
    }

    @Test func aDiscountBeyondTheCashierLimitNeedsASupervisorPIN() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "3", quantity: 1))
        #expect(t.run(.discountReceipt(.percent(2000), override: nil)) == .supervisorRequired(.discountOverLimit))
        #expect(t.run(.discountReceipt(.percent(2000), override: Till.cashierPIN)) == .wrongPIN)
        let events = t.must(.discountReceipt(.percent(2000), override: Till.supervisorPIN))
        #expect(events == [.receiptDiscounted(.percent(2000), authorisedBy: "sami")])
    }

    @Test func priceOverrideIsRefusedForACashierAndAllowedWithASupervisorPIN() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "3", quantity: 1))
        #expect(t.run(.overridePrice(line: 0, unitPrice: 990, override: nil)) == .supervisorRequired(.priceOverride))
        t.must(.overridePrice(line: 0, unitPrice: 990, override: Till.supervisorPIN))
        #expect(t.state.openSale!.lines[0].authorisedBy == "sami")
        #expect(t.state.openSale!.lines[0].catalogPrice == 1290)
        t.must(.tender(Tender(kind: .card, amount: 990)))
        #expect(t.state.day.priceOverrides == 1)
    }

    @Test func cancellingAfterTotalNeedsASupervisorButBeforeDoesNot() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.cancel(override: nil))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.total)
        #expect(t.run(.cancel(override: nil)) == .supervisorRequired(.cancelAfterTotal))
        t.must(.cancel(override: Till.supervisorPIN))
        #expect(t.state.day.cancelledSales == 2)
        #expect(t.state.day.salesCount == 0)
    }

    @Test func parkedSalesResumeIntactAndSeveralCanWait() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 2))
        let first = t.state.openSale!
        t.must(.park)
        t.must(.scan(code: "3", quantity: 1))
        t.must(.park)
        #expect(t.state.parked.count == 2)
        #expect(t.state.openSale == nil)
        t.must(.resume(parkID: first.id))
        #expect(t.state.openSale == first)
        #expect(t.run(.resume(parkID: 99)) == .saleInProgress)
        t.must(.tender(Tender(kind: .cash, amount: 700)))
        #expect(t.run(.resume(parkID: 99)) == .noSuchParkedSale(99))
    }

    @Test func aHugeAmountIsARefusalNotATrap() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "3", quantity: 9))
        let limits = RegisterConfig().limits
        #expect(t.run(.overridePrice(line: 0, unitPrice: Int64.max, override: Till.supervisorPIN)) == .overLimit(.price, limit: limits.price))
        #expect(t.state.openSale!.lines[0].unitPrice == 1290)
        #expect(t.run(.overridePrice(line: 0, unitPrice: limits.price, override: Till.supervisorPIN)) == .overLimit(.line, limit: limits.line))
        #expect(t.state.openSale!.lines[0].unitPrice == 1290)
        t.must(.overridePrice(line: 0, unitPrice: limits.line / 9, override: Till.supervisorPIN))
        #expect(t.run(.scan(code: "3", quantity: 9)) == nil)
    }
}

@Suite("Operators and PINs")
struct OperatorTests {
    @Test func aWrongPINIsRecordedWithItsSourceAndNeverLocksThePad() throws {
        var t = Till()
        for n in 1...4 {
            #expect(t.run(.login(pin: "9999")) == .wrongPIN)
            #expect(t.journal.last == .pinRefused("register", failures: n, at: Timestamp(milliseconds: t.ctx.now.milliseconds - 1000)))
        }
        // The fourth waits 2 s, then the right PIN is looked at like any other.
        t.ctx.now.milliseconds += 2_000
        t.must(.login(pin: Till.cashierPIN))
        #expect(t.state.pinAttempts.sources["register"]?.count == 4)
    }

    @Test func theJournalNeverHoldsAPINOrItsMAC() throws {
        var t = Till()
        t.must(.login(pin: Till.technicianPIN))
        t.must(.addOperator(Operator(id: "uusi", name: "Uusi", role: .cashier)))
        t.run(.login(pin: "4444"))
        let mac = t.env.pins.mac(Till.cashierPIN)
        for e in t.journal {
            let bytes = EventCodec.encode(e)
            for pin in [Till.cashierPIN, Till.supervisorPIN, Till.technicianPIN, "4444"] {
                #expect(!bytes.containsSubsequence(Array(pin.utf8)))
            }
            #expect(!bytes.containsSubsequence(Array(mac.prefix(8))))
        }
    }

    @Test func pinsAreUniqueDigitsOfFourToEight() throws {
        var vault = PinVault(key: Array(repeating: 1, count: 32))
        #expect(throws: PinVault.PinError.wrongLength(3)) { try vault.setPIN("123", for: "a") }
        #expect(throws: PinVault.PinError.notDigits) { try vault.setPIN("12a4", for: "a") }
        try! vault.setPIN("1234", for: "a")
        #expect(throws: PinVault.PinError.alreadyInUse) { try vault.setPIN("1234", for: "b") }
        #expect(vault.owner(of: "1234") == "a")
        #expect(vault.owner(of: "4321") == nil)
    }

    @Test func onlyATechnicianManagesOperators() throws {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        #expect(t.run(.addOperator(Operator(id: "x", name: "X", role: .cashier))) == .permissionDenied(.manageOperators))
        t.must(.login(pin: Till.technicianPIN))
        t.must(.addOperator(Operator(id: "x", name: "X", role: .cashier)))
        #expect(t.run(.removeOperator("tero")) == .cannotRemoveSelf)
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        for i in 0...(count - needle.count) where Array(self[i..<(i + needle.count)]) == needle { return true }
        return false
    }
}

@Suite struct BadgeLoginTests {
    @Test func aStaffBadgeLogsItsOwnerInAndAnUnknownCardCountsNothing() throws {
        var t = Till()
        try t.env.pins.setBadge("6012345678901234", for: "sami")
        #expect(t.run(.loginWithBadge(card: "4111111111111111")) == .unknownBadge)
        #expect(t.state.pinAttempts.sources.isEmpty)
        #expect(t.state.currentOperator == nil)
        t.must(.loginWithBadge(card: "6012345678901234"))
        #expect(t.state.currentOperator == "sami")
        #expect(!t.journal.contains { "\($0)".contains("6012345678901234") })
    }

    @Test func aBadgeBelongsToOneOperatorAndGoesWithThem() throws {
        var vault = PinVault(key: Array(repeating: 1, count: 32))
        try vault.setBadge("1234", for: "anna")
        #expect(throws: PinVault.PinError.alreadyInUse) { try vault.setBadge("1234", for: "sami") }
        #expect(vault.badgeOwner(of: "1234") == "anna")
        vault.remove("anna")
        #expect(vault.badgeOwner(of: "1234") == nil)
        #expect(vault.mac("1234") != vault.badgeMAC("1234"))
    }

    @Test func wrongPinsDoNotHoldABadgeUp() {
        var t = Till()
        try? t.env.pins.setBadge("6012", for: "anna")
        for _ in 0..<3 { t.record(t.state.decide(.login(pin: "9999"), t.env, t.ctx).events) }
        #expect(t.state.decide(.login(pin: Till.cashierPIN), t.env, t.ctx).refusal == .pinDelayed(milliseconds: 1_000))
        #expect(t.state.decide(.loginWithBadge(card: "6012"), t.env, t.ctx).refusal == nil,
                "a badge is swiped on kassad's own reader, not typed")
    }
}

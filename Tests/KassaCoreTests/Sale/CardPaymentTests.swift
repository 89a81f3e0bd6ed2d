import Testing
@testable import KassaCore

/// Card payments through a terminal, as the register decides and records them.
@Suite("Card payments")
struct CardPaymentTests {
    static let approval = CardApproval(authorisationCode: "123456", maskedPAN: "************1111", scheme: "VISA")

    /// A cashier with a coffee (3.50) in an open sale.
    func tillWithACoffee() -> Till {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        return t
    }

    /// Requests an authorisation that must be accepted; returns it.
    func request(_ t: inout Till, _ amount: Int64, key: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) -> CardAuthorisation {
        let events = t.must(.requestCardAuthorisation(amount: amount, requestKey: key), sourceLocation: sourceLocation)
        guard case .cardAuthorisationRequested(let a)? = events.first, events.count == 1 else {
            Issue.record("expected one request event, got \(events)", sourceLocation: sourceLocation)
            return CardAuthorisation(reference: "", amount: 0, saleID: 0)
        }
        return a
    }

    @Test func anAuthorisationIsRequestedForTheOpenSaleAndIsPendingUntilResolved() {
        var t = tillWithACoffee()
        let a = request(&t, 350, key: "k-1")
        #expect(a.amount == 350)
        #expect(a.saleID == t.state.openSale!.id)
        #expect(a.requestKey == "k-1")
        #expect(a.reference.hasPrefix(t.env.config.registerID + "-1-"))
        #expect(t.state.pendingCardAuthorisation == a)
        #expect(t.state.openSale!.tenders.isEmpty, "nothing is paid before the terminal says so")
    }

    @Test func everyAuthorisationGetsAReferenceOfItsOwn() {
        var t = tillWithACoffee()
        let first = request(&t, 100)
        t.must(.resolveCardAuthorisation(reference: first.reference, .declined(reason: "no")))
        let second = request(&t, 100)
        #expect(first.reference != second.reference)
    }

    @Test func whileAnAuthorisationIsPendingNothingElseIsSoldOrPaid() {
        var t = tillWithACoffee()
        let a = request(&t, 200)
        let pending = Refusal.cardAuthorisationPending(reference: a.reference, amount: 200)
        let refused: [Command] = [
            .scan(code: "1", quantity: 1), .addItem("bun", quantity: 1), .voidLine(0), .discountReceipt(.percent(500), override: nil),
            .total, .tender(Tender(kind: .cash, amount: 1000)), .tender(Tender(kind: .card, amount: 150, reference: "T-9")),
            .complete, .cancel(override: Till.supervisorPIN), .park, .noSale(override: Till.supervisorPIN),
            .moveCash(.cashIn, amount: 100, reason: "float"), .closeShift(counted: 0), .closeDay, .setTraining(true, override: nil),
        ]
        for command in refused {
            #expect(t.run(command) == pending, "\(command)")
        }
        #expect(t.state.pendingCardAuthorisation == a)
        #expect(t.state.openSale!.lines.count == 1)
    }

    @Test func aSecondAuthorisationIsRefusedWhileOneIsPending() {
        var t = tillWithACoffee()
        let a = request(&t, 100)
        #expect(t.run(.requestCardAuthorisation(amount: 100, requestKey: nil))
                == .cardAuthorisationPending(reference: a.reference, amount: 100))
        #expect(t.state.cardAuthorisations == 1)
    }

    @Test func loggingInAndOutStillWorksWhileTheTerminalIsBusy() {
        var t = tillWithACoffee()
        _ = request(&t, 350)
        t.must(.logout)
        t.must(.login(pin: Till.supervisorPIN))
    }

    @Test func anAuthorisationCannotAskForMoreThanIsDue() {
        var t = tillWithACoffee()
        #expect(t.run(.requestCardAuthorisation(amount: 351, requestKey: nil)) == .cardOverpayment(remaining: 350))
        t.must(.tender(Tender(kind: .card, amount: 300, reference: "T-1")))
        #expect(t.run(.requestCardAuthorisation(amount: 51, requestKey: nil)) == .cardOverpayment(remaining: 50))
        #expect(t.run(.requestCardAuthorisation(amount: 0, requestKey: nil)) == .invalidAmount("a tender must be more than zero"))
        #expect(t.state.pendingCardAuthorisation == nil)
    }

    @Test func anAuthorisationNeedsAnOperatorAndAnOpenSaleWithItems() {
        var t = Till()
        #expect(t.run(.requestCardAuthorisation(amount: 100, requestKey: nil)) == .notLoggedIn)
        t.cashierWithOpenShift()
        #expect(t.run(.requestCardAuthorisation(amount: 100, requestKey: nil)) == .noOpenSale)
        t.must(.scan(code: "1", quantity: 1))
        t.must(.voidLine(0))
        #expect(t.run(.requestCardAuthorisation(amount: 100, requestKey: nil)) == .saleIsEmpty)
    }

    @Test func aTrainingSaleNeverReachesTheTerminal() {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.setTraining(true, override: nil))
        t.must(.scan(code: "1", quantity: 1))
        #expect(t.run(.requestCardAuthorisation(amount: 350, requestKey: nil)) == .trainingModeMismatch)
    }

    @Test func anApprovalOfWhatIsDueAddsTheCardTenderAndCompletesTheSale() {
        var t = tillWithACoffee()
        let a = request(&t, 350)
        let events = t.must(.resolveCardAuthorisation(reference: a.reference, .approved(Self.approval)))
        #expect(events.count == 4)
        #expect(events.first == .cardAuthorisationResolved(reference: a.reference, .approved(Self.approval)))
        #expect(events.dropFirst().first == .tenderAdded(Tender(kind: .card, amount: 350, reference: a.reference)))
        // Right after the sale: the card as the terminal named it, for the receipt and its copies.
        #expect(events.last == .saleCardDetails(receipt: 1, training: false, [CardSlip(reference: a.reference, approval: Self.approval)]))
        #expect(t.lastSale?.tenders == [Tender(kind: .card, amount: 350, reference: a.reference)])
        #expect(t.state.openSale == nil)
        #expect(t.state.pendingCardAuthorisation == nil)
        #expect(t.state.day.tenders[.card] == 350)
    }

    @Test func anApprovalOfPartOfTheSaleLeavesTheRestToPay() {
        var t = tillWithACoffee()
        let a = request(&t, 200)
        let events = t.must(.resolveCardAuthorisation(reference: a.reference, .approved(Self.approval)))
        #expect(events.count == 2)
        #expect(t.state.openSale?.tenders == [Tender(kind: .card, amount: 200, reference: a.reference)])
        t.must(.tender(Tender(kind: .cash, amount: 150)))
        #expect(t.lastSale?.total == 350)
    }

    @Test(arguments: [CardAuthorisationOutcome.declined(reason: "insufficient funds"), .notCharged(reason: "offline"),
                      .reversed(reason: "late answer")])
    func anOutcomeWithoutAChargeLeavesTheSaleOpenAndUnpaid(outcome: CardAuthorisationOutcome) {
        var t = tillWithACoffee()
        let a = request(&t, 350)
        let events = t.must(.resolveCardAuthorisation(reference: a.reference, outcome))
        #expect(events == [.cardAuthorisationResolved(reference: a.reference, outcome)])
        #expect(t.state.pendingCardAuthorisation == nil)
        #expect(t.state.openSale?.tenders == [])
        // And the sale goes on: another card, or cash.
        t.must(.tender(Tender(kind: .cash, amount: 500)))
        #expect(t.lastSale?.tenders.map(\.kind) == [.cash])
    }

    @Test func onlyThePendingAuthorisationCanBeResolved() {
        var t = tillWithACoffee()
        #expect(t.run(.resolveCardAuthorisation(reference: "R-1", .approved(Self.approval))) == .noSuchCardAuthorisation("R-1"))
        let a = request(&t, 350)
        #expect(t.run(.resolveCardAuthorisation(reference: a.reference + "x", .approved(Self.approval)))
                == .noSuchCardAuthorisation(a.reference + "x"))
        t.must(.resolveCardAuthorisation(reference: a.reference, .declined(reason: "no")))
        // Resolving twice would pay twice: the second is refused.
        #expect(t.run(.resolveCardAuthorisation(reference: a.reference, .approved(Self.approval)))
                == .noSuchCardAuthorisation(a.reference))
        #expect(t.state.openSale?.tenders == [])
    }

    @Test func theTerminalsAnswerIsRecordedWhoeverIsLoggedIn() {
        var t = tillWithACoffee()
        let a = request(&t, 350)
        t.must(.logout)
        t.must(.resolveCardAuthorisation(reference: a.reference, .approved(Self.approval)))
        #expect(t.lastSale?.operatorID == "anna")
    }

    @Test func afterACrashTheReplayedRegisterStillKnowsTheAuthorisationIsPending() throws {
        var t = tillWithACoffee()
        let a = request(&t, 350, key: "pay-1")
        // What a restarted kassad reads back: the journal up to the request, through the codec.
        let replayed = try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) })
        #expect(replayed.pendingCardAuthorisation == a)
        #expect(replayed.decide(.scan(code: "1", quantity: 1), t.env, t.ctx).refusal
                == .cardAuthorisationPending(reference: a.reference, amount: 350))
        let snapshot = try EventCodec.decodeState(EventCodec.encode(t.state))
        #expect(snapshot == t.state)
        #expect(snapshot.pendingCardAuthorisation == a)
    }

    @Test func bothCardEventsAreDurable() {
        let a = CardAuthorisation(reference: "R-1", amount: 1, saleID: 1)
        #expect(RegisterEvent.cardAuthorisationRequested(a).isDurable)
        #expect(RegisterEvent.cardAuthorisationResolved(reference: "R-1", .declined(reason: "no")).isDurable)
    }
}

@Suite("Card payment codec")
struct CardPaymentCodecTests {
    @Test(arguments: [
        RegisterEvent.cardAuthorisationRequested(CardAuthorisation(reference: "till-1-7-t9x", amount: 12_345, saleID: 42, requestKey: "k")),
        .cardAuthorisationRequested(CardAuthorisation(reference: "R", amount: 1, saleID: 1)),
        .cardAuthorisationResolved(reference: "R", .approved(CardPaymentTests.approval)),
        .cardAuthorisationResolved(reference: "R", .declined(reason: "Kortti hylätty")),
        .cardAuthorisationResolved(reference: "R", .notCharged(reason: "offline")),
        .cardAuthorisationResolved(reference: "R", .reversed(reason: "late")),
    ])
    func cardEventsSurviveTheCodec(event: RegisterEvent) throws {
        #expect(try EventCodec.decode(EventCodec.encode(event)) == event)
    }

    @Test func cardEventTagsAreStable() {
        #expect(RegisterEvent.cardAuthorisationRequested(CardAuthorisation(reference: "R", amount: 1, saleID: 1)).recordType == 80)
        #expect(RegisterEvent.cardAuthorisationResolved(reference: "R", .notCharged(reason: "")).recordType == 81)
    }

    @Test func anUnknownOutcomeTagIsATypedError() {
        var bytes = EventCodec.encode(.cardAuthorisationResolved(reference: "R", .notCharged(reason: "")))
        bytes[3] = 9  // tag, length, "R", outcome
        #expect(throws: CodecError.badTag("card outcome", 9, at: 3)) { try EventCodec.decode(bytes) }
    }

    @Test func aSnapshotWrittenBeforeCardPaymentsStillReads() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        let current = EventCodec.encodeFormat1(t.state)
        // The older layout ends before the two card fields ("none pending" and a zero count),
        // the disabled operators that came after them (none), the time cards, stock levels,
        // reorder rules and unit costs after those (none), the vouchers (none, number 0, four
        // zero day figures), the promotions and sale offers (none), and the customers (a zero
        // count and two empty maps).
        #expect(Array(current.suffix(18)) == [UInt8](repeating: 0, count: 18))
        #expect(try EventCodec.decodeState(Array(current.dropLast(18))) == t.state)
        #expect(try EventCodec.decodeState(Array(current.dropLast(16))) == t.state)
        #expect(try EventCodec.decodeState(Array(current.dropLast(5))) == t.state)
        #expect(try EventCodec.decodeState(Array(current.dropLast(3))) == t.state)
    }
}

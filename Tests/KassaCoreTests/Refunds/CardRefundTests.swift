import Testing
@testable import KassaCore

/// Refunds go back the way the sale was paid, and a refund to the card is done only when the
/// terminal has credited it.
@Suite("Card refunds")
struct CardRefundTests {
    static let approval = CardApproval(authorisationCode: "654321", maskedPAN: "************4444", scheme: "Mastercard", trace: "17")

    /// Three coffees (10.50) paid with `card` on a card through the terminal and the rest in cash.
    func sold(_ t: inout Till, card: Int64) -> CompletedSale {
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 3))
        if card > 0 {
            let events = t.must(.requestCardAuthorisation(amount: card, requestKey: nil))
            guard case .cardAuthorisationRequested(let a)? = events.first else { return t.lastSale! }
            t.must(.resolveCardAuthorisation(reference: a.reference, .approved(CardPaymentTests.approval)))
        }
        if t.state.openSale != nil { t.must(.tender(Tender(kind: .cash, amount: 1050 - card))) }
        return t.lastSale!
    }

    func refund(_ sale: CompletedSale, line: Int = 0, quantity: Int64 = 1, tender: TenderKind? = nil) -> Command {
        .refund(original: sale, lines: [RefundRequestLine(line: line, quantity: quantity)], tender: tender, override: Till.supervisorPIN)
    }

    func requestCardRefund(_ t: inout Till, _ sale: CompletedSale, quantity: Int64 = 1, key: String? = nil) -> CardRefundRequest? {
        let events = t.must(.requestCardRefund(original: sale, lines: [RefundRequestLine(line: 0, quantity: quantity)],
                                               override: Till.supervisorPIN, requestKey: key))
        guard case .cardRefundRequested(let r)? = events.first, events.count == 1 else {
            Issue.record("expected one request event, got \(events)")
            return nil
        }
        return r
    }

    @Test func withoutATenderARefundGoesBackToTheCardThatPaidOrToCash() {
        var byCard = Till()
        byCard.must(refund(sold(&byCard, card: 1050)))
        #expect(byCard.lastRefund?.tender == .card)
        var inCash = Till()
        inCash.must(refund(sold(&inCash, card: 0)))
        #expect(inCash.lastRefund?.tender == .cash)
    }

    @Test func aSplitSaleGivesTheCardBackWhatItPaidAndTheRestInCash() {
        var t = Till()
        // 3.50 on the card, 7.00 in cash.
        let sale = sold(&t, card: 350)
        t.must(refund(sale))
        #expect(t.lastRefund?.tender == .card)
        #expect(t.lastRefund?.paidOut == 350)
        // The card has had all it paid: the next coffee goes back in cash.
        t.must(refund(sale))
        #expect(t.lastRefund?.tender == .cash)
        #expect(t.state.refundState.refundedToCard[ReceiptKey(number: sale.receiptNumber, training: false)] == 350)
    }

    @Test func anotherTenderThanTheSalesNeedsASupervisor() {
        var t = Till()
        let sale = sold(&t, card: 1050)
        #expect(!Role.cashier.allows(.refundToOtherTender))
        let toCash: [RefundRequestLine] = [RefundRequestLine(line: 0, quantity: 1)]
        #expect(t.run(.refund(original: sale, lines: toCash, tender: .cash, override: nil)) == .supervisorRequired(.refund))
        #expect(t.run(.refund(original: sale, lines: toCash, tender: .cash, override: Till.cashierPIN)) == .wrongPIN)
        t.must(.refund(original: sale, lines: toCash, tender: .cash, override: Till.supervisorPIN))
        #expect(t.lastRefund?.tender == .cash)
        #expect(t.lastRefund?.authorisedBy == "sami")
        // Back to the card it was paid with: the refund's own authorisation is enough.
        t.must(refund(sale, tender: .card))
        #expect(t.lastRefund?.tender == .card)
    }

    @Test func aCardRefundIsDoneOnlyWhenTheTerminalCreditedTheCard() {
        var t = Till()
        let sale = sold(&t, card: 1050)
        guard let r = requestCardRefund(&t, sale, key: "refund-1") else { return }
        #expect(r.amount == 350)
        #expect(r.refund.tender == .card)
        #expect(r.requestKey == "refund-1")
        #expect(t.lastRefund == nil, "nothing is refunded before the terminal says so")
        #expect(t.state.refundState.pendingCardRefund == r)
        // Meanwhile nothing else is sold or refunded.
        let pending = Refusal.cardRefundPending(reference: r.reference, amount: 350)
        #expect(t.run(.scan(code: "1", quantity: 1)) == pending)
        #expect(t.run(refund(sale)) == pending)
        let events = t.must(.resolveCardRefund(reference: r.reference, .approved(Self.approval), original: sale))
        #expect(events.first == .cardRefundResolved(reference: r.reference, .approved(Self.approval)))
        #expect(events.dropFirst().first == .refundCompleted(r.refund))
        #expect(t.lastRefund == r.refund)
        #expect(t.state.refundState.pendingCardRefund == nil)
        #expect(t.state.day.refundsGross == 350)
    }

    @Test(arguments: [CardAuthorisationOutcome.declined(reason: "The card was declined by the card's bank."),
                      .notCharged(reason: "it was cancelled at the register"), .reversed(reason: "late")])
    func aCardRefundNotCreditedIsNotDoneAndItsLinesStayRefundable(outcome: CardAuthorisationOutcome) {
        var t = Till()
        let sale = sold(&t, card: 1050)
        guard let r = requestCardRefund(&t, sale, quantity: 3) else { return }
        let events = t.must(.resolveCardRefund(reference: r.reference, outcome, original: sale))
        #expect(events == [.cardRefundResolved(reference: r.reference, outcome)])
        #expect(t.lastRefund == nil)
        #expect(t.state.refundState.pendingCardRefund == nil)
        t.must(refund(sale, quantity: 3))
        #expect(t.lastRefund?.refundNumber == 1)
    }

    @Test func aTrainingRefundNeverReachesTheTerminal() {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.setTraining(true, override: nil))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 350, reference: "T-1")))
        let sale = t.lastSale!
        #expect(t.run(.requestCardRefund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], override: nil,
                                         requestKey: nil)) == .trainingModeMismatch)
    }

    @Test func afterACrashThePendingCardRefundIsStillPendingFromJournalOrSnapshot() throws {
        var t = Till()
        let sale = sold(&t, card: 1050)
        guard let r = requestCardRefund(&t, sale) else { return }
        let replayed = try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) })
        #expect(replayed.refundState.pendingCardRefund == r)
        let snapshot = try EventCodec.decodeState(EventCodec.encode(t.state))
        #expect(snapshot == t.state)
        t.must(.resolveCardRefund(reference: r.reference, .approved(Self.approval), original: sale))
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
    }

    @Test(arguments: [
        RegisterEvent.cardRefundResolved(reference: "till-1-R1-x", .approved(approval)),
        .cardRefundResolved(reference: "R", .declined(reason: "The card was declined: it has expired.")),
        .saleCardDetails(receipt: 7, training: false, [CardSlip(reference: "R-1", approval: approval),
                                                       CardSlip(reference: "R-2", approval: CardPaymentTests.approval)]),
    ])
    func cardRefundEventsSurviveTheCodec(event: RegisterEvent) throws {
        #expect(try EventCodec.decode(EventCodec.encode(event)) == event)
        #expect(event.isDurable)
    }

    @Test func aCardRefundRequestWithItsRefundSurvivesTheCodec() throws {
        var t = Till()
        let sale = sold(&t, card: 1050)
        guard let r = requestCardRefund(&t, sale, key: "k") else { return }
        #expect(try EventCodec.decode(EventCodec.encode(.cardRefundRequested(r))) == .cardRefundRequested(r))
    }
}

/// Refunds to a card go through the terminal, like card payments: the refund is decided and
/// journaled (durably) as requested before the request leaves, and it is done, counted and
/// printed only when the terminal has credited the card. A decline leaves it undone; an answer
/// that never came is settled from the terminal's memory, as for payments.

/// A refund waiting for the terminal to credit the card.
public struct CardRefundRequest: Hashable, Sendable {
    /// The register's reference of the credit; the terminal remembers its transactions by it.
    public var reference: String
    /// The refund as decided; recorded as it is once the card is credited.
    public var refund: CompletedRefund
    /// The idempotency key of the client request that started it.
    public var requestKey: String?

    public init(reference: String, refund: CompletedRefund, requestKey: String? = nil) {
        self.reference = reference
        self.refund = refund
        self.requestKey = requestKey
    }

    /// What goes back to the card.
    public var amount: Int64 { refund.paidOut }
}

extension RegisterState {
    /// Asks the terminal to credit a refund of `lines` of `original` to the card. Everything a
    /// refund checks is checked now, so that a credited card is always a refund that can be recorded.
    func requestCardRefund(_ original: CompletedSale, _ lines: [RefundRequestLine], override: String?, requestKey: String?,
                           _ env: RegisterEnvironment, _ ctx: Context, pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        // A training refund must never reach a real terminal.
        guard !staffState.training else { throw .trainingModeMismatch }
        let done = try decidedRefund(original, lines, .card, override: override, env, ctx, pinEvents: &pinEvents)
        guard done.paidOut > 0 else { return try refundEvents(done, original, env.config) }
        _ = try vouchersBack(done, by: done.operatorID)
        let reference = "\(env.config.registerID)-R\(done.refundNumber)-\(String(UInt64(max(0, ctx.now.milliseconds / 1000)), radix: 36))"
        return [.cardRefundRequested(CardRefundRequest(reference: reference, refund: done, requestKey: requestKey))]
    }

    /// Records what became of the pending card refund: approved, the refund is done (against
    /// `original`, the sale it refunds); anything else leaves it undone.
    func resolveCardRefund(reference: String, _ outcome: CardAuthorisationOutcome, original: CompletedSale,
                           _ config: RegisterConfig) throws(Refusal) -> [RegisterEvent] {
        guard let pending = refundState.pendingCardRefund, pending.reference == reference else {
            throw .noSuchCardAuthorisation(reference)
        }
        let events: [RegisterEvent] = [.cardRefundResolved(reference: reference, outcome)]
        guard outcome.charged else { return events }
        guard original.receiptNumber == pending.refund.originalReceipt, original.training == pending.refund.training else {
            throw .unknownReceipt(pending.refund.originalReceipt)
        }
        return events + (try refundEvents(pending.refund, original, config))
    }

    /// The tenders a refund of `total` from `original` goes back to without a supervisor, the
    /// default first: the card while the card payments of the sale still cover it (a card is never
    /// credited more than it was charged), then cash and vouchers (as store credit) if they paid
    /// part of it.
    func mirroredTenders(_ original: CompletedSale, total: Int64) -> [TenderKind] {
        var kinds: [TenderKind] = []
        let charged = original.tenders.filter { $0.kind == .card }.reduce(Int64(0)) { $0 &+ $1.amount }
        let key = ReceiptKey(number: original.receiptNumber, training: original.training)
        if charged > 0, total <= charged &- (refundState.refundedToCard[key] ?? 0) { kinds.append(.card) }
        for kind in [TenderKind.cash, .voucher] where original.tenders.contains(where: { $0.kind == kind }) {
            kinds.append(kind)
        }
        return kinds
    }
}

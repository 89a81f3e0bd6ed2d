/// What a refund has already given back of one original line.
public struct RefundedLine: Hashable, Sendable {
    public var quantity: Int64 = 0
    public var gross: Int64 = 0
    public var tax: Int64 = 0
}

/// A receipt as refunds see it: real and training receipts are numbered apart.
public struct ReceiptKey: Hashable, Sendable {
    public var number: UInt64
    public var training: Bool
}

/// Refunds: the last refund's number and what each receipt's lines have given back so far. A
/// snapshot keeps it in its `refunds` section.
public struct RefundState: Hashable, Sendable {
    public var lastRefund: UInt64 = 0
    public var refunded: [ReceiptKey: [Int: RefundedLine]] = [:]
    /// The refund sent to the card terminal and not yet resolved: while there is one, the
    /// register sells nothing else, and after a restart it must ask the terminal first. A
    /// snapshot keeps it, and `refundedToCard`, in its `cardRefunds` section.
    public var pendingCardRefund: CardRefundRequest?
    /// What each receipt's refunds have paid back to cards.
    public var refundedToCard: [ReceiptKey: Int64] = [:]

    public init() {}

    /// Applies a completed refund and the card refunds' requests and outcomes; the other events
    /// change nothing here. Sums that would overflow are refused before anything changes.
    mutating func apply(_ event: RegisterEvent) throws(FoldError) {
        switch event {
        case .cardRefundRequested(let request):
            pendingCardRefund = request
            return
        case .cardRefundResolved(let reference, _):
            if pendingCardRefund?.reference == reference { pendingCardRefund = nil }
            return
        default:
            break
        }
        guard case .refundCompleted(let refund) = event else { return }
        let key = ReceiptKey(number: refund.originalReceipt, training: refund.training)
        var lines = refunded[key] ?? [:]
        for line in refund.lines {
            var back = lines[line.originalLine] ?? RefundedLine()
            try FoldCheck.add(&back.quantity, line.quantity, "quantity refunded of receipt \(key.number)")
            try FoldCheck.add(&back.gross, line.gross, "amount refunded of receipt \(key.number)")
            try FoldCheck.add(&back.tax, line.tax, "VAT refunded of receipt \(key.number)")
            lines[line.originalLine] = back
        }
        if refund.tender == .card {
            var toCard = refundedToCard[key] ?? 0
            try FoldCheck.add(&toCard, refund.paidOut, "amount refunded to cards of receipt \(key.number)")
            refundedToCard[key] = toCard
        }
        refunded[key] = lines
        guard !refund.training else { return }
        lastRefund = refund.refundNumber
    }
}

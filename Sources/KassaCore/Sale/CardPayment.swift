/// Card payments through a terminal: the request the register journals before it leaves, and the
/// outcome it records when the terminal (or, after a lost answer, the terminal's memory) has said
/// what happened. EMV itself stays inside the terminal; the register sees an amount go out and a
/// result come back.

/// A card authorisation the register asked the terminal for. Journaled (durably) before the request
/// leaves, so that after a crash the register knows it must ask the terminal what became of it.
public struct CardAuthorisation: Hashable, Sendable {
    /// The transaction reference the register chose; the terminal remembers its transactions by it.
    public var reference: String
    public var amount: Int64
    public var saleID: UInt64
    /// The idempotency key of the client request that started it: a retry of that request, also
    /// after a restart, gets the outcome instead of starting a second authorisation.
    public var requestKey: String?

    public init(reference: String, amount: Int64, saleID: UInt64, requestKey: String? = nil) {
        self.reference = reference
        self.amount = amount
        self.saleID = saleID
        self.requestKey = requestKey
    }
}

/// What a terminal says about an approved card: never the full card number.
public struct CardApproval: Hashable, Sendable {
    public var authorisationCode: String
    /// The card number with all but the last four digits masked, as terminals print it.
    public var maskedPAN: String
    /// VISA, Mastercard, …
    public var scheme: String

    public init(authorisationCode: String, maskedPAN: String, scheme: String) {
        self.authorisationCode = authorisationCode
        self.maskedPAN = maskedPAN
        self.scheme = scheme
    }
}

/// How a card authorisation ended, as the register records it.
public enum CardAuthorisationOutcome: Hashable, Sendable {
    /// The card was charged: the sale gets a card tender of the requested amount.
    case approved(CardApproval)
    /// The card or its issuer said no; nothing was charged.
    case declined(reason: String)
    /// The terminal did not charge the card: it was not reached, or it aborted the attempt.
    case notCharged(reason: String)
    /// The card had been charged and the register had the charge reversed (its answer came too
    /// late, or did not match the request).
    case reversed(reason: String)

    public var charged: Bool {
        if case .approved = self { return true }
        return false
    }
}

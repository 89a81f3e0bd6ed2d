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
    /// VISA, Mastercard, … (the card's brand as the terminal names it).
    public var scheme: String
    /// The terminal's own trace or receipt number, when it gives one (journaled with card refunds
    /// and the card details of sales; the payment records of version 1 do not carry it).
    public var trace: String?

    public init(authorisationCode: String, maskedPAN: String, scheme: String, trace: String? = nil) {
        self.authorisationCode = authorisationCode
        self.maskedPAN = maskedPAN
        self.scheme = scheme
        self.trace = trace
    }

    /// The lines a receipt prints under the card's tender: brand and masked number, then the
    /// authorisation code (and the terminal's trace number).
    public var receiptLines: [String] {
        ["\(scheme) \(maskedPAN)", "Auth \(authorisationCode)" + (trace.map { "  Trace \($0)" } ?? "")]
    }
}

/// Why a terminal declined: a typed code (ZVT's and nexo's result codes map onto these) and the
/// one sentence a cashier reads.
public struct CardDecline: Hashable, Sendable {
    public enum Code: String, Hashable, Sendable, CaseIterable {
        case insufficientFunds = "insufficient_funds"
        case expiredCard = "expired_card"
        case wrongPIN = "wrong_pin"
        case cardBlocked = "card_blocked"
        case cardNotAccepted = "card_not_accepted"
        case limitExceeded = "limit_exceeded"
        case issuerUnavailable = "issuer_unavailable"
        case cancelledOnTerminal = "cancelled_on_terminal"
        case declinedByIssuer = "declined_by_issuer"
    }

    public var code: Code
    /// The terminal's own result code (ZVT's BMP 27, nexo's ErrorCondition), for the technician.
    public var terminalCode: String?

    public init(_ code: Code, terminalCode: String? = nil) {
        self.code = code
        self.terminalCode = terminalCode
    }

    /// One sentence the cashier can say to the customer.
    public var sentence: String {
        switch code {
        case .insufficientFunds: return "The card was declined: there is not enough money on the account."
        case .expiredCard: return "The card was declined: it has expired."
        case .wrongPIN: return "The card was declined: the PIN was wrong."
        case .cardBlocked: return "The card was declined: it is blocked; the customer should call their bank."
        case .cardNotAccepted: return "The card was declined: this kind of card is not accepted here."
        case .limitExceeded: return "The card was declined: the amount is over the card's limit."
        case .issuerUnavailable: return "The card was declined: the card's bank could not be reached; try again or pay another way."
        case .cancelledOnTerminal: return "The card payment was cancelled on the terminal."
        case .declinedByIssuer: return "The card was declined by the card's bank."
        }
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

/// One card that paid part of a sale, as its receipt prints it: the register's reference of the
/// payment and what the terminal said of the card.
public struct CardSlip: Hashable, Sendable {
    public var reference: String
    public var approval: CardApproval

    public init(reference: String, approval: CardApproval) {
        self.reference = reference
        self.approval = approval
    }
}

import KassaCore

/// A card payment terminal: EMV, the card and the PIN stay inside it (a certified box); the
/// register sends a typed request (a payment or a refund, an amount, a reference of its own) and
/// gets a typed answer back: approved with the card's brand, masked number, authorisation code and
/// the terminal's trace number, or declined with a reason code. ZVT (authorisation 06 01, refund
/// 06 31, reversal 06 30, abort 06 B0, status information) and nexo drivers sit behind this
/// interface; `SimulatedPaymentTerminal` does today.
///
/// Everything is asynchronous: each call's completion runs exactly once, later, on the device
/// loop's thread. A request's completion runs at the latest after the driver's timeout, with
/// `.timeout` when no answer came; the terminal may still have acted then, which is what
/// `lastTransaction` and `reverse` are for.
public protocol PaymentTerminal: Device {
    /// Asks the terminal to charge (`.payment`) or credit (`.refund`) the card presented.
    func transact(_ request: CardRequest, completion: @escaping (Result<AuthorisationAnswer, PaymentTerminalError>) -> Void)
    /// What the terminal did last, as it remembers it (also across a restart of kassad); nil when
    /// it has never done anything.
    func lastTransaction(completion: @escaping (Result<TerminalTransaction?, PaymentTerminalError>) -> Void)
    /// Makes sure nothing stands under `reference`: a charge or a credit is reversed, an attempt
    /// still waiting for the card is aborted.
    func reverse(reference: String, completion: @escaping (Result<ReversalAnswer, PaymentTerminalError>) -> Void)
    /// Asks the terminal to give up the request it is working on (the cashier cancelled it). The
    /// request's own completion still runs, and is what counts: `.aborted` when the terminal gave
    /// up in time, its approval when the card had already been charged (`.tooLate` here), or a
    /// timeout whose outcome the terminal's memory settles.
    func abort(completion: @escaping (Result<AbortAnswer, PaymentTerminalError>) -> Void)
}

extension PaymentTerminal {
    /// A payment of `amount` under `reference`.
    public func authorise(reference: String, amount: Int64, currency: Currency,
                          completion: @escaping (Result<AuthorisationAnswer, PaymentTerminalError>) -> Void) {
        transact(CardRequest(.payment, reference: reference, amount: amount, currency: currency), completion: completion)
    }
}

/// What the register asks of the terminal.
public struct CardRequest: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Charge the card (ZVT authorisation).
        case payment
        /// Credit the card (ZVT refund): money back to the customer.
        case refund
    }

    public var kind: Kind
    /// The register's own reference; the terminal remembers its transactions by it.
    public var reference: String
    /// Minor units of `currency`, more than 0.
    public var amount: Int64
    public var currency: Currency

    public init(_ kind: Kind, reference: String, amount: Int64, currency: Currency) {
        self.kind = kind
        self.reference = reference
        self.amount = amount
        self.currency = currency
    }
}

/// The terminal's answer to a request.
public enum AuthorisationAnswer: Hashable, Sendable {
    /// Charged (a payment) or credited (a refund).
    case approved(CardApproval)
    /// The card, its issuer or the terminal said no; nothing was charged or credited.
    case declined(CardDecline)
    /// Given up before the card was charged or credited: the cashier's abort came in time.
    case aborted
}

public enum ReversalAnswer: Hashable, Sendable {
    /// The reference had been charged or credited; that is reversed.
    case reversed
    /// Nothing stands under the reference (any attempt still running was aborted).
    case nothingCharged
}

public enum AbortAnswer: Hashable, Sendable {
    /// The terminal gives the request up; its completion answers `.aborted`.
    case aborting
    /// The card was already charged or credited: the request's completion brings the approval.
    case tooLate
    /// The terminal is working on nothing.
    case nothingToAbort
}

/// A transaction as the terminal remembers it.
public struct TerminalTransaction: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        case approved(CardApproval)
        case declined(CardDecline)
        /// Approved, then reversed.
        case reversed
        /// Given up before the card was charged or credited.
        case aborted
    }

    public var kind: CardRequest.Kind
    public var reference: String
    public var amount: Int64
    /// ISO 4217 code.
    public var currency: String
    public var outcome: Outcome

    public init(_ kind: CardRequest.Kind = .payment, reference: String, amount: Int64, currency: String, outcome: Outcome) {
        self.kind = kind
        self.reference = reference
        self.amount = amount
        self.currency = currency
        self.outcome = outcome
    }
}

public enum PaymentTerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No answer within the driver's timeout: the terminal may or may not have acted.
    case timeout
    /// The terminal could not be reached: the request never got to it.
    case offline(String)
    /// The terminal is busy with another transaction and did not take this one.
    case busy
    /// The terminal refused the request as such (a reference or currency it cannot take) without
    /// acting on it.
    case rejected(String)
    /// The terminal answered something the driver cannot read: it may or may not have acted.
    case protocolFailure(String)

    /// Whether the terminal may have acted on the request: then its memory must be asked before
    /// anything else.
    public var outcomeUnknown: Bool {
        switch self {
        case .timeout, .protocolFailure: return true
        case .offline, .busy, .rejected: return false
        }
    }

    public var description: String {
        switch self {
        case .timeout: return "the terminal did not answer in time"
        case .offline(let why): return "the terminal cannot be reached (\(why))"
        case .busy: return "the terminal is busy with another transaction"
        case .rejected(let why): return "the terminal refused the request (\(why))"
        case .protocolFailure(let why): return "the terminal's answer could not be read (\(why))"
        }
    }
}

extension CardApproval {
    /// An approval as a terminal reports it, with the card number masked here whatever the terminal
    /// sent: all but the last four digits hidden. A number the terminal already masked (four digits
    /// or fewer left) is kept as it is, so its last four still show.
    public init(authorisationCode: String, cardNumber: String, scheme: String, trace: String? = nil) {
        let digits = cardNumber.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        self.init(authorisationCode: authorisationCode, maskedPAN: digits > 4 ? MagStripe.mask(cardNumber) : cardNumber,
                  scheme: scheme, trace: trace)
    }
}

import KassaCore

/// A card payment terminal: EMV, the card and the PIN stay inside it (a certified box); the
/// register sends an amount under a reference of its own and gets a result back. ZVT, OPI and
/// nexo drivers will sit behind this interface; `SimulatedPaymentTerminal` does today.
///
/// Everything is asynchronous: each call's completion runs exactly once, later, on the device
/// loop's thread. An authorisation's completion runs at the latest after the driver's timeout,
/// with `.timeout` when no answer came; the terminal may still have charged the card then, which
/// is what `lastTransaction` and `reverse` are for.
public protocol PaymentTerminal: Device {
    /// Asks the terminal to charge `amount` (minor units of `currency`) under `reference`.
    func authorise(reference: String, amount: Int64, currency: Currency,
                   completion: @escaping (Result<AuthorisationAnswer, PaymentTerminalError>) -> Void)
    /// What the terminal did last, as it remembers it (also across a restart of kassad); nil when
    /// it has never done anything.
    func lastTransaction(completion: @escaping (Result<TerminalTransaction?, PaymentTerminalError>) -> Void)
    /// Makes sure `reference` ends up not charged: a charge is reversed, an attempt still waiting
    /// for the card is aborted.
    func reverse(reference: String, completion: @escaping (Result<ReversalAnswer, PaymentTerminalError>) -> Void)
}

/// The terminal's answer to an authorisation.
public enum AuthorisationAnswer: Hashable, Sendable {
    case approved(CardApproval)
    case declined(reason: String)
}

public enum ReversalAnswer: Hashable, Sendable {
    /// The reference had been charged; the charge is reversed.
    case reversed
    /// Nothing is charged under the reference (any attempt still running was aborted).
    case nothingCharged
}

/// A transaction as the terminal remembers it.
public struct TerminalTransaction: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        case approved(CardApproval)
        case declined(reason: String)
        /// Approved, then reversed.
        case reversed
        /// Given up before the card was charged.
        case aborted
    }

    public var reference: String
    public var amount: Int64
    /// ISO 4217 code.
    public var currency: String
    public var outcome: Outcome

    public init(reference: String, amount: Int64, currency: String, outcome: Outcome) {
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
    public init(authorisationCode: String, cardNumber: String, scheme: String) {
        let digits = cardNumber.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        self.init(authorisationCode: authorisationCode, maskedPAN: digits > 4 ? MagStripe.mask(cardNumber) : cardNumber,
                  scheme: scheme)
    }
}

import KassaCore

/// What an operation does to the register: the server refuses writes while nothing can be
/// recorded, answers a write's repeated idempotency key from the journal, and a durable write's
/// record is fdatasync'd before its reply.
public enum Effect: String, Sendable, Hashable {
    /// Reads and changes nothing.
    case read
    /// Journals events (or stores a secret) that need not be on disk before the reply.
    case write
    /// Makes a durable record: on disk before the reply or any effect.
    case durable

    public var writes: Bool { self != .read }
}

/// Who may call an operation, checked by the server before any handler runs. The register's
/// rules (which role may override a price, whose PIN authorises a refund) stay in the core: this
/// is the door, not the rule book.
public enum Access: String, Sendable, Hashable, CaseIterable {
    /// Anyone in the socket's group, nobody logged in.
    case anyone
    /// The request carries the PIN, badge or code it is checked by.
    case credential
    /// An operator logged in at the register.
    case loggedIn = "logged_in"
    /// An operator logged in, or a technician's session on this connection.
    case loggedInOrTechnician = "logged_in_or_technician"
    /// A supervisor or technician logged in, or a technician's session on this connection.
    case supervisorOrTechnician = "supervisor_or_technician"
    /// A technician's PIN entered on this connection (on a new box with no operators at all, the
    /// first one may be set up without).
    case technician
}

/// The type and bounds of one argument. The server refuses anything outside them with
/// `bad_args` before a handler sees the request.
public indirect enum ArgumentKind: Sendable, Hashable {
    /// A whole number within the bounds (amounts are minor units: never a decimal).
    case integer(ClosedRange<Int64>)
    /// A string of at most this many UTF-8 bytes.
    case text(maxBytes: Int)
    /// One of these strings.
    case choice([String])
    case flag
    /// A local date `YYYY-MM-DD`.
    case date
    /// A list of at most `maxCount` values of one kind.
    case list(ArgumentKind, maxCount: Int)
    /// An object with exactly these fields.
    case record([Argument])
    /// A moment: milliseconds since the epoch, or the register's local time `YYYY-MM-DD HH:MM`.
    case moment
}

public struct Argument: Sendable, Hashable {
    public var name: String
    public var kind: ArgumentKind
    public var required: Bool
    /// A credential (a PIN, a badge, a recovery code): left out of what is journaled about the
    /// request, its idempotency digest included.
    public var secret: Bool

    public init(_ name: String, _ kind: ArgumentKind, required: Bool = true, secret: Bool = false) {
        self.name = name
        self.kind = kind
        self.required = required
        self.secret = secret
    }
}

/// One row of the operation table.
public struct OperationSpec: Sendable, Hashable {
    public var effect: Effect
    public var access: Access
    public var arguments: [Argument]
    /// Whether it sells or closes (refused while the clock is behind the journal).
    public var selling: Bool
    /// Whether it runs while the journal is damaged or read-only (recovering it, for one).
    public var whileReadOnly: Bool

    public init(_ effect: Effect, _ access: Access, _ arguments: [Argument] = [], selling: Bool = false, whileReadOnly: Bool = false) {
        self.effect = effect
        self.access = access
        self.arguments = arguments
        self.selling = selling
        self.whileReadOnly = whileReadOnly
    }
}

/// The bounds of what enters through the door, shared by the operations that take them.
public enum Bounds {
    /// An amount of money in minor units: at most the ceiling of every limit (100,000,000.00 at
    /// two decimals). The register narrows each kind (a price, a line, a sale, the cash above
    /// what is due, a float, a cash movement, a voucher) to its limit, a setting of the shop's,
    /// and refuses what is above it with `over_limit`.
    public static let amount: ClosedRange<Int64> = 0...AmountLimits.ceiling
    /// What a line is rung up with: pieces (the register takes 1 to 9,999) or grams of a weighed
    /// item (1 to 1,000,000); the same for a line refunded.
    public static let lineQuantity: ClosedRange<Int64> = 0...1_000_000
    /// Stock on hand, counted, received or adjusted: pieces, or grams of a weighed item.
    public static let quantity: ClosedRange<Int64> = -1_000_000_000...1_000_000_000
    /// A line number, receipt number, park id, customer number and the like.
    public static let index: ClosedRange<Int64> = 0...Int64(UInt32.max)
    /// A percentage in basis points (100% = 10000).
    public static let basisPoints: ClosedRange<Int64> = -1_000_000...1_000_000
    /// A PIN as typed (the register checks its shape; anything longer is not a PIN).
    public static let pinBytes = 64
    /// A code as scanned or typed: barcode, PLU, voucher, card.
    public static let codeBytes = 128
    /// Names and ids.
    public static let nameBytes = 200
    /// What is typed to find an item by name, and how many items one search answers with.
    public static let searchBytes = 64
    public static let searchResults: ClosedRange<Int64> = 1...50
    /// A reason, a note, a footer.
    public static let textBytes = 1000
    /// A request line is at most 64 KiB: the largest argument is a little less.
    public static let payloadBytes = 63 * 1024
}

extension Argument {
    static func pin(_ name: String = "pin", required: Bool = true) -> Argument {
        Argument(name, .text(maxBytes: Bounds.pinBytes), required: required, secret: true)
    }
    /// A badge's number or a recovery code: a credential in a code's shape.
    static func credentialCode(_ name: String, required: Bool = true) -> Argument {
        Argument(name, .text(maxBytes: Bounds.codeBytes), required: required, secret: true)
    }
    static let overridePIN = pin("override_pin", required: false)
    static func amount(_ name: String, required: Bool = true) -> Argument { Argument(name, .integer(Bounds.amount), required: required) }
    static func index(_ name: String, required: Bool = true) -> Argument { Argument(name, .integer(Bounds.index), required: required) }
    static func code(_ name: String, required: Bool = true) -> Argument { Argument(name, .text(maxBytes: Bounds.codeBytes), required: required) }
    static func name(_ name: String, required: Bool = true) -> Argument { Argument(name, .text(maxBytes: Bounds.nameBytes), required: required) }
    static func text(_ name: String, required: Bool = true) -> Argument { Argument(name, .text(maxBytes: Bounds.textBytes), required: required) }
    static func flag(_ name: String) -> Argument { Argument(name, .flag, required: false) }
    static func page(limit: ClosedRange<Int64>, offset: String = "offset", limitName: String = "limit") -> [Argument] {
        [Argument(offset, .integer(Bounds.index), required: false), Argument(limitName, .integer(limit), required: false)]
    }
}

extension Op {
    /// The table as PROTOCOL.md shows it (a test keeps the document's copy equal to this).
    public static func markdownTable() -> String {
        var lines = ["| op | effect | who may call | arguments |", "|---|---|---|---|"]
        for op in allCases {
            let spec = op.spec
            var effect = spec.effect.rawValue
            if spec.selling { effect += ", selling" }
            if spec.whileReadOnly { effect += ", while read-only" }
            let args = spec.arguments.map { $0.required ? "`\($0.name)`" : "`\($0.name)`?" }.joined(separator: ", ")
            lines.append("| `\(op.name)` | \(effect) | \(spec.access.rawValue) | \(args.isEmpty ? "–" : args) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// A member of staff known to the register.
public struct OperatorID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: OperatorID, b: OperatorID) -> Bool { a.rawValue < b.rawValue }
}

public enum Role: String, Sendable, Hashable, CaseIterable, Comparable {
    case cashier, supervisor, technician

    private var rank: Int {
        switch self {
        case .cashier: return 0
        case .supervisor: return 1
        case .technician: return 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// What an operation needs. Rights come from the role; beyond them a supervisor's PIN overrides.
public enum Permission: String, Sendable, Hashable, CaseIterable {
    case sell
    case priceOverride
    case discountOverLimit
    case refund
    /// A refund to a tender the sale was not paid with (cash back for a card payment), or to a
    /// card beyond what the sale charged to cards.
    case refundToOtherTender
    case noSale
    case cancelAfterTotal
    case cashInOut
    case shift
    case xReport
    case zReport
    case trainingMode
    case manageOperators
    case configure
    /// Putting goods received into stock.
    case receiveStock
    /// Counting stock and adjusting it with a reason: both can make goods vanish on paper.
    case adjustStock
    /// Reorder points and quantities.
    case stockSettings
    /// Changing an employee's time card.
    case correctTime
    /// Sales reports over any period: what the shop takes and who sells what.
    case salesReports
    /// Setting up, changing and removing promotions.
    case promotions
    /// Forgetting a customer on their request: their profile and points go for good.
    case forgetCustomer
    /// Test prints, drawer kicks and the other checks of the devices.
    case testDevices
}

extension Role {
    public func allows(_ permission: Permission) -> Bool {
        switch permission {
        case .sell, .shift, .xReport, .cashInOut, .receiveStock:
            return true
        case .adjustStock, .stockSettings, .correctTime, .salesReports, .promotions, .forgetCustomer:
            return self >= .supervisor
        case .priceOverride, .discountOverLimit, .refund, .refundToOtherTender, .noSale, .cancelAfterTotal, .zReport, .trainingMode:
            return self >= .supervisor
        case .manageOperators, .configure, .testDevices:
            return self == .technician
        }
    }
}

public struct Operator: Hashable, Sendable {
    public var id: OperatorID
    public var name: String
    public var role: Role

    public init(id: OperatorID, name: String, role: Role) {
        self.id = id
        self.name = name
        self.role = role
    }
}

/// PIN checks as HMAC-SHA256 under a per-box secret key.
///
/// A 4-digit PIN has 10,000 values: any copy of a plain hash falls to brute force in a blink, so
/// the MAC's key lives outside the journal (the runtime keeps it in a file only kassad can read),
/// and neither PINs nor MACs ever enter the journal or its exports. Online guessing is slowed by
/// the delays of `PinAttempts`, which are journaled.
public struct PinVault: Sendable, Equatable {
    public enum PinError: Error, Equatable, Sendable {
        case notDigits
        case wrongLength(Int)
        /// Shorter than its owner's role asks for (a supervisor's or technician's PIN is longer).
        case shorterThan(Int)
        case alreadyInUse
    }

    private let key: [UInt8]
    public private(set) var macs: [OperatorID: [UInt8]]
    /// Staff badges (the number on a card's stripe), MACed like PINs under their own label.
    public private(set) var badges: [OperatorID: [UInt8]]

    public init(key: [UInt8], macs: [OperatorID: [UInt8]] = [:], badges: [OperatorID: [UInt8]] = [:]) {
        precondition(key.count >= 16, "the PIN key must be at least 128 bits")
        self.key = key
        self.macs = macs
        self.badges = badges
    }

    public static let pinLengths = 4...8

    public static func validate(_ pin: String, minimumLength: Int = pinLengths.lowerBound) throws(PinError) {
        guard pin.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { throw .notDigits }
        guard pinLengths.contains(pin.utf8.count) else { throw .wrongLength(pin.utf8.count) }
        guard pin.utf8.count >= minimumLength else { throw .shorterThan(minimumLength) }
    }

    public func mac(_ pin: String) -> [UInt8] {
        HMACSHA256.authenticate(key: key, message: Array("kassa-pin\u{0}".utf8) + Array(pin.utf8))
    }

    /// Enrols or changes an operator's PIN, of at least `minimumLength` digits (see
    /// `RegisterConfig.minimumPinLength(for:)`). PINs are unique so that a PIN alone identifies its owner.
    public mutating func setPIN(_ pin: String, for id: OperatorID, minimumLength: Int = pinLengths.lowerBound) throws(PinError) {
        try Self.validate(pin, minimumLength: minimumLength)
        let m = mac(pin)
        if macs.contains(where: { $0.key != id && Self.constantTimeEqual($0.value, m) }) { throw .alreadyInUse }
        macs[id] = m
    }

    public mutating func remove(_ id: OperatorID) {
        macs[id] = nil
        badges[id] = nil
    }

    public func badgeMAC(_ card: String) -> [UInt8] {
        HMACSHA256.authenticate(key: key, message: Array("kassa-badge\u{0}".utf8) + Array(card.utf8))
    }

    /// Enrols a staff badge: the card number read from its stripe. One badge per operator, and
    /// a badge belongs to one operator.
    public mutating func setBadge(_ card: String, for id: OperatorID) throws(PinError) {
        guard !card.isEmpty, card.utf8.count <= 64, card.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw .notDigits }
        let m = badgeMAC(card)
        if badges.contains(where: { $0.key != id && Self.constantTimeEqual($0.value, m) }) { throw .alreadyInUse }
        badges[id] = m
    }

    /// The operator whose badge this card is.
    public func badgeOwner(of card: String) -> OperatorID? {
        let m = badgeMAC(card)
        var found: OperatorID?
        for (id, stored) in badges where Self.constantTimeEqual(stored, m) { found = id }
        return found
    }

    /// The operator whose PIN this is, comparing every MAC in constant time.
    public func owner(of pin: String) -> OperatorID? {
        guard (try? Self.validate(pin)) != nil else { return nil }
        let m = mac(pin)
        var found: OperatorID?
        for (id, stored) in macs where Self.constantTimeEqual(stored, m) { found = id }
        return found
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

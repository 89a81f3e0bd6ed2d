/// An ISO 4217 currency and the number of minor units it is counted in (0, 2 or 3 decimals).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String
    public let minorUnits: Int

    public init(code: String, minorUnits: Int) {
        precondition((0...4).contains(minorUnits), "minor units out of range")
        self.code = code
        self.minorUnits = minorUnits
    }

    /// 10^minorUnits: how many minor units make one major unit.
    public var scale: Int64 {
        var s: Int64 = 1
        for _ in 0..<minorUnits { s *= 10 }
        return s
    }

    public var description: String { code }

    public static let EUR = Currency(code: "EUR", minorUnits: 2)
    public static let SEK = Currency(code: "SEK", minorUnits: 2)
    public static let USD = Currency(code: "USD", minorUnits: 2)
    public static let JPY = Currency(code: "JPY", minorUnits: 0)
    public static let KWD = Currency(code: "KWD", minorUnits: 3)

    /// The currencies Kassa knows by code; configuration may name any of them.
    public static let known: [String: Currency] = [
        "EUR": .EUR, "SEK": .SEK, "USD": .USD, "JPY": .JPY, "KWD": .KWD,
        "NOK": Currency(code: "NOK", minorUnits: 2), "DKK": Currency(code: "DKK", minorUnits: 2),
        "GBP": Currency(code: "GBP", minorUnits: 2), "CHF": Currency(code: "CHF", minorUnits: 2),
        "ISK": Currency(code: "ISK", minorUnits: 0), "BHD": Currency(code: "BHD", minorUnits: 3),
    ]
}

/// Why a money computation was refused. Overflow is a value, never a trap at the counter.
public enum MoneyError: Error, Hashable, Sendable {
    case overflow
    case currencyMismatch(Currency, Currency)
    case invalidAmount(String)
}

/// Checked integer arithmetic on minor units: every register sum goes through these.
public enum Checked {
    @inlinable
    public static func add(_ a: Int64, _ b: Int64) throws(MoneyError) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw .overflow }
        return r
    }

    @inlinable
    public static func subtract(_ a: Int64, _ b: Int64) throws(MoneyError) -> Int64 {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw .overflow }
        return r
    }

    @inlinable
    public static func multiply(_ a: Int64, _ b: Int64) throws(MoneyError) -> Int64 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw .overflow }
        return r
    }

    /// a × b / d rounded half away from zero, without intermediate overflow (128-bit product).
    public static func mulDiv(_ a: Int64, _ b: Int64, _ d: Int64) throws(MoneyError) -> Int64 {
        precondition(d > 0, "divisor must be positive")
        let negative = (a < 0) != (b < 0)
        let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let dm = d.magnitude
        guard product.high < dm else { throw .overflow }
        let (q, r) = dm.dividingFullWidth(product)
        // Checked before rounding up: q may be UInt64.max, and q + 1 would trap.
        guard q <= UInt64(Int64.max) else { throw .overflow }
        var m = q
        if r >= dm - r { m += 1 }  // remainder at least half: round away from zero
        guard m <= UInt64(Int64.max) else { throw .overflow }
        return negative ? -Int64(m) : Int64(m)
    }
}

/// An amount of money in integer minor units of one currency. Never floating point.
public struct Money: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var minor: Int64
    public var currency: Currency

    public init(minor: Int64, currency: Currency = .EUR) {
        self.minor = minor
        self.currency = currency
    }

    public static func zero(_ currency: Currency = .EUR) -> Money { Money(minor: 0, currency: currency) }

    public var isZero: Bool { minor == 0 }
    public var isNegative: Bool { minor < 0 }

    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard other.currency == currency else { throw .currencyMismatch(currency, other.currency) }
        return Money(minor: try Checked.add(minor, other.minor), currency: currency)
    }

    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        guard other.currency == currency else { throw .currencyMismatch(currency, other.currency) }
        return Money(minor: try Checked.subtract(minor, other.minor), currency: currency)
    }

    public func multiplied(by factor: Int64) throws(MoneyError) -> Money {
        Money(minor: try Checked.multiply(minor, factor), currency: currency)
    }

    public func negated() throws(MoneyError) -> Money {
        guard minor != .min else { throw .overflow }
        return Money(minor: -minor, currency: currency)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minor < rhs.minor }

    /// A plain, unlocalised rendering such as `12.50 EUR`, for logs and tests.
    public var description: String { MoneyFormat.plain(currency).format(minor, currency: currency) }

    /// Parses a decimal amount written by a person or a script: `12`, `12.5`, `12,50`, `-0.05`.
    /// More decimals than the currency has is an error, never a silent rounding.
    public static func parse(_ text: String, currency: Currency = .EUR) throws(MoneyError) -> Money {
        var s = Substring(text.trimmingSpaces())
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        guard !s.isEmpty else { throw .invalidAmount(text) }
        var whole = Substring("")
        var frac = Substring("")
        if let sep = s.firstIndex(where: { $0 == "." || $0 == "," }) {
            whole = s[..<sep]
            frac = s[s.index(after: sep)...]
            if whole.isEmpty && frac.isEmpty { throw .invalidAmount(text) }
        } else {
            whole = s
        }
        guard whole.allSatisfy({ $0.isASCII && $0.isNumber }), frac.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidAmount(text)
        }
        guard frac.count <= currency.minorUnits else { throw .invalidAmount(text) }
        var value: Int64 = 0
        for c in whole {
            value = try Checked.add(try Checked.multiply(value, 10), Int64(c.asciiValue! - 48))
        }
        value = try Checked.multiply(value, currency.scale)
        var f: Int64 = 0
        var digits = 0
        for c in frac { f = f * 10 + Int64(c.asciiValue! - 48); digits += 1 }
        while digits < currency.minorUnits { f *= 10; digits += 1 }
        value = try Checked.add(value, f)
        return Money(minor: negative ? -value : value, currency: currency)
    }
}

extension String {
    /// Leading and trailing spaces and tabs removed, without Foundation.
    package func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }

    /// Whether `part` occurs in the string, character by character (without the regex library).
    package func includes(_ part: String) -> Bool {
        let whole = Array(self), piece = Array(part)
        guard !piece.isEmpty else { return true }
        guard piece.count <= whole.count else { return false }
        for start in 0...(whole.count - piece.count) where whole[start] == piece[0] {
            if Array(whole[start..<(start + piece.count)]) == piece { return true }
        }
        return false
    }
}

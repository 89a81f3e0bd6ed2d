import KassaCore

/// Magnetic stripe cards read by keyboard-mode readers (ISO/IEC 7813 tracks 1 and 2), and the
/// masking of card numbers that keeps payment card numbers out of logs and the journal.
///
/// Every type here that holds a card number prints it masked (`description`, `debugDescription`
/// and `dump`), and errors never quote the swiped data, so interpolating one into a log line is safe.

/// Track 1: `%B<PAN>^<NAME>^<YYMM><service code><discretionary>?`.
public struct Track1: Sendable, Hashable {
    /// `B` for financial cards; other letters are issuer-defined.
    public var formatCode: Character
    public var pan: String
    public var name: String
    /// `YYMM`.
    public var expiry: String
    public var serviceCode: String
    public var discretionary: String
}

/// Track 2: `;<PAN>=<YYMM><service code><discretionary>?`. Shop cards often carry only
/// `;<number>?`, so the fields after the number are optional.
public struct Track2: Sendable, Hashable {
    public var pan: String
    public var expiry: String?
    public var serviceCode: String?
    public var discretionary: String
}

/// One swipe: the tracks the reader typed, in the order readers send them.
public struct CardSwipe: Sendable, Hashable {
    public var track1: Track1?
    public var track2: Track2?

    /// The card number, from track 2 when present (it is the one readers get right most often).
    public var number: String { track2?.pan ?? track1?.pan ?? "" }
}

extension Track1: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Track1(\(MagStripe.mask(pan)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["pan": MagStripe.mask(pan)]) }
}

extension Track2: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Track2(\(MagStripe.mask(pan)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["pan": MagStripe.mask(pan)]) }
}

extension CardSwipe: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "CardSwipe(\(MagStripe.mask(number)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["number": MagStripe.mask(number)]) }
}

/// Why a swipe did not parse. Deliberately carries no swiped data.
public enum MagStripeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Neither a `%` nor a `;` track in the line.
    case noTrack
    /// The reader typed its own error marker (`%E?` or `;E?`): the stripe did not read.
    case readFailed
    case malformedTrack1
    case malformedTrack2

    public var description: String {
        switch self {
        case .noTrack: return "card reader line holds no track"
        case .readFailed: return "card reader could not read the stripe"
        case .malformedTrack1: return "track 1 is not ISO 7813"
        case .malformedTrack2: return "track 2 is not ISO 7813"
        }
    }
}

public enum MagStripe {
    /// Parses the line a keyboard-mode reader typed before Enter: track 1, track 2 or both, and
    /// possibly track 3 after them (ignored: it holds nothing we use).
    public static func parse(_ line: String) throws(MagStripeError) -> CardSwipe {
        var rest = Substring(line)
        var swipe = CardSwipe()
        if rest.first == "%" {
            guard let end = rest.firstIndex(of: "?") else { throw .malformedTrack1 }
            swipe.track1 = try track1(rest[rest.index(after: rest.startIndex)..<end])
            rest = rest[rest.index(after: end)...]
        }
        if rest.first == ";" {
            guard let end = rest.firstIndex(of: "?") else { throw .malformedTrack2 }
            swipe.track2 = try track2(rest[rest.index(after: rest.startIndex)..<end])
        }
        guard swipe.track1 != nil || swipe.track2 != nil else { throw .noTrack }
        return swipe
    }

    private static func track1(_ body: Substring) throws(MagStripeError) -> Track1 {
        if body == "E" { throw .readFailed }
        let fields = body.dropFirst().split(separator: "^", omittingEmptySubsequences: false)
        guard let format = body.first, format.isASCII, format.isUppercase, fields.count == 3,
              isDigits(fields[0], 1...19), (2...26).contains(fields[1].count) else { throw .malformedTrack1 }
        let tail = fields[2]
        guard tail.count >= 7, isDigits(tail.prefix(7), 7...7) else { throw .malformedTrack1 }
        return Track1(formatCode: format, pan: String(fields[0]), name: String(fields[1]),
                      expiry: String(tail.prefix(4)), serviceCode: String(tail.dropFirst(4).prefix(3)),
                      discretionary: String(tail.dropFirst(7)))
    }

    private static func track2(_ body: Substring) throws(MagStripeError) -> Track2 {
        if body == "E" { throw .readFailed }
        let fields = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard isDigits(fields[0], 1...19) else { throw .malformedTrack2 }
        guard fields.count == 2 else { return Track2(pan: String(fields[0]), expiry: nil, serviceCode: nil, discretionary: "") }
        let tail = fields[1]
        guard isDigits(tail.prefix(7), 7...7), isDigits(tail.dropFirst(7), 0...) else { throw .malformedTrack2 }
        return Track2(pan: String(fields[0]), expiry: String(tail.prefix(4)),
                      serviceCode: String(tail.dropFirst(4).prefix(3)), discretionary: String(tail.dropFirst(7)))
    }

    private static func isDigits(_ text: Substring, _ lengths: some RangeExpression<Int>) -> Bool {
        lengths.contains(text.count) && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The Luhn (mod 10) check every payment card number passes; false for anything but digits.
    public static func luhnValid(_ number: String) -> Bool {
        let digits = number.unicodeScalars.map { Int($0.value) - 0x30 }
        guard !digits.isEmpty, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        return luhnValid(digits)
    }

    static func luhnValid(_ digits: [Int]) -> Bool { CardNumberMasker.luhnValid(digits) }

    /// The number with every digit but the last four replaced by `*`; a number of four digits or
    /// fewer is hidden whole, since its last four would be all of it.
    public static func mask(_ pan: String) -> String {
        let digitCount = pan.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        var keep = digitCount > 4 ? 4 : 0
        var out = String.UnicodeScalarView()
        for scalar in pan.unicodeScalars.reversed() {
            if ("0"..."9").contains(scalar) {
                out.append(keep > 0 ? scalar : "*")
                keep -= 1
            } else {
                out.append(scalar)
            }
        }
        return String(String.UnicodeScalarView(out.reversed()))
    }
}

/// What a swiped card is for. A payment card keeps only its masked number: nothing in Kassa needs
/// the full one (card payment happens inside the terminal).
public enum CardKind: Sendable, Hashable, CustomStringConvertible {
    case payment(maskedNumber: String)
    case loyalty(number: String)
    case staff(number: String)
    /// Neither configured nor payment-like; masked all the same, since we do not know what it is.
    case unknown(maskedNumber: String)

    public var isPayment: Bool {
        if case .payment = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .payment(let masked): return "payment card \(masked)"
        case .loyalty(let number): return "loyalty card \(number)"
        case .staff(let number): return "staff card \(number)"
        case .unknown(let masked): return "unknown card \(masked)"
        }
    }
}

/// Tells the shop's own cards from payment cards by the number prefixes configuration names.
public struct CardClassifier: Sendable, Hashable {
    public var loyaltyPrefixes: [String]
    public var staffPrefixes: [String]

    public init(loyaltyPrefixes: [String] = [], staffPrefixes: [String] = []) {
        self.loyaltyPrefixes = loyaltyPrefixes
        self.staffPrefixes = staffPrefixes
    }

    /// Configured prefixes win, so a shop card that happens to pass Luhn is still the shop's.
    /// Anything else shaped like a payment card (13–19 digits passing Luhn, or a track 1 in the
    /// financial format `B`) is one, so an unconfigured reader never exposes a card number.
    public func classify(_ swipe: CardSwipe) -> CardKind {
        let number = swipe.number
        if staffPrefixes.contains(where: { !$0.isEmpty && number.hasPrefix($0) }) { return .staff(number: number) }
        if loyaltyPrefixes.contains(where: { !$0.isEmpty && number.hasPrefix($0) }) { return .loyalty(number: number) }
        if swipe.track1?.formatCode == "B" || ((13...19).contains(number.count) && MagStripe.luhnValid(number)) {
            return .payment(maskedNumber: MagStripe.mask(number))
        }
        return .unknown(maskedNumber: MagStripe.mask(number))
    }
}

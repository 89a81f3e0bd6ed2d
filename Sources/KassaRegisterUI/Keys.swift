/// A key the cashier pressed, decoded from the bytes a terminal sends.
public enum Key: Hashable, Sendable {
    /// A printable character (digits, letters, `*`, `,`, `%`, `?`…).
    case character(Character)
    case enter, backspace, escape, tab
    case up, down, left, right, pageUp, pageDown, home, end, insert, delete
    /// F1…F12.
    case function(Int)
    /// Ctrl with a letter, e.g. `.control("l")` for Ctrl-L (redraw).
    case control(Character)
}

/// Turns terminal input into keys. Pure: bytes in, keys out; a sequence cut between two reads is
/// kept until the rest arrives, and `flush()` settles a lone ESC once no more bytes follow.
///
/// It knows the Linux console's own sequences (F1–F5 are `ESC [ [ A`…`ESC [ [ E`) as well as
/// xterm's (`ESC O P`…, `ESC [ 1 5 ~`…) and rxvt's (`ESC [ 1 1 ~`…), so the same register works
/// on tty1 and in any terminal emulator.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// True while an incomplete sequence waits for more bytes (or for `flush()`).
    public var hasPending: Bool { !pending.isEmpty }

    /// Decodes what can be decoded; an incomplete escape or UTF-8 sequence at the end waits.
    public mutating func feed(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        while i < pending.count {
            switch Self.decodeOne(pending, at: i) {
            case .key(let key, let length):
                keys.append(key)
                i += length
            case .skip(let length):
                i += length
            case .incomplete:
                pending.removeFirst(i)
                return keys
            }
        }
        pending.removeAll()
        return keys
    }

    /// No more bytes came: a waiting ESC is the Escape key; any other fragment is dropped.
    public mutating func flush() -> [Key] {
        defer { pending.removeAll() }
        guard let first = pending.first else { return [] }
        if first == 0x1B {
            // ESC followed by an incomplete sequence: the Escape key, and the rest as typed.
            var rest = KeyDecoder()
            return [.escape] + rest.feed(Array(pending.dropFirst())).filter { $0 != .escape }
        }
        return []
    }

    private enum Step {
        case key(Key, Int)
        case skip(Int)
        case incomplete
    }

    /// `ESC [ n ~` sequences shared by the console, xterm and rxvt.
    static let tildeKeys: [Int: Key] = [
        1: .home, 2: .insert, 3: .delete, 4: .end, 5: .pageUp, 6: .pageDown, 7: .home, 8: .end,
        11: .function(1), 12: .function(2), 13: .function(3), 14: .function(4), 15: .function(5),
        17: .function(6), 18: .function(7), 19: .function(8), 20: .function(9), 21: .function(10),
        23: .function(11), 24: .function(12),
    ]

    /// The final letter of `ESC [ X` / `ESC O X`.
    static let letterKeys: [UInt8: Key] = [
        UInt8(ascii: "A"): .up, UInt8(ascii: "B"): .down, UInt8(ascii: "C"): .right, UInt8(ascii: "D"): .left,
        UInt8(ascii: "H"): .home, UInt8(ascii: "F"): .end,
        UInt8(ascii: "P"): .function(1), UInt8(ascii: "Q"): .function(2), UInt8(ascii: "R"): .function(3),
        UInt8(ascii: "S"): .function(4), UInt8(ascii: "M"): .enter,
    ]

    private static func decodeOne(_ b: [UInt8], at i: Int) -> Step {
        let c = b[i]
        switch c {
        case 0x1B:
            guard i + 1 < b.count else { return .incomplete }
            let next = b[i + 1]
            if next == UInt8(ascii: "[") { return csi(b, at: i) }
            if next == UInt8(ascii: "O") {
                guard i + 2 < b.count else { return .incomplete }
                if let key = letterKeys[b[i + 2]] { return .key(key, 3) }
                return .skip(3)
            }
            if next == 0x1B { return .key(.escape, 1) }
            // Alt+key: the key itself.
            return .key(.escape, 1)
        case 0x0D, 0x0A: return .key(.enter, 1)
        case 0x7F, 0x08: return .key(.backspace, 1)
        case 0x09: return .key(.tab, 1)
        case 0x01...0x1A:
            return .key(.control(Character(Unicode.Scalar(c + 0x60))), 1)
        case 0x00, 0x1C...0x1F: return .skip(1)
        case 0x20...0x7E: return .key(.character(Character(Unicode.Scalar(c))), 1)
        default:
            return utf8(b, at: i)
        }
    }

    private static func csi(_ b: [UInt8], at i: Int) -> Step {
        // Linux console F1–F5: ESC [ [ A…E.
        guard i + 2 < b.count else { return .incomplete }
        if b[i + 2] == UInt8(ascii: "[") {
            guard i + 3 < b.count else { return .incomplete }
            let f = Int(b[i + 3]) - Int(UInt8(ascii: "A"))
            return (0...4).contains(f) ? .key(.function(f + 1), 4) : .skip(4)
        }
        // Parameters and intermediates, then one final byte in 0x40…0x7E.
        var j = i + 2
        while j < b.count, (0x20...0x3F).contains(b[j]) { j += 1 }
        guard j < b.count else { return j - i > 16 ? .skip(j - i) : .incomplete }
        let final = b[j]
        let length = j - i + 1
        let parameters = String(decoding: b[(i + 2)..<j], as: UTF8.self)
        if final == UInt8(ascii: "~") {
            let first = parameters.split(separator: ";").first.flatMap { Int($0) }
            if let first, let key = tildeKeys[first] { return .key(key, length) }
            return .skip(length)
        }
        if let key = letterKeys[final], final != UInt8(ascii: "M") { return .key(key, length) }
        return .skip(length)
    }

    private static func utf8(_ b: [UInt8], at i: Int) -> Step {
        let c = b[i]
        let length: Int
        switch c {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return .skip(1)
        }
        guard i + length <= b.count else { return .incomplete }
        let text = String(decoding: b[i..<(i + length)], as: UTF8.self)
        guard let ch = text.first, text.unicodeScalars.first != Unicode.Scalar(0xFFFD) else { return .skip(1) }
        return .key(.character(ch), length)
    }
}

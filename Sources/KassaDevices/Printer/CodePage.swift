/// The single-byte character tables receipt printers and pole displays print with, and the
/// conversion of our Unicode text into them.
///
/// Text bytes never include control characters: an item name holding ESC, GS or DLE would
/// otherwise become a printer command (or split one), so everything outside a table prints as `?`.
public enum CharacterTable: String, Sendable, Hashable, CaseIterable {
    /// IBM code page 858: code page 850 with the euro sign at `D5` (where 850 has dotless i).
    case pc858
    /// Windows-1252: Latin-1 with typographic punctuation and the euro sign in `80`–`9F`.
    case wpc1252
    /// ISO-8859-15: Latin-1 with the euro sign at `A4` and eight other letters replaced.
    case iso8859_15
    /// Plain US-ASCII: many pole displays have nothing more.
    case ascii

    /// Printed for a character the table lacks.
    public static let replacement: UInt8 = 0x3F

    /// The table's bytes for `text`: one byte per character (grapheme), so the byte count matches
    /// `TextLayout.width` for the text we print; `é` typed as e + U+0301 still finds its byte.
    public func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for character in text { bytes.append(byte(for: character) ?? Self.replacement) }
        return bytes
    }

    /// The byte for one character, or nil when the table has no glyph for it.
    public func byte(for character: Character) -> UInt8? {
        if let ascii = character.asciiValue { return (0x20...0x7E).contains(ascii) ? ascii : nil }
        return upperHalf[character]
    }

    /// The character a byte prints as, or nil for a control byte or one without a glyph.
    public func character(for byte: UInt8) -> Character? {
        if (0x20...0x7E).contains(byte) { return Character(Unicode.Scalar(byte)) }
        return decoding[byte]
    }

    private var decoding: [UInt8: Character] {
        switch self {
        case .pc858: return CharacterTable.pc858Decoding
        case .wpc1252: return CharacterTable.wpc1252Decoding
        case .iso8859_15: return CharacterTable.iso885915Decoding
        case .ascii: return [:]
        }
    }

    private static func reversed(_ map: [Character: UInt8]) -> [UInt8: Character] {
        // Two characters of one byte (no-break space and its like) read back as the first in order.
        var out: [UInt8: Character] = [:]
        for (c, b) in map.sorted(by: { $0.key < $1.key }) where out[b] == nil { out[b] = c }
        return out
    }

    private static let pc858Decoding = reversed(pc858Upper)
    private static let wpc1252Decoding = reversed(wpc1252Upper)
    private static let iso885915Decoding = reversed(iso885915Upper)

    private var upperHalf: [Character: UInt8] {
        switch self {
        case .pc858: return CharacterTable.pc858Upper
        case .wpc1252: return CharacterTable.wpc1252Upper
        case .iso8859_15: return CharacterTable.iso885915Upper
        case .ascii: return [:]
        }
    }

    /// Builds a byte map from a string that lists the glyphs of `first`, `first + 1`, …; a space
    /// in the string marks a byte without a printable glyph.
    private static func table(from first: UInt8, _ glyphs: String) -> [Character: UInt8] {
        var map: [Character: UInt8] = [:]
        for (offset, glyph) in glyphs.enumerated() where glyph != " " {
            map[glyph] = first + UInt8(offset)
        }
        return map
    }

    /// Latin-1's printable upper half (`A1`–`FF`), shared by 1252 and, with eight changes, 8859-15.
    private static let latin1Upper: [Character: UInt8] = {
        var map: [Character: UInt8] = ["\u{A0}": 0xA0]
        for value in UInt8(0xA1)...0xFF { map[Character(Unicode.Scalar(value))] = value }
        return map
    }()

    private static let pc858Upper: [Character: UInt8] = {
        var map = table(from: 0x80,
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐"
            + "└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´ ±‗¾¶§÷¸°¨·¹³²■")
        map["\u{A0}"] = 0xFF
        map["\u{AD}"] = 0xF0
        return map
    }()

    private static let wpc1252Upper: [Character: UInt8] = latin1Upper.merging(
        table(from: 0x80, "€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž  ‘’“”•–—˜™š›œ žŸ"), uniquingKeysWith: { _, new in new })

    private static let iso885915Upper: [Character: UInt8] = {
        var map = latin1Upper
        // 8859-15 gives these eight Latin-1 positions to € Š š Ž ž Œ œ Ÿ.
        let replaced: [(old: Unicode.Scalar, new: Character)] = [
            ("\u{A4}", "€"), ("\u{A6}", "Š"), ("\u{A8}", "š"), ("\u{B4}", "Ž"),
            ("\u{B8}", "ž"), ("\u{BC}", "Œ"), ("\u{BD}", "œ"), ("\u{BE}", "Ÿ"),
        ]
        for (old, new) in replaced {
            map[Character(old)] = nil
            map[new] = UInt8(old.value)
        }
        return map
    }()
}

extension CharacterTable {
    /// `text` with every character the table lacks spelled with characters it has: `ä` as `a`,
    /// `€` as `EUR`, typographic quotes as plain ones; `?` where nothing fits. For devices whose
    /// character set is smaller than our text (pole displays), before the text is padded.
    public func transliterated(_ text: String) -> String {
        var out = ""
        for c in text {
            if byte(for: c) != nil {
                out.append(c)
            } else if let alternatives = Self.alternatives[c], let fit = alternatives.first(where: { $0.allSatisfy { byte(for: $0) != nil } }) {
                out += fit
            } else {
                out.append("?")
            }
        }
        return out
    }

    /// Spellings to fall back on, best first.
    private static let alternatives: [Character: [String]] = [
        "ä": ["a"], "ö": ["o"], "å": ["a"], "Ä": ["A"], "Ö": ["O"], "Å": ["A"], "ü": ["u"], "Ü": ["U"],
        "é": ["e"], "è": ["e"], "ê": ["e"], "É": ["E"], "á": ["a"], "à": ["a"], "â": ["a"], "í": ["i"],
        "ó": ["o"], "ô": ["o"], "ú": ["u"], "ñ": ["n"], "ç": ["c"], "ß": ["ss"], "æ": ["ae"], "Æ": ["AE"],
        "ø": ["o"], "Ø": ["O"], "š": ["s"], "Š": ["S"], "ž": ["z"], "Ž": ["Z"], "õ": ["o"], "Õ": ["O"],
        "€": ["EUR"], "£": ["GBP"], "–": ["-"], "—": ["-"], "‘": ["'"], "’": ["'"], "“": ["\""], "”": ["\""],
        "„": ["\""], "…": ["..."], "×": ["x"], "\u{00A0}": [" "],
    ]
}

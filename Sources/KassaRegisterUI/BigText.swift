/// Numbers three rows high, drawn with the block characters every Linux console font has
/// (█ ▀ ▄), so the total and the change can be read from a step back.
public enum BigText {
    static let glyphs: [Character: [String]] = [
        "0": ["█▀█", "█ █", "█▄█"],
        "1": ["▀█ ", " █ ", "▄█▄"],
        "2": ["▀▀█", "█▀▀", "█▄▄"],
        "3": ["▀▀█", " ▀█", "▄▄█"],
        "4": ["█ █", "▀▀█", "  █"],
        "5": ["█▀▀", "▀▀█", "▄▄█"],
        "6": ["█▀▀", "█▀█", "█▄█"],
        "7": ["▀▀█", "  █", "  █"],
        "8": ["█▀█", "█▀█", "█▄█"],
        "9": ["█▀█", "▀▀█", "▄▄█"],
        ",": [" ", " ", "▄"],
        ".": [" ", " ", "▄"],
        "-": ["   ", "▀▀▀", "   "],
        " ": [" ", " ", " "],
    ]

    /// The three rows for `text`; characters without a glyph (a currency sign) are left out, and
    /// glyphs are one column apart.
    public static func rows(_ text: String) -> [String] {
        var rows = ["", "", ""]
        for ch in text {
            guard let g = glyphs[ch] else { continue }
            for r in 0..<3 {
                if !rows[r].isEmpty { rows[r] += " " }
                rows[r] += g[r]
            }
        }
        return rows
    }
}

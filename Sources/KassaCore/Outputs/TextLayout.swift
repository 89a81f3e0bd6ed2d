/// Column arithmetic for plain-text receipts and customer displays, whose lines are a fixed number
/// of character cells (32, 42 or 48 on receipt paper, 20 on a 2×20 display).
///
/// Width model, kept simple on purpose: every Unicode scalar takes one cell except combining marks
/// (general categories Mn, Mc, Me), which take none because they print on the character before
/// them. Receipt printers and pole displays print one code-page glyph per cell and know no wide
/// (East Asian) characters, so a finer model would only describe devices we do not drive.
public enum TextLayout {
    public enum Alignment: Sendable, Hashable {
        case left, right, center
    }

    static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The number of cells the text takes on one line.
    public static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isCombining($1) ? 0 : 1) }
    }

    /// The longest prefix that fits in `columns` cells. Combining marks stay with their base
    /// character, so `é` written as e + U+0301 is kept or dropped whole.
    public static func truncate(_ text: String, to columns: Int) -> String {
        var used = 0
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !isCombining(scalar) {
                guard used < columns else { break }
                used += 1
            }
            out.append(scalar)
        }
        return String(out)
    }

    /// The text in exactly `columns` cells: truncated when too wide, filled with spaces otherwise.
    public static func pad(_ text: String, to columns: Int, alignment: Alignment = .left) -> String {
        let fitted = truncate(text, to: columns)
        let gap = max(0, columns - width(fitted))
        switch alignment {
        case .left: return fitted + spaces(gap)
        case .right: return spaces(gap) + fitted
        case .center: return spaces(gap / 2) + fitted + spaces(gap - gap / 2)
        }
    }

    /// `text` centred in exactly `columns` cells; an odd leftover space goes to the right.
    public static func center(_ text: String, in columns: Int) -> String {
        pad(text, to: columns, alignment: .center)
    }

    /// A line of exactly `columns` cells with `left` at the start and `right` flush at the end,
    /// at least one space apart, e.g. `Kahvi           3,50 €`. The right text (usually an
    /// amount) wins: the left text is truncated to make room, and only a right text wider than
    /// the whole line is itself truncated.
    public static func leftRight(_ left: String, _ right: String, columns: Int) -> String {
        let rightWidth = width(right)
        guard rightWidth < columns else { return pad(right, to: columns, alignment: .right) }
        let leftRoom = columns - rightWidth - 1
        return pad(left, to: leftRoom) + " " + right
    }

    /// Breaks text into lines of at most `columns` cells at spaces; a word longer than a line is
    /// cut. Runs of spaces between words collapse to one, and a newline in the text starts a new
    /// line (an empty one for a blank line), so a shop's multi-line footer keeps its shape.
    public static func wrap(_ text: String, columns: Int) -> [String] {
        precondition(columns > 0, "a line needs at least one column")
        var lines: [String] = []
        for paragraph in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ") {
                var rest = String(word)
                var restWidth = width(rest)
                if lineWidth > 0 && lineWidth + 1 + restWidth <= columns {
                    line += " " + rest
                    lineWidth += 1 + restWidth
                    continue
                }
                if lineWidth > 0 { lines.append(line) }
                while restWidth > columns {
                    let head = truncate(rest, to: columns)
                    lines.append(head)
                    rest = String(rest.unicodeScalars.dropFirst(head.unicodeScalars.count))
                    restWidth -= columns
                }
                line = rest
                lineWidth = restWidth
            }
            lines.append(line)
        }
        return lines
    }

    static func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }
}

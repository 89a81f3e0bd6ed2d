/// The Linux console's eight colours; with `bright` they make its sixteen.
public enum Colour: UInt8, Sendable, Hashable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell looks: foreground, background, bright (bold) foreground and blink, which the Linux
/// console shows as a bright background. Nothing beyond what `TERM=linux` supports.
public struct Style: Hashable, Sendable {
    public var foreground: Colour
    public var background: Colour
    public var bright: Bool
    public var blink: Bool

    public init(_ foreground: Colour = .white, on background: Colour = .black, bright: Bool = false, blink: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bright = bright
        self.blink = blink
    }

    public static let normal = Style()
    public static let heading = Style(.black, on: .cyan)
    public static let statusBar = Style(.white, on: .blue, bright: true)
    public static let alarm = Style(.white, on: .red, bright: true, blink: true)
    public static let warning = Style(.yellow, on: .black, bright: true)
    public static let training = Style(.black, on: .yellow)
    public static let highlight = Style(.black, on: .green)
    public static let selected = Style(.white, on: .magenta, bright: true)
    public static let dim = Style(.cyan)
    public static let total = Style(.green, bright: true)
    public static let entry = Style(.yellow, bright: true)

    /// `ESC [ 0 ; … m` for this style.
    var sgr: String {
        var codes = ["0"]
        if bright { codes.append("1") }
        if blink { codes.append("5") }
        codes.append(String(30 + Int(foreground.rawValue)))
        codes.append(String(40 + Int(background.rawValue)))
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}

/// A screen's worth of character cells, written by the layout and turned into terminal output
/// by `render`. Rows are kept as plain text too, which is what tests read.
public struct ScreenBuffer: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var character: Character
        public var style: Style
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [[Cell]]

    public init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        cells = Array(repeating: Array(repeating: Cell(character: " ", style: .normal), count: self.width), count: self.height)
    }

    /// Writes text from (row, column), clipped at the right edge; each character takes one cell.
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = .normal) {
        guard row >= 0, row < height else { return }
        var c = column
        for ch in text {
            if c >= width { break }
            if c >= 0 { cells[row][c] = Cell(character: ch.isControlLike ? "?" : ch, style: style) }
            c += 1
        }
    }

    /// Paints a whole row in one style (a bar) and writes text on it.
    public mutating func bar(_ row: Int, _ text: String = "", style: Style) {
        guard row >= 0, row < height else { return }
        for c in 0..<width { cells[row][c] = Cell(character: " ", style: style) }
        put(text, row: row, column: 0, style: style)
    }

    /// Text on the right end of a row.
    public mutating func putRight(_ text: String, row: Int, style: Style = .normal, margin: Int = 0) {
        put(text, row: row, column: width - margin - text.count, style: style)
    }

    /// The characters of one row, trailing spaces kept.
    public func text(row: Int) -> String { String(cells[row].map(\.character)) }

    /// The whole screen as lines without trailing spaces, as `tmux capture-pane -p` shows it.
    public var text: String {
        (0..<height).map { r in
            var s = text(row: r)
            while s.last == " " { s.removeLast() }
            return s
        }.joined(separator: "\n")
    }

    /// Terminal output that turns `previous` (what is on the screen now; nil when unknown) into
    /// this buffer: only changed rows are rewritten, each from column 1 with explicit
    /// positioning, so stray output on the terminal never shifts anything for long. Without a
    /// `previous` every row is written, after clearing the screen when `clear` is set (a resize,
    /// Ctrl-L); without clearing, a repaint over garbage does not flicker.
    public func render(over previous: ScreenBuffer?, clear: Bool = true) -> [UInt8] {
        var out = "\u{1B}[?25l"
        let full = previous == nil || previous!.width != width || previous!.height != height
        if full && clear { out += "\u{1B}[0m\u{1B}[2J" }
        var current: Style?
        for r in 0..<height {
            if !full, previous!.cells[r] == cells[r] { continue }
            out += "\u{1B}[\(r + 1);1H"
            // The last cell of the last row is left alone: writing it scrolls some terminals.
            let last = r == height - 1 ? width - 1 : width
            for c in 0..<last {
                let cell = cells[r][c]
                if cell.style != current {
                    out += cell.style.sgr
                    current = cell.style
                }
                out.append(cell.character)
            }
        }
        out += "\u{1B}[0m"
        return Array(out.utf8)
    }
}

extension Character {
    /// Control characters must never reach the terminal from data (an item name, a message).
    var isControlLike: Bool { unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } }
}

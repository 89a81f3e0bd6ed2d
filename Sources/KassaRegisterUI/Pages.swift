import KassaCore

/// A long view in the register's body: a sales report, the stock list, an employee's hours. It
/// is laid out again for the screen's width at every frame, so a resize or a wider terminal
/// gets longer bars and names; ↑/↓, PgUp/PgDn, Home and End scroll it, Esc or Enter go back.
public struct Page {
    public struct Line: Equatable, Sendable {
        public var text: String
        public var style: Style

        public init(_ text: String, _ style: Style = .normal) {
            self.text = text
            self.style = style
        }
    }

    /// What a page shows at one width: headings that stay put, then the lines that scroll.
    /// How many lines there are must not depend on the width.
    public struct Layout: Sendable {
        public var heading: [Line]
        public var lines: [Line]
    }

    public var title: String
    public var layout: (_ width: Int) -> Layout
    /// The bottom row's key hint.
    public var hint: String
    /// Keys the page answers besides scrolling (the stock list's `r` and `c`).
    public var keys: [Key: () -> Void] = [:]
}

/// A short list to pick from: a report's grouping, its period, a time clock action. Each option
/// has its key (1, 2, … 9, 0, a, b…) shown before it; ↑/↓ and Enter pick too.
public struct Choice {
    public struct Option {
        public var text: String
        public var pick: () -> Void
    }

    public var title: String
    public var options: [Option]
    public var selected = 0

    static let keys: [Character] = Array("1234567890abcdef")

    public static func key(_ index: Int) -> Character { index < keys.count ? keys[index] : " " }
}

extension RegisterApp {
    func open(_ page: Page, back: Mode) {
        model.scrollTop = 0
        mode = .page(page, back: back)
    }

    func choose(_ title: String, _ options: [Choice.Option], back: Mode) {
        mode = .choice(Choice(title: title, options: options), back: back)
    }

    func pageKey(_ key: Key, _ page: Page, _ back: Mode) {
        let count = page.layout(screenSize.width).lines.count
        let visible = max(1, RegisterScreen.pageRows(self, page, height: screenSize.height))
        let last = max(0, count - visible)
        let top = min(model.scrollTop, last)
        switch key {
        case .up: model.scrollTop = max(0, top - 1)
        case .down: model.scrollTop = min(last, top + 1)
        case .pageUp: model.scrollTop = max(0, top - max(1, visible - 1))
        case .pageDown: model.scrollTop = min(last, top + max(1, visible - 1))
        case .home: model.scrollTop = 0
        case .end: model.scrollTop = last
        case .escape, .enter:
            model.scrollTop = 0
            mode = back
        default:
            page.keys[key]?()
        }
    }

    func choiceKey(_ key: Key, _ choice: Choice, _ back: Mode) {
        var choice = choice
        switch key {
        case .up, .down:
            guard !choice.options.isEmpty else { return }
            choice.selected = (choice.selected + (key == .up ? choice.options.count - 1 : 1)) % choice.options.count
            mode = .choice(choice, back: back)
        case .enter:
            if choice.options.indices.contains(choice.selected) { choice.options[choice.selected].pick() }
        case .escape:
            mode = back
        case .character(let c):
            if let i = Choice.keys.firstIndex(of: c), choice.options.indices.contains(i) { choice.options[i].pick() }
        default:
            break
        }
    }
}

extension RegisterScreen {
    /// The rows a page has below the status line, alarms and banner, down to the message row.
    static func pageArea(_ app: RegisterApp, height: Int) -> Range<Int> {
        let top = bodyTop(app)
        return top..<max(top, height - 3)
    }

    /// How many of a page's lines are in view at once.
    static func pageRows(_ app: RegisterApp, _ page: Page, height: Int) -> Int {
        pageArea(app, height: height).count - 1 - page.layout(app.screenSize.width).heading.count
    }

    static func drawPage(_ s: inout ScreenBuffer, _ app: RegisterApp, _ page: Page) {
        let area = pageArea(app, height: s.height)
        guard !area.isEmpty else { return }
        s.bar(area.lowerBound, " " + page.title, style: .heading)
        let layout = page.layout(s.width)
        var row = area.lowerBound + 1
        for line in layout.heading where row < area.upperBound {
            s.put(line.text, row: row, column: 0, style: line.style)
            row += 1
        }
        let visible = max(0, area.upperBound - row)
        let top = max(0, min(app.model.scrollTop, layout.lines.count - visible))
        for (i, line) in layout.lines.dropFirst(top).prefix(visible).enumerated() {
            s.put(line.text, row: row + i, column: 0, style: line.style)
        }
        if top > 0 { s.putRight("▲", row: area.lowerBound, style: .heading) }
        if top + visible < layout.lines.count { s.putRight("▼", row: area.upperBound - 1, style: .warning) }
    }

    static func drawChoice(_ s: inout ScreenBuffer, _ app: RegisterApp, _ choice: Choice, body: Range<Int>) {
        guard !body.isEmpty else { return }
        s.bar(body.lowerBound, " " + choice.title, style: .heading)
        for (i, option) in choice.options.enumerated() where body.lowerBound + 2 + i < body.upperBound {
            s.put("   \(Choice.key(i))  " + option.text + "  ", row: body.lowerBound + 2 + i, column: 0,
                  style: i == choice.selected ? .selected : .normal)
        }
    }
}

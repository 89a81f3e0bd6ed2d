import KassaCore

/// The register's layout: the app's state in, a screen of cells out. Pure, so every screen can be
/// checked by its text without a terminal.
///
/// From the top: the status line (operator, shift, printer, drawer, connection), alarms in red,
/// the training banner, the sale's lines; at the bottom the total (three rows high), a message
/// line, the entry line and the key hints. It is made for 80×25 and uses any larger size.
public enum RegisterScreen {
    public static let minimumWidth = 80
    public static let minimumHeight = 25

    public static func draw(_ app: RegisterApp, width: Int, height: Int) -> ScreenBuffer {
        var s = ScreenBuffer(width: width, height: height)
        let t = app.texts
        let m = app.model
        statusLine(&s, app)
        for (i, alarm) in m.alarms.prefix(2).enumerated() {
            s.bar(1 + i, " !! " + alarmLine(alarm, app.language), style: .alarm)
        }
        let top = bodyTop(app)
        if showsTrainingBanner(m) {
            s.bar(top - 1, TextLayout.center(t.trainingBanner, in: width), style: .training)
        }
        let hints = height - 1
        let entryRow = height - 2
        let messageRow = height - 3
        let totalRows = (height - 6)...(height - 4)
        let separator = height - 7
        let body = top..<max(top, separator)

        if m.connection != .connected {
            s.put(TextLayout.center(t.disconnected, in: width), row: body.lowerBound + body.count / 2, column: 0, style: .alarm)
            s.bar(messageRow, " " + (app.message?.text ?? t.inputRefused), style: .alarm)
            s.bar(hints, "", style: .heading)
            return s
        }

        switch app.mode {
        case .prompt(let p, let back):
            drawMode(&s, app, back, body: body, separator: separator, totalRows: totalRows)
            let shown = p.secret ? String(repeating: "*", count: app.entry.count) : app.entry
            s.put(" " + p.label + ": " + shown + (p.input == .confirm ? "" : "_"), row: entryRow, column: 0, style: .entry)
            s.bar(hints, " " + t.hintOther, style: .heading)
        default:
            drawMode(&s, app, app.mode, body: body, separator: separator, totalRows: totalRows)
        }
        if let msg = app.message {
            s.bar(messageRow, " " + msg.text, style: msg.isError ? Style(.white, on: .red, bright: true) : Style(.green, bright: true))
        }
        return s
    }

    static func showsTrainingBanner(_ m: RegisterModel) -> Bool { m.training || m.sale?.training == true }

    /// The first row below the status line, the alarms (two at most) and the training banner.
    static func bodyTop(_ app: RegisterApp) -> Int {
        1 + min(2, app.model.alarms.count) + (showsTrainingBanner(app.model) ? 1 : 0)
    }

    private static func drawMode(_ s: inout ScreenBuffer, _ app: RegisterApp, _ mode: Mode, body: Range<Int>, separator: Int,
                                 totalRows: ClosedRange<Int>) {
        let t = app.texts
        let m = app.model
        let width = s.width
        let entryRow = s.height - 2
        let hints = s.height - 1
        switch mode {
        case .login, .locked:
            let locked: Bool = { if case .locked = mode { return true }; return false }()
            let middle = body.lowerBound + body.count / 2 - 2
            s.put(TextLayout.center(locked ? t.lockedTitle : t.loginTitle + " " + m.registerName, in: width), row: middle, column: 0,
                  style: Style(.white, bright: true))
            if locked, let name = m.operatorName {
                s.put(TextLayout.center(name + (m.operatorRole.map { " (" + app.language.role($0) + ")" } ?? ""), in: width),
                      row: middle + 1, column: 0)
            }
            s.put(TextLayout.center(locked ? t.lockedPrompt : t.loginPrompt, in: width), row: middle + 3, column: 0)
            s.put(" " + t.pin + ": " + String(repeating: "*", count: app.entry.count) + "_", row: entryRow, column: 0, style: .entry)
            s.bar(hints, " " + t.hintLogin, style: .heading)
        case .sale:
            saleLines(&s, app, body)
            totals(&s, app, separator: separator, rows: totalRows)
            s.put(" " + t.code + ": " + app.entry + "_", row: entryRow, column: 0, style: .entry)
            s.bar(hints, " " + t.hintSale, style: .heading)
        case .payment:
            paymentPanel(&s, app, body)
            totals(&s, app, separator: separator, rows: totalRows)
            s.put(" " + t.amount + ": " + app.entry + "_", row: entryRow, column: 0, style: .entry)
            s.bar(hints, " " + t.hintPayment, style: .heading)
        case .menu:
            s.bar(body.lowerBound, " " + t.menu, style: .heading)
            // The till's entries on the left, the shop's (reports, stock, time clock) on the right.
            for column in [false, true] {
                for (i, item) in KeyBindings.MenuItem.allCases.filter({ $0.isShops == column }).enumerated()
                where body.lowerBound + 2 + i < body.upperBound {
                    s.put("   \(item.key)  " + item.text(app.language), row: body.lowerBound + 2 + i, column: column ? width / 2 : 0)
                }
            }
            totals(&s, app, separator: separator, rows: totalRows)
            s.bar(hints, " " + t.hintOther, style: .heading)
        case .help(let back):
            helpScreen(&s, app, back, rows: body.lowerBound..<max(body.lowerBound, s.height - 1))
            s.bar(hints, " " + t.hintOther, style: .heading)
        case .text(let title, let lines, _):
            s.bar(body.lowerBound, " " + title, style: .heading)
            let visible = max(0, body.count - 1)
            let top = min(m.scrollTop, max(0, lines.count - visible))
            for (i, line) in lines.dropFirst(top).prefix(visible).enumerated() {
                s.put("  " + line, row: body.lowerBound + 1 + i, column: 0)
            }
            totals(&s, app, separator: separator, rows: totalRows)
            s.bar(hints, " " + t.scrollHint, style: .heading)
        case .page(let page, _):
            drawPage(&s, app, page)
            s.bar(hints, " " + page.hint, style: .heading)
        case .choice(let choice, _):
            drawChoice(&s, app, choice, body: body)
            totals(&s, app, separator: separator, rows: totalRows)
            s.bar(hints, " " + t.chooseHint, style: .heading)
        case .prompt(_, let back):
            drawMode(&s, app, back, body: body, separator: separator, totalRows: totalRows)
        }
    }

    static func statusLine(_ s: inout ScreenBuffer, _ app: RegisterApp) {
        let t = app.texts
        let m = app.model
        let style: Style = m.connection != .connected ? Style(.white, on: .red, bright: true) : (m.training ? .training : .statusBar)
        // In training the word takes the register name's place, so the shift still fits.
        var left = " " + (m.training ? t.training : m.registerName)
        left += " │ " + (m.operatorName.map { $0 + (m.operatorRole.map { " (" + app.language.role($0) + ")" } ?? "") } ?? t.noOperator)
        left += " │ " + (m.shiftNumber.map { t.shift + " \($0)" } ?? t.noShift)
        let connection = m.connection == .connected ? t.online : t.offline
        let right = t.printer + " " + deviceWord(m, "printer", t) + " │ " + t.drawer + " " + deviceWord(m, "drawer", t) + " │ " + connection + " "
        s.bar(0, TextLayout.leftRight(left, right, columns: s.width), style: style)
    }

    static func deviceWord(_ m: RegisterModel, _ kind: String, _ t: Texts) -> String {
        guard let d = m.devices[kind] else { return "–" }
        if d.status.contains("paper_out") { return t.paperOut }
        if kind == "drawer" {
            if d.status.contains("drawer_open") { return t.open }
            if d.state == "offline" { return t.away }
            return t.closed
        }
        switch d.state {
        case "offline": return t.away
        case "busy": return t.busy
        case "error": return d.status.first ?? "error"
        default: return t.ok
        }
    }

    /// An alarm in the register's words; kassad's own sentence (English) after them in English,
    /// and in another language only for an alarm the register has no words for.
    static func alarmLine(_ a: AlarmView, _ language: Language) -> String {
        let words = language.alarm(a.code)
        return language == .en || words == language.alarm("") ? words + " - " + a.message : words
    }

    /// Quantity as the cashier reads it: `3` pieces or `0,250 kg`.
    static func quantity(_ l: SaleLineView, _ m: RegisterModel) -> String { quantity(l.quantity, weighed: l.weighed, m) }

    /// Pieces, or grams written as kilograms.
    static func quantity(_ q: Int64, weighed: Bool, _ m: RegisterModel) -> String {
        guard weighed else { return String(q) }
        let kg = MoneyFormat(decimalSeparator: m.moneyFormat.decimalSeparator, symbol: "kg")
        return kg.format(q, currency: Currency(code: "KG", minorUnits: 3))
    }

    static func discountText(_ d: DiscountView?, _ m: RegisterModel) -> String {
        switch d {
        case .percent(let bp)?:
            let p = MoneyFormat(decimalSeparator: m.moneyFormat.decimalSeparator, symbolPosition: .none)
                .number(bp, currency: Currency(code: "PCT", minorUnits: 2))
            return "-" + (p.hasSuffix("00") ? String(p.dropLast(3)) : p) + "%"
        case .amount(let a)?: return "-" + m.moneyFormat.number(a, currency: m.currency)
        case nil: return ""
        }
    }

    /// The sale's lines, scrolled so the selected or last scanned line is in view.
    static func saleLines(_ s: inout ScreenBuffer, _ app: RegisterApp, _ body: Range<Int>) {
        let t = app.texts
        let m = app.model
        let w = s.width
        let nameWidth = w - 46
        func row(_ n: String, _ name: String, _ qty: String, _ price: String, _ disc: String, _ amount: String) -> String {
            TextLayout.pad(n, to: 3, alignment: .right) + " " + TextLayout.pad(name, to: nameWidth) + " "
                + TextLayout.pad(qty, to: 8, alignment: .right) + " " + TextLayout.pad(price, to: 10, alignment: .right) + " "
                + TextLayout.pad(disc, to: 9, alignment: .right) + " " + TextLayout.pad(amount, to: 11, alignment: .right)
        }
        s.bar(body.lowerBound, row("#", t.columnItem, t.columnQuantity, t.columnPrice, t.columnDiscount, t.columnAmount), style: .heading)
        let visible = max(0, body.count - 1)
        guard let sale = m.sale else {
            s.put("   " + t.noSale, row: body.lowerBound + 2, column: 0, style: .dim)
            s.put("   " + t.quantityHint, row: body.lowerBound + 3, column: 0, style: .dim)
            if !m.parked.isEmpty {
                s.put("   " + t.parkedSales + ":", row: body.lowerBound + 5, column: 0, style: .warning)
                for (i, p) in m.parked.prefix(max(0, visible - 6)).enumerated() {
                    s.put("     #\(p.id)  \(p.lines) \(t.lines)  " + m.money(p.total), row: body.lowerBound + 6 + i, column: 0)
                }
            }
            return
        }
        // Follow the newest lines, or the selected or last changed one; then PgUp's scroll back.
        var top = max(0, sale.lines.count - visible)
        if let target = m.selectedLine ?? m.lastTouchedLine, let index = sale.lines.firstIndex(where: { $0.line == target }), index < top {
            top = index
        }
        top = max(0, top - m.scrollBack)
        for (i, l) in sale.lines.dropFirst(top).prefix(visible).enumerated() {
            var price = m.moneyFormat.number(l.unitPrice, currency: m.currency)
            if l.unitPrice != l.catalogPrice { price = "*" + price }
            var discount = discountText(l.discount, m)
            if discount.isEmpty && l.promotion != 0 { discount = m.moneyFormat.number(-l.promotion, currency: m.currency) }
            let text = row(String(l.line + 1), l.name, quantity(l, m), price, l.voided ? t.voided : discount,
                           l.voided ? "" : m.money(l.amount))
            let style: Style = l.line == m.selectedLine ? .selected : (l.voided ? .dim : (l.line == m.lastTouchedLine ? .highlight : .normal))
            s.put(TextLayout.pad(text, to: w), row: body.lowerBound + 1 + i, column: 0, style: style)
        }
        if top > 0 { s.putRight("▲", row: body.lowerBound, style: .heading) }
        if top + visible < sale.lines.count { s.putRight("▼", row: body.upperBound - 1, style: .warning) }
    }

    static func paymentPanel(_ s: inout ScreenBuffer, _ app: RegisterApp, _ body: Range<Int>) {
        let t = app.texts
        let m = app.model
        s.bar(body.lowerBound, " " + t.payment, style: .heading)
        guard let sale = m.sale else { return }
        var r = body.lowerBound + 2
        func line(_ text: String, _ style: Style = .normal) {
            if r < body.upperBound { s.put(text, row: r, column: 0, style: style) }
            r += 1
        }
        line("   " + TextLayout.leftRight(t.total, m.money(sale.total), columns: 40), Style(.white, bright: true))
        for tender in sale.tenders {
            line("   " + TextLayout.leftRight(tender.kind == "card" ? t.card : (tender.kind == "cash" ? t.cash : tender.kind),
                                          m.money(tender.amount), columns: 40))
        }
        line("   " + TextLayout.leftRight(t.due, m.money(sale.due), columns: 40), .total)
        if sale.cashDue != sale.due { line("   " + TextLayout.leftRight(t.cashDue, m.money(sale.cashDue), columns: 40)) }
        r += 1
        var quick = "   x " + t.exact + " " + m.money(sale.cashDue)
        if let note = Entry.nextNote(above: sale.cashDue, currency: m.currency) { quick += "    n " + t.nextNote + " " + m.money(note) }
        quick += "    k " + t.card + " " + m.money(sale.due)
        line(quick, .warning)
        line("   " + t.tenderHint, .dim)
        if m.cardPending {
            r += 1
            line("   " + t.cardPending, Style(.yellow, bright: true, blink: true))
        }
    }

    /// The total, or after a sale the change, in big digits; what it is made of beside it.
    static func totals(_ s: inout ScreenBuffer, _ app: RegisterApp, separator: Int, rows: ClosedRange<Int>) {
        let t = app.texts
        let m = app.model
        s.put(String(repeating: "─", count: s.width), row: separator, column: 0, style: .dim)
        if let c = m.sale?.customer {
            var text = " \(t.customer): \(c.name) · \(c.points) \(t.points)"
            if c.redeemPoints > 0 { text += " · -\(c.redeemPoints) = " + m.money(-c.redeemValue) }
            s.put(TextLayout.truncate(text + " ", to: s.width - 4), row: separator, column: 2, style: .highlight)
        }
        var left: [String] = []
        var big: Int64 = 0
        var bigStyle = Style.total
        if let sale = m.sale {
            let payment: Bool = { if case .payment = app.mode { return true }; return false }()
            big = payment ? sale.due : sale.total
            left.append(t.total + " " + m.money(sale.total))
            if sale.discountTotal != 0 || sale.receiptDiscount != nil {
                var d = t.discount + " " + m.money(-sale.discountTotal)
                if let rd = sale.receiptDiscount { d += " (" + discountText(rd, m) + ")" }
                left.append(d)
                if !sale.promotions.isEmpty {
                    left.append(sale.promotions.map { $0.name + " " + m.money(-$0.amount) }.joined(separator: " · "))
                }
            } else {
                left.append(t.subtotal + " " + m.money(sale.subtotal) + " · \(sale.lines.filter { !$0.voided }.count) " + t.lines)
            }
            if sale.paid > 0 { left.append(t.paid + " " + m.money(sale.paid) + " · " + t.due + " " + m.money(sale.due)) }
        } else if let c = m.lastCompleted {
            big = c.change
            bigStyle = Style(.yellow, bright: true)
            left.append(t.change + " " + m.money(c.change))
            left.append(t.receipt + " " + c.number + " · " + t.total + " " + m.money(c.total))
            left.append(t.paid + " " + m.money(c.paid))
        } else {
            left.append(t.total + " " + m.money(0))
        }
        for (i, text) in left.prefix(rows.count).enumerated() {
            s.put(" " + text, row: rows.lowerBound + i, column: 0, style: i == 0 ? Style(.white, bright: true) : .normal)
        }
        let digits = BigText.rows(m.moneyFormat.number(big, currency: m.currency))
        let symbol = " " + m.moneyFormat.symbol
        for (i, r) in digits.enumerated() {
            let column = s.width - r.count - symbol.count - 1
            s.put(r, row: rows.lowerBound + i, column: column, style: bigStyle)
            if i == 2 { s.put(symbol, row: rows.lowerBound + i, column: column + r.count, style: bigStyle) }
        }
    }

    /// Width of the help screen's right column, the menu's entries.
    static let helpMenuWidth = 32

    /// Every key of the screen it was called from on the left, the menu's entries on the right.
    static func helpScreen(_ s: inout ScreenBuffer, _ app: RegisterApp, _ back: Mode, rows: Range<Int>) {
        let language = app.language
        let table: [KeyBinding]
        if case .payment = back { table = KeyBindings.payment } else { table = KeyBindings.sale }
        var keys = table.map { ($0.keyNames, $0.text(language)) }
        keys.append(("0-9 * , %", language.pick("entry: code, quantity, amount", "syöttö: koodi, määrä, summa")))
        if case .payment = back {} else {
            keys.append(("a-z", language.pick("letters + Enter: find by name", "kirjaimet + Enter: hae nimellä")))
            keys.append(("Enter", language.pick("on an empty code: quick keys", "tyhjällä koodilla: pikanäppäimet")))
        }
        s.bar(rows.lowerBound, " " + app.texts.helpTitle + " (" + (language == .fi ? "mikä tahansa näppäin palaa" : "any key returns") + ")",
              style: .heading)
        let left = s.width - helpMenuWidth
        for (i, k) in keys.enumerated() where rows.lowerBound + 1 + i < rows.upperBound {
            s.put(TextLayout.truncate(" " + TextLayout.pad(k.0, to: 12) + " " + k.1, to: left - 1), row: rows.lowerBound + 1 + i, column: 0)
        }
        s.put(app.texts.menu + " (F9 m)", row: rows.lowerBound + 1, column: left, style: .warning)
        for (i, item) in KeyBindings.MenuItem.allCases.enumerated() where rows.lowerBound + 2 + i < rows.upperBound {
            s.put(TextLayout.truncate("\(item.key)  " + item.text(language), to: helpMenuWidth - 1), row: rows.lowerBound + 2 + i, column: left)
        }
    }
}

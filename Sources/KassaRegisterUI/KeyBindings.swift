/// What a key does on the register. One table per screen drives both the keys and the help
/// screen, so no key works that the help does not list, and none is listed that does not work.
public enum Action: Hashable, Sendable {
    case help, sell, total, void, discountLine, discountSale, priceOverride, park, cancel, menu, logout, reprintLast, quantity
    case selectUp, selectDown, pageUp, pageDown, clear, redraw, quit
    case cashTyped, cashExact, cashNextNote, card, backToSale
}

public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var english: String
    public var finnish: String

    public func text(_ language: Language) -> String { language == .fi ? finnish : english }

    /// How the keys are written on the help screen: `F3 v`.
    public var keyNames: String { keys.map(KeyBinding.name).joined(separator: " ") }

    static func name(_ key: Key) -> String {
        switch key {
        case .character(let c): return String(c)
        case .function(let n): return "F\(n)"
        case .control(let c): return "Ctrl-" + String(c).uppercased()
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .up: return "↑"
        case .down: return "↓"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        default: return "\(key)"
        }
    }
}

public enum KeyBindings {
    static let common: [KeyBinding] = [
        KeyBinding(keys: [.function(1), .character("?")], action: .help, english: "this help", finnish: "tämä ohje"),
        KeyBinding(keys: [.control("l")], action: .redraw, english: "redraw the screen", finnish: "piirrä näyttö uudelleen"),
        KeyBinding(keys: [.control("c")], action: .quit, english: "quit the register program", finnish: "lopeta kassaohjelma"),
    ]

    /// The sale screen: whatever is typed goes to the code field (digits, `*`, `,` and `%`, and
    /// letters that find an item by its name), so a name typed there never acts as a command:
    /// each action is a function key, and a Ctrl key (or `+`) for keyboards without them.
    public static let sale: [KeyBinding] = [
        KeyBinding(keys: [.enter], action: .sell, english: "sell the code (3*CODE sells 3)",
                   finnish: "myy koodi (3*KOODI myy 3)"),
        KeyBinding(keys: [.function(2), .character("+"), .control("t")], action: .total, english: "total and pay",
                   finnish: "yhteensä ja maksu"),
        KeyBinding(keys: [.function(3), .control("v")], action: .void, english: "void the line (asks first)",
                   finnish: "mitätöi rivi (kysyy ensin)"),
        KeyBinding(keys: [.function(4), .control("d")], action: .discountLine, english: "line discount (10% or amount)",
                   finnish: "rivialennus (10% tai summa)"),
        KeyBinding(keys: [.function(5), .control("a")], action: .discountSale, english: "discount on the whole sale",
                   finnish: "alennus koko ostokseen"),
        KeyBinding(keys: [.function(6), .control("o")], action: .priceOverride, english: "override the line's price",
                   finnish: "muuta rivin hintaa"),
        KeyBinding(keys: [.function(7), .control("p")], action: .park, english: "park / resume a parked sale",
                   finnish: "pysäköi myynti / jatka pysäköityä"),
        KeyBinding(keys: [.function(8), .control("x")], action: .cancel, english: "cancel the sale (asks first)",
                   finnish: "peru myynti (kysyy ensin)"),
        KeyBinding(keys: [.function(9), .control("e")], action: .menu, english: "menu: refunds, shift, reports",
                   finnish: "valikko: palautukset, raportit"),
        KeyBinding(keys: [.function(10), .control("u")], action: .logout, english: "log out", finnish: "kirjaudu ulos"),
        KeyBinding(keys: [.function(11), .control("r")], action: .reprintLast, english: "reprint the last receipt",
                   finnish: "viimeinen kuitti uudelleen"),
        KeyBinding(keys: [.function(12), .control("q")], action: .quantity, english: "change the line's quantity",
                   finnish: "muuta rivin määrää"),
        KeyBinding(keys: [.up, .down], action: .selectUp, english: "select a line", finnish: "valitse rivi"),
        KeyBinding(keys: [.pageUp, .pageDown], action: .pageUp, english: "scroll the lines", finnish: "selaa rivejä"),
        KeyBinding(keys: [.escape], action: .clear, english: "clear the entry", finnish: "tyhjennä syöttö"),
    ] + common

    /// The payment screen: digits and `,` type an amount.
    public static let payment: [KeyBinding] = [
        KeyBinding(keys: [.enter], action: .cashTyped, english: "cash: the amount typed or all due",
                   finnish: "käteinen: syötetty tai koko summa"),
        KeyBinding(keys: [.function(2), .character("x")], action: .cashExact, english: "exact cash", finnish: "tasaraha"),
        KeyBinding(keys: [.function(3), .character("n")], action: .cashNextNote, english: "cash: the next note up",
                   finnish: "käteinen: seuraava seteli"),
        KeyBinding(keys: [.function(4), .character("k")], action: .card, english: "card: the amount typed or all due",
                   finnish: "kortti: syötetty summa tai kaikki"),
        KeyBinding(keys: [.function(8), .character("c")], action: .cancel, english: "cancel the sale", finnish: "peru myynti"),
        KeyBinding(keys: [.escape], action: .backToSale, english: "back to the sale", finnish: "takaisin myyntiin"),
    ] + common

    static func action(for key: Key, in table: [KeyBinding]) -> Action? {
        guard let b = table.first(where: { $0.keys.contains(key) }) else { return nil }
        switch (b.action, key) {
        case (.selectUp, .down): return .selectDown
        case (.pageUp, .pageDown): return .pageDown
        default: return b.action
        }
    }

    /// The menu's entries, chosen by their key: the till's by digit, the shop's by letter.
    public enum MenuItem: Int, CaseIterable, Sendable {
        case refund = 1, noSale, cashIn, cashOut, shiftOpen, shiftClose, xReport, zReport, training, reprint
        case salesReports, stock, timeClock, giftVoucher, customer, redeemPoints

        public var key: Character {
            switch self {
            case .salesReports: return "r"
            case .stock: return "s"
            case .timeClock: return "t"
            case .giftVoucher: return "g"
            case .customer: return "c"
            case .redeemPoints: return "p"
            default: return Character(String(rawValue % 10))
            }
        }

        /// The shop's entries, listed beside the till's.
        var isShops: Bool { rawValue > MenuItem.reprint.rawValue }

        public func text(_ language: Language) -> String {
            let pair: (en: String, fi: String)
            switch self {
            case .refund: pair = ("Refund by receipt number", "Palautus kuitin numerolla")
            case .noSale: pair = ("No sale: open the drawer", "Avaa laatikko (ei myyntiä)")
            case .cashIn: pair = ("Cash in", "Rahaa kassaan")
            case .cashOut: pair = ("Cash out", "Rahaa kassasta")
            case .shiftOpen: pair = ("Open the shift with a float", "Avaa vuoro, vaihtokassa")
            case .shiftClose: pair = ("Close shift (blind count)", "Sulje vuoro (sokkolaskenta)")
            case .xReport: pair = ("X report", "X-raportti")
            case .zReport: pair = ("Z report: close the day", "Z-raportti: päivän sulku")
            case .training: pair = ("Training mode on/off", "Harjoitustila päälle/pois")
            case .reprint: pair = ("Reprint a receipt by number", "Tulosta kuitti numerolla")
            case .salesReports: pair = ("Sales reports", "Myyntiraportit")
            case .stock: pair = ("Stock levels, receive, count", "Varasto: saldot, vastaanotto")
            case .timeClock: pair = ("Time clock: in, out, breaks", "Työaikaleimaus")
            case .giftVoucher: pair = ("Sell a gift voucher", "Myy lahjakortti")
            case .customer: pair = ("Customer by phone or name", "Asiakas: puhelin tai nimi")
            case .redeemPoints: pair = ("Redeem the customer's points", "Käytä asiakkaan pisteet")
            }
            return language == .fi ? pair.fi : pair.en
        }
    }
}

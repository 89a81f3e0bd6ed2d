/// How money is written on receipts and displays, from configuration rather than a locale:
/// Foundation's locales are not in the daemon (they drag ICU in), and a shop wants its own style.
public struct MoneyFormat: Hashable, Sendable {
    public enum SymbolPosition: String, Sendable, Hashable, CaseIterable {
        case before, after, none
    }

    public var decimalSeparator: Character
    public var groupingSeparator: Character?
    public var symbol: String
    public var symbolPosition: SymbolPosition
    public var spaceBetween: Bool

    public init(decimalSeparator: Character = ",", groupingSeparator: Character? = nil,
                symbol: String = "€", symbolPosition: SymbolPosition = .after, spaceBetween: Bool = true) {
        self.decimalSeparator = decimalSeparator
        self.groupingSeparator = groupingSeparator
        self.symbol = symbol
        self.symbolPosition = symbolPosition
        self.spaceBetween = spaceBetween
    }

    /// Finnish style: `12,50 €`.
    public static let finnish = MoneyFormat()
    /// Swedish style: `12,00 kr`.
    public static let swedish = MoneyFormat(symbol: "kr")
    /// English style: `€12.50`.
    public static let english = MoneyFormat(decimalSeparator: ".", groupingSeparator: ",", symbol: "€",
                                            symbolPosition: .before, spaceBetween: false)

    /// Machine-neutral `12.50 EUR` used in logs and tests.
    public static func plain(_ currency: Currency) -> MoneyFormat {
        MoneyFormat(decimalSeparator: ".", groupingSeparator: nil, symbol: currency.code,
                    symbolPosition: .after, spaceBetween: true)
    }

    /// The number alone, with sign and separators but without the symbol.
    public func number(_ minor: Int64, currency: Currency) -> String {
        let negative = minor < 0
        let magnitude = minor.magnitude
        let scale = UInt64(currency.scale)
        let whole = magnitude / scale
        let frac = magnitude % scale
        var wholeText = String(whole)
        if let g = groupingSeparator, wholeText.count > 3 {
            var out = ""
            for (i, c) in wholeText.enumerated() {
                if i > 0 && (wholeText.count - i) % 3 == 0 { out.append(g) }
                out.append(c)
            }
            wholeText = out
        }
        var text = negative ? "-" + wholeText : wholeText
        if currency.minorUnits > 0 {
            var f = String(frac)
            while f.count < currency.minorUnits { f = "0" + f }
            text.append(decimalSeparator)
            text += f
        }
        return text
    }

    public func format(_ minor: Int64, currency: Currency) -> String {
        let n = number(minor, currency: currency)
        let gap = spaceBetween ? " " : ""
        switch symbolPosition {
        case .none: return n
        case .before:
            if n.hasPrefix("-") { return "-" + symbol + gap + n.dropFirst() }
            return symbol + gap + n
        case .after: return n + gap + symbol
        }
    }

    public func format(_ money: Money) -> String { format(money.minor, currency: money.currency) }
}

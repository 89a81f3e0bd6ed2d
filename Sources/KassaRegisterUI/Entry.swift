import KassaCore

/// What the cashier typed on the entry line, understood: pure functions, tested on their own.
public enum Entry {
    /// `3*6414893400018` → quantity 3 and the code; a bare code has no quantity.
    public static func scan(_ text: String) -> (quantity: Int64?, code: String)? {
        let parts = text.split(separator: "*", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            let code = String(parts[0])
            return code.isEmpty ? nil : (nil, code)
        case 2:
            guard let q = Int64(parts[0]), q > 0, !parts[1].isEmpty else { return nil }
            return (q, String(parts[1]))
        default:
            return nil
        }
    }

    /// Whether what was typed in the code field is (a part of) a name rather than a code: it has
    /// a letter in it.
    public static func isName(_ text: String) -> Bool { text.contains { $0.isLetter } }

    /// What the code field takes: digits, `*`, `,`, `.` and `%` always; letters, and after a
    /// letter spaces, hyphens and apostrophes, for a name.
    public static func accepts(_ c: Character, after text: String) -> Bool {
        if c.isASCII && c.isNumber || "*,.%".contains(c) || c.isLetter { return true }
        return " -'".contains(c) && isName(text)
    }

    /// A line's new quantity as typed: pieces, or for a weighed line its weight (`Entry.grams`);
    /// a trailing `*` (as before a code) is allowed.
    public static func quantity(_ text: String, weighed: Bool) -> Int64? {
        let t = text.hasSuffix("*") ? String(text.dropLast()) : text
        if weighed { return grams(t) }
        guard let q = Int64(t), q > 0 else { return nil }
        return q
    }

    /// A weight in grams: `250` is grams, `0,25` or `1.5` kilograms.
    public static func grams(_ text: String) -> Int64? {
        if text.contains(",") || text.contains(".") {
            guard let kg = try? Money.parse(text, currency: Currency(code: "KG", minorUnits: 3)), kg.minor > 0 else { return nil }
            return kg.minor
        }
        guard let g = Int64(text), g > 0 else { return nil }
        return g
    }

    public enum Discount: Equatable, Sendable {
        case percent(basisPoints: Int64)
        case amount(Int64)
        case remove
    }

    /// `10%` or `12,5%` is a percentage, anything else an amount; empty removes the discount.
    public static func discount(_ text: String, currency: Currency) -> Discount? {
        if text.isEmpty { return .remove }
        if text.hasSuffix("%") {
            guard let p = try? Money.parse(String(text.dropLast()), currency: Currency(code: "PCT", minorUnits: 2)),
                  p.minor > 0, p.minor <= 10_000 else { return nil }
            return .percent(basisPoints: p.minor)
        }
        guard let m = try? Money.parse(text, currency: currency), m.minor > 0 else { return nil }
        return .amount(m.minor)
    }

    /// A positive amount in minor units.
    public static func amount(_ text: String, currency: Currency) -> Int64? {
        guard let m = try? Money.parse(text, currency: currency), m.minor >= 0 else { return nil }
        return m.minor
    }

    /// `2 3*1` → lines 2 (all of it: quantity 1) and 3 (quantity 1); the cashier counts from 1 as
    /// on the screen, kassad from 0. A line named alone that `weighed` gives grams for (kassad's
    /// line number) goes back whole, its grams, never one gram.
    public static func refundLines(_ text: String, weighed: [Int64: Int64] = [:]) -> [(line: Int64, quantity: Int64)]? {
        var out: [(line: Int64, quantity: Int64)] = []
        for word in text.split(separator: " ") {
            let parts = word.split(separator: "*")
            guard let shown = Int64(parts[0]), shown >= 1 else { return nil }
            var quantity: Int64 = weighed[shown - 1] ?? 1
            if parts.count == 2 {
                guard let q = Int64(parts[1]), q > 0 else { return nil }
                quantity = q
            } else if parts.count > 2 {
                return nil
            }
            out.append((shown - 1, quantity))
        }
        return out.isEmpty ? nil : out
    }

    /// Quick cash amounts: the smallest banknote above what is due (5, 10, 20, 50, 100, 200, 500
    /// of the currency's major unit), or nil above the largest.
    public static func nextNote(above due: Int64, currency: Currency) -> Int64? {
        guard due > 0 else { return nil }
        for note: Int64 in [5, 10, 20, 50, 100, 200, 500] where note * currency.scale > due {
            return note * currency.scale
        }
        return nil
    }
}

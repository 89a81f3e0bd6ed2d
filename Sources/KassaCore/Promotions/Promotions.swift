/// Scheduled promotions: a price rule for some items, in force during a time window.
///
/// A line takes the promotions in force at the moment it is rung up (in the register's time
/// zone), and keeps them: the journal records them with the line, so a coffee scanned at 16:59
/// keeps its happy-hour price when it is paid at 17:01, while one scanned at 17:00 costs the
/// normal price again without anyone touching the register.
public struct Promotion: Hashable, Sendable {
    /// Short, stable, chosen by the owner: `happy-hour`.
    public var id: String
    /// What the receipt says: `Happy hour -20%`.
    public var name: String
    public var window: PromotionWindow
    public var target: PromotionTarget
    public var rule: PromotionRule

    public init(id: String, name: String, window: PromotionWindow = PromotionWindow(), target: PromotionTarget,
                rule: PromotionRule) {
        self.id = id
        self.name = name
        self.window = window
        self.target = target
        self.rule = rule
    }

    /// Whether a line's item is one this promotion is for (by the item and department the line
    /// was rung up with).
    public func applies(to line: SaleLine) -> Bool {
        switch target {
        case .items(let ids): return ids.contains(line.itemID)
        case .department(let d): return line.department == d
        }
    }

    /// Why this promotion cannot be used as it is written, or nil.
    public var problem: String? {
        if id.isEmpty || id.count > 40 || !id.unicodeScalars.allSatisfy({ Self.idCharacters.contains($0) }) {
            return "a promotion id is 1 to 40 letters, digits, '-' or '_'"
        }
        if name.trimmingSpaces().isEmpty { return "a promotion needs a name for the receipt" }
        if let p = window.problem { return p }
        switch target {
        case .items(let ids) where ids.isEmpty: return "name at least one item"
        case .department(let d) where d.trimmingSpaces().isEmpty: return "name the department"
        default: break
        }
        switch rule {
        case .percentOff(let bp) where bp <= 0 || bp > 10_000:
            return "a percentage off must be above 0 and at most 100"
        case .amountOff(let a) where a <= 0:
            return "an amount off must be more than zero"
        case .buyGetFree(let buy, let free) where buy < 1 || free < 1 || buy > 99 || free > 99:
            return "buy X get Y free needs X and Y from 1 to 99"
        case .bundlePrice(let count, let price) where count < 2 || count > 99 || price < 0:
            return "N for a price needs N from 2 to 99 and a price of zero or more"
        default: return nil
        }
    }

    /// One line for people: `Happy hour -20%: -20 % on 1001,1003, mon-fri 16:00-17:00`.
    public func summary(money: (Int64) -> String) -> String {
        let what: String
        switch rule {
        case .percentOff(let bp): what = "-" + Receipt.basisPointsText(bp) + " %"
        case .amountOff(let a): what = "-" + money(a) + " each"
        case .buyGetFree(let buy, let free): what = "buy \(buy) get \(free) free"
        case .bundlePrice(let count, let price): what = "\(count) for \(money(price))"
        }
        let on: String
        switch target {
        case .items(let ids): on = ids.map(\.rawValue).joined(separator: ",")
        case .department(let d): on = "department " + d
        }
        return name + ": " + what + " on " + on + ", " + window.summary
    }

    private static let idCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".unicodeScalars)
}

/// When a promotion is in force, in the register's local time. Every part is optional: no dates
/// means always, no weekdays means every day, no hours means all day.
public struct PromotionWindow: Hashable, Sendable {
    /// First and last day, both included.
    public var from: CivilDate?
    public var until: CivilDate?
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var weekdays: Set<Int>
    /// Minutes after local midnight: from `startMinute` up to, not including, `endMinute`.
    /// A start after the end runs over midnight (22:00–02:00); the weekday and dates are those
    /// of the day the line is rung up.
    public var startMinute: Int?
    public var endMinute: Int?

    public init(from: CivilDate? = nil, until: CivilDate? = nil, weekdays: Set<Int> = [], startMinute: Int? = nil,
                endMinute: Int? = nil) {
        self.from = from
        self.until = until
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    public func contains(date: CivilDate, minute: Int) -> Bool {
        if let from, date < from { return false }
        if let until, until < date { return false }
        if !weekdays.isEmpty && !weekdays.contains(date.isoWeekday) { return false }
        guard let start = startMinute, let end = endMinute else { return true }
        return start <= end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }

    /// `from 2026-06-01 until 2026-08-31 mon,tue,sat 16:00-17:00`, or `always`.
    public var summary: String {
        var parts: [String] = []
        if let from { parts.append("from \(from)") }
        if let until { parts.append("until \(until)") }
        if !weekdays.isEmpty {
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            parts.append(weekdays.sorted().map { (1...7).contains($0) ? names[$0 - 1] : String($0) }.joined(separator: ","))
        }
        if let s = startMinute, let e = endMinute { parts.append(Self.clockText(s) + "-" + Self.clockText(e)) }
        return parts.isEmpty ? "always" : parts.joined(separator: " ")
    }

    /// 990 → "16:30".
    public static func clockText(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    var problem: String? {
        if let from, let until, until < from { return "the promotion ends (\(until)) before it starts (\(from))" }
        if weekdays.contains(where: { !(1...7).contains($0) }) { return "weekdays are 1 (Monday) to 7 (Sunday)" }
        if (startMinute == nil) != (endMinute == nil) { return "give both the start and the end hour, or neither" }
        for m in [startMinute, endMinute].compactMap({ $0 }) where !(0..<1440).contains(m) {
            return "hours run from 00:00 to 23:59"
        }
        if let s = startMinute, s == endMinute { return "the start and end hour are the same" }
        return nil
    }
}

public enum PromotionTarget: Hashable, Sendable {
    case items([ItemID])
    case department(String)
}

public enum PromotionRule: Hashable, Sendable {
    /// Basis points off each line (2000 = 20 %).
    case percentOff(Int)
    /// Minor units off each piece (or each kilogram of a weighed item), never below zero.
    case amountOff(Int64)
    /// Buy `buy`, get `free` more free: in each group of buy + free pieces the cheapest go free.
    case buyGetFree(buy: Int, free: Int)
    /// Any `count` pieces of the target for `price` together (mix and match).
    case bundlePrice(count: Int, price: Int64)

    /// Rules that combine pieces of several lines.
    var groupsPieces: Bool {
        switch self {
        case .percentOff, .amountOff: return false
        case .buyGetFree, .bundlePrice: return true
        }
    }
}

/// A promotion as it was applied to a sale: its own receipt line, and what it took off each line.
public struct AppliedPromotion: Hashable, Sendable {
    public var id: String
    public var name: String
    /// Minor units off, positive.
    public var amount: Int64
    /// (sale line index, minor units off that line), in line order.
    public var lines: [LineShare]

    public struct LineShare: Hashable, Sendable {
        public var line: Int
        public var amount: Int64
        public init(line: Int, amount: Int64) {
            self.line = line
            self.amount = amount
        }
    }

    public init(id: String, name: String, amount: Int64, lines: [LineShare]) {
        self.id = id
        self.name = name
        self.amount = amount
        self.lines = lines
    }
}

/// Works out what promotions take off a sale. The same lines always give the same result:
///
/// 1. Only lines that are not voided, carry no price label (a fixed amount) and no price
///    override take part; each line may take only the promotions it was rung up with.
/// 2. Rules that combine pieces (buy X get Y, N for a price) go first, one promotion after the
///    other in the order of their ids. Each piece goes into one such promotion at most. A
///    promotion takes its pieces most expensive first (ties: earlier line first) and groups them
///    in that order; in a buy-X-get-Y group the cheapest `free` pieces are free; an N-for-a-price
///    group saves what its pieces cost beyond the price, and a group that would save nothing is
///    not made (its pieces stay free for the other promotions).
/// 3. A line none of whose pieces went into a group takes the best of its percent or amount
///    promotions (the largest saving; equal savings: the smaller id).
/// 4. A group's saving is spread over its pieces' lines in proportion to their prices, by largest
///    remainder, so every line knows to the cent what it was sold for (refunds need that).
public enum PromotionEngine {
    public static func apply(lines: [SaleLine], offers: [Int: [Promotion]]) throws(MoneyError) -> [AppliedPromotion] {
        let eligible = offers.keys.sorted().filter { i in
            lines.indices.contains(i) && !lines[i].voided && !lines[i].isGiftVoucher && lines[i].fixedAmount == nil
                && lines[i].unitPrice == lines[i].catalogPrice && !(offers[i] ?? []).isEmpty
        }
        guard !eligible.isEmpty else { return [] }
        var grouped: [Promotion] = []
        for i in eligible {
            for p in offers[i]! where p.rule.groupsPieces && !grouped.contains(p) { grouped.append(p) }
        }
        grouped.sort { ($0.id, $0.name) < ($1.id, $1.name) }

        var usedPieces = [Int: Int64]()
        var applied: [AppliedPromotion] = []
        for promotion in grouped {
            struct Piece { var line: Int; var price: Int64 }
            var pieces: [Piece] = []
            for i in eligible where lines[i].unit == .piece && offers[i]!.contains(promotion) {
                let left = lines[i].quantity - (usedPieces[i] ?? 0)
                if left > 0 { pieces += repeatElement(Piece(line: i, price: lines[i].unitPrice), count: Int(left)) }
            }
            pieces.sort { $0.price != $1.price ? $0.price > $1.price : $0.line < $1.line }
            var off = [Int: Int64]()
            switch promotion.rule {
            case .buyGetFree(let buy, let free):
                let size = buy + free
                var start = 0
                while start + size <= pieces.count {
                    let group = pieces[start..<(start + size)]
                    for p in group.suffix(free) { off[p.line, default: 0] += p.price }
                    for p in group { usedPieces[p.line, default: 0] += 1 }
                    start += size
                }
            case .bundlePrice(let count, let price):
                var start = 0
                while start + count <= pieces.count {
                    let group = Array(pieces[start..<(start + count)])
                    var sum: Int64 = 0
                    for p in group { sum = try Checked.add(sum, p.price) }
                    // Pieces come most expensive first: once a group would cost no less than its
                    // pieces, every later one would too, and those pieces stay free for others.
                    guard sum > price else { break }
                    let shares = try Allocation.largestRemainder(sum - price, weights: group.map(\.price))
                    for (k, p) in group.enumerated() { off[p.line, default: 0] += shares[k] }
                    for p in group { usedPieces[p.line, default: 0] += 1 }
                    start += count
                }
            case .percentOff, .amountOff:
                break
            }
            let shares = off.keys.sorted().compactMap { i in off[i]! > 0 ? AppliedPromotion.LineShare(line: i, amount: off[i]!) : nil }
            if !shares.isEmpty {
                applied.append(AppliedPromotion(id: promotion.id, name: promotion.name,
                                                amount: shares.reduce(0) { $0 + $1.amount }, lines: shares))
            }
        }

        var single: [Promotion: [AppliedPromotion.LineShare]] = [:]
        var order: [Promotion] = []
        for i in eligible where usedPieces[i] == nil {
            let base = try lines[i].baseAmount()
            var best: (Promotion, Int64)?
            for p in offers[i]! {
                let saving: Int64
                switch p.rule {
                case .percentOff(let bp): saving = min(base, try Checked.mulDiv(base, Int64(bp), 10_000))
                case .amountOff(let a):
                    let perUnit = lines[i].unit == .piece ? try Checked.multiply(a, lines[i].quantity)
                        : try Checked.mulDiv(a, lines[i].quantity, 1000)
                    saving = min(base, perUnit)
                case .buyGetFree, .bundlePrice: continue
                }
                if saving > 0, best == nil || saving > best!.1 || (saving == best!.1 && p.id < best!.0.id) { best = (p, saving) }
            }
            if let (p, saving) = best {
                if single[p] == nil { order.append(p) }
                single[p, default: []].append(AppliedPromotion.LineShare(line: i, amount: saving))
            }
        }
        order.sort { ($0.id, $0.name) < ($1.id, $1.name) }
        for p in order {
            let shares = single[p]!
            applied.append(AppliedPromotion(id: p.id, name: p.name, amount: shares.reduce(0) { $0 + $1.amount }, lines: shares))
        }
        return applied
    }

    /// What each line gets off from the applied promotions.
    public static func perLine(_ applied: [AppliedPromotion], count: Int) -> [Int64] {
        var off = [Int64](repeating: 0, count: count)
        for a in applied {
            for s in a.lines where off.indices.contains(s.line) { off[s.line] += s.amount }
        }
        return off
    }
}

/// A discount on a line or on the whole receipt.
public enum Discount: Hashable, Sendable {
    /// Basis points of the amount (1000 = 10 %).
    case percent(Int)
    /// Minor units off, never more than the amount it applies to.
    case amount(Int64)

    func amountOff(_ base: Int64) throws(MoneyError) -> Int64 {
        switch self {
        case .percent(let bp): return min(base, try Checked.mulDiv(base, Int64(bp), 10_000))
        case .amount(let a): return min(base, a)
        }
    }

    /// The discount as a share of `base` in basis points, for the cashier's discount limit.
    func basisPoints(of base: Int64) -> Int64 {
        switch self {
        case .percent(let bp): return Int64(bp)
        case .amount(let a): return base <= 0 ? 10_000 : (try? Checked.mulDiv(a, 10_000, base)) ?? Int64.max
        }
    }
}

/// One line of a sale as it was rung up, with everything a refund or reprint needs later:
/// the price, rate and discounts in force then, whatever they are today.
public struct SaleLine: Hashable, Sendable {
    public var itemID: ItemID
    public var name: String
    public var department: String
    public var unit: SaleUnit
    /// Pieces, or grams for weighed items.
    public var quantity: Int64
    /// Minor units per piece or per kilogram, after any override.
    public var unitPrice: Int64
    /// The catalog price when the line was rung up (differs after an override).
    public var catalogPrice: Int64
    public var taxClass: TaxClassID
    public var taxBasisPoints: Int
    public var discount: Discount?
    public var voided: Bool
    /// Who authorised a price override or discount beyond the cashier's rights.
    public var authorisedBy: OperatorID?
    /// A price-embedded barcode fixes the line amount itself.
    public var fixedAmount: Int64?

    public init(itemID: ItemID, name: String, department: String, unit: SaleUnit, quantity: Int64, unitPrice: Int64,
                catalogPrice: Int64, taxClass: TaxClassID, taxBasisPoints: Int, discount: Discount? = nil,
                voided: Bool = false, authorisedBy: OperatorID? = nil, fixedAmount: Int64? = nil) {
        self.itemID = itemID
        self.name = name
        self.department = department
        self.unit = unit
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.catalogPrice = catalogPrice
        self.taxClass = taxClass
        self.taxBasisPoints = taxBasisPoints
        self.discount = discount
        self.voided = voided
        self.authorisedBy = authorisedBy
        self.fixedAmount = fixedAmount
    }

    /// Price × quantity before discounts: weighed items round half away from zero to the minor unit.
    public func baseAmount() throws(MoneyError) -> Int64 {
        if let fixed = fixedAmount { return fixed }
        switch unit {
        case .piece: return try Checked.multiply(unitPrice, quantity)
        case .weight: return try Checked.mulDiv(unitPrice, quantity, 1000)
        }
    }
}

public enum TenderKind: String, Sendable, Hashable, CaseIterable {
    case cash, card, voucher
}

public struct Tender: Hashable, Sendable {
    public var kind: TenderKind
    public var amount: Int64
    /// The card terminal's transaction reference, or a voucher code. Never a card number.
    public var reference: String?

    public init(kind: TenderKind, amount: Int64, reference: String? = nil) {
        self.kind = kind
        self.amount = amount
        self.reference = reference
    }
}

/// One VAT rate's share of a receipt.
public struct TaxBreakdownLine: Hashable, Sendable {
    public var taxClass: TaxClassID
    public var basisPoints: Int
    public var net: Int64
    public var tax: Int64
    public var gross: Int64

    public init(taxClass: TaxClassID, basisPoints: Int, net: Int64, tax: Int64, gross: Int64) {
        self.taxClass = taxClass
        self.basisPoints = basisPoints
        self.net = net
        self.tax = tax
        self.gross = gross
    }
}

/// A line's final money after every discount, with its exact share of the receipt's VAT.
public struct PricedLine: Hashable, Sendable {
    public var lineDiscount: Int64
    public var receiptDiscount: Int64
    public var gross: Int64
    public var tax: Int64
    /// What promotions took off the line (journaled with the sale's applied promotions).
    public var promotion: Int64 = 0
    public var net: Int64 { gross - tax }
}

/// The money of a sale, computed from its lines by one documented rule.
///
/// Rounding rule: line amounts are exact integers (weighed lines round half away from zero to the
/// minor unit). Promotions come off first (`PromotionEngine`), then a line's own discount from
/// what is left of the line. A receipt discount is spread over the lines in proportion to their amounts by the
/// largest-remainder method, so the shares add up to the discount exactly; loyalty points redeemed
/// are taken off after it the same way (their shares are in each line's `receiptDiscount`). VAT is computed once per
/// rate on the receipt's sum for that rate, rounded half away from zero: tax-inclusive
/// `tax = gross × r / (1 + r)`, tax-exclusive `tax = net × r`. Each rate's tax is then spread over its
/// lines by largest remainder, so lines, rates and the total all add up to the cent, and a refund
/// can return a line's exact part of what was paid.
///
/// Gift voucher lines stand apart: no discount reaches them and they are in no VAT rate's row,
/// but their face value is part of the total to pay (`vouchers` of it).
public struct SaleTotals: Hashable, Sendable {
    public var lines: [PricedLine?]
    public var breakdown: [TaxBreakdownLine]
    public var total: Int64
    /// Line and receipt discounts and promotions together.
    public var discountTotal: Int64
    /// The part of `total` that buys gift vouchers.
    public var vouchers: Int64 = 0
    public var promotions: [AppliedPromotion] = []
    /// What loyalty points took off (in each line's `receiptDiscount` share too): the value
    /// redeemed, or less when the sale is smaller than that.
    public var redeemed: Int64 = 0

    /// `redemption`: loyalty points' value, taken off after the receipt discount and spread over
    /// the lines the same way (never gift vouchers), never more than what is left.
    public static func compute(lines: [SaleLine], receiptDiscount: Discount?, priceMode: PriceMode,
                               offers: [Int: [Promotion]] = [:], redemption: Int64 = 0) throws(MoneyError) -> SaleTotals {
        let promotions = try PromotionEngine.apply(lines: lines, offers: offers)
        let promoted = PromotionEngine.perLine(promotions, count: lines.count)
        var amounts = [Int64](repeating: 0, count: lines.count)
        var lineDiscounts = [Int64](repeating: 0, count: lines.count)
        var live: [Int] = []
        var voucherLines: [Int] = []
        for (i, line) in lines.enumerated() where !line.voided {
            if line.isGiftVoucher {
                voucherLines.append(i)
                continue
            }
            let base = try line.baseAmount() - promoted[i]
            let off = try line.discount?.amountOff(base) ?? 0
            lineDiscounts[i] = off
            amounts[i] = base - off
            live.append(i)
        }
        var subtotal: Int64 = 0
        for i in live { subtotal = try Checked.add(subtotal, amounts[i]) }
        var receiptShares = [Int64](repeating: 0, count: lines.count)
        if let d = receiptDiscount, subtotal > 0 {
            let off = try d.amountOff(subtotal)
            let shares = try Allocation.largestRemainder(off, weights: live.map { amounts[$0] })
            for (k, i) in live.enumerated() {
                receiptShares[i] = shares[k]
                amounts[i] -= shares[k]
            }
        }
        var redeemed: Int64 = 0
        if redemption > 0 {
            var left: Int64 = 0
            for i in live { left = try Checked.add(left, amounts[i]) }
            redeemed = min(redemption, max(0, left))
            let shares = try Allocation.largestRemainder(redeemed, weights: live.map { amounts[$0] })
            for (k, i) in live.enumerated() {
                receiptShares[i] += shares[k]
                amounts[i] -= shares[k]
            }
        }
        // Group by (class, rate): one rate can change mid-day only between sales, but a refund or a
        // resumed sale may carry an older rate, and each keeps its own row.
        struct Key: Hashable { var taxClass: TaxClassID; var bp: Int }
        var groups: [Key: [Int]] = [:]
        var order: [Key] = []
        for i in live {
            let key = Key(taxClass: lines[i].taxClass, bp: lines[i].taxBasisPoints)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        order.sort { ($0.bp, $0.taxClass) > ($1.bp, $1.taxClass) }
        var priced = [PricedLine?](repeating: nil, count: lines.count)
        var breakdown: [TaxBreakdownLine] = []
        var total: Int64 = 0
        var discountTotal: Int64 = 0
        for key in order {
            let members = groups[key]!
            var sum: Int64 = 0
            for i in members { sum = try Checked.add(sum, amounts[i]) }
            let bp = Int64(key.bp)
            let tax: Int64
            let gross: Int64
            switch priceMode {
            case .inclusive:
                tax = try Checked.mulDiv(sum, bp, 10_000 + bp)
                gross = sum
            case .exclusive:
                tax = try Checked.mulDiv(sum, bp, 10_000)
                gross = try Checked.add(sum, tax)
            }
            let taxShares = try Allocation.largestRemainder(tax, weights: members.map { amounts[$0] })
            for (k, i) in members.enumerated() {
                let lineGross = priceMode == .inclusive ? amounts[i] : amounts[i] + taxShares[k]
                priced[i] = PricedLine(lineDiscount: lineDiscounts[i], receiptDiscount: receiptShares[i],
                                       gross: lineGross, tax: taxShares[k], promotion: promoted[i])
                discountTotal += lineDiscounts[i] + receiptShares[i] + promoted[i]
            }
            breakdown.append(TaxBreakdownLine(taxClass: key.taxClass, basisPoints: key.bp, net: gross - tax, tax: tax, gross: gross))
            total = try Checked.add(total, gross)
        }
        var vouchers: Int64 = 0
        for i in voucherLines {
            let value = try lines[i].baseAmount()
            priced[i] = PricedLine(lineDiscount: 0, receiptDiscount: 0, gross: value, tax: 0)
            vouchers = try Checked.add(vouchers, value)
        }
        total = try Checked.add(total, vouchers)
        return SaleTotals(lines: priced, breakdown: breakdown, total: total, discountTotal: discountTotal, vouchers: vouchers,
                          promotions: promotions, redeemed: redeemed)
    }
}

/// Splitting an amount into parts that add up exactly.
public enum Allocation {
    /// Splits `amount` in proportion to `weights` (non-negative): each part is the floor of its
    /// exact share, and the cents left over go to the largest fractional remainders (ties to the
    /// earlier weight). With all weights zero the amount is split evenly the same way.
    public static func largestRemainder(_ amount: Int64, weights: [Int64]) throws(MoneyError) -> [Int64] {
        guard !weights.isEmpty else { return [] }
        let negative = amount < 0
        let target = amount.magnitude
        var ws = weights.map { UInt64(max(0, $0)) }
        var totalWeight: UInt64 = 0
        for w in ws {
            let (s, o) = totalWeight.addingReportingOverflow(w)
            if o { throw .overflow }
            totalWeight = s
        }
        if totalWeight == 0 {
            ws = [UInt64](repeating: 1, count: ws.count)
            totalWeight = UInt64(ws.count)
        }
        var parts = [UInt64](repeating: 0, count: ws.count)
        var remainders = [(UInt64, Int)]()
        remainders.reserveCapacity(ws.count)
        var given: UInt64 = 0
        for (i, w) in ws.enumerated() {
            let p = target.multipliedFullWidth(by: w)
            let (q, r) = totalWeight.dividingFullWidth(p)
            parts[i] = q
            given += q
            remainders.append((r, i))
        }
        remainders.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var left = target - given
        var k = 0
        while left > 0 {
            parts[remainders[k % remainders.count].1] += 1
            left -= 1
            k += 1
        }
        return parts.map { negative ? -Int64($0) : Int64($0) }
    }
}

/// Cash rounding: the amount due in cash is rounded to a coin increment (0.05 in Finland, 1.00 in
/// Sweden), half away from zero. Cards and vouchers are never rounded.
public struct CashRounding: Hashable, Sendable {
    /// In minor units; 1 (or less) means no rounding.
    public var increment: Int64

    public init(increment: Int64) { self.increment = max(1, increment) }

    public static let none = CashRounding(increment: 1)
    public static let finland = CashRounding(increment: 5)
    public static let sweden = CashRounding(increment: 100)

    public func round(_ amount: Int64) -> Int64 {
        guard increment > 1 else { return amount }
        let m = amount.magnitude
        let inc = UInt64(increment)
        let down = m / inc * inc
        let r = m - down
        let rounded = r * 2 >= inc ? down + inc : down
        return amount < 0 ? -Int64(rounded) : Int64(rounded)
    }
}

/// Loyalty points: earned on what a customer pays, redeemed as a discount on a later sale.
///
/// Rules, decided once and journaled with the sale or refund so that replay needs no
/// configuration:
/// - A sale earns `pointsPerUnit` points for each whole currency unit of its revenue: the total
///   after every discount and promotion (points redeemed included) less the gift vouchers bought
///   on it, rounded down. A gift voucher earns when it is spent, not when it is bought: what a
///   voucher pays counts like cash or card. Cash rounding does not count. Training sales earn
///   nothing and move no balance.
/// - Redeemed points take `pointValue` each off the sale, like an amount discount spread over the
///   lines (so VAT is charged on what is left; gift vouchers are not bought with points); never
///   more points than the balance, nor worth more than what is left of the sale after its other
///   discounts, and at least `minimumRedemption`.
/// - A refund takes back the points its goods earned and gives back the points redeemed on them,
///   both in proportion to the share of the sale's value refunded (each line's amount after its
///   own discount and promotions, by the quantity refunded; gift vouchers count nothing); refunding everything takes back and gives back
///   exactly what the sale earned and redeemed. When the points to take back were already spent
///   the balance stops at zero: the rest is forgone (recorded), never a debt.
public struct LoyaltyRules: Hashable, Sendable {
    /// Points per whole currency unit paid (1.00 €); 0 earns nothing.
    public var pointsPerUnit: Int64
    /// What one point takes off a sale, in minor units.
    public var pointValue: Int64
    /// The fewest points redeemed on one sale.
    public var minimumRedemption: Int64

    public init(pointsPerUnit: Int64 = 1, pointValue: Int64 = 1, minimumRedemption: Int64 = 100) {
        self.pointsPerUnit = pointsPerUnit
        self.pointValue = pointValue
        self.minimumRedemption = minimumRedemption
    }

    /// The points `paid` minor units earn.
    public func earned(on paid: Int64, currency: Currency) -> Int64 {
        guard paid > 0, pointsPerUnit > 0 else { return 0 }
        return Loyalty.floorMulDiv(paid, pointsPerUnit, currency.scale)
    }
}

/// The customer on an open or parked sale, and the points they redeem on it.
public struct SaleCustomer: Hashable, Sendable {
    public var customer: CustomerID
    public var redeemPoints: Int64
    /// What the points take off the sale, in minor units (decided when they were redeemed).
    public var redeemValue: Int64

    public init(customer: CustomerID, redeemPoints: Int64 = 0, redeemValue: Int64 = 0) {
        self.customer = customer
        self.redeemPoints = redeemPoints
        self.redeemValue = redeemValue
    }
}

/// A completed sale's loyalty points, as decided when it was paid.
public struct SaleLoyalty: Hashable, Sendable {
    public var customer: CustomerID
    public var earned: Int64
    public var redeemed: Int64
    /// What the redeemed points took off the sale.
    public var redeemedValue: Int64
    /// The customer's balance after the sale.
    public var balance: Int64

    public init(customer: CustomerID, earned: Int64, redeemed: Int64, redeemedValue: Int64, balance: Int64) {
        self.customer = customer
        self.earned = earned
        self.redeemed = redeemed
        self.redeemedValue = redeemedValue
        self.balance = balance
    }
}

/// A refund's loyalty points, as decided when it was made.
public struct RefundLoyalty: Hashable, Sendable {
    public var customer: CustomerID
    /// Earned points taken back off the balance.
    public var takenBack: Int64
    /// Earned points that were due back but already spent: the balance stopped at zero.
    public var forgone: Int64
    /// Redeemed points given back.
    public var returned: Int64
    /// The customer's balance after the refund.
    public var balance: Int64

    public init(customer: CustomerID, takenBack: Int64, forgone: Int64, returned: Int64, balance: Int64) {
        self.customer = customer
        self.takenBack = takenBack
        self.forgone = forgone
        self.returned = returned
        self.balance = balance
    }
}

enum Loyalty {
    /// ⌊a × b / d⌋ for a, b ≥ 0 and d > 0, saturating at Int64.max.
    static func floorMulDiv(_ a: Int64, _ b: Int64, _ d: Int64) -> Int64 {
        let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
        guard product.high < d.magnitude else { return .max }
        let (q, _) = d.magnitude.dividingFullWidth(product)
        return q > UInt64(Int64.max) ? .max : Int64(q)
    }
}

extension RegisterState {
    /// A sale's totals with the points redeemed on it taken off.
    public func totals(of sale: OpenSale, _ priceMode: PriceMode) throws(MoneyError) -> SaleTotals {
        try sale.totals(priceMode, redeeming: customerState.saleCustomers[sale.id]?.redeemValue ?? 0)
    }

    func redeemPoints(_ points: Int64, _ config: RegisterConfig) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        let sale = try editableSale()
        guard let on = customerState.saleCustomers[sale.id] else { throw .customer(.noCustomerOnSale) }
        guard points >= 0 else { throw .invalidAmount("points to redeem cannot be negative") }
        guard points > 0 else { return on.redeemPoints == 0 ? [] : [.pointsRedemptionSet(sale: sale.id, points: 0, value: 0)] }
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        guard points >= config.loyalty.minimumRedemption else {
            throw .customer(.belowMinimumRedemption(minimum: config.loyalty.minimumRedemption))
        }
        let value: Int64
        do { value = try Checked.multiply(points, config.loyalty.pointValue) } catch { throw .money(error) }
        var redeemed = on
        redeemed.redeemPoints = points
        redeemed.redeemValue = value
        try checkRedemption(sale, redeemed, config)
        return [.pointsRedemptionSet(sale: sale.id, points: points, value: value)]
    }

    /// The sale's redemption still holds: the points are the customer's and their value fits the
    /// sale (lines voided or discounted after redeeming may have made it too small).
    func checkRedemption(_ sale: OpenSale, _ config: RegisterConfig) throws(Refusal) {
        guard let on = customerState.saleCustomers[sale.id], on.redeemPoints > 0 else { return }
        try checkRedemption(sale, on, config)
    }

    private func checkRedemption(_ sale: OpenSale, _ on: SaleCustomer, _ config: RegisterConfig) throws(Refusal) {
        guard let customer = customerState.customers[on.customer] else { throw .customer(.unknownCustomer(on.customer)) }
        guard on.redeemPoints <= customer.points else { throw .customer(.notEnoughPoints(balance: customer.points)) }
        let totals: SaleTotals
        do { totals = try sale.totals(config.priceMode, redeeming: on.redeemValue) } catch { throw .money(error) }
        guard totals.redeemed == on.redeemValue else {
            throw .customer(.redemptionExceedsSale(value: on.redeemValue, sale: totals.redeemed))
        }
    }

    /// The points of a sale being completed, if a customer is on it.
    func loyalty(of sale: OpenSale, _ totals: SaleTotals, _ config: RegisterConfig) -> SaleLoyalty? {
        guard let on = customerState.saleCustomers[sale.id],
              let customer = customerState.customers[on.customer] else { return nil }
        let earned = sale.training ? 0 : config.loyalty.earned(on: totals.total - totals.vouchers, currency: config.currency)
        let balance = sale.training ? customer.points : max(0, customer.points - on.redeemPoints) &+ earned
        return SaleLoyalty(customer: on.customer, earned: earned, redeemed: on.redeemPoints, redeemedValue: on.redeemValue,
                           balance: balance)
    }

    /// What a refund takes back and gives back of the original sale's points. The shares are
    /// of the refunded quantities so far (this refund included) against the whole sale, so
    /// partial refunds add up to exactly what the sale earned and redeemed.
    func loyalty(of refund: CompletedRefund, _ original: CompletedSale) -> RefundLoyalty? {
        guard !refund.training, let l = original.loyalty, let customer = customerState.customers[l.customer],
              l.earned > 0 || l.redeemed > 0 else { return nil }
        let done = refundState.refunded[ReceiptKey(number: original.receiptNumber, training: original.training)] ?? [:]
        var now = done.mapValues(\.quantity)
        for line in refund.lines { now[line.originalLine, default: 0] += line.quantity }
        let before = done.mapValues(\.quantity)
        let weights = original.priced.indices.map { i -> Int64 in
            guard let p = original.priced[i], !original.lines[i].isGiftVoucher else { return 0 }
            return max(0, p.gross + p.receiptDiscount)
        }
        let even = weights.allSatisfy { $0 == 0 }
        func share(_ quantities: [Int: Int64]) -> (value: Int64, of: Int64) {
            var value: Int64 = 0
            var whole: Int64 = 0
            for (i, line) in original.lines.enumerated()
            where original.priced.indices.contains(i) && original.priced[i] != nil && !line.isGiftVoucher {
                let w = even ? 1 : weights[i]
                whole &+= w
                let q = min(quantities[i] ?? 0, line.quantity)
                value &+= q >= line.quantity ? w : Loyalty.floorMulDiv(w, q, max(1, line.quantity))
            }
            return (value, whole)
        }
        let (after, whole) = share(now)
        let (earlier, _) = share(before)
        guard whole > 0 else { return nil }
        func part(_ points: Int64) -> Int64 {
            Loyalty.floorMulDiv(points, after, whole) - Loyalty.floorMulDiv(points, earlier, whole)
        }
        let due = part(l.earned)
        let returned = part(l.redeemed)
        let available = customer.points &+ returned
        let takenBack = min(due, available)
        return RefundLoyalty(customer: l.customer, takenBack: takenBack, forgone: due - takenBack, returned: returned,
                             balance: available - takenBack)
    }
}

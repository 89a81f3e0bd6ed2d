/// The kinds of amount the register bounds, each with a limit of its own.
public enum AmountLimit: String, CaseIterable, Sendable, Hashable {
    /// A unit price: per piece, or per kilogram of a weighed item (a catalog price or an override).
    case price
    /// One line: price × quantity, or a price-embedded barcode's amount.
    case line
    /// A sale's total.
    case sale
    /// What a cash tender may be above what is still due: the change it needs.
    case tender
    /// A shift's float.
    case float
    /// One cash in or cash out.
    case cashMovement = "cash_movement"
    /// A gift voucher sold.
    case voucher
}

/// The most each kind of amount may be, in minor units: what the shop sells, set in
/// configuration (`[limits]`), each at most `ceiling`. `decide` refuses anything above them
/// with `Refusal.overLimit`; KassaCore's README says why the totals can then never overflow.
public struct AmountLimits: Hashable, Sendable {
    /// The highest any limit may be set to: 100,000,000.00 at two decimals.
    public static let ceiling: Int64 = 10_000_000_000

    public var price: Int64
    public var line: Int64
    public var sale: Int64
    public var tenderAboveDue: Int64
    public var float: Int64
    public var cashMovement: Int64
    public var voucher: Int64

    /// A small shop's limits at two decimals: a price or a line up to 100,000.00, a sale up to
    /// 1,000,000.00, change of up to 10,000.00, a float up to 10,000.00, a cash movement up to
    /// 100,000.00, a voucher up to 10,000.00.
    public init(price: Int64 = 10_000_000, line: Int64 = 10_000_000, sale: Int64 = 100_000_000,
                tenderAboveDue: Int64 = 1_000_000, float: Int64 = 1_000_000, cashMovement: Int64 = 10_000_000,
                voucher: Int64 = 1_000_000) {
        self.price = price
        self.line = line
        self.sale = sale
        self.tenderAboveDue = tenderAboveDue
        self.float = float
        self.cashMovement = cashMovement
        self.voucher = voucher
    }

    public subscript(kind: AmountLimit) -> Int64 {
        get {
            switch kind {
            case .price: return price
            case .line: return line
            case .sale: return sale
            case .tender: return tenderAboveDue
            case .float: return float
            case .cashMovement: return cashMovement
            case .voucher: return voucher
            }
        }
        set {
            switch kind {
            case .price: price = newValue
            case .line: line = newValue
            case .sale: sale = newValue
            case .tender: tenderAboveDue = newValue
            case .float: float = newValue
            case .cashMovement: cashMovement = newValue
            case .voucher: voucher = newValue
            }
        }
    }

    /// Refuses `amount` above the limit of its kind.
    func check(_ amount: Int64, _ kind: AmountLimit) throws(Refusal) {
        guard amount <= self[kind] else { throw .overLimit(kind, limit: self[kind]) }
    }
}

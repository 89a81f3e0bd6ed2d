/// A VAT rate as it appears in reports: the class and the rate it had at the time.
public struct TaxKey: Hashable, Comparable, Sendable {
    public var taxClass: TaxClassID
    public var basisPoints: Int
    public init(taxClass: TaxClassID, basisPoints: Int) {
        self.taxClass = taxClass
        self.basisPoints = basisPoints
    }
    public static func < (a: TaxKey, b: TaxKey) -> Bool { (a.taxClass, a.basisPoints) < (b.taxClass, b.basisPoints) }
}

public struct TaxAmounts: Hashable, Sendable {
    public var net: Int64 = 0
    public var tax: Int64 = 0
    public var gross: Int64 = 0
    public init(net: Int64 = 0, tax: Int64 = 0, gross: Int64 = 0) {
        self.net = net
        self.tax = tax
        self.gross = gross
    }
}

/// The running totals of a day: X reads them, Z reads and resets them. Kept up to date by every
/// sale, so a report costs the same after ten sales or a hundred thousand.
public struct ReportCounters: Hashable, Sendable {
    public var salesCount: Int64 = 0
    public var refundsCount: Int64 = 0
    public var voidedLines: Int64 = 0
    public var cancelledSales: Int64 = 0
    public var noSales: Int64 = 0
    public var priceOverrides: Int64 = 0
    public var discountCount: Int64 = 0
    public var discountTotal: Int64 = 0
    public var salesGross: Int64 = 0
    public var refundsGross: Int64 = 0
    /// Cash rounding of sales and refunds: positive when customers paid more than the exact totals.
    public var roundingTotal: Int64 = 0
    public var salesByTax: [TaxKey: TaxAmounts] = [:]
    public var refundsByTax: [TaxKey: TaxAmounts] = [:]
    /// Money taken per tender, cash net of change.
    public var tenders: [TenderKind: Int64] = [:]
    /// Money paid back per tender by refunds.
    public var refundTenders: [TenderKind: Int64] = [:]
    public var cashIn: Int64 = 0
    public var cashOut: Int64 = 0
    public var firstReceipt: UInt64?
    public var lastReceipt: UInt64?
    /// Gift vouchers sold, and taken back unspent by refunds: money taken and paid back that is
    /// neither revenue nor in the VAT figures (a multi-purpose voucher is no sale of goods).
    public var vouchersSoldCount: Int64 = 0
    public var vouchersSold: Int64 = 0
    public var vouchersRefundedCount: Int64 = 0
    public var vouchersRefunded: Int64 = 0

    public init() {}

    /// Sales minus refunds (vouchers sold are neither).
    public var netTotal: Int64 { salesGross - refundsGross }
}

/// The end of a day: a gap-free number and the day's figures, closed for good.
public struct ZReport: Hashable, Sendable {
    public var number: UInt64
    public var registerID: String
    public var closedAt: Timestamp
    public var closedBy: OperatorID
    public var counters: ReportCounters
    /// Perpetual totals since the register was first used: never reset.
    public var grandTotalSales: Int64
    public var grandTotalRefunds: Int64
}

/// An X report: the day so far, changing nothing.
public struct XReport: Hashable, Sendable {
    public var registerID: String
    public var nextZNumber: UInt64
    public var counters: ReportCounters
    public var grandTotalSales: Int64
    public var grandTotalRefunds: Int64
    public var shift: ShiftState?
}

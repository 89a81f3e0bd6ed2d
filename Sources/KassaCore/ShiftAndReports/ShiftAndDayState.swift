/// A shift: one drawer, one float, one count at the end.
public struct ShiftState: Hashable, Sendable {
    public var number: UInt64
    public var openedBy: OperatorID
    public var openedAt: Timestamp
    public var float: Int64
    /// What should be in the drawer: float + cash taken − change − cash refunded + cash in − cash out.
    public var expectedCash: Int64
}

/// The drawer's shift and the day's report counters up to the next Z closing, with the grand
/// totals. A snapshot keeps it in its `shift` and `day` sections. Training sales count nowhere here.
public struct ShiftAndDayState: Hashable, Sendable {
    public var shift: ShiftState?
    public var shiftsOpened: UInt64 = 0
    public var day = ReportCounters()
    public var lastZ: UInt64 = 0
    public var grandTotalSales: Int64 = 0
    public var grandTotalRefunds: Int64 = 0

    public init() {}

    /// Applies the events that move cash or the day's counters; the others change nothing here.
    /// `openSale`: the sale open before the event (its voids, overrides and cancelling count
    /// unless it is a training sale). A total that would overflow is refused, and may leave this
    /// part half changed: `RegisterState.apply` applies it to a copy.
    mutating func apply(_ event: RegisterEvent, openSale: OpenSale?) throws(FoldError) {
        let counts = openSale?.training == false
        switch event {
        case .shiftOpened(let number, let by, let float, let at):
            shift = ShiftState(number: number, openedBy: by, openedAt: at, float: float, expectedCash: float)
            shiftsOpened = number
        case .cashMoved(let kind, let amount, _, _):
            if kind == .cashIn {
                try FoldCheck.add(&day.cashIn, amount, "day's cash in")
                try addExpectedCash(amount)
            } else {
                try FoldCheck.add(&day.cashOut, amount, "day's cash out")
                try addExpectedCash(-amount)
            }
        case .noSale:
            day.noSales &+= 1
        case .shiftClosed:
            shift = nil
        case .lineVoided:
            if counts { day.voidedLines &+= 1 }
        case .linePriceOverridden:
            if counts { day.priceOverrides &+= 1 }
        case .saleCancelled:
            if counts { day.cancelledSales &+= 1 }
        case .saleCompleted(let sale):
            try record(sale)
        case .refundCompleted(let refund):
            try record(refund)
        case .dayClosed(let z):
            lastZ = z.number
            day = ReportCounters()
        default:
            break
        }
    }

    private mutating func addExpectedCash(_ amount: Int64) throws(FoldError) {
        guard var s = shift else { return }
        try FoldCheck.add(&s.expectedCash, amount, "cash expected in the drawer")
        shift = s
    }

    /// The sale's fields are within `FoldCheck.amountBound` (checked before): only the running
    /// totals can overflow.
    private mutating func record(_ sale: CompletedSale) throws(FoldError) {
        guard !sale.training else { return }
        // Gift vouchers sold are money taken (in the tenders) but no revenue.
        let vouchersSold = sale.vouchersSold
        if vouchersSold != 0 {
            day.vouchersSoldCount &+= Int64(sale.lines.filter { $0.isGiftVoucher && !$0.voided }.count)
            try FoldCheck.add(&day.vouchersSold, vouchersSold, "day's vouchers sold")
        }
        if !sale.soldOnlyVouchers { day.salesCount &+= 1 }
        let revenue = sale.total - vouchersSold
        try FoldCheck.add(&day.salesGross, revenue, "day's sales")
        try FoldCheck.add(&day.roundingTotal, sale.rounding, "day's cash rounding")
        try FoldCheck.add(&day.discountTotal, sale.discountTotal, "day's discounts")
        if sale.discountTotal != 0 { day.discountCount &+= 1 }
        if day.firstReceipt == nil { day.firstReceipt = sale.receiptNumber }
        day.lastReceipt = sale.receiptNumber
        try FoldCheck.add(&grandTotalSales, revenue, "grand total of sales")
        for b in sale.breakdown { try day.salesByTax.add(b) }
        var cash: Int64 = 0
        for t in sale.tenders {
            try FoldCheck.add(&day.tenders[t.kind], t.amount, "day's \(t.kind.rawValue) taken")
            if t.kind == .cash { cash += t.amount }
        }
        if sale.change != 0 { try FoldCheck.add(&day.tenders[.cash], -sale.change, "day's cash taken") }
        try addExpectedCash(cash - sale.change)
    }

    private mutating func record(_ refund: CompletedRefund) throws(FoldError) {
        guard !refund.training else { return }
        let vouchersRefunded = refund.vouchersRefunded
        if vouchersRefunded != 0 {
            day.vouchersRefundedCount &+= Int64(refund.lines.filter { $0.itemID == .giftVoucher }.count)
            try FoldCheck.add(&day.vouchersRefunded, vouchersRefunded, "day's vouchers refunded")
        }
        if !refund.refundedOnlyVouchers { day.refundsCount &+= 1 }
        let refunded = refund.total - vouchersRefunded
        try FoldCheck.add(&day.refundsGross, refunded, "day's refunds")
        try FoldCheck.add(&day.roundingTotal, refund.total - refund.paidOut, "day's cash rounding")
        try FoldCheck.add(&grandTotalRefunds, refunded, "grand total of refunds")
        for b in refund.breakdown { try day.refundsByTax.add(b) }
        try FoldCheck.add(&day.refundTenders[refund.tender], refund.paidOut, "day's \(refund.tender.rawValue) refunded")
        if refund.tender == .cash { try addExpectedCash(-refund.paidOut) }
    }
}

extension Dictionary where Key == TaxKey, Value == TaxAmounts {
    mutating func add(_ b: TaxBreakdownLine) throws(FoldError) {
        let key = TaxKey(taxClass: b.taxClass, basisPoints: b.basisPoints)
        var amounts = self[key] ?? TaxAmounts()
        try FoldCheck.add(&amounts.net, b.net, "day's net of VAT \(key.taxClass)")
        try FoldCheck.add(&amounts.tax, b.tax, "day's VAT \(key.taxClass)")
        try FoldCheck.add(&amounts.gross, b.gross, "day's gross of VAT \(key.taxClass)")
        self[key] = amounts
    }
}

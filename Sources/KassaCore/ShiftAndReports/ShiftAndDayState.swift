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
    /// unless it is a training sale).
    mutating func apply(_ event: RegisterEvent, openSale: OpenSale?) {
        let counts = openSale?.training == false
        switch event {
        case .shiftOpened(let number, let by, let float, let at):
            shift = ShiftState(number: number, openedBy: by, openedAt: at, float: float, expectedCash: float)
            shiftsOpened = number
        case .cashMoved(let kind, let amount, _, _):
            if kind == .cashIn {
                day.cashIn += amount
                shift?.expectedCash += amount
            } else {
                day.cashOut += amount
                shift?.expectedCash -= amount
            }
        case .noSale:
            day.noSales += 1
        case .shiftClosed:
            shift = nil
        case .lineVoided:
            if counts { day.voidedLines += 1 }
        case .linePriceOverridden:
            if counts { day.priceOverrides += 1 }
        case .saleCancelled:
            if counts { day.cancelledSales += 1 }
        case .saleCompleted(let sale):
            record(sale)
        case .refundCompleted(let refund):
            record(refund)
        case .dayClosed(let z):
            lastZ = z.number
            day = ReportCounters()
        default:
            break
        }
    }

    private mutating func record(_ sale: CompletedSale) {
        guard !sale.training else { return }
        // Gift vouchers sold are money taken (in the tenders) but no revenue.
        let vouchersSold = sale.vouchersSold
        if vouchersSold != 0 {
            day.vouchersSoldCount += Int64(sale.lines.filter { $0.isGiftVoucher && !$0.voided }.count)
            day.vouchersSold += vouchersSold
        }
        if !sale.soldOnlyVouchers { day.salesCount += 1 }
        day.salesGross += sale.total - vouchersSold
        day.roundingTotal += sale.rounding
        day.discountTotal += sale.discountTotal
        if sale.discountTotal != 0 { day.discountCount += 1 }
        if day.firstReceipt == nil { day.firstReceipt = sale.receiptNumber }
        day.lastReceipt = sale.receiptNumber
        grandTotalSales += sale.total - vouchersSold
        for b in sale.breakdown { day.salesByTax.add(b) }
        var cash: Int64 = 0
        for t in sale.tenders {
            day.tenders[t.kind, default: 0] += t.amount
            if t.kind == .cash { cash += t.amount }
        }
        if sale.change != 0 { day.tenders[.cash, default: 0] -= sale.change }
        shift?.expectedCash += cash - sale.change
    }

    private mutating func record(_ refund: CompletedRefund) {
        guard !refund.training else { return }
        let vouchersRefunded = refund.vouchersRefunded
        if vouchersRefunded != 0 {
            day.vouchersRefundedCount += Int64(refund.lines.filter { $0.itemID == .giftVoucher }.count)
            day.vouchersRefunded += vouchersRefunded
        }
        if !refund.refundedOnlyVouchers { day.refundsCount += 1 }
        day.refundsGross += refund.total - vouchersRefunded
        day.roundingTotal += refund.total - refund.paidOut
        grandTotalRefunds += refund.total - vouchersRefunded
        for b in refund.breakdown { day.refundsByTax.add(b) }
        day.refundTenders[refund.tender, default: 0] += refund.paidOut
        if refund.tender == .cash { shift?.expectedCash -= refund.paidOut }
    }
}

extension Dictionary where Key == TaxKey, Value == TaxAmounts {
    mutating func add(_ b: TaxBreakdownLine) {
        let key = TaxKey(taxClass: b.taxClass, basisPoints: b.basisPoints)
        var amounts = self[key] ?? TaxAmounts()
        amounts.net += b.net
        amounts.tax += b.tax
        amounts.gross += b.gross
        self[key] = amounts
    }
}

/// A completed sale or refund as a sales report reads it: only the figures a report adds up, its
/// strings as `ReportStrings` numbers. Read either from a decoded event or straight from the
/// journal's bytes (`ByteReader.saleForReport`), into one value reused from record to record.

/// What of a report's strings to look up; the others are skipped (left -1).
struct ReportNeeds {
    var items = false
    var names = false
    var departments = false
    var taxClasses = false

    init(_ grouping: SalesGrouping) {
        items = grouping == .item || grouping == .department
        names = grouping == .item
        departments = grouping == .department
        taxClasses = grouping == .tax
    }
}

struct SaleForReport {
    struct Line {
        var item: Int32 = -1
        var name: Int32 = -1
        var department: Int32 = -1
        var isGiftVoucher = false
        var piece = true
        var quantity: Int64 = 0
        var voided = false
        /// Sold at a price other than the catalog's, not as a fixed amount.
        var overridden = false
        var discounted = false
        var priced = false
        var gross: Int64 = 0
        var tax: Int64 = 0
    }

    struct Rate {
        var taxClass: Int32 = -1
        var basisPoints = 0
        var gross: Int64 = 0
        var tax: Int64 = 0
    }

    var training = false
    var operatorID: Int32 = -1
    var time = Timestamp(milliseconds: 0)
    var lines: [Line] = []
    var receiptDiscounted = false
    var breakdown: [Rate] = []
    var total: Int64 = 0
    var tenders: [(kind: TenderKind, amount: Int64)] = []
    var change: Int64 = 0

    /// What the sale took for gift vouchers: no revenue (`CompletedSale.vouchersSold`).
    var vouchersSold: Int64 {
        var sum: Int64 = 0
        for l in lines where l.isGiftVoucher && !l.voided && l.priced { sum += l.gross }
        return sum
    }

    /// Whether it sold gift vouchers and nothing else (`CompletedSale.soldOnlyVouchers`).
    var soldOnlyVouchers: Bool {
        var live = false
        for l in lines where !l.voided {
            if !l.isGiftVoucher { return false }
            live = true
        }
        return live
    }

    mutating func set(_ s: CompletedSale, _ strings: inout ReportStrings, _ needs: ReportNeeds) {
        training = s.training
        operatorID = strings.id(s.operatorID.rawValue)
        time = s.time
        lines.removeAll(keepingCapacity: true)
        for (i, l) in s.lines.enumerated() {
            let p = s.priced[i]
            lines.append(Line(item: needs.items ? strings.id(l.itemID.rawValue) : -1, name: needs.names ? strings.id(l.name) : -1,
                              department: needs.departments ? strings.id(l.department) : -1, isGiftVoucher: l.isGiftVoucher,
                              piece: l.unit == .piece, quantity: l.quantity, voided: l.voided,
                              overridden: l.unitPrice != l.catalogPrice && l.fixedAmount == nil, discounted: l.discount != nil,
                              priced: p != nil, gross: p?.gross ?? 0, tax: p?.tax ?? 0))
        }
        receiptDiscounted = s.receiptDiscount != nil
        breakdown.removeAll(keepingCapacity: true)
        for b in s.breakdown {
            breakdown.append(Rate(taxClass: needs.taxClasses ? strings.id(b.taxClass.rawValue) : -1, basisPoints: b.basisPoints,
                                  gross: b.gross, tax: b.tax))
        }
        total = s.total
        tenders.removeAll(keepingCapacity: true)
        for t in s.tenders { tenders.append((t.kind, t.amount)) }
        change = s.change
    }
}

struct RefundForReport {
    struct Line {
        var item: Int32 = -1
        var name: Int32 = -1
        var isGiftVoucher = false
        var quantity: Int64 = 0
        var gross: Int64 = 0
        var tax: Int64 = 0
    }

    var training = false
    var operatorID: Int32 = -1
    var time = Timestamp(milliseconds: 0)
    var lines: [Line] = []
    var breakdown: [SaleForReport.Rate] = []
    var total: Int64 = 0
    var tender = TenderKind.cash
    var paidOut: Int64 = 0

    /// `CompletedRefund.vouchersRefunded`.
    var vouchersRefunded: Int64 {
        var sum: Int64 = 0
        for l in lines where l.isGiftVoucher { sum += l.gross }
        return sum
    }

    /// `CompletedRefund.refundedOnlyVouchers`.
    var refundedOnlyVouchers: Bool {
        !lines.isEmpty && lines.allSatisfy(\.isGiftVoucher)
    }

    mutating func set(_ r: CompletedRefund, _ strings: inout ReportStrings, _ needs: ReportNeeds) {
        training = r.training
        operatorID = strings.id(r.operatorID.rawValue)
        time = r.time
        lines.removeAll(keepingCapacity: true)
        for l in r.lines {
            lines.append(Line(item: needs.items ? strings.id(l.itemID.rawValue) : -1, name: needs.names ? strings.id(l.name) : -1,
                              isGiftVoucher: l.itemID == .giftVoucher, quantity: l.quantity, gross: l.gross, tax: l.tax))
        }
        breakdown.removeAll(keepingCapacity: true)
        for b in r.breakdown {
            breakdown.append(SaleForReport.Rate(taxClass: needs.taxClasses ? strings.id(b.taxClass.rawValue) : -1,
                                                basisPoints: b.basisPoints, gross: b.gross, tax: b.tax))
        }
        total = r.total
        tender = r.tender
        paidOut = r.paidOut
    }
}

/// Why a recorded event cannot be applied to the state. `decide` never records such an event:
/// it comes from a bug, an older version's record or a journal made by hand, and the runtime
/// stops recording at it (read-only, with an alarm naming the record) instead of trapping.
public enum FoldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The event names a line the open sale does not have.
    case noSuchLine(Int, lines: Int)
    /// An amount the event carries is beyond anything the register records (`FoldCheck.amountBound`).
    case amountOutOfRange(String, Int64)
    /// A number the register counts on from is too large to count on from.
    case numberOutOfRange(String, UInt64)
    /// The event's parts do not fit together (a sale with more prices than lines, say).
    case inconsistent(String)
    /// A running total would overflow.
    case overflow(String)

    public var description: String {
        switch self {
        case .noSuchLine(let i, let n): return "it names line \(i) of a sale of \(n) lines"
        case .amountOutOfRange(let what, let v): return "its \(what) \(v) is beyond any amount the register records"
        case .numberOutOfRange(let what, let v): return "its \(what) \(v) is too large to count on from"
        case .inconsistent(let why): return why
        case .overflow(let what): return "the \(what) would overflow"
        }
    }
}

/// The checks the fold makes before it changes anything.
enum FoldCheck {
    /// The largest amount any one field of an event may carry: a hundred times the ceiling of
    /// every limit. Whatever sums one event's fields make (a sale's lines, its tenders) then stay
    /// far inside Int64, and the running totals are added with overflow checks.
    static let amountBound: Int64 = 100 * AmountLimits.ceiling

    /// The largest receipt, sale, refund, shift, Z, voucher or output number: the next one is
    /// this plus one, and numbers are shown as signed 64-bit integers.
    static let numberBound = UInt64(Int64.max) - 1

    static func amount(_ value: Int64, _ what: String) throws(FoldError) {
        guard (-amountBound...amountBound).contains(value) else { throw .amountOutOfRange(what, value) }
    }

    static func amounts(_ values: [Int64], _ what: String) throws(FoldError) {
        for v in values { try amount(v, what) }
    }

    static func number(_ value: UInt64, _ what: String) throws(FoldError) {
        guard value <= numberBound else { throw .numberOutOfRange(what, value) }
    }

    /// `total + value`, refused rather than wrapped or trapped.
    static func add(_ total: inout Int64, _ value: Int64, _ what: String) throws(FoldError) {
        let (sum, overflow) = total.addingReportingOverflow(value)
        guard !overflow else { throw .overflow(what) }
        total = sum
    }

    static func add(_ total: inout Int64?, _ value: Int64, _ what: String) throws(FoldError) {
        var t = total ?? 0
        try add(&t, value, what)
        total = t
    }

    /// Every amount and number a recorded event carries, within the bounds above.
    static func check(_ event: RegisterEvent) throws(FoldError) {
        switch event {
        case .shiftOpened(let number, _, let float, _):
            try self.number(number, "shift number")
            try amount(float, "float")
        case .cashMoved(_, let amount, _, _):
            try self.amount(amount, "cash moved")
        case .shiftClosed(_, let counted, let expected, _, _):
            try amounts([counted, expected], "cash counted or expected")
        case .saleOpened(let id, _, _, _):
            try number(id, "sale id")
        case .lineAdded(let line):
            try check(line)
        case .linePriceOverridden(_, let price, _):
            try amount(price, "price")
        case .lineDiscounted(_, let discount, _), .receiptDiscounted(let discount, _):
            if case .amount(let a)? = discount { try amount(a, "discount") }
        case .tenderAdded(let tender):
            try amount(tender.amount, "tender")
        case .saleCompleted(let sale):
            try check(sale)
        case .refundCompleted(let refund):
            try check(refund)
        case .dayClosed(let z):
            try number(z.number, "Z number")
        case .voucherIssued(let issue):
            try number(issue.number, "voucher number")
            try amount(issue.amount, "voucher amount")
        case .outputQueued(let id, _):
            try number(id, "output id")
        case .customerAdded(let id, _, _, _):
            try number(id.rawValue, "customer number")
        case .cardAuthorisationRequested(let a):
            try amount(a.amount, "card amount")
        case .cardRefundRequested(let r):
            try check(r.refund)
        case .saleCardDetails(let receipt, _, _):
            try number(receipt, "receipt number")
        default:
            break
        }
    }

    static func check(_ line: SaleLine) throws(FoldError) {
        try amounts([line.quantity, line.unitPrice, line.catalogPrice, line.fixedAmount ?? 0], "line amount")
        if case .amount(let a)? = line.discount { try amount(a, "discount") }
    }

    static func check(_ sale: CompletedSale) throws(FoldError) {
        try number(sale.receiptNumber, "receipt number")
        guard sale.priced.count == sale.lines.count else {
            throw .inconsistent("the sale has \(sale.lines.count) lines and \(sale.priced.count) prices")
        }
        for line in sale.lines { try check(line) }
        for p in sale.priced { if let p { try amounts([p.lineDiscount, p.receiptDiscount, p.gross, p.tax, p.promotion], "line price") } }
        for b in sale.breakdown { try amounts([b.net, b.tax, b.gross], "VAT row") }
        try amounts(sale.tenders.map(\.amount), "tender")
        try amounts([sale.total, sale.change, sale.rounding, sale.discountTotal], "total")
    }

    static func check(_ refund: CompletedRefund) throws(FoldError) {
        try number(refund.refundNumber, "refund number")
        for line in refund.lines { try amounts([line.quantity, line.gross, line.tax], "refunded line") }
        for b in refund.breakdown { try amounts([b.net, b.tax, b.gross], "VAT row") }
        try amounts([refund.total, refund.paidOut, refund.rounding], "refund total")
    }
}

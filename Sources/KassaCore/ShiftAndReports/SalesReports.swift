/// Sales reports over any period, folded from journal events: by hour of day, day, ISO week,
/// month or year; by item (best and worst sellers), department, VAT rate, tender or employee.
///
/// One pass over the events, one dictionary of running figures: the caller reads the journal and
/// feeds every event whose tag `wants` accepts, in journal order. Training sales are left out;
/// refunds count in the period of the refund, not of the sale they refund. Gift vouchers sold or
/// taken back are no revenue (a multi-purpose voucher is no sale of goods): they count only in the
/// tender rows, as the money they were; a receipt of vouchers alone is no sale.

/// What a report groups by.
public enum SalesGrouping: String, CaseIterable, Sendable {
    case hour, day, week, month, year, item, department, tax, tender, employee

    /// Groups by a time of the sale rather than by something sold.
    public var isTime: Bool {
        switch self {
        case .hour, .day, .week, .month, .year: return true
        default: return false
        }
    }
}

/// The figures of one row (or of the whole period). Amounts in minor units, VAT included.
///
/// What `sales` counts depends on the grouping: receipts for time and employee rows, sold lines
/// for items and departments, receipts using the rate or tender for VAT rates and tenders.
public struct SalesFigures: Hashable, Sendable {
    public var sales: Int64 = 0
    /// Pieces sold (a weighed line counts as one item).
    public var items: Int64 = 0
    /// Item rows: pieces, or grams for weighed items, sold minus refunded.
    public var quantity: Int64 = 0
    public var gross: Int64 = 0
    public var tax: Int64 = 0
    public var refunds: Int64 = 0
    public var refunded: Int64 = 0
    public var refundedTax: Int64 = 0
    public var voidedLines: Int64 = 0
    public var cancelledSales: Int64 = 0
    public var priceOverrides: Int64 = 0
    public var discounts: Int64 = 0

    public init() {}

    /// Sales minus refunds, VAT included.
    public var net: Int64 { gross - refunded }
    /// VAT of sales minus VAT of refunds.
    public var netTax: Int64 { tax - refundedTax }
    /// Average sale value, rounded half up (0 without sales).
    public var averageSale: Int64 { sales == 0 ? 0 : (2 * gross + sales) / (2 * sales) }
    /// Average items per sale in tenths, rounded half up.
    public var itemsPerSaleTenths: Int64 { sales == 0 ? 0 : (20 * items + sales) / (2 * sales) }

    /// One receipt's figures, counted once and added to the total and to its row.
    struct ReceiptFigures {
        var items: Int64 = 0
        var tax: Int64 = 0
        var voidedLines: Int64 = 0
        var priceOverrides: Int64 = 0
        var discounts: Int64 = 0

        init(_ s: SaleForReport) {
            for line in s.lines {
                if line.voided {
                    voidedLines += 1
                    continue
                }
                guard !line.isGiftVoucher else { continue }
                items += line.piece ? line.quantity : 1
                if line.overridden { priceOverrides += 1 }
                if line.discounted { discounts += 1 }
            }
            if s.receiptDiscounted { discounts += 1 }
            for b in s.breakdown { tax += b.tax }
        }
    }

    mutating func add(receipt s: SaleForReport, _ r: ReceiptFigures) {
        if !s.soldOnlyVouchers { sales += 1 }
        items += r.items
        gross += s.total - s.vouchersSold
        tax += r.tax
        voidedLines += r.voidedLines
        priceOverrides += r.priceOverrides
        discounts += r.discounts
    }

    mutating func add(refund r: RefundForReport, tax: Int64) {
        if !r.refundedOnlyVouchers { refunds += 1 }
        refunded += r.total - r.vouchersRefunded
        refundedTax += tax
    }
}

public struct SalesReportRow: Hashable, Sendable {
    /// Stable, machine-readable: `2026-03-01`, `14` (hour), `2026-W09`, an item or operator id, `A 24`.
    public var key: String
    /// For people: an item's name, `14:00–15:00`, `VAT A 24%`.
    public var label: String
    public var figures: SalesFigures

    public init(key: String, label: String, figures: SalesFigures) {
        self.key = key
        self.label = label
        self.figures = figures
    }
}

public struct SalesReport: Hashable, Sendable {
    public var grouping: SalesGrouping
    public var from: CivilDate?
    /// The first day after the period.
    public var to: CivilDate?
    public var rows: [SalesReportRow]
    /// The whole period, whatever `limit` left out of `rows`.
    public var total: SalesFigures

    public init(grouping: SalesGrouping, from: CivilDate?, to: CivilDate?, rows: [SalesReportRow], total: SalesFigures) {
        self.grouping = grouping
        self.from = from
        self.to = to
        self.rows = rows
        self.total = total
    }
}

/// How item, department and employee rows are ranked.
public enum SalesRanking: String, CaseIterable, Sendable {
    case revenue, quantity
}

/// Folds events into one report. Feed it every event whose tag `wants` accepts, in order, either
/// decoded (`add(_:recordTime:)`) or as the journal's payloads (`add(tag:payload:recordTime:)`,
/// the same fold without decoding what a report does not read).
public struct SalesReportBuilder {
    /// Strings by their `ReportStrings` numbers.
    enum Key: Hashable {
        case number(Int64)
        case text(Int32)
        case tax(Int32, basisPoints: Int)
    }

    public let grouping: SalesGrouping
    public let from: CivilDate?
    public let to: CivilDate?
    private let fromDay: Int64
    private let toDay: Int64
    private let utcOffsetSeconds: (Timestamp) -> Int
    private var rows: [Key: SalesFigures] = [:]
    private var total = SalesFigures()
    private var strings = ReportStrings()
    private let needs: ReportNeeds
    /// Each tender kind's row, by `TenderKind.code`.
    private var tenderKeys: [Key] = []
    private let noDepartment: Int32
    /// Each item's latest name, by item.
    private var names: [Int32: Int32] = [:]
    /// The latest department each item was sold in: refund lines name only the item.
    private var departments: [Int32: Int32] = [:]
    /// Who opened the sale in progress and whether it is a training sale, for cancellations.
    private var open: (by: Int32, training: Bool)?
    private var parked: [UInt64: (by: Int32, training: Bool)] = [:]
    /// The sale or refund being added, reused.
    private var sale = SaleForReport()
    private var refund = RefundForReport()
    // The UTC offset of the last quarter hour seen: offsets change on quarter hours at most often.
    private var offsetQuarter: Int64 = .min
    private var offsetMilliseconds: Int64 = 0

    /// `from` and `to` are local dates in the register's time zone, `to` the first day after the
    /// period; nil leaves that end open. `utcOffsetSeconds` gives the zone's offset at an instant.
    public init(grouping: SalesGrouping, from: CivilDate?, to: CivilDate?, utcOffsetSeconds: @escaping (Timestamp) -> Int) {
        self.grouping = grouping
        self.from = from
        self.to = to
        fromDay = from?.daysSinceEpoch ?? .min
        toDay = to?.daysSinceEpoch ?? .max
        self.utcOffsetSeconds = utcOffsetSeconds
        needs = ReportNeeds(grouping)
        noDepartment = strings.id("")
        for kind in TenderKind.allCases.sorted(by: { $0.code < $1.code }) { tenderKeys.append(.text(strings.id(kind.rawValue))) }
    }

    /// The events reports read: sales, refunds, cancellations and what tells who a cancelled
    /// sale was. Everything else can be skipped undecoded.
    public static func wants(_ tag: EventTag) -> Bool {
        switch tag {
        case .saleOpened, .saleCompleted, .saleCancelled, .saleParked, .saleResumed, .refundCompleted:
            return true
        case .operatorAdded, .operatorRemoved, .loggedIn, .loggedOut, .pinRejected, .pinLockout, .trainingModeChanged,
             .pinRefused, .recoveryCodePrinted,
             .shiftOpened, .cashMoved, .noSale, .shiftClosed, .lineAdded, .lineVoided, .lineQuantityChanged, .lineDiscounted,
             .linePriceOverridden, .receiptDiscounted, .totalled, .tenderAdded, .dayClosed, .settingChanged,
             .catalogImported, .requestCompleted, .requestCompletedForDigest, .operatorDisabled, .pinReset, .technicianRecovered, .outputQueued,
             .outputSent, .outputDone, .cardAuthorisationRequested, .cardAuthorisationResolved,
             .cardRefundRequested, .cardRefundResolved, .saleCardDetails,
             .chainRestartedWithStateInside, .chainRestarted, .timePunched, .timeCorrected, .stockReceived,
             .stockCounted, .stockAdjusted, .reorderSet, .promotionSet, .promotionRemoved, .lineOffers,
             .voucherIssued, .voucherVoided, .customerAdded, .customerUpdated, .customerRemoved, .saleCustomerSet,
             .pointsRedemptionSet:
            return false
        }
    }

    /// `recordTime` is the journal record's time, for events that carry none.
    public mutating func add(_ event: RegisterEvent, recordTime: Timestamp) {
        switch event {
        case .saleOpened(_, let by, let training, _):
            open = (strings.id(by.rawValue), training)
        case .saleParked(let id):
            parkOpenSale(id)
        case .saleResumed(let id):
            open = parked.removeValue(forKey: id)
        case .saleCancelled(let by, _):
            cancelOpenSale(by: strings.id(by.rawValue), recordTime: recordTime)
        case .saleCompleted(let s):
            open = nil
            if !s.training {
                sale.set(s, &strings, needs)
                addSale()
            }
        case .refundCompleted(let r):
            if !r.training {
                refund.set(r, &strings, needs)
                addRefund()
            }
        default:
            break
        }
    }

    /// The same as `add(_:recordTime:)` with the event decoded from `payload`, a journal record's
    /// payload (its tag first): only the fields a report reads are read, no event is made.
    public mutating func add(tag: EventTag, payload: UnsafeRawBufferPointer, recordTime: Timestamp) throws(CodecError) {
        var r = ByteReader(payload)
        let at = r.offset
        let byte = try r.u8()
        guard UInt16(byte) == tag.rawValue else { throw .badTag("event \(tag.name)", byte, at: at) }
        switch tag {
        case .saleOpened:
            _ = try r.varint()
            let by = strings.id(try r.stringBytes())
            open = (by, try r.bool())
        case .saleParked:
            parkOpenSale(try r.varint())
        case .saleResumed:
            open = parked.removeValue(forKey: try r.varint())
        case .saleCancelled:
            cancelOpenSale(by: strings.id(try r.stringBytes()), recordTime: recordTime)
        case .saleCompleted:
            open = nil
            try r.saleForReport(into: &sale, &strings, needs)
            if !sale.training { addSale() }
        case .refundCompleted:
            try r.refundForReport(into: &refund, &strings, needs)
            if !refund.training { addRefund() }
        default:
            break
        }
    }

    private mutating func parkOpenSale(_ id: UInt64) {
        if let o = open { parked[id] = o }
        open = nil
    }

    private mutating func cancelOpenSale(by: Int32, recordTime: Timestamp) {
        defer { open = nil }
        guard open?.training != true, let (day, minute) = local(recordTime) else { return }
        total.cancelledSales += 1
        let key: Key
        switch grouping {
        case .employee: key = .text(open?.by ?? by)
        case _ where grouping.isTime: key = timeKey(day: day, minute: minute)
        default: return
        }
        rows[key, default: SalesFigures()].cancelledSales += 1
    }

    private mutating func addSale() {
        let s = sale
        guard let (day, minute) = local(s.time) else { return }
        let receipt = SalesFigures.ReceiptFigures(s)
        total.add(receipt: s, receipt)
        switch grouping {
        case .hour, .day, .week, .month, .year:
            rows[timeKey(day: day, minute: minute), default: SalesFigures()].add(receipt: s, receipt)
        case .employee:
            rows[.text(s.operatorID), default: SalesFigures()].add(receipt: s, receipt)
        case .item, .department:
            for line in s.lines {
                guard line.priced, !line.voided, !line.isGiftVoucher else { continue }
                if grouping == .item {
                    names[line.item] = line.name
                } else {
                    departments[line.item] = line.department
                }
                let key = Key.text(grouping == .item ? line.item : line.department)
                rows[key, default: SalesFigures()].addLine(quantity: line.quantity, piece: line.piece, gross: line.gross, tax: line.tax)
            }
        case .tax:
            for b in s.breakdown {
                rows[.tax(b.taxClass, basisPoints: b.basisPoints), default: SalesFigures()].addLine(quantity: 0, piece: true, gross: b.gross, tax: b.tax)
            }
        case .tender:
            var seen: [TenderKind] = []
            for t in s.tenders {
                let key = tenderKeys[Int(t.kind.code)]
                rows[key, default: SalesFigures()].gross += t.amount
                if !seen.contains(t.kind) {
                    seen.append(t.kind)
                    rows[key, default: SalesFigures()].sales += 1
                }
            }
            // Cash net of the change given back.
            if s.change != 0 { rows[tenderKeys[Int(TenderKind.cash.code)], default: SalesFigures()].gross -= s.change }
        }
    }

    private mutating func addRefund() {
        let r = refund
        guard let (day, minute) = local(r.time) else { return }
        var tax: Int64 = 0
        for b in r.breakdown { tax += b.tax }
        total.add(refund: r, tax: tax)
        switch grouping {
        case .hour, .day, .week, .month, .year:
            rows[timeKey(day: day, minute: minute), default: SalesFigures()].add(refund: r, tax: tax)
        case .employee:
            rows[.text(r.operatorID), default: SalesFigures()].add(refund: r, tax: tax)
        case .item, .department:
            for line in r.lines where !line.isGiftVoucher {
                if grouping == .item, names[line.item] == nil { names[line.item] = line.name }
                let key = Key.text(grouping == .item ? line.item : departments[line.item] ?? noDepartment)
                rows[key, default: SalesFigures()].addRefundLine(quantity: line.quantity, gross: line.gross, tax: line.tax)
            }
        case .tax:
            for b in r.breakdown {
                rows[.tax(b.taxClass, basisPoints: b.basisPoints), default: SalesFigures()].addRefundLine(quantity: 0, gross: b.gross, tax: b.tax)
            }
        case .tender:
            rows[tenderKeys[Int(r.tender.code)], default: SalesFigures()].addRefundLine(quantity: 0, gross: r.paidOut, tax: 0)
        }
    }

    /// The local day (days since the epoch) and minute of the day, or nil outside the period.
    private mutating func local(_ t: Timestamp) -> (day: Int64, minute: Int)? {
        let quarter = floorDiv(t.milliseconds, 900_000)
        if quarter != offsetQuarter {
            offsetQuarter = quarter
            offsetMilliseconds = Int64(utcOffsetSeconds(t)) * 1000
        }
        let local = t.milliseconds + offsetMilliseconds
        let day = floorDiv(local, 86_400_000)
        guard day >= fromDay, day < toDay else { return nil }
        return (day, Int((local - day * 86_400_000) / 60_000))
    }

    private func timeKey(day: Int64, minute: Int) -> Key {
        switch grouping {
        case .hour: return .number(Int64(minute / 60))
        case .day: return .number(day)
        case .week:
            let w = SalesReportBuilder.isoWeek(day)
            return .number(Int64(w.year) * 100 + Int64(w.week))
        case .month:
            let d = CivilDate(daysSinceEpoch: day)
            return .number(Int64(d.year) * 100 + Int64(d.month))
        default:
            return .number(Int64(CivilDate(daysSinceEpoch: day).year))
        }
    }

    /// ISO 8601 week-numbering year and week of a day: the week belongs to the year of its Thursday.
    public static func isoWeek(_ day: Int64) -> (year: Int, week: Int) {
        let weekday = Int64(CivilDate(daysSinceEpoch: day).isoWeekday)
        let thursday = day - (weekday - 1) + 3
        let year = CivilDate(daysSinceEpoch: thursday).year
        let first = CivilDate(year: year, month: 1, day: 1).daysSinceEpoch
        return (year, Int((thursday - first) / 7) + 1)
    }

    /// The report: time rows in time order, VAT rates and tenders in their order; items,
    /// departments and employees best first by `ranking` (worst first with `worst`), at most `limit`.
    public func report(ranking: SalesRanking = .revenue, worst: Bool = false, limit: Int? = nil) -> SalesReport {
        var out: [(Key, SalesRow)] = rows.map { ($0.key, SalesRow(key: $0.key, figures: $0.value, strings: strings)) }
        switch grouping {
        case .item, .department, .employee:
            out.sort { a, b in
                let x = ranking == .quantity ? a.1.figures.quantity : a.1.figures.net
                let y = ranking == .quantity ? b.1.figures.quantity : b.1.figures.net
                if x != y { return worst ? x < y : x > y }
                return a.1.text < b.1.text
            }
        default:
            out.sort { a, b in a.1.order < b.1.order }
        }
        if let limit, out.count > limit { out.removeLast(out.count - limit) }
        return SalesReport(grouping: grouping, from: from, to: to, rows: out.map { row($0.1) }, total: total)
    }

    private struct SalesRow {
        var key: Key
        var figures: SalesFigures
        /// The key's string: an id, a department, a tender kind or a VAT class.
        var string: String

        init(key: Key, figures: SalesFigures, strings: ReportStrings) {
            self.key = key
            self.figures = figures
            switch key {
            case .number: string = ""
            case .text(let s), .tax(let s, _): string = strings.string(s)
            }
        }

        var text: String {
            switch key {
            case .number(let n): return String(n)
            case .text: return string
            case .tax(_, let bp): return "\(string) \(bp)"
            }
        }
        /// Sort order for time, VAT and tender rows.
        var order: OrderKey {
            switch key {
            case .number(let n): return OrderKey(number: n, text: "", bp: 0)
            case .text: return OrderKey(number: Int64(TenderKind.allCases.firstIndex { $0.rawValue == string } ?? 99), text: string, bp: 0)
            case .tax(_, let bp): return OrderKey(number: 0, text: string, bp: bp)
            }
        }
    }

    private struct OrderKey: Comparable {
        var number: Int64
        var text: String
        var bp: Int
        static func < (a: OrderKey, b: OrderKey) -> Bool { (a.number, a.text, a.bp) < (b.number, b.text, b.bp) }
    }

    private func row(_ r: SalesRow) -> SalesReportRow {
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let figures = r.figures
        switch (grouping, r.key) {
        case (.hour, .number(let h)):
            return SalesReportRow(key: String(h), label: "\(two(h)):00-\(two(h + 1)):00", figures: figures)
        case (.day, .number(let d)):
            let date = CivilDate(daysSinceEpoch: d)
            return SalesReportRow(key: date.description, label: date.description, figures: figures)
        case (.week, .number(let w)):
            let text = "\(w / 100)-W\(two(w % 100))"
            return SalesReportRow(key: text, label: text, figures: figures)
        case (.month, .number(let m)):
            let text = "\(m / 100)-\(two(m % 100))"
            return SalesReportRow(key: text, label: text, figures: figures)
        case (_, .number(let n)):
            return SalesReportRow(key: String(n), label: String(n), figures: figures)
        case (.item, .text(let id)):
            return SalesReportRow(key: r.string, label: names[id].map { strings.string($0) } ?? r.string, figures: figures)
        case (_, .text):
            return SalesReportRow(key: r.string, label: r.string.isEmpty ? "(none)" : r.string, figures: figures)
        case (_, .tax(_, let bp)):
            return SalesReportRow(key: r.text, label: "VAT \(r.string) \(Receipt.basisPointsText(bp))%", figures: figures)
        }
    }
}

extension SalesFigures {
    mutating func addLine(quantity: Int64, piece: Bool, gross: Int64, tax: Int64) {
        sales += 1
        items += piece ? quantity : 1
        self.quantity += quantity
        self.gross += gross
        self.tax += tax
    }

    mutating func addRefundLine(quantity: Int64, gross: Int64, tax: Int64) {
        refunds += 1
        self.quantity -= quantity
        refunded += gross
        refundedTax += tax
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

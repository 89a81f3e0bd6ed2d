import Glibc
import KassaCore
import KassaIPC
import KassaJournal

/// What a sales report asks for.
public struct SalesReportQuery: Sendable {
    public var grouping: SalesGrouping
    public var from: CivilDate?
    /// The first day after the period.
    public var to: CivilDate?
    public var ranking: SalesRanking = .revenue
    public var worst = false
    public var limit: Int?

    public init(grouping: SalesGrouping, from: CivilDate? = nil, to: CivilDate? = nil) {
        self.grouping = grouping
        self.from = from
        self.to = to
    }
}

public struct ReportError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Reports read from the journal without changing it (a `JournalReader`), so they run the same in
/// kassad, offline from a state directory, and in `kassa bench reports`.
public enum JournalReports {
    /// One pass over the journal from record 1. Only sales, refunds and what a cancelled sale
    /// needs are decoded; records' CRCs are checked, the chain hashes are not (the background
    /// verification does that).
    public static func sales(stateDirectory: String, _ query: SalesReportQuery, zone: ZoneInfo) throws(ReportError) -> SalesReport {
        var builder = SalesReportBuilder(grouping: query.grouping, from: query.from, to: query.to) { zone.localTime($0).utcOffsetSeconds }
        // Records are journaled when their sale completes, never before: one written more than a
        // day before the period (UTC offsets are at most 14 hours) holds nothing of it, and is not
        // decoded. Departments still read every sale: refund lines take an item's department from them.
        let skipBefore = query.grouping == .department ? Int64.min
            : (query.from.map { ($0.daysSinceEpoch - 2) * 86_400_000 } ?? .min)
        try walk(stateDirectory, wants: { SalesReportBuilder.wants(recordType: $0) }, from: skipBefore) { event, time in
            builder.add(event, recordTime: time)
        }
        return builder.report(ranking: query.ranking, worst: query.worst, limit: query.limit)
    }

    /// Every Z closing in the journal, oldest first.
    public static func zClosings(stateDirectory: String) throws(ReportError) -> [ZReport] {
        var out: [ZReport] = []
        try walk(stateDirectory, wants: { $0 == SalesReportBuilder.zClosingRecordType }) { event, _ in
            if case .dayClosed(let z) = event { out.append(z) }
        }
        return out
    }

    public static func zFileName(_ z: ZReport) -> String {
        var n = String(z.number)
        while n.count < 6 { n = "0" + n }
        return "z-\(n).csv"
    }

    public static func json(_ f: SalesFigures) -> JSONValue {
        ["sales": .int(f.sales), "items": .int(f.items), "quantity": .int(f.quantity), "gross": .int(f.gross),
         "tax": .int(f.tax), "refunds": .int(f.refunds), "refunded": .int(f.refunded), "refunded_tax": .int(f.refundedTax),
         "net": .int(f.net), "voided_lines": .int(f.voidedLines), "cancelled_sales": .int(f.cancelledSales),
         "price_overrides": .int(f.priceOverrides), "discounts": .int(f.discounts), "average_sale": .int(f.averageSale),
         "items_per_sale_tenths": .int(f.itemsPerSaleTenths)]
    }

    public static func json(_ r: SalesReportRow) -> JSONValue {
        ["key": .string(r.key), "label": .string(r.label), "figures": json(r.figures)]
    }

    /// The whole report (`rows` nil), or a page of its rows with the table's lines of that page.
    public static func json(_ report: SalesReport, rows: [JSONValue]? = nil, text: [String]) -> JSONValue {
        ["by": .string(report.grouping.rawValue), "from": report.from.map { .string($0.description) } ?? .null,
         "to": report.to.map { .string($0.description) } ?? .null, "rows": .array(rows ?? report.rows.map(json)),
         "row_count": .int(Int64(report.rows.count)), "total": json(report.total), "text": .array(text.map(JSONValue.string))]
    }

    private static func walk(_ stateDirectory: String, wants: (UInt16) -> Bool, from: Int64 = .min,
                             _ body: (RegisterEvent, Timestamp) -> Void) throws(ReportError) {
        do {
            let reader = try JournalReader(stateDirectory: stateDirectory)
            let fault = try reader.forEachRecord(fromSeq: 1, verifyingChain: false) { record in
                guard record.time >= from, wants(record.type) else { return }
                body(try EventCodec.decode(record.payload), Timestamp(milliseconds: record.time))
            }
            if let fault, !(try reader.isUnfinishedTail(fault)) {
                throw ReportError(description: "the journal cannot be read past record \(fault.seq): \(fault)")
            }
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError(description: "cannot read the journal: \(error)")
        }
    }
}

/// Reads a sales report from the journal on a thread of its own, and says so through a pipe.
private final class SalesReportJob: @unchecked Sendable {
    let stateDirectory: String
    let query: SalesReportQuery
    let zone: ZoneInfo
    let doneFD: Int32
    private(set) var result: Result<SalesReport, ReportError>?

    init(stateDirectory: String, query: SalesReportQuery, zone: ZoneInfo, doneFD: Int32) {
        self.stateDirectory = stateDirectory
        self.query = query
        self.zone = zone
        self.doneFD = doneFD
    }

    func run() {
        do throws(ReportError) {
            result = .success(try JournalReports.sales(stateDirectory: stateDirectory, query, zone: zone))
        } catch {
            result = .failure(error)
        }
        var byte: UInt8 = 1
        _ = write(doneFD, &byte, 1)
        close(doneFD)
    }
}

/// A client waiting for a sales report being read.
struct SalesReportWaiter {
    var connection: ConnectionID
    var id: RequestID
    var offset: Int
}

/// `report.sales` and `report.z_export`: read-only. Z closings are few and read on the reactor.
extension RegisterService {
    static let reportReadOps: Set<String> = ["report.sales", "report.z_export"]

    func performReport(_ op: String, _ args: inout RequestArguments, connection: ConnectionID) throws(IPCError) -> JSONValue? {
        switch op {
        case "report.z_export":
            let from = try args.optionalInt("from") ?? 1
            let limit = try args.optionalInt("limit") ?? 20
            try args.finish()
            try requireReportReader(connection)
            guard from >= 1, (1...50).contains(limit) else { throw IPCError(.badArgs, "'from' must be 1 or more and 'limit' 1 to 50") }
            let all: [ZReport]
            do throws(ReportError) { all = try JournalReports.zClosings(stateDirectory: stateDirectory) } catch {
                throw IPCError(.internal, error.description)
            }
            let page = all.filter { $0.number >= UInt64(from) }.prefix(Int(limit))
            return ["closings": .array(page.map { z in
                        ["z": .int(Int64(z.number)), "file": .string(JournalReports.zFileName(z)),
                         "csv": .array(AccountingCSV.zClosing(z).map(JSONValue.string))]
                    }),
                    "last_z": .int(Int64(all.last?.number ?? 0))]
        default:
            return nil
        }
    }

    /// `report.sales`: answered at once from the kept report, else later, when a thread of its
    /// own has read the journal (a year of a busy shop's sales takes about half a second of CPU,
    /// which would otherwise hold up every scan meanwhile). Nil when the reply comes later.
    func salesReport(_ request: Request, from connection: ConnectionID) throws(IPCError) -> Reply? {
        var args = RequestArguments(request)
        var query = SalesReportQuery(grouping: .day)
        let by = try args.string("by")
        guard let grouping = SalesGrouping(rawValue: by) else {
            throw IPCError(.badArgs, "'by' must be one of \(SalesGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        query.grouping = grouping
        query.from = try date(args.optionalString("from"), "from")
        query.to = try date(args.optionalString("to"), "to")
        if let sort = try args.optionalString("sort") {
            guard let ranking = SalesRanking(rawValue: sort) else { throw IPCError(.badArgs, "'sort' must be revenue or quantity") }
            query.ranking = ranking
        }
        query.worst = try args.optionalBool("worst") ?? false
        if let limit = try args.optionalInt("limit") {
            guard (1...10_000).contains(limit) else { throw IPCError(.badArgs, "'limit' must be 1 to 10000") }
            query.limit = Int(limit)
        } else if grouping == .item {
            query.limit = 20
        }
        let offset = try args.optionalInt("offset") ?? 0
        try args.finish()
        try requireReportReader(connection)
        guard offset >= 0 else { throw IPCError(.badArgs, "'offset' must be 0 or more") }
        let key = "\(query.grouping) \(query.from.map(\.description) ?? "") \(query.to.map(\.description) ?? "") \(query.ranking) "
            + "\(query.worst) \(query.limit ?? 0) \(fileConfig.timeZone.name) \(ledger.journal.lastSeq)"
        if let cached = salesReportCache, cached.key == key {
            return .ok(request.id, salesReportPage(cached.report, offset: Int(offset)))
        }
        let waiter = SalesReportWaiter(connection: connection, id: request.id, offset: Int(offset))
        if salesReportJobs[key] != nil {
            salesReportJobs[key]?.append(waiter)
            return nil
        }
        guard let reactor else {
            // No reactor (a test driving the service directly): read it here.
            do throws(ReportError) {
                let report = try JournalReports.sales(stateDirectory: stateDirectory, query, zone: fileConfig.timeZone)
                salesReportCache = (key, report)
                return .ok(request.id, salesReportPage(report, offset: Int(offset)))
            } catch {
                throw IPCError(.internal, error.description)
            }
        }
        try startSalesReport(query, key: key, reactor: reactor)
        salesReportJobs[key] = [waiter]
        return nil
    }

    private func startSalesReport(_ query: SalesReportQuery, key: String, reactor: Reactor) throws(IPCError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw IPCError(.internal, "cannot make a pipe for the report (errno \(errno))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let job = SalesReportJob(stateDirectory: stateDirectory, query: query, zone: fileConfig.timeZone, doneFD: fds[1])
        do {
            try reactor.add(fds[0], events: .readable) { [unowned self, unowned reactor] _ in
                reactor.remove(fds[0])
                close(fds[0])
                // The thread wrote `result` before it wrote to the pipe, and never touches it after.
                self.salesReportDone(key, job.result ?? .failure(ReportError(description: "the report thread ended without a report")))
            }
        } catch {
            close(fds[0])
            close(fds[1])
            throw IPCError(.internal, "cannot watch the report: \(error)")
        }
        let retained = Unmanaged.passRetained(job)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            Unmanaged<SalesReportJob>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, retained.toOpaque())
        guard started == 0 else {
            retained.release()
            reactor.remove(fds[0])
            close(fds[0])
            close(fds[1])
            throw IPCError(.internal, "cannot start a thread for the report (\(started))")
        }
        pthread_detach(thread)
    }

    private func salesReportDone(_ key: String, _ result: Result<SalesReport, ReportError>) {
        let waiters = salesReportJobs.removeValue(forKey: key) ?? []
        if case .success(let report) = result { salesReportCache = (key, report) }
        for w in waiters {
            switch result {
            case .success(let report): server?.send(.ok(w.id, salesReportPage(report, offset: w.offset)), to: w.connection)
            case .failure(let error): server?.send(.error(w.id, IPCError(.internal, error.description)), to: w.connection)
            }
        }
    }

    /// A page of the report from row `offset`, about 40 KB, so that a reply stays well within a
    /// line; `next` is the offset of the next page. The report itself is kept while the journal
    /// does not change, so the pages of one report are read from the journal once.
    private func salesReportPage(_ report: SalesReport, offset: Int) -> JSONValue {
        let table = SalesReportText.table(report, format: config.format)
        var text = offset == 0 ? table.header : []
        var rows: [JSONValue] = []
        var bytes = text.reduce(0) { $0 + $1.utf8.count }
        var next = min(offset, report.rows.count)
        while next < report.rows.count, bytes < 40_000 {
            let row = JournalReports.json(report.rows[next])
            bytes += row.serialized().utf8.count + table.rows[next].utf8.count + 8
            rows.append(row)
            text.append(table.rows[next])
            next += 1
        }
        if next == report.rows.count { text += table.footer }
        guard case .object(var page) = JournalReports.json(report, rows: rows, text: text) else { return .null }
        page["offset"] = .int(Int64(offset))
        if next < report.rows.count { page["next"] = .int(Int64(next)) }
        return .object(page)
    }

    /// Figures of the whole shop: a supervisor or technician logged in, or a technician session.
    private func requireReportReader(_ connection: ConnectionID) throws(IPCError) {
        if technicianSessions[connection] != nil { return }
        guard let id = ledger.state.currentOperator else { throw IPCError(.notLoggedIn, "log in first") }
        guard let role = ledger.state.operators[id]?.role, role >= .supervisor else {
            throw IPCError(.forbidden, "sales reports are for a supervisor or a technician")
        }
    }

    private func date(_ text: String?, _ name: String) throws(IPCError) -> CivilDate? {
        guard let text else { return nil }
        guard let d = CivilDate(text) else { throw IPCError(.badArgs, "'\(name)' must be a date YYYY-MM-DD") }
        return d
    }
}

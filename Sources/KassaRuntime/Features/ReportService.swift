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
    /// needs are read, and of those only the figures the report adds up (no event is decoded);
    /// records' CRCs are checked, the chain hashes are not (the background verification does that).
    public static func sales(stateDirectory: String, _ query: SalesReportQuery, zone: ZoneInfo) throws(ReportError) -> SalesReport {
        var builder = SalesReportBuilder(grouping: query.grouping, from: query.from, to: query.to) { zone.localTime($0).utcOffsetSeconds }
        // Records are journaled when their sale completes, never before: one written more than a
        // day before the period (UTC offsets are at most 14 hours) holds nothing of it, and is not
        // decoded. Departments still read every sale: refund lines take an item's department from them.
        let skipBefore = query.grouping == .department ? Int64.min
            : (query.from.map { ($0.daysSinceEpoch - 2) * 86_400_000 } ?? .min)
        try walkRecords(stateDirectory, from: skipBefore) { record in
            guard let tag = EventTag(rawValue: record.type), SalesReportBuilder.wants(tag) else { return }
            try builder.add(tag: tag, payload: record.payload, recordTime: Timestamp(milliseconds: record.time))
        }
        return builder.report(ranking: query.ranking, worst: query.worst, limit: query.limit)
    }

    /// Every Z closing in the journal, oldest first, each with its anchor: the record before it
    /// and that record's chain hash (none for a closing that is the journal's first record).
    public static func zClosings(stateDirectory: String) throws(ReportError) -> [ZClosing] {
        var out: [ZClosing] = []
        var previous = (seq: UInt64(0), hash: [UInt8](repeating: 0, count: 32))
        try walkRecords(stateDirectory, from: .min) { record in
            if record.type == EventTag.dayClosed.rawValue, case .dayClosed(let z) = try EventCodec.decode(record.payload) {
                out.append(ZClosing(report: z, anchor: ChainAnchor(seq: previous.seq, hash: previous.hash, z: z.number)))
            }
            previous.seq = record.seq
            previous.hash.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: record.chainHash.prefix(32))) }
        }
        return out
    }

    public static func zFileName(_ z: ZReport) -> String {
        var n = String(z.number)
        while n.count < 6 { n = "0" + n }
        return "z-\(n).csv"
    }

    /// The whole report (`rows` nil), or a page of its rows with the table's lines of that page.
    public static func json(_ report: SalesReport, rows: [JSONValue]? = nil, text: [String]) -> JSONValue {
        ["by": .string(report.grouping.rawValue), "from": report.from.map { .string($0.description) } ?? .null,
         "to": report.to.map { .string($0.description) } ?? .null, "rows": .array(rows ?? report.rows.map(\.json)),
         "row_count": .int(Int64(report.rows.count)), "total": report.total.json, "text": .array(text.map(JSONValue.string))]
    }

    /// Every record written at `from` or later, its CRC checked (not the chain), to the end or
    /// to a record being written.
    private static func walkRecords(_ stateDirectory: String, from: Int64,
                                    _ body: (JournalRecordView) throws -> Void) throws(ReportError) {
        do {
            let reader = try JournalReader(stateDirectory: stateDirectory)
            let fault = try reader.forEachRecord(fromSeq: 1, verifyingChain: false) { record in
                guard record.time >= from else { return }
                try body(record)
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

/// A Z closing read back from the journal, with its anchor.
public struct ZClosing: Hashable, Sendable {
    public var report: ZReport
    public var anchor: ChainAnchor?

    /// The closing as an accounting CSV file's lines, the anchor with its whole hash.
    public var csv: [String] { AccountingCSV.zClosing(report, anchor: anchor?.full) }
}

/// What a read of the whole journal found, for the clients waiting for it.
enum JournalRead {
    case sales(SalesReport)
    case zClosings([ZClosing])
}

/// Reads the journal on a thread of its own and says when it is done through a pipe.
private final class JournalReadJob: @unchecked Sendable {
    let work: () -> Result<JournalRead, ReportError>
    let doneFD: Int32
    private(set) var result: Result<JournalRead, ReportError>?

    init(doneFD: Int32, work: @escaping () -> Result<JournalRead, ReportError>) {
        self.work = work
        self.doneFD = doneFD
    }

    func run() {
        result = work()
        var byte: UInt8 = 1
        _ = write(doneFD, &byte, 1)
        close(doneFD)
    }
}

/// A client waiting for a journal read, and how its reply is made from what was read.
struct JournalReadWaiter {
    var connection: ConnectionID
    var id: RequestID
    var reply: (JournalRead) -> JSONValue
}

/// `report.sales` and `report.z_export`: read-only, answered from a read of the whole journal
/// on a thread of its own (a year of a busy shop's sales takes about half a second of CPU, which
/// would otherwise hold up every scan meanwhile). What was read is kept until the journal
/// changes, so the pages of one report read the journal once.
extension RegisterService {
    /// At most this many reads of the journal run at once, each on its own thread: one a core,
    /// so that a flood of report requests cannot take the box's threads and descriptors, nor the
    /// CPU the sales need. A request beyond it is refused with `busy`.
    static let concurrentJournalReads = 2

    /// The anchor of Z closing `z` about to be journaled: the journal's last record, which is the
    /// one before the closing (a closing is decided alone and opens its group), as
    /// `JournalReports.zClosings` reads it back.
    func zAnchor(_ z: ZReport) -> ChainAnchor? {
        ChainAnchor(seq: ledger.journal.lastSeq, hash: ledger.journal.lastHash, z: z.number)
    }

    /// The reply, or nil when it comes once the journal has been read.
    func report(_ op: Op, _ request: Request, from connection: ConnectionID) throws(IPCError) -> Reply? {
        var args = RequestArguments(op, request)
        let stamp = "\(fileConfig.timeZone.name) \(ledger.journal.lastSeq)"
        if op == .reportZExport {
            let from = try args.optionalInt("from") ?? 1
            let limit = try args.optionalInt("limit") ?? 20
            guard from >= 1, (1...50).contains(limit) else { throw IPCError(.badArgs, "'from' must be 1 or more and 'limit' 1 to 50") }
            let directory = stateDirectory
            return try fromJournal("z \(stamp)", request, connection,
                                   read: { () throws(ReportError) -> JournalRead in .zClosings(try JournalReports.zClosings(stateDirectory: directory)) },
                                   reply: { read in Self.zPage(read, from: UInt64(from), limit: Int(limit)) })
        }
        let query = try salesQuery(&args)
        let offset = try args.optionalInt("offset") ?? 0
        guard offset >= 0 else { throw IPCError(.badArgs, "'offset' must be 0 or more") }
        let key = "sales \(query.grouping) \(query.from.map(\.description) ?? "") \(query.to.map(\.description) ?? "") "
            + "\(query.ranking) \(query.worst) \(query.limit ?? 0) \(stamp)"
        let (directory, zone, format) = (stateDirectory, fileConfig.timeZone, config.format)
        var names: [String: String] = [:]
        for (id, op) in ledger.state.operators { names[id.rawValue] = op.name }
        return try fromJournal(key, request, connection,
                               read: { () throws(ReportError) -> JournalRead in .sales(try JournalReports.sales(stateDirectory: directory, query, zone: zone)) },
                               reply: { read in
                                   guard case .sales(var report) = read else { return .null }
                                   // Operators by name; the journal's events name them by id.
                                   if report.grouping == .employee {
                                       for i in report.rows.indices { report.rows[i].label = names[report.rows[i].key] ?? report.rows[i].key }
                                   }
                                   return Self.salesPage(report, offset: Int(offset), format: format)
                               })
    }

    private func salesQuery(_ args: inout RequestArguments) throws(IPCError) -> SalesReportQuery {
        let by = try args.string("by")
        guard let grouping = SalesGrouping(rawValue: by) else {
            throw IPCError(.badArgs, "'by' must be one of \(SalesGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var query = SalesReportQuery(grouping: grouping)
        query.from = try args.optionalDate("from")
        query.to = try args.optionalDate("to")
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
        return query
    }

    /// Answers from what was read under `key`, or joins the read under way, or starts one.
    private func fromJournal(_ key: String, _ request: Request, _ connection: ConnectionID,
                             read: @escaping () throws(ReportError) -> JournalRead,
                             reply: @escaping (JournalRead) -> JSONValue) throws(IPCError) -> Reply? {
        if let kept = journalReads[key] { return .ok(request.id, reply(kept)) }
        let waiter = JournalReadWaiter(connection: connection, id: request.id, reply: reply)
        if journalReadJobs[key] != nil {
            journalReadJobs[key]?.append(waiter)
            return nil
        }
        guard journalReadJobs.count < Self.concurrentJournalReads else {
            throw IPCError(.busy, "\(Self.concurrentJournalReads) reports are being read from the journal already; ask again when one is done")
        }
        let work = { () -> Result<JournalRead, ReportError> in
            do throws(ReportError) { return .success(try read()) } catch { return .failure(error) }
        }
        guard let reactor else {
            // No reactor (a service driven directly): read here.
            switch work() {
            case .success(let done):
                keep(key, done)
                return .ok(request.id, reply(done))
            case .failure(let error):
                throw IPCError(.internal, error.description)
            }
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw IPCError(.internal, "cannot make a pipe for the report (errno \(errno))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let job = JournalReadJob(doneFD: fds[1], work: work)
        do {
            try reactor.add(fds[0], events: .readable) { [unowned self, unowned reactor] _ in
                reactor.remove(fds[0])
                close(fds[0])
                // The thread set `result` before it wrote to the pipe, and never touches it after.
                self.journalReadDone(key, job.result ?? .failure(ReportError(description: "the report thread ended without a result")))
            }
        } catch {
            close(fds[0])
            close(fds[1])
            throw IPCError(.internal, "cannot watch the report: \(error)")
        }
        let retained = Unmanaged.passRetained(job)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            Unmanaged<JournalReadJob>.fromOpaque(raw!).takeRetainedValue().run()
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
        journalReadJobs[key] = [waiter]
        return nil
    }

    private func journalReadDone(_ key: String, _ result: Result<JournalRead, ReportError>) {
        let waiters = journalReadJobs.removeValue(forKey: key) ?? []
        if case .success(let done) = result { keep(key, done) }
        for w in waiters {
            switch result {
            case .success(let done): server?.send(.ok(w.id, w.reply(done)), to: w.connection)
            case .failure(let error): server?.send(.error(w.id, IPCError(.internal, error.description)), to: w.connection)
            }
        }
    }

    /// Keeps a few reads; each key names the journal's last record, so a changed journal reads anew.
    private func keep(_ key: String, _ read: JournalRead) {
        if journalReads.count >= 4 { journalReads.removeAll() }
        journalReads[key] = read
    }

    private static func zPage(_ read: JournalRead, from: UInt64, limit: Int) -> JSONValue {
        guard case .zClosings(let all) = read else { return .null }
        let page = all.filter { $0.report.number >= from }.prefix(limit)
        return ["closings": .array(page.map { c in
                    ["z": .int(Int64(c.report.number)), "file": .string(JournalReports.zFileName(c.report)),
                     "anchor": c.anchor.map { .string($0.short) } ?? .null, "csv": .array(c.csv.map(JSONValue.string))]
                }),
                "last_z": .int(Int64(all.last?.report.number ?? 0))]
    }

    /// A page of the report from row `offset`, about 40 KB, so that a reply stays well within a
    /// line; `next` is the offset of the next page.
    private static func salesPage(_ report: SalesReport, offset: Int, format: (Int64) -> String) -> JSONValue {
        let table = SalesReportText.table(report, format: format)
        var text = offset == 0 ? table.header : []
        var rows: [JSONValue] = []
        var bytes = text.reduce(0) { $0 + $1.utf8.count }
        var next = min(offset, report.rows.count)
        while next < report.rows.count, bytes < 40_000 {
            let row = report.rows[next].json
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
}

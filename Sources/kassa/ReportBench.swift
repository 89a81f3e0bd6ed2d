#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaJournal
import KassaRuntime
import KassaSystem

/// `kassa bench reports`: a year of a busy shop's sales in a journal (by default 300,000 sales,
/// every day of 2026 in Helsinki time, two operators, cash and card, a refund in a hundred, a Z
/// closing each night), then every report over that year, each timed as `kassad` runs it.
struct ReportBench {
    let parent: String
    let sales: Int
    let json: Bool
    /// Keeps the year's state directory here, and reuses one written there before.
    var keep: String?

    func measure() -> [BenchRow]? {
        if let keep { mkdir(keep, 0o700) }
        guard let dir = keep ?? makeTemporaryDirectory("\(parent)/kassa-report-bench") else {
            printError("kassa bench: cannot create a directory under \(parent)")
            return nil
        }
        defer { if keep == nil { removeTree(dir) } }
        guard let zone = try? ZoneInfo.load("Europe/Helsinki") else {
            printError("kassa bench: no Europe/Helsinki in /usr/share/zoneinfo")
            return nil
        }
        // A kept year is timed again as it is.
        let existing = keep.flatMap { try? JournalReader(stateDirectory: $0) }.flatMap { try? $0.verify(throughSeq: 1).records } ?? 0
        if !json && existing == 0 { printError("kassa bench: writing \(sales) sales over 2026…") }
        let t0 = monotonicNanoseconds()
        guard let records = existing > 0 ? UInt64(0) : buildYear(dir, zone: zone) else { return nil }
        let buildSeconds = Double(monotonicNanoseconds() - t0) / 1e9
        var rows: [BenchRow] = [
            ("sales", .int(Int64(sales)), existing > 0 ? "\(sales) sales over 2026, kept in \(dir)"
                : "\(sales) sales in \(records) records over 2026 (written in \(fixed(buildSeconds, 1)) s)"),
        ]
        let year = (from: CivilDate(year: 2026, month: 1, day: 1), to: CivilDate(year: 2027, month: 1, day: 1))
        var slowest = 0.0
        var slowestName = ""
        var slowestCPU = 0.0
        for grouping in SalesGrouping.allCases {
            var query = SalesReportQuery(grouping: grouping, from: year.from, to: year.to)
            if grouping == .item { query.limit = 20 }
            let s = monotonicNanoseconds()
            let cpu = threadCPUNanoseconds()
            let report: SalesReport
            let text: [String]
            do {
                report = try JournalReports.sales(stateDirectory: dir, query, zone: zone)
                // Everything the reply carries, as kassad builds it.
                text = SalesReportText.lines(report, format: RegisterConfig().format)
                _ = JournalReports.json(report, text: text).serialized()
            } catch {
                printError("kassa bench: the \(grouping.rawValue) report failed: \(error)")
                return nil
            }
            let ms = Double(monotonicNanoseconds() - s) / 1e6
            let cpuMs = Double(threadCPUNanoseconds() - cpu) / 1e6
            guard report.total.sales == Int64(sales) else {
                printError("kassa bench: the \(grouping.rawValue) report counts \(report.total.sales) sales, not \(sales)")
                return nil
            }
            if ms > slowest { (slowest, slowestName) = (ms, grouping.rawValue) }
            slowestCPU = max(slowestCPU, cpuMs)
            rows.append(("\(grouping.rawValue)_ms", .decimal(fixed(ms, 1)),
                         fixed(ms, 1) + " ms (CPU \(fixed(cpuMs, 1)) ms) by \(grouping.rawValue): \(report.rows.count) rows"))
        }
        let s = monotonicNanoseconds()
        let closings = (try? JournalReports.zClosings(stateDirectory: dir))?.count ?? 0
        let zMs = Double(monotonicNanoseconds() - s) / 1e6
        rows.append(("z_export_ms", .decimal(fixed(zMs, 1)), fixed(zMs, 1) + " ms to read the year's \(closings) Z closings"))
        rows.append(("year_report_ms", .decimal(fixed(slowest, 1)), fixed(slowest, 1) + " ms the slowest report over the year (\(slowestName))"))
        // On a shared machine the wall time includes waiting for a core; the CPU time does not.
        rows.append(("year_report_cpu_ms", .decimal(fixed(slowestCPU, 1)), fixed(slowestCPU, 1) + " ms CPU of the most costly report"))
        return rows
    }

    /// Returns the journal's record count.
    private func buildYear(_ dir: String, zone: ZoneInfo) -> UInt64? {
        do {
            let ledger = try Ledger(stateDirectory: dir, registerID: "R1", warning: { _ in })
            var setup = JournalBench.Setup()
            try setup.env.pins.setPIN("1234", for: "anna")
            setup.ctx.now = Timestamp(milliseconds: 1_767_218_400_000)  // 2026-01-01 00:00 in Helsinki
            var events = setup.openDay()
            let anna = RegisterEvent.operatorAdded(Operator(id: "anna", name: "Anna", role: .cashier))
            try setup.state.apply(anna)
            events.append(anna)
            try ledger.record(events, at: setup.ctx.now)
            let days = 365
            var sold = 0
            for day in 0..<days {
                let date = CivilDate(daysSinceEpoch: CivilDate(year: 2026, month: 1, day: 1).daysSinceEpoch + Int64(day))
                // Open 9 to 21 local time.
                guard case .unique(let opening) = zone.resolve(date, hour: 9, minute: 0, second: 0) else { return nil }
                setup.ctx.today = date
                let today = (sales - sold) / (days - day)
                let spacing = Int64(12 * 3_600_000 / max(1, today))
                var pending: [RegisterEvent] = []
                for k in 0..<today {
                    setup.ctx.now = Timestamp(milliseconds: opening.milliseconds + Int64(k) * spacing)
                    if k == today / 2 {
                        pending += setup.decide(.logout)
                        pending += setup.decide(.login(pin: "1234"))
                    }
                    pending += sale(&setup, sold + k)
                    if k < today / 2, k % 100 == 99, case .saleCompleted(let original)? = pending.last {
                        pending += setup.decide(.refund(original: original, lines: [RefundRequestLine(line: 0, quantity: 1)],
                                                        tender: .cash, override: nil))
                    }
                }
                sold += today
                pending += setup.decide(.logout)
                pending += setup.decide(.login(pin: "4321"))
                pending += setup.decide(.closeDay)
                try ledger.record(pending, at: setup.ctx.now, deferSync: true)
            }
            try ledger.journal.sync()
            return ledger.journal.lastSeq
        } catch {
            printError("kassa bench: writing the year failed: \(error)")
            return nil
        }
    }

    /// One to four demo items, paid by card (exactly) or in cash.
    private func sale(_ setup: inout JournalBench.Setup, _ n: Int) -> [RegisterEvent] {
        var events: [RegisterEvent] = []
        for k in 0..<(1 + n % 4) {
            events += setup.decide(.addItem(setup.items[(n * 7 + k * 13) % setup.items.count], quantity: Int64(1 + (n + k) % 3)))
        }
        let due = try! setup.state.openSale!.totals(.inclusive).total
        events += setup.decide(.tender(n % 3 == 0 ? Tender(kind: .card, amount: due) : Tender(kind: .cash, amount: (due / 1000 + 1) * 1000)))
        return events
    }
}

/// CPU time of the calling thread.
func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

#if canImport(Glibc)
import Glibc
#endif
import CLinux
import KassaCore
import KassaIPC
import KassaJournal
import KassaRuntime
import KassaSystem

/// `kassa bench …`: measurements that print figures. Never run as timed assertions in tests.
enum BenchCommands {
    static let usage = """
        usage: kassa bench [all] [--idle-seconds N] [--json]
               kassa bench journal [--dir DIR] [--sales N] [--commits N] [--kills N] [--window N]
                                   [--kassad PATH] [--crash-loop-only | --replay-only] [--keep DIR] [--json]
               kassa bench ipc [--items N] [--requests N] [--json]
               kassa bench devices [--scans N] [--idle-seconds N] [--json]
               kassa bench kassad [--json]
               kassa bench reports [--dir DIR | --keep DIR] [--sales N] [--json]
          devices: the real kassad with a scanner and a display on pseudo-terminals and a network
          printer on TCP; times scan-to-display from outside over N scans (default 10,000) and
          kassad's CPU time while idle with status polling on (default 600 s), per hour.
          reports: a journal of N sales (default 300,000) over the year 2026, then every sales
          report over that year timed as kassad runs it; year_report_ms is the slowest. --keep
          leaves the state directory in DIR, and times the one there without writing it again.
          all (the default): every benchmark below in one table, with kassad's start-up time
          (exec to serving its socket, median of 5) and its size (as built and stripped).
          ipc: starts the real kassad with an N-item catalog (default 100,000) and times scan round
          trips of random barcodes from the client; kassad's RSS idle and with that catalog.
          Durable commits of real completed-sale records (segment rotation on) beside a bare
          write+fdatasync loop of records of the same size on the same file system; replay
          speed; and the time to open a state directory of N sales (default 1,000,000) whose
          snapshot is more than 10,000 records behind, until a refund of the first sale is accepted.
          Then a crash loop: the real kassad (or --kassad PATH, another build) started N+1 times
          (--kills, default 100) on one state directory, sales streaming in, kill -9 after 1 to 4 s
          with a sale in flight; the start time (exec to greeting) and the records replayed at
          start, median and worst over the first and the last N starts (--window, default 20).
          --crash-loop-only runs the crash loop alone; --keep DIR leaves its state directory in DIR.
          --replay-only builds the history of N sales and times its replay alone; with --keep DIR
          the history stays in DIR, and one already there is timed without writing it again.
          DIR must be on a real disk (not tmpfs); default: a new directory under /var/tmp.
        """

    static func run(_ args: inout Arguments) throws(UsageError) -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        // The benchmark's name comes first when given; without one, all of them.
        let named = args.words.first.map { !$0.hasPrefix("-") } ?? false
        let what = named ? try args.positional("benchmark") : "all"
        switch what {
        case "all":
            let json = args.flag("--json")
            let idle = try number(args.option("--idle-seconds"), default: 600, "--idle-seconds")
            try args.finish()
            let parts: [(String, () -> [BenchRow]?)] = [
                ("journal", {
                    JournalBench(parent: "/var/tmp", sales: 1_000_000, commits: 2_000, json: json).measure().flatMap { rows in
                        CrashLoopBench(parent: "/var/tmp", kills: 100, window: 20, kassad: LocalKassad.siblingExecutable("kassad"))
                            .measure().map { rows + $0 }
                    }
                }),
                ("ipc", { IPCBench(items: 100_000, requests: 5_000, json: json).measure() }),
                ("devices", { DeviceBench(scans: 10_000, idleSeconds: idle, json: json).measure() }),
                ("kassad", { StartupBench().measure() }),
                ("reports", { ReportBench(parent: "/var/tmp", sales: 300_000, json: json).measure() }),
            ]
            var all: [BenchRow] = []
            for (name, measure) in parts {
                if !json { printError("kassa bench: \(name)…") }
                guard let rows = measure() else { return .failure }
                all += rows.map { (name + "." + $0.key, $0.value, $0.text) }
            }
            return printRows(all, json: json)
        case "journal":
            let json = args.flag("--json")
            let dir = try args.option("--dir")
            let sales = try number(args.option("--sales"), default: 1_000_000, "--sales")
            let commits = try number(args.option("--commits"), default: 2_000, "--commits")
            let kills = try number(args.option("--kills"), default: 100, "--kills")
            let window = try number(args.option("--window"), default: 20, "--window")
            let kassad = try args.option("--kassad") ?? LocalKassad.siblingExecutable("kassad")
            let crashLoopOnly = args.flag("--crash-loop-only")
            let replayOnly = args.flag("--replay-only")
            let keep = try args.option("--keep")
            try args.finish()
            let bench = JournalBench(parent: dir ?? "/var/tmp", sales: sales, commits: commits, json: json)
            if replayOnly { return printRows(bench.measureReplayOnly(keep: keep), json: json) }
            var rows: [BenchRow] = []
            if !crashLoopOnly {
                guard let measured = bench.measure() else {
                    return .failure
                }
                rows = measured
            }
            var crashLoop = CrashLoopBench(parent: dir ?? "/var/tmp", kills: kills, window: window, kassad: kassad)
            crashLoop.keep = keep
            let loop = crashLoop.measure()
            return printRows(loop.map { rows + $0 }, json: json)
        case "ipc":
            let json = args.flag("--json")
            let items = try number(args.option("--items"), default: 100_000, "--items")
            let requests = try number(args.option("--requests"), default: 5_000, "--requests")
            try args.finish()
            return printRows(IPCBench(items: items, requests: requests, json: json).measure(), json: json)
        case "reports":
            let json = args.flag("--json")
            let dir = try args.option("--dir")
            let keep = try args.option("--keep")
            let sales = try number(args.option("--sales"), default: 300_000, "--sales")
            try args.finish()
            return printRows(ReportBench(parent: dir ?? "/var/tmp", sales: sales, json: json, keep: keep).measure(), json: json)
        case "kassad":
            let json = args.flag("--json")
            try args.finish()
            return printRows(StartupBench().measure(), json: json)
        case "devices":
            let json = args.flag("--json")
            let scans = try number(args.option("--scans"), default: 10_000, "--scans")
            let idle = try number(args.option("--idle-seconds"), default: 600, "--idle-seconds")
            try args.finish()
            return printRows(DeviceBench(scans: scans, idleSeconds: idle, json: json).measure(), json: json)
        default:
            throw UsageError("unknown benchmark '\(what)'\n\(usage)")
        }
    }

    /// One figure: its JSON key, value, and the line the table shows.
    static func printRows(_ rows: [BenchRow]?, json: Bool) -> ExitCode {
        guard let rows else { return .failure }
        if json {
            var o = JSONObject()
            for (k, v, _) in rows { o[k] = v }
            print(JSONValue.object(o).serialized())
        } else {
            let width = max(25, (rows.map { $0.key.count }.max() ?? 0) + 2)
            for (k, _, text) in rows { print(TextLayout.pad(k, to: width) + text) }
        }
        return .ok
    }

    static func number(_ text: String?, default d: Int, _ name: String) throws(UsageError) -> Int {
        guard let text else { return d }
        guard let n = Int(text), n > 0 else { throw UsageError("\(name) needs a positive whole number") }
        return n
    }
}

/// Formats with a fixed number of decimals, without Foundation's `String(format:)`.
func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = value < 0
    let scaled = Int64((abs(value) * scale).rounded())
    let whole = scaled / Int64(scale)
    var frac = String(scaled % Int64(scale))
    while frac.count < decimals { frac = "0" + frac }
    return (negative ? "-" : "") + String(whole) + (decimals > 0 ? "." + frac : "")
}

struct JournalBench {
    let parent: String
    let sales: Int
    let commits: Int
    let json: Bool

    /// A realistic register: the demo catalog, a supervisor logged in, a shift open.
    struct Setup {
        var state = RegisterState()
        var env: RegisterEnvironment
        var ctx = Context(now: Timestamp(milliseconds: 1_767_225_600_000), today: CivilDate(year: 2026, month: 1, day: 1))
        let items: [ItemID]

        init() {
            var vault = PinVault(key: Array(repeating: 0x5A, count: 32))
            try! vault.setPIN("4321", for: "boss")
            env = RegisterEnvironment(config: RegisterConfig(), catalog: DemoCatalog.catalog, pins: vault)
            items = DemoCatalog.catalog.items.values.filter { $0.unit == .piece }.map(\.id).sorted()
        }

        mutating func decide(_ c: Command) -> [RegisterEvent] {
            let d = state.decide(c, env, ctx)
            precondition(d.refusal == nil, "bench setup refused \(c): \(d.refusal!)")
            for e in d.events { try! state.apply(e) }
            return d.events
        }

        /// The events that open the day: an operator, a login, a shift.
        mutating func openDay() -> [RegisterEvent] {
            var events = [RegisterEvent.operatorAdded(Operator(id: "boss", name: "Boss", role: .supervisor))]
            try! state.apply(events[0])
            events += decide(.login(pin: "4321"))
            events += decide(.openShift(float: 20_000))
            return events
        }

        /// One sale of three demo items paid in cash, decided by the real register.
        mutating func sale(_ n: Int) -> [RegisterEvent] {
            var events: [RegisterEvent] = []
            for k in 0..<3 { events += decide(.addItem(items[(n * 7 + k * 13) % items.count], quantity: Int64(1 + k % 2))) }
            let due = try! state.openSale!.totals(.inclusive).total
            events += decide(.tender(Tender(kind: .cash, amount: (due / 1000 + 1) * 1000)))
            ctx.now.milliseconds += 20_000
            return events
        }
    }

    func measure() -> [BenchRow]? {
        guard let dir = makeTemporaryDirectory("\(parent)/kassa-bench") else {
            printError("kassa bench: cannot create a directory under \(parent)")
            return nil
        }
        defer { removeTree(dir) }
        let fs = fileSystemType(dir)
        if fs.name == "tmpfs" || fs.name == "ramfs" {
            printError("kassa bench: \(dir) is on \(fs.name): fdatasync costs nothing there; use --dir on a real disk")
            return nil
        }

        // 1. The real thing: completed-sale records appended durably, segments rotating.
        var setup = Setup()
        _ = setup.openDay()
        guard let completed = setup.sale(1).last, case .saleCompleted = completed else {
            printError("kassa bench: the demo sale did not complete")
            return nil
        }
        let payload = EventCodec.encode(completed)
        let recordSize = payload.count + 68
        let journalDir = dir + "/commits"
        var options = JournalOptions(registerID: 1)
        options.segmentSizeLimit = 128 << 10
        guard let journal = try? Journal.open(stateDirectory: journalDir, options: options, warning: { _ in }) else {
            printError("kassa bench: cannot open a journal in \(journalDir)")
            return nil
        }
        let entry = JournalEntry(type: completed.recordType, time: 0, payload: payload)
        var kassaLatencies: [UInt64] = []
        kassaLatencies.reserveCapacity(commits)
        let t0 = monotonicNanoseconds()
        for _ in 0..<commits {
            let s = monotonicNanoseconds()
            do { _ = try journal.append([entry], durable: true) } catch {
                printError("kassa bench: append failed: \(error)")
                return nil
            }
            kassaLatencies.append(monotonicNanoseconds() - s)
        }
        let kassaSeconds = Double(monotonicNanoseconds() - t0) / 1e9
        let segments = (try? PosixFileSystem().listDirectory(journalDir + "/journal").count) ?? 0

        // 2. The bare loop: the same number of records of the same size, write + fdatasync.
        let bare = bareLoop(dir + "/bare.bin", recordSize: recordSize, count: commits)
        guard let bare else { return nil }
        let p50 = percentile(bare.latencies, 0.5)
        let p99 = percentile(bare.latencies, 0.99)
        if p50 < 20_000 {
            printError("kassa bench: fdatasync takes \(fixed(Double(p50) / 1e6, 3)) ms on \(fs.name): it costs nothing here, so a commit rate would mean nothing; use --dir on a real disk")
            return nil
        }
        let commitsPerSecond = Double(commits) / kassaSeconds
        let barePerSecond = Double(commits) / bare.seconds

        // 3 and 4. A long history: replay speed, then open with a snapshot far behind.
        guard let history = buildHistory(dir + "/history") else { return nil }
        guard let replay = replayRows(dir + "/history", history: history) else { return nil }
        guard let open = measureOpenAndRefund(dir + "/history") else { return nil }

        let results: [BenchRow] = [
            ("file_system", .string(fs.name), fs.name),
            ("record_bytes", .int(Int64(recordSize)), "\(recordSize) bytes"),
            ("commits_per_s", .int(Int64(commitsPerSecond)), "\(Int(commitsPerSecond)) durable completed-sale commits/s (\(segments) segments)"),
            ("bare_commits_per_s", .int(Int64(barePerSecond)), "\(Int(barePerSecond)) bare write+fdatasync/s"),
            ("commit_ratio", .decimal(fixed(commitsPerSecond / barePerSecond, 3)), fixed(commitsPerSecond / barePerSecond * 100, 1) + " % of the bare loop"),
            ("kassa_commit_p50_ms", .decimal(fixed(Double(percentile(kassaLatencies, 0.5)) / 1e6, 3)), fixed(Double(percentile(kassaLatencies, 0.5)) / 1e6, 3) + " ms Kassa commit p50"),
            ("fdatasync_p50_ms", .decimal(fixed(Double(p50) / 1e6, 3)), fixed(Double(p50) / 1e6, 3) + " ms fdatasync p50"),
            ("fdatasync_p99_ms", .decimal(fixed(Double(p99) / 1e6, 3)), fixed(Double(p99) / 1e6, 3) + " ms fdatasync p99"),
        ] + replay + [
            ("open_1m_ms", .decimal(fixed(open.openMs, 1)), fixed(open.openMs, 1) + " ms from open to an accepted refund of receipt 1"),
        ]
        return results
    }

    /// The history and its replay alone; `keep` holds the history across runs.
    func measureReplayOnly(keep: String?) -> [BenchRow]? {
        if let keep { mkdir(keep, 0o700) }
        guard let dir = keep ?? makeTemporaryDirectory("\(parent)/kassa-bench") else {
            printError("kassa bench: cannot create a directory under \(parent)")
            return nil
        }
        defer { if keep == nil { removeTree(dir) } }
        let history: (records: UInt64, snapshotLag: UInt64)
        if let existing = try? JournalReader(stateDirectory: dir + "/history"), existing.registerID != 0,
           let built = try? Journal.open(stateDirectory: dir + "/history",
                                         options: JournalOptions(registerID: Ledger.journalKey("R1")), warning: { _ in }) {
            history = (built.lastSeq, built.lastSeq - (built.snapshot?.throughSeq ?? 0))
        } else {
            guard let built = buildHistory(dir + "/history") else { return nil }
            history = built
        }
        return replayRows(dir + "/history", history: history)
    }

    func replayRows(_ dir: String, history: (records: UInt64, snapshotLag: UInt64)) -> [BenchRow]? {
        guard let replay = measureReplay(dir), let split = measureSplit(dir) else { return nil }
        func ms(_ key: String, _ seconds: Double, _ what: String) -> BenchRow {
            (key, .decimal(fixed(seconds * 1000, 0)), fixed(seconds * 1000, 0) + " ms " + what)
        }
        return [
            ("history_sales", .int(Int64(sales)), "\(sales) sales, \(history.records) records, snapshot \(history.snapshotLag) records behind the tail"),
            ("replay_records_per_s", .int(Int64(replay.full)), "\(Int(replay.full)) records/s replayed (CRC, chain, decode, fold) of \(replay.records)"),
            ms("replay_cpu_ms", replay.cpu, "of CPU time for that replay, all threads (on a busy machine the wall clock waits for cores)"),
            ("open_walk_records_per_s", .int(Int64(replay.journalOnly)), "\(Int(replay.journalOnly)) records/s checked by the journal's open alone (CRC, chain)"),
            ms("split_read_crc_ms", split.readAndCRC, "reading, framing and CRC32C of every record (one core, each part on its own)"),
            ms("split_hashing_ms", split.hashing, "SHA-256 chain hashing"),
            ms("split_decoding_ms", split.decoding, "decoding the events"),
            ms("split_folding_ms", split.folding, "folding them into the register state"),
        ]
    }

    /// The parts of a replay, each timed as the difference between two walks over the whole
    /// journal on one thread: CRC alone, then with the chain, with decoding, with decoding and
    /// folding. The replay itself may run parts side by side; these say what each costs.
    func measureSplit(_ dir: String) -> (readAndCRC: Double, hashing: Double, decoding: Double, folding: Double)? {
        guard let reader = try? JournalReader(stateDirectory: dir) else {
            printError("kassa bench: cannot read the history")
            return nil
        }
        func timed(chain: Bool, _ body: (JournalRecordView) throws -> Void) -> Double? {
            let t0 = monotonicNanoseconds()
            guard (try? reader.forEachRecord(fromSeq: 1, verifyingChain: chain, body)) == .some(nil) else {
                printError("kassa bench: the history did not read back whole")
                return nil
            }
            return Double(monotonicNanoseconds() - t0) / 1e9
        }
        var state = RegisterState()
        guard let crc = timed(chain: false, { _ in }),
              let chain = timed(chain: true, { _ in }),
              let decode = timed(chain: false, { _ = try EventCodec.decode($0.payload) }),
              let fold = timed(chain: false, { try state.apply(try EventCodec.decode($0.payload)) }) else { return nil }
        return (crc, max(0, chain - crc), max(0, decode - crc), max(0, fold - decode))
    }

    func bareLoop(_ path: String, recordSize: Int, count: Int) -> (seconds: Double, latencies: [UInt64])? {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            printError("kassa bench: cannot create \(path)")
            return nil
        }
        defer { close(fd) }
        let record = [UInt8](repeating: 0xA5, count: recordSize)
        var latencies: [UInt64] = []
        latencies.reserveCapacity(count)
        let t0 = monotonicNanoseconds()
        for _ in 0..<count {
            let n = record.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            let s = monotonicNanoseconds()
            guard n == recordSize, fdatasync(fd) == 0 else {
                printError("kassa bench: bare write failed")
                return nil
            }
            latencies.append(monotonicNanoseconds() - s)
        }
        return (Double(monotonicNanoseconds() - t0) / 1e9, latencies)
    }

    /// Writes `sales` sales through the ledger (syncing in bulk), with a snapshot a little more
    /// than 10,000 records before the end.
    func buildHistory(_ dir: String) -> (records: UInt64, snapshotLag: UInt64)? {
        do {
            let ledger = try Ledger(stateDirectory: dir, registerID: "R1", snapshotInterval: UInt64.max, warning: { _ in })
            var setup = Setup()
            try ledger.record(setup.openDay(), at: setup.ctx.now)
            let first = setup.sale(1)
            try ledger.record(first, at: setup.ctx.now, deferSync: true)
            // Every sale has the same number of events, so the snapshot point is known ahead.
            let perSale = first.count
            let snapshotAfterSale = max(1, sales - (10_000 / perSale + 1))
            if snapshotAfterSale == 1 { try ledger.snapshot() }
            var pending: [RegisterEvent] = []
            for n in stride(from: 2, through: sales, by: 1) {
                pending += setup.sale(n)
                if pending.count >= 4096 || n == snapshotAfterSale || n == sales {
                    try ledger.record(pending, at: setup.ctx.now, deferSync: true)
                    pending.removeAll(keepingCapacity: true)
                }
                if n == snapshotAfterSale { try ledger.snapshot() }
            }
            try ledger.journal.sync()
            return (ledger.journal.lastSeq, UInt64((sales - snapshotAfterSale) * perSale))
        } catch {
            printError("kassa bench: building the history failed: \(error)")
            return nil
        }
    }

    /// Full replay without a snapshot, on a copy of the journal directory alone: first the
    /// journal's own open (CRC, sequence and chain of every record), then the ledger's (that open,
    /// plus decoding every event and folding it into the register state).
    func measureReplay(_ dir: String) -> (records: UInt64, journalOnly: Double, full: Double, cpu: Double)? {
        let copy = dir + "-replay"
        guard system("mkdir -p '\(copy)' && cp -r '\(dir)/journal' '\(copy)/journal'") == 0 else {
            printError("kassa bench: cannot copy the journal for the replay run")
            return nil
        }
        defer { removeTree(copy) }
        let t0 = monotonicNanoseconds()
        guard let journal = try? Journal.open(stateDirectory: copy, options: JournalOptions(registerID: Ledger.journalKey("R1")),
                                              warning: { _ in }) else {
            printError("kassa bench: the journal did not open")
            return nil
        }
        let journalSeconds = Double(monotonicNanoseconds() - t0) / 1e9
        let records = journal.lastSeq
        let cpu0 = processCPUSeconds()
        let t1 = monotonicNanoseconds()
        guard (try? Ledger(stateDirectory: copy, registerID: "R1", warning: { _ in })) != nil else {
            printError("kassa bench: replay failed")
            return nil
        }
        let fullSeconds = Double(monotonicNanoseconds() - t1) / 1e9
        return (records, Double(records) / journalSeconds, Double(records) / fullSeconds, processCPUSeconds() - cpu0)
    }

    /// User and system time of this process so far, every thread's.
    private func processCPUSeconds() -> Double {
        var t = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 else { return 0 }
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    func measureOpenAndRefund(_ dir: String) -> (openMs: Double, Void)? {
        let t0 = monotonicNanoseconds()
        guard let ledger = try? Ledger(stateDirectory: dir, registerID: "R1", warning: { _ in }),
              let (original, _) = try? ledger.sale(receipt: 1) else {
            printError("kassa bench: opening the history failed")
            return nil
        }
        var setup = Setup()
        setup.state = ledger.state
        let d = ledger.state.decide(.refund(original: original, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash,
                                            override: nil), setup.env, setup.ctx)
        let ms = Double(monotonicNanoseconds() - t0) / 1e6
        guard d.refusal == nil else {
            printError("kassa bench: the refund of receipt 1 was refused: \(d.refusal!)")
            return nil
        }
        return (ms, ())
    }
}

func percentile(_ values: [UInt64], _ p: Double) -> UInt64 {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

/// A new directory `PREFIX-XXXXXX` (mkdtemp), or nil.
func makeTemporaryDirectory(_ prefix: String) -> String? {
    var template = Array((prefix + "-XXXXXX").utf8CString)
    return template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
}

func removeTree(_ path: String) {
    _ = system("rm -rf '\(path)'")
}

func fileSystemType(_ path: String) -> (name: String, magic: Int) {
    var s = statfs()
    guard statfs(path, &s) == 0 else { return ("unknown", 0) }
    let magic = Int(s.f_type)
    let names: [Int: String] = [
        0xEF53: "ext4", 0x5846_5342: "xfs", 0x9123_683E: "btrfs", 0xF2F5_2010: "f2fs", 0x0102_1994: "tmpfs",
        0x8584_58F6: "ramfs", 0x794C_7630: "overlayfs", 0x6969: "nfs", 0x6573_5546: "fuse", 0x4D44: "vfat",
        0x2FC1_2FC1: "zfs",
    ]
    return (names[magic] ?? "fs-0x" + String(magic, radix: 16), magic)
}

typealias BenchRow = (key: String, value: JSONValue, text: String)

/// kassad itself: how long from exec until it serves its socket, and how big it is.
struct StartupBench {
    func measure() -> [BenchRow]? {
        let kassad = LocalKassad.siblingExecutable("kassad")
        guard let dir = makeTemporaryDirectory("/var/tmp/kassa-start-bench") else { return nil }
        defer { removeTree(dir) }
        var times: [UInt64] = []
        for run in 0..<5 {
            let socket = dir + "/s\(run).sock"
            let t0 = monotonicNanoseconds()
            let started: ChildProcess
            do {
                started = try LocalKassad.start(["--demo", "--state-dir", dir + "/state", "--socket", socket], socket: socket,
                                                log: dir + "/log", pollMilliseconds: 1)
            } catch {
                printError("kassa bench: \(error)")
                return nil
            }
            times.append(monotonicNanoseconds() - t0)
            started.terminate()
        }
        let startMs = Double(percentile(times, 0.5)) / 1e6
        let size = fileSize(kassad)
        let strippedPath = dir + "/kassad.stripped"
        let stripped = runQuietly("/usr/bin/strip", ["-o", strippedPath, kassad]) ? fileSize(strippedPath) : 0
        let bytes = (try? readWholeFile(kassad)) ?? []
        let dynamicRuntime = contains(bytes, Array("libswiftCore.so".utf8))
        return [
            ("start_ms", .decimal(fixed(startMs, 1)), fixed(startMs, 1) + " ms from exec to serving the socket (demo, fresh state; median of 5)"),
            ("size_mb", .decimal(fixed(Double(size) / 1e6, 1)), fixed(Double(size) / 1e6, 1) + " MB " + kassad),
            ("stripped_mb", .decimal(fixed(Double(stripped) / 1e6, 1)), fixed(Double(stripped) / 1e6, 1) + " MB stripped"
                + (dynamicRuntime ? " (Swift runtime linked dynamically: build with --static-swift-stdlib for the static figure)" : " (static Swift runtime)")),
            ("static_stdlib", .bool(!dynamicRuntime), dynamicRuntime ? "no" : "yes"),
        ]
    }

    private func fileSize(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }

    private func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return false }
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == first && Array(bytes[i..<(i + needle.count)]) == needle { return true }
            i += 1
        }
        return false
    }

    private func runQuietly(_ path: String, _ arguments: [String]) -> Bool {
        (try? ChildProcess(path, arguments, standardError: .nullDevice).wait()) == 0
    }
}

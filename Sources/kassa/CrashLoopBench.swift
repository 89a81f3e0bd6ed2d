#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaSystem

/// A register killed every few seconds through its whole history: the real kassad started on one
/// state directory again and again, sales streaming in from a client, and `kill -9` after a random
/// 1 to 4 seconds with a sale in flight. Every start is timed from exec to the greeting on the
/// socket, and kassad's `journal open` log line says how many records it replayed (those after
/// its newest snapshot). The figures are the median and the worst over the first and the last
/// `window` starts: what a register in a crash or power-cut loop costs once its history is long.
struct CrashLoopBench {
    let parent: String
    let kills: Int
    let window: Int
    /// The kassad to run: another build's can be measured with the same loop.
    let kassad: String
    var seed: UInt64 = 0x4B41_5353_41
    /// Leave the state directory here instead of removing it.
    var keep: String?

    struct Start {
        var nanoseconds: UInt64
        var replayed: Int64
        var records: Int64
    }

    func measure() -> [BenchRow]? {
        guard let dir = keep ?? makeTemporaryDirectory("\(parent)/kassa-crash-loop") else {
            printError("kassa bench: cannot create a directory under \(parent)")
            return nil
        }
        defer { if keep == nil { removeTree(dir) } }
        var random = SplitMix64(seed: seed)
        var starts: [Start] = []
        var sales = 0
        for _ in 0...kills {
            let log = dir + "/kassad.log"
            unlink(log)
            let socket = dir + "/kassad.sock"
            let t0 = monotonicNanoseconds()
            let kassad: ChildProcess
            do {
                kassad = try LocalKassad.start(["--demo", "--state-dir", dir + "/state", "--socket", socket], socket: socket, log: log,
                                               pollMilliseconds: 1, path: self.kassad)
            } catch {
                printError("kassa bench: \(error)")
                return nil
            }
            let elapsed = monotonicNanoseconds() - t0
            guard let opened = journalOpen(log) else {
                printError("kassa bench: no 'journal open' line in kassad's log (\(log))")
                kassad.signal(SIGKILL)
                kassad.wait()
                return nil
            }
            starts.append(Start(nanoseconds: elapsed, replayed: opened.records - opened.snapshot, records: opened.records))
            if starts.count == kills + 1 {
                kassad.terminate()
                break
            }
            let life = Int64(1_000 + random.next() % 3_000)
            sales += sell(socket: socket, forMilliseconds: life)
            kassad.signal(SIGKILL)
            kassad.wait()
        }
        let first = Array(starts.prefix(window)), last = Array(starts.suffix(window))
        func ms(_ ns: UInt64) -> String { fixed(Double(ns) / 1e6, 1) }
        func rows(_ name: String, _ part: [Start]) -> [BenchRow] {
            let p50 = percentile(part.map(\.nanoseconds), 0.5), worst = part.map(\.nanoseconds).max() ?? 0
            let replayed = part.map { UInt64($0.replayed) }
            return [
                ("crash_loop_\(name)_start_p50_ms", .decimal(ms(p50)), ms(p50) + " ms median start, \(name) \(part.count) starts"),
                ("crash_loop_\(name)_start_worst_ms", .decimal(ms(worst)), ms(worst) + " ms worst start, \(name) \(part.count) starts"),
                ("crash_loop_\(name)_replayed_p50", .int(Int64(percentile(replayed, 0.5))),
                 "\(percentile(replayed, 0.5)) records replayed at start (median), worst \(replayed.max() ?? 0)"),
                ("crash_loop_\(name)_replayed_worst", .int(Int64(replayed.max() ?? 0)), "\(replayed.max() ?? 0) records replayed at worst"),
            ]
        }
        return [
            ("crash_loop_kills", .int(Int64(kills)), "\(kills) kill -9 of \(kassad), 1 to 4 s apart, a sale in flight at each; \(sales) sales acknowledged"),
            ("crash_loop_records", .int(starts.last?.records ?? 0), "\(starts.last?.records ?? 0) records in the journal at the last start"),
        ] + rows("first", first) + rows("last", last)
    }

    /// Sells coffees as fast as kassad takes them for about `milliseconds`, then leaves a scan in
    /// flight for the kill. The number of sales acknowledged. Paid in cash: the demo's simulated
    /// card terminal keeps a log of its own that it reads at every start, which is not the
    /// register's start being measured here.
    func sell(socket: String, forMilliseconds milliseconds: Int64) -> Int {
        let end = monotonicMilliseconds() + milliseconds
        guard let client = try? IPCClient(path: socket, timeoutMilliseconds: 5_000) else { return 0 }
        _ = try? client.call(.login, args: ["pin": "1111"])
        _ = try? client.call(.shiftOpen, args: ["float": 10_000])
        if (try? client.call(.saleGet)) != .null { _ = try? client.call(.saleCancel, args: ["override_pin": "2222"]) }
        var sold = 0
        while monotonicMilliseconds() < end {
            guard (try? client.call(.saleScan, args: ["code": "101"])) != nil,
                  (try? client.call(.saleTender, args: ["kind": "cash", "amount": 290])) != nil else { break }
            sold += 1
        }
        try? client.send(Request(id: .int(1_000_000), op: Op.saleScan.name, args: ["code": "101"]))
        return sold
    }

    /// `records` and `snapshot` of kassad's `journal open` line (`snapshot=none` is 0).
    func journalOpen(_ log: String) -> (records: Int64, snapshot: Int64)? {
        guard let text = try? readWholeFile(log) else { return nil }
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") where line.contains("journal open") {
            var fields: [Substring: Substring] = [:]
            for word in line.split(separator: " ") {
                let pair = word.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[pair[0]] = pair[1] }
            }
            guard let records = fields["records"].flatMap({ Int64($0) }) else { return nil }
            return (records, fields["snapshot"].flatMap { Int64($0) } ?? 0)
        }
        return nil
    }
}

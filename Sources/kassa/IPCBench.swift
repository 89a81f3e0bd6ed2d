#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaSystem

/// `kassa bench ipc`: the real kassad, a 100,000-item catalog, and scans timed by the client.
struct IPCBench {
    let items: Int
    let requests: Int
    let json: Bool

    func measure() -> [BenchRow]? {
        guard let dir = makeTemporaryDirectory("/var/tmp/kassa-ipc-bench") else {
            printError("kassa bench: cannot create a temporary directory")
            return nil
        }
        defer { removeTree(dir) }
        let catalog = DemoCatalog.synthetic(count: items, seed: 1)
        let csv = Array(CatalogCSV.export(catalog, currency: .EUR).utf8)
        let csvPath = dir + "/catalog.csv"
        let fd = open(csvPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            printError("kassa bench: cannot write \(csvPath)")
            return nil
        }
        _ = try? writeAll(fd, csv)
        close(fd)
        let barcodes = catalog.items.values.filter { $0.unit == .piece }.compactMap(\.barcodes.first).sorted()

        guard let idle = daemon(dir + "/idle", catalog: nil) else { return nil }
        usleep(300_000)
        let rssIdle = residentMegabytes(idle.kassad.pid)
        idle.kassad.terminate()
        guard let loaded = daemon(dir + "/loaded", catalog: csvPath) else { return nil }
        defer { loaded.kassad.terminate() }
        usleep(300_000)
        let rssCatalog = residentMegabytes(loaded.kassad.pid)

        var latencies: [UInt64] = []
        latencies.reserveCapacity(requests)
        var random = SplitMix64(seed: 7)
        let started: UInt64
        do {
            let c = try IPCClient(path: loaded.socket)
            _ = try c.call(.login, args: ["pin": "1111"])
            _ = try c.call(.shiftOpen, args: ["float": 0])
            // Warm up first: the first requests meet a cold page cache and a fresh heap.
            for i in 0..<500 {
                _ = try c.call(.saleScan, args: ["code": .string(barcodes[random.next(below: barcodes.count)])])
                if i % 10 == 9 { _ = try c.call(.saleCancel) }
            }
            started = monotonicNanoseconds()
            for i in 0..<requests {
                let code = barcodes[random.next(below: barcodes.count)]
                let t0 = monotonicNanoseconds()
                _ = try c.call(.saleScan, args: ["code": .string(code)])
                latencies.append(monotonicNanoseconds() - t0)
                if i % 10 == 9 { _ = try c.call(.saleCancel) }
            }
        } catch {
            printError("kassa bench: \(error)")
            return nil
        }
        let seconds = Double(monotonicNanoseconds() - started) / 1e9
        let p50 = Double(percentile(latencies, 0.5)) / 1000
        let p99 = Double(percentile(latencies, 0.99)) / 1000
        let rows: [BenchRow] = [
            ("catalog_items", .int(Int64(items)), "\(items) items, \(requests) scans of random barcodes"),
            ("scan_p50_us", .decimal(fixed(p50, 1)), fixed(p50, 1) + " µs scan round trip p50"),
            ("scan_p99_us", .decimal(fixed(p99, 1)), fixed(p99, 1) + " µs scan round trip p99"),
            ("round_trips_per_s", .int(Int64(Double(requests) / seconds)), "\(Int(Double(requests) / seconds)) round trips/s (scans, and a cancel every 10)"),
            ("rss_idle_mb", .decimal(fixed(rssIdle, 1)), fixed(rssIdle, 1) + " MB kassad RSS idle (demo catalog)"),
            ("rss_catalog_mb", .decimal(fixed(rssCatalog, 1)), fixed(rssCatalog, 1) + " MB kassad RSS with the \(items)-item catalog"),
        ]
        return rows
    }

    func daemon(_ dir: String, catalog: String?) -> (kassad: ChildProcess, socket: String)? {
        let socket = dir + ".sock"
        var arguments = ["--demo", "--state-dir", dir, "--socket", socket]
        if let catalog { arguments += ["--catalog", catalog] }
        do {
            return (try LocalKassad.start(arguments, socket: socket, log: dir + ".log"), socket)
        } catch {
            printError("kassa bench: \(error)")
            return nil
        }
    }

    /// VmRSS from /proc/PID/status, in MB.
    func residentMegabytes(_ pid: pid_t) -> Double {
        guard let bytes = try? readWholeFile("/proc/\(pid)/status") else { return 0 }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return Double(kb) / 1024
        }
        return 0
    }
}

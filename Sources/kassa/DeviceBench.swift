#if canImport(Glibc)
import Glibc
#endif
import CLinux
import KassaCore
import KassaIPC
import KassaSystem

/// `kassa bench devices`: the real kassad with a scanner and a customer display on
/// pseudo-terminals and a network printer on TCP, timed from outside.
///
/// Scan to display: from writing a random catalog barcode into the scanner's pty to reading the
/// display's whole frame from the display's pty. Idle CPU: kassad's user + system time while
/// nothing happens but its timers and the printer's status polls, scaled to an hour.
struct DeviceBench {
    let scans: Int
    let idleSeconds: Int
    let json: Bool

    func measure() -> [BenchRow]? {
        guard let dir = makeTemporaryDirectory("/var/tmp/kassa-dev-bench") else {
            printError("kassa bench: cannot create a temporary directory")
            return nil
        }
        defer { removeTree(dir) }
        guard let scanner = Pty(), let display = Pty(), let printer = FakePrinterThread() else {
            printError("kassa bench: cannot make pseudo-terminals or the fake printer")
            return nil
        }
        let config = Array("""
            [device.printer]
            tcp = 127.0.0.1:\(printer.port)

            [device.display]
            serial = \(display.path)
            command_set = epson

            [device.scanner]
            serial = \(scanner.path)

            """.utf8)
        let configPath = dir + "/kassa.conf"
        let fd = open(configPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return nil }
        _ = try? writeAll(fd, config)
        close(fd)

        let socket = dir + "/kassad.sock"
        let kassad: ChildProcess
        do {
            kassad = try LocalKassad.start(["--demo", "--state-dir", dir + "/state", "--socket", socket, "--config", configPath],
                                           socket: socket, log: dir + "/kassad.log")
        } catch {
            printError("kassa bench: \(error)")
            return nil
        }
        defer { kassad.terminate() }
        guard let c = try? IPCClient(path: socket, timeoutMilliseconds: 2000) else {
            printError("kassa bench: kassad did not answer on \(socket)")
            return nil
        }
        let barcodes = DemoCatalog.items.compactMap(\.barcodes.first)
        // An Epson display frame: cursor to 1,1, 20 cells, cursor to 1,2, 20 cells.
        let frame = 48
        var latencies: [UInt64] = []
        latencies.reserveCapacity(scans)
        do {
            _ = try c.call(.login, args: ["pin": "1111"])
            _ = try c.call(.shiftOpen, args: ["float": 0])
            var ready = false
            for _ in 0..<250 where !ready {
                ready = try c.call(.devicesList, as: [DeviceReply].self).allSatisfy { $0.state != "offline" }
                if !ready { usleep(20_000) }
            }
            guard ready else {
                printError("kassa bench: the fake devices did not connect")
                return nil
            }
            display.drain()
            var random = SplitMix64(seed: 11)
            for i in 0..<(scans + 200) {
                let code = barcodes[random.next(below: barcodes.count)]
                let t0 = monotonicNanoseconds()
                scanner.write(code + "\r")
                guard display.read(count: frame, timeoutMilliseconds: 2000) else {
                    printError("kassa bench: scan \(i) reached no display within 2 s")
                    return nil
                }
                if i >= 200 { latencies.append(monotonicNanoseconds() - t0) }
                if i % 10 == 9 {
                    _ = try c.call(.saleCancel)
                    _ = display.read(count: frame, timeoutMilliseconds: 2000)
                }
            }
        } catch {
            printError("kassa bench: \(error); kassad's log ends:")
            let log = (try? readWholeFile(dir + "/kassad.log")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            printError(log.split(separator: "\n").suffix(15).joined(separator: "\n"))
            return nil
        }
        // Idle: every device attached, status polling on, nothing to do.
        usleep(1_000_000)
        let before = cpuSeconds(kassad.pid)
        let started = monotonicNanoseconds()
        sleep(UInt32(idleSeconds))
        let cpu = cpuSeconds(kassad.pid) - before
        let elapsed = Double(monotonicNanoseconds() - started) / 1e9
        let perHour = cpu / elapsed * 3600
        let polls = printer.polls

        let p50 = Double(percentile(latencies, 0.5)) / 1000
        let p99 = Double(percentile(latencies, 0.99)) / 1000
        let rows: [BenchRow] = [
            ("scans", .int(Int64(scans)), "\(scans) scans of random demo barcodes through the scanner's pty"),
            ("scan_to_display_p50_us", .decimal(fixed(p50, 1)), fixed(p50, 1) + " µs scan to display p50"),
            ("scan_to_display_p99_us", .decimal(fixed(p99, 1)), fixed(p99, 1) + " µs scan to display p99"),
            ("idle_seconds", .int(Int64(idleSeconds)), "\(idleSeconds) s idle with all devices attached (\(polls) status polls answered in all)"),
            ("idle_cpu_s_per_h", .decimal(fixed(perHour, 3)), fixed(perHour, 3) + " s of CPU per hour idle"),
        ]
        return rows
    }

    /// Time on CPU of all of `pid`'s threads, in seconds, from each thread's
    /// `/proc/PID/task/TID/schedstat` (nanoseconds; /proc/PID/stat counts only 10 ms ticks).
    func cpuSeconds(_ pid: pid_t) -> Double {
        guard let dir = opendir("/proc/\(pid)/task") else { return 0 }
        defer { closedir(dir) }
        var total: UInt64 = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.first?.isNumber == true, let bytes = try? readWholeFile("/proc/\(pid)/task/\(name)/schedstat"),
                  let first = String(decoding: bytes, as: UTF8.self).split(separator: " ").first, let ns = UInt64(first) else { continue }
            total += ns
        }
        return Double(total) / 1e9
    }
}

/// A pseudo-terminal whose slave kassad opens as a serial device.
final class Pty {
    let master: Int32
    let path: String

    init?() {
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else { return nil }
        path = String(cString: name)
    }

    deinit { close(master) }

    func write(_ text: String) {
        _ = try? writeAll(master, Array(text.utf8))
    }

    /// Reads until `count` bytes arrived; false after the timeout.
    func read(count: Int, timeoutMilliseconds: Int32) -> Bool {
        var got = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while got < count {
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, timeoutMilliseconds) > 0 else { return false }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, min($0.count, count - got)) }
            if n <= 0 { return false }
            got += n
        }
        return true
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&p, 1, 100) > 0, Glibc.read(master, &buffer, buffer.count) > 0 {}
    }
}

/// A network printer on 127.0.0.1 that answers status polls and end-of-job requests, on a
/// thread of its own so it answers while the benchmark sleeps.
final class FakePrinterThread {
    let port: UInt16
    private let state: UnsafeMutablePointer<FakePrinterState>

    init?() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard fd >= 0, bound == 0, listen(fd, 2) == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: addr.sin_port)
        state = .allocate(capacity: 1)
        state.initialize(to: FakePrinterState(listener: fd, polls: 0))
        var thread = pthread_t()
        guard pthread_create(&thread, nil, fakePrinterMain, state) == 0 else { return nil }
        pthread_detach(thread)
    }

    /// Status polls answered so far (read without a lock: a figure for the report only).
    var polls: Int { state.pointee.polls }
}

struct FakePrinterState {
    var listener: Int32
    var polls: Int
}

private func fakePrinterMain(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let state = raw!.assumingMemoryBound(to: FakePrinterState.self)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let peer = accept(state.pointee.listener, nil, nil)
        if peer < 0 { return nil }
        var pending: [UInt8] = []
        while true {
            let n = recv(peer, &buffer, buffer.count, 0)
            if n <= 0 { break }
            pending += buffer[0..<n]
            var replies: [UInt8] = []
            var i = 0
            while i + 2 < pending.count {
                if pending[i] == 0x10 && pending[i + 1] == 0x04 {
                    replies.append(0x12)
                    state.pointee.polls += 1
                    i += 3
                } else if pending[i] == 0x1D && pending[i + 1] == 0x72 && pending[i + 2] == 0x01 {
                    replies.append(0x00)
                    i += 3
                } else {
                    i += 1
                }
            }
            pending.removeFirst(i)
            if !replies.isEmpty { _ = send(peer, replies, replies.count, Int32(MSG_NOSIGNAL)) }
        }
        close(peer)
    }
}

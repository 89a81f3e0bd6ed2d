import Foundation
import CLinux
import Glibc
import Testing
import KassaCore
import KassaIPC
import KassaRuntime

/// A datagram socket standing in for systemd's NOTIFY_SOCKET.
final class NotifyListener {
    let path: String
    let fd: Int32

    init(path: String) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Every message received until `seconds` pass or `until` is seen.
    func messages(for seconds: Double, until: String? = nil) -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let text = String(decoding: buffer[..<n], as: UTF8.self)
            out.append(text)
            if let until, text.contains(until) { break }
        }
        return out
    }
}

@Suite("systemd, signals and configuration")
struct SystemdAndSignalTests {
    @Test func readyWatchdogAndStoppingReachTheNotifySocketAndSIGTERMExitsCleanly() throws {
        let scratch = NSTemporaryDirectory() + "kassa-notify-" + UUID().uuidString.prefix(8)
        let listener = NotifyListener(path: scratch)
        let d = Daemon(environment: ["NOTIFY_SOCKET": scratch, "WATCHDOG_USEC": "400000"])
        try d.start(waitForSocket: false)
        let first = listener.messages(for: 10, until: "READY=1")
        #expect(first.contains { $0.contains("READY=1") && $0.contains("STATUS=") })
        #expect(FileManager.default.fileExists(atPath: d.socket))
        let pings = listener.messages(for: 1.0)
        #expect(pings.filter { $0.contains("WATCHDOG=1") }.count >= 3)
        d.signal(SIGTERM)
        let last = listener.messages(for: 5, until: "STOPPING=1")
        #expect(last.contains { $0.contains("STOPPING=1") })
        d.process?.waitUntilExit()
        #expect(d.process?.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: d.socket))
    }

    @Test func kassadLeavesNoCoreDumpOfItsSecrets() throws {
        let d = Daemon()
        try d.start()
        let pid = try #require(d.process?.processIdentifier)
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"], "\(core)")
        #expect(d.stop() == 0)
    }

    @Test func SIGHUPReloadsTheConfigurationAndABrokenFileKeepsTheOldOne() throws {
        let config = NSTemporaryDirectory() + "kassa-" + UUID().uuidString.prefix(8) + ".conf"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try "[register]\nstore_name = \"Kahvila Yksi\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let d = Daemon(arguments: ["--demo", "--config", config])
        try d.start()
        #expect(try d.client().call(.status)["store"]?.stringValue == "Kahvila Yksi")
        try "[register]\nstore_name = \"Kahvila Kaksi\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        var store = ""
        for _ in 0..<100 {
            store = try d.client().call(.status)["store"]?.stringValue ?? ""
            if store == "Kahvila Kaksi" { break }
            usleep(20_000)
        }
        #expect(store == "Kahvila Kaksi")
        try "[register]\ncurrency = EUX\n".write(toFile: config, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        usleep(200_000)
        #expect(try d.client().call(.status)["store"]?.stringValue == "Kahvila Kaksi")
        #expect(d.log.contains("configuration not reloaded"))
        #expect(d.stop() == 0)
    }

    @Test func aBadFlagOrABrokenConfigurationStopsStartUpNamingFileLineAndKey() throws {
        let bad = Daemon(arguments: ["--demo", "--colour"])
        let p = try bad.start(waitForSocket: false)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(bad.log.contains("unknown argument '--colour'"))

        let config = NSTemporaryDirectory() + "kassa-" + UUID().uuidString.prefix(8) + ".conf"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try "[register]\nid = till-9\ncurrency = EUX\n".write(toFile: config, atomically: true, encoding: .utf8)
        let broken = Daemon(arguments: ["--config", config])
        let q = try broken.start(waitForSocket: false)
        q.waitUntilExit()
        #expect(q.terminationStatus != 0)
        #expect(broken.log.contains(":3:"))
        #expect(broken.log.contains("currency"))
        #expect(broken.log.contains("EUX"))
    }

    @Test func aClockBehindTheJournalStopsSellingUntilTheTimeIsRight() throws {
        let d = Daemon()
        // A journal written by a register whose clock was a day ahead of ours.
        let tomorrow = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000)
        do {
            let ledger = try Ledger(stateDirectory: d.stateDirectory, registerID: "demo-1", warning: { _ in })
            try ledger.record([.operatorAdded(Operator(id: "x", name: "X", role: .technician))], at: tomorrow)
        }
        try d.start()
        let c = try d.client()
        let status = try c.call(.status)
        #expect(status["alarms"]?.arrayValue?.contains { $0["code"]?.stringValue == "clock_behind" } == true)
        #expect(c.errorCode(.saleScan, ["code": "101"]) == .clockBehind)
        #expect(c.errorCode(.shiftOpen, ["float": 0]) == .clockBehind)
        // Reads go on (`status` here: its only operator has no PIN on this box).
        #expect(try c.call(.status)["journal"] != nil)
    }
}

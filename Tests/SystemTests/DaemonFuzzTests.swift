import Foundation
import KassaIPC
import Testing

/// A fuzzing client against the running daemon: for a bounded time, random and mutated requests
/// (real operations with wrong, missing, odd or oversized arguments; broken JSON; binary junk;
/// over-long lines; guessed PINs). kassad must answer every well-framed request exactly once,
/// stay up, not grow without bound, and lose nothing it had recorded.
@Suite struct DaemonFuzzTests {
    /// A small seeded generator, so a failure can be replayed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    static let ops = ["status", "login", "logout", "sale.open", "sale.scan", "sale.add", "sale.void_line", "sale.discount_line",
                      "sale.override_price", "sale.discount", "sale.total", "sale.tender", "sale.complete", "sale.cancel",
                      "sale.park", "sale.resume", "sale.get", "refund", "receipt.reprint", "drawer.no_sale", "shift.open",
                      "shift.cash_in", "report.x", "catalog.lookup", "config.get", "config.set", "operator.list",
                      "devices.list", "journal.status", "technician", "no.such.op", ""]
    static let keys = ["code", "quantity", "pin", "kind", "amount", "line", "percent_bp", "receipt", "float", "key", "value",
                       "lines", "reason", "park_id", "override_pin", "item"]

    func value(_ r: inout Random) -> JSONValue {
        switch r.below(9) {
        case 0: return .int(Int64(bitPattern: r.next()))
        case 1: return .int(Int64(r.below(400)) - 50)
        case 2: return .string(r.pick(["101", "6400001000012", "1111", "2222", "cash", "card", "", "ä€\u{0}", "9999"]))
        case 3: return .string(String(repeating: "x", count: r.below(3000)))
        case 4: return .bool(r.below(2) == 0)
        case 5: return .null
        case 6: return .array((0..<r.below(4)).map { _ in .int(Int64(r.below(5))) })
        case 7: return ["line": .int(Int64(r.below(3))), "quantity": .int(Int64(r.below(3)))]
        default: return .decimal("1.5e3")
        }
    }

    func residentKB(_ pid: Int32) -> Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return line.split(separator: " ").compactMap { Int($0) }.first ?? 0
    }

    /// Writes raw bytes on a fresh connection, which is then dropped.
    func raw(_ socket: String, _ bytes: [UInt8]) {
        guard let client = try? IPCClient(path: socket, timeoutMilliseconds: 200) else { return }
        try? client.sendRaw(bytes)
        _ = try? client.nextEvent()
    }

    @Test func randomAndMutatedRequestsNeitherCrashNorGrowKassadNorLoseARecordedSale() throws {
        let d = Daemon()
        try d.start()
        let pid = try #require(d.process?.processIdentifier)
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        let sold = try c.call(.saleTender, args: ["kind": "cash", "amount": 10_000])
        #expect(sold["completed"]?["receipt"]?.intValue == 1)

        var r = Random(state: 20261128)
        var requests = 0
        var replies = 0
        var junk = 0
        var rssAfterWarmUp = 0
        let start = Date()
        let fuzzer = try d.client()
        while Date().timeIntervalSince(start) < 8 {
            if rssAfterWarmUp == 0, Date().timeIntervalSince(start) > 1.5 { rssAfterWarmUp = residentKB(pid) }
            switch r.below(10) {
            case 0:
                // Broken JSON, binary junk, an over-long line, a flood of newlines.
                let kinds: [[UInt8]] = [
                    Array("{\"id\":1,\"op\":\"sale.scan\",\"args\":{\"code\":".utf8) + [0x0A],
                    (0..<r.below(512)).map { _ in UInt8(truncatingIfNeeded: r.next()) } + [0x0A],
                    [UInt8](repeating: 0x7B, count: 70_000) + [0x0A],
                    [UInt8](repeating: 0x0A, count: 1000),
                ]
                raw(d.socket, r.pick(kinds))
                junk += 1
            default:
                var args = JSONObject()
                for _ in 0..<r.below(4) { args[r.pick(Self.keys)] = value(&r) }
                let key: String? = r.below(3) == 0 ? "fuzz-\(r.below(50))" : nil
                requests += 1
                switch fuzzer.attempt(name: r.pick(Self.ops), args, key: key) {
                case .success: replies += 1
                case .failure(let e): if e.code != .internal || !e.message.contains("timed out") { replies += 1 }
                }
            }
        }
        let rssAtEnd = residentKB(pid)
        print("daemon fuzz: \(requests) requests (\(replies) answered), \(junk) junk writes; RSS \(rssAfterWarmUp) KB after warm-up, \(rssAtEnd) KB at the end")
        #expect(replies == requests, "every well-framed request gets exactly one reply")
        #expect(rssAtEnd - rssAfterWarmUp < 8 * 1024, "kassad grew from \(rssAfterWarmUp) KB to \(rssAtEnd) KB")
        #expect(d.process?.isRunning == true)
        // Still serving, and what was recorded before is intact.
        let after = try d.client()
        #expect(try after.call(.status)["register"]?.stringValue == "demo-1")
        _ = try after.call(.technician, args: ["pin": "3333"])
        #expect(try after.call(.receiptReprint, args: ["receipt": 1])["text"]?.arrayValue?.isEmpty == false)
        #expect(d.stop() == 0)
        #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)
    }
}

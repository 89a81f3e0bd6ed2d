import Foundation
import KassaIPC
import KassaSystem
import KassaTestSupport

/// A real kassad on a temporary state directory, started and stopped by a test.
final class Daemon {
    let directory: String
    /// The journal and secrets; socket and log stay in `directory` (a read-only state must not
    /// stop the test from starting kassad).
    let stateDirectory: String
    var socket: String { directory + "/kassad.sock" }
    var logPath: String { directory + "/kassad.log" }
    private(set) var process: Process?
    private var extraArguments: [String]
    private var environment: [String: String]

    init(arguments: [String] = ["--demo"], environment: [String: String] = [:], stateUnder parent: String? = nil) {
        directory = NSTemporaryDirectory() + "kassa-sys-" + UUID().uuidString.prefix(8)
        stateDirectory = (parent ?? directory) + "/state"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        extraArguments = arguments
        self.environment = environment
    }

    deinit {
        if let p = process, p.isRunning { kill(p.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    func setArguments(_ arguments: [String]) { extraArguments = arguments }
    func setEnvironment(_ variables: [String: String]) { environment = variables }

    /// Starts kassad and waits until it greets on its socket.
    @discardableResult
    func start(waitForSocket: Bool = true) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Run.binary("kassad"))
        p.arguments = ["--state-dir", stateDirectory, "--socket", socket] + extraArguments
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = nil
        env["WATCHDOG_USEC"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardError = log
        p.standardOutput = log
        try p.run()
        process = p
        if waitForSocket { try waitUntilServing() }
        return p
    }

    /// Waits until kassad listens (generously: a loaded machine starts it slowly) and greets.
    func waitUntilServing(timeoutMilliseconds: Int64 = 30_000) throws {
        let waited = try waitUntilAccepting(unixSocket: socket, timeoutMilliseconds: timeoutMilliseconds) {
            process?.isRunning ?? true
        }
        if waited == .abandoned, let p = process { throw DaemonError("kassad exited (\(p.terminationStatus)): \(log)") }
        guard waited == .accepting, (try? IPCClient(path: socket, timeoutMilliseconds: 5_000)) != nil else {
            throw DaemonError("kassad did not serve \(socket) in time: \(log)")
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until kassad's log says `text`, polling with a limit generous for a busy machine;
    /// whether it came.
    @discardableResult
    func waitForLog(_ text: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !log.contains(text), Date() < deadline { usleep(20_000) }
        return log.contains(text)
    }

    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func signal(_ s: Int32) {
        guard let p = process else { return }
        kill(p.processIdentifier, s)
    }

    /// Sends SIGTERM and waits for the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let p = process else { return -1 }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    func restart() throws {
        if process != nil { kill9() }
        try start()
    }

    func client() throws -> IPCClient { try IPCClient(path: socket, timeoutMilliseconds: 5000) }

    /// Runs the kassa CLI against this daemon; `stdin` feeds PIN prompts.
    func kassa(_ args: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let r = try Run.kassa(args, stdin: stdin, environment: ["KASSA_SOCKET": socket])
        return (r.status, r.stdout, r.stderr)
    }
}

struct DaemonError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

extension IPCClient {
    /// Calls and returns either the result or the error code, for tests that expect refusals.
    func attempt(_ op: Op, _ args: JSONObject = [:], key: String? = nil) -> Result<JSONValue, IPCError> {
        attempt(name: op.name, args, key: key)
    }

    /// The same by the name on the wire, for names no client of ours would send.
    func attempt(name: String, _ args: JSONObject = [:], key: String? = nil) -> Result<JSONValue, IPCError> {
        do { return .success(try call(name: name, args: args, idempotencyKey: key)) } catch {
            if case .remote(let e) = error { return .failure(e) }
            return .failure(IPCError(.internal, "\(error)"))
        }
    }

    /// Logs the demo cashier in and opens a shift with no float: the start of most tests.
    func readyToSell() throws {
        _ = try call(.login, args: ["pin": "1111"])
        _ = try call(.shiftOpen, args: ["float": 0])
    }

    /// The X report as a technician's session on this connection reads it (a cashier may not
    /// while a shift is open: the close is a blind count).
    func xReport() throws -> JSONValue {
        _ = try call(.technician, args: ["pin": "3333"])
        return try call(.reportX)
    }

    func errorCode(_ op: Op, _ args: JSONObject = [:], key: String? = nil) -> ErrorCode? {
        errorCode(name: op.name, args, key: key)
    }

    func errorCode(name: String, _ args: JSONObject = [:], key: String? = nil) -> ErrorCode? {
        if case .failure(let e) = attempt(name: name, args, key: key) { return e.code }
        return nil
    }
}

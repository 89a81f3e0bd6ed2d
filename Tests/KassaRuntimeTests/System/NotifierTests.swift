import Glibc
import KassaIPC
import KassaSystem
import Testing
@testable import KassaRuntime

/// A datagram socket standing in for systemd's notify socket.
private final class FakeSystemd {
    let path: String
    let fd: Int32
    private let directory: String?

    init(abstract: Bool = false) throws {
        if abstract {
            directory = nil
            path = "@kassa-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        } else {
            var template = Array("/tmp/kassa-notify-XXXXXX".utf8CString)
            directory = String(cString: mkdtemp(&template)!)
            path = directory! + "/notify"
        }
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let bound = try UnixSocketAddress(path).withSockaddr { bind(fd, $0, $1) }
        #expect(bound == 0)
    }

    deinit {
        close(fd)
        if let directory {
            unlink(path)
            rmdir(directory)
        }
    }

    func receive() -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 1000) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return n < 0 ? nil : String(decoding: buffer[..<n], as: UTF8.self)
    }
}

@Suite struct SystemdNotify {
    @Test func readyStatusAndStoppingArriveAsDatagrams() throws {
        let systemd = try FakeSystemd()
        let notifier = try #require(try SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.path]))
        try notifier.ready(status: "listening on\n/run/kassa/kassad.sock")
        #expect(systemd.receive() == "READY=1\nSTATUS=listening on /run/kassa/kassad.sock")
        try notifier.status("selling")
        #expect(systemd.receive() == "STATUS=selling")
        try notifier.stopping()
        #expect(systemd.receive() == "STOPPING=1")
        #expect(notifier.watchdogIntervalMilliseconds == nil)
    }

    @Test func anAbstractSocketNameWorks() throws {
        let systemd = try FakeSystemd(abstract: true)
        let notifier = try SystemdNotifier(socketPath: systemd.path)
        try notifier.watchdog()
        #expect(systemd.receive() == "WATCHDOG=1")
    }

    @Test func theProcessEnvironmentIsReadForTheNotifyVariablesOnly() {
        // Read-only: setenv would race with other tests' getenv in this multithreaded process.
        let env = SystemdNotifier.processEnvironment()
        #expect(env["PATH"] == nil)
        #expect(env["NOTIFY_SOCKET"] == getenv("NOTIFY_SOCKET").map { String(cString: $0) })
    }

    @Test func withoutNotifySocketThereIsNoNotifier() throws {
        #expect(try SystemdNotifier.fromEnvironment([:]) == nil)
        #expect(try SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": ""]) == nil)
    }

    @Test func aMissingSocketIsAnErrorNotACrash() throws {
        let notifier = try SystemdNotifier(socketPath: "/nonexistent/notify")
        #expect(throws: SystemError.self) { try notifier.ready() }
    }

    @Test func theWatchdogPingsAtHalfTheTimeoutAndOnlyForItsOwnProcess() {
        #expect(SystemdNotifier.watchdogInterval(microseconds: "10000000", pid: nil, ownPID: 7) == 5_000)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "10000000", pid: "7", ownPID: 7) == 5_000)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "10000000", pid: "8", ownPID: 7) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "0", pid: nil, ownPID: 7) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "soon", pid: nil, ownPID: 7) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: nil, pid: nil, ownPID: 7) == nil)
        #expect(SystemdNotifier.watchdogInterval(microseconds: "1", pid: nil, ownPID: 7) == 1)
    }

    @Test func theReactorLoopItselfSendsWatchdogPings() throws {
        let systemd = try FakeSystemd()
        let notifier = try #require(try SystemdNotifier.fromEnvironment(
            ["NOTIFY_SOCKET": systemd.path, "WATCHDOG_USEC": "20000", "WATCHDOG_PID": String(getpid())]))
        #expect(notifier.watchdogIntervalMilliseconds == 10)
        let reactor = try Reactor()
        try reactor.startWatchdog(notifier) { Issue.record("ping failed: \($0)") }
        var pings = 0
        try reactor.add(systemd.fd, events: .readable) { [unowned reactor] _ in
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = buffer.withUnsafeMutableBytes { recv(systemd.fd, $0.baseAddress, $0.count, 0) }
            #expect(String(decoding: buffer[..<max(0, n)], as: UTF8.self) == "WATCHDOG=1")
            pings += 1
            if pings == 3 { reactor.stop() }
        }
        try reactor.addTimer(after: 2_000) { [unowned reactor] in
            Issue.record("no pings")
            reactor.stop()
        }
        try reactor.run()
        #expect(pings == 3)
    }
}

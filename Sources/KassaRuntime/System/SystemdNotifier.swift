import CLinux
import Glibc
import KassaIPC
import KassaSystem

/// systemd's notify protocol, spoken directly (no libsystemd): newline-separated `KEY=value`
/// assignments in one datagram to the Unix socket named by `NOTIFY_SOCKET`.
///
/// Sends never block the reactor (MSG_DONTWAIT): a notification systemd cannot take right now is
/// reported to the caller, not waited for.
public final class SystemdNotifier {
    public let socketPath: String
    /// How often to send WATCHDOG=1: half of systemd's timeout, as sd_watchdog_enabled(3) advises.
    public let watchdogIntervalMilliseconds: Int64?
    private let address: UnixSocketAddress
    private let fd: Int32

    public init(socketPath: String, watchdogIntervalMilliseconds: Int64? = nil) throws(SystemError) {
        self.socketPath = socketPath
        self.watchdogIntervalMilliseconds = watchdogIntervalMilliseconds
        address = try UnixSocketAddress(socketPath)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .last("socket(AF_UNIX, SOCK_DGRAM)") }
    }

    deinit { close(fd) }

    /// The notifier systemd asked for through the environment (the process's own by default),
    /// or nil when not run under `Type=notify`.
    public static func fromEnvironment(_ environment: [String: String] = SystemdNotifier.processEnvironment(),
                                       ownPID: Int32 = getpid()) throws(SystemError) -> SystemdNotifier? {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        let interval = watchdogInterval(microseconds: environment["WATCHDOG_USEC"],
                                        pid: environment["WATCHDOG_PID"], ownPID: ownPID)
        return try SystemdNotifier(socketPath: path, watchdogIntervalMilliseconds: interval)
    }

    /// The variables systemd sets for the notify protocol, as this process sees them.
    public static func processEnvironment() -> [String: String] {
        var found: [String: String] = [:]
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(key) { found[key] = String(cString: value) }
        }
        return found
    }

    /// The ping interval for `WATCHDOG_USEC`, or nil when the watchdog is off or meant for another
    /// process (`WATCHDOG_PID` names someone else, e.g. a wrapper that exec'd us is gone).
    public static func watchdogInterval(microseconds: String?, pid: String?, ownPID: Int32) -> Int64? {
        guard let text = microseconds, let usec = UInt64(text), usec > 0 else { return nil }
        if let pid, Int32(pid) != ownPID { return nil }
        return max(1, Int64(usec / 2_000))
    }

    /// Sends assignments as one datagram.
    public func notify(_ assignments: [String]) throws(SystemError) {
        var message: [UInt8] = []
        for (i, a) in assignments.enumerated() {
            if i > 0 { message.append(0x0A) }
            message.append(contentsOf: a.utf8)
        }
        let sent = message.withUnsafeBytes { bytes in
            address.withSockaddr { sa, len in
                sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), sa, len)
            }
        }
        guard sent == message.count else { throw .last("sendto(\(socketPath))") }
    }

    public func ready(status: String? = nil) throws(SystemError) {
        try notify(["READY=1"] + (status.map { [SystemdNotifier.statusLine($0)] } ?? []))
    }

    public func status(_ text: String) throws(SystemError) {
        try notify([SystemdNotifier.statusLine(text)])
    }

    public func watchdog() throws(SystemError) {
        try notify(["WATCHDOG=1"])
    }

    public func stopping(status: String? = nil) throws(SystemError) {
        try notify(["STOPPING=1"] + (status.map { [SystemdNotifier.statusLine($0)] } ?? []))
    }

    /// A newline inside STATUS would start a new assignment, so it becomes a space.
    private static func statusLine(_ text: String) -> String {
        "STATUS=" + String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}

extension Reactor {
    /// Pings systemd's watchdog from a reactor timer. Because the ping is sent by the loop itself, a
    /// loop stuck in a callback stops pinging and systemd restarts kassad. Does nothing when the
    /// watchdog is off. Failed pings go to `onFailure` (typically the log).
    public func startWatchdog(_ notifier: SystemdNotifier, onFailure: @escaping (SystemError) -> Void) throws(SystemError) {
        guard let interval = notifier.watchdogIntervalMilliseconds else { return }
        try addTimer(after: interval, repeating: interval, label: "the watchdog ping") {
            do throws(SystemError) { try notifier.watchdog() } catch { onFailure(error) }
        }
    }
}

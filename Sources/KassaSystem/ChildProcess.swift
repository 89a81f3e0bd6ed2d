import CLinux
import Glibc

/// A program we started (posix_spawn), until it has ended and been reaped. Dropping this object
/// neither stops nor reaps the program: stop it with `terminate()` or wait for it.
///
/// The program gets its three standard streams and no other descriptor of ours, whether or not
/// it was opened close-on-exec: a socket or pty of another thread must not live on in it. It
/// starts with a clean signal state whatever ours is: nothing blocked and the usual signals at
/// their default action. `kassa demo` blocks SIGINT and SIGTERM to wait for them, and
/// test runners block or ignore others; a child inheriting that would not stop on SIGTERM, or
/// would never reap its own children.
public final class ChildProcess {
    /// Where one of the program's standard streams goes.
    public enum Stream: Sendable {
        case inherited
        case nullDevice
        /// A file, created when missing (mode 0640); appended to, or else emptied first.
        case file(String, append: Bool = false)
        /// A descriptor of ours, such as a pipe's end.
        case descriptor(Int32)
    }

    public let pid: pid_t
    /// The exit code once reaped.
    private var ended: Int32?

    private static let resetSignals = [SIGCHLD, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGWINCH, SIGUSR1, SIGUSR2]

    /// Starts `path` (looked up on PATH when `searchingPath`) with `arguments`, in our environment
    /// or in `environment` ("NAME=value" entries) when given.
    public init(_ path: String, _ arguments: [String], searchingPath: Bool = false, environment: [String]? = nil,
                standardInput: Stream = .inherited, standardOutput: Stream = .inherited,
                standardError: Stream = .inherited) throws(SystemError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), standardInput), (1, standardOutput), (2, standardError)] {
            let writing = target != 0
            switch stream {
            case .inherited:
                break
            case .nullDevice:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", writing ? O_WRONLY : O_RDONLY, 0)
            case .file(let file, let append):
                let flags = writing ? O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) : O_RDONLY
                posix_spawn_file_actions_addopen(&actions, target, file, flags, 0o640)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var nothing = sigset_t()
        sigemptyset(&nothing)
        posix_spawnattr_setsigmask(&attributes, &nothing)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in ChildProcess.resetSignals { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }
        let spawn = searchingPath ? posix_spawnp : posix_spawn
        var pid = pid_t()
        let rc = if let envp { spawn(&pid, path, &actions, &attributes, argv, envp) } else {
            spawn(&pid, path, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else { throw SystemError("posix_spawn(\(path))", errno: rc) }
        self.pid = pid
    }

    /// Whether the program still runs; reaps it, without waiting, once it has ended.
    public var isRunning: Bool {
        guard ended == nil else { return false }
        var status: Int32 = 0
        guard retryingEINTR({ waitpid(pid, &status, WNOHANG) }) == pid else { return true }
        ended = ChildProcess.exitCode(status)
        return false
    }

    /// Waits for the program to end; its exit code, or 128 + the signal that ended it (as a shell
    /// reports it); -1 when it cannot be waited for (reaped by someone else).
    @discardableResult
    public func wait() -> Int32 {
        if let ended { return ended }
        var status: Int32 = 0
        let code = retryingEINTR({ waitpid(pid, &status, 0) }) == pid ? ChildProcess.exitCode(status) : -1
        ended = code
        return code
    }

    /// Sends `number` unless the program has already been reaped (its pid may be someone else's now).
    public func signal(_ number: Int32) {
        if ended == nil { kill(pid, number) }
    }

    /// SIGTERM, then waits for the end; the exit code as `wait()` returns it.
    @discardableResult
    public func terminate() -> Int32 {
        signal(SIGTERM)
        return wait()
    }

    private static func exitCode(_ status: Int32) -> Int32 {
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

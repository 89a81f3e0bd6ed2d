#if canImport(Glibc)
import Glibc
#endif
import KassaIPC
import KassaSystem

/// A kassad this kassa starts for itself (`kassa demo`, the benchmarks), built next to it.
enum LocalKassad {
    /// The path of another of our executables, next to this one.
    static func siblingExecutable(_ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return name }
        let me = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return me.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + name
    }

    /// Starts kassad with `arguments` (which name `socket`) and returns once it greets on the
    /// socket. Its standard error goes to the end of `log` when given. `pollMilliseconds` is how
    /// often the socket is tried: a benchmark of the start-up time asks for 1.
    /// `path` is the kassad to run: by default the one built next to this kassa.
    static func start(_ arguments: [String], socket: String, log: String? = nil, pollMilliseconds: Int64 = 10,
                      path: String = siblingExecutable("kassad")) throws(CommandFailure) -> ChildProcess {
        let kassad: ChildProcess
        do throws(SystemError) {
            kassad = try ChildProcess(path, arguments, standardError: log.map { .file($0, append: true) } ?? .inherited)
        } catch {
            throw CommandFailure(.failure, "cannot start \(path) (is it built next to kassa?): \(error)")
        }
        let waited = try? waitUntilAccepting(unixSocket: socket, intervalMilliseconds: pollMilliseconds) { kassad.isRunning }
        if waited == .abandoned {
            throw CommandFailure(.failure, "kassad stopped at start; see its log " + (log.map { "in \($0)" } ?? "above"))
        }
        // Listening is not yet serving: the greeting is.
        if waited == .accepting, (try? IPCClient(path: socket, timeoutMilliseconds: 5_000)) != nil { return kassad }
        kassad.terminate()
        throw CommandFailure(.failure, "kassad did not answer on \(socket)")
    }
}

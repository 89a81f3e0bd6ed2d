#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaRegisterUI

/// `kassa demo`: the register on its embedded default, in a temporary directory, in the foreground.
enum DemoCommand {
    static let usage = """
        usage: kassa demo [--state-dir DIR]
          Starts kassad --demo (demo catalog, demo operators, simulated printer, drawer and display)
          and opens the register on it (kassa register) when run on a terminal; kassad's log goes
          to DIR/kassad.log then. Without a terminal it prints what to type and keeps kassad
          running until Ctrl-C. Without --state-dir everything lives in a temporary directory
          that is removed at the end.
        """

    static func run(_ args: inout Arguments) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let given = try args.option("--state-dir")
        try args.finish()
        let dir: String
        if let given {
            dir = given
        } else {
            guard let made = makeTemporaryDirectory("/tmp/kassa-demo") else {
                throw CommandFailure(.failure, "cannot create a temporary directory")
            }
            dir = made
        }
        defer { if given == nil { removeTree(dir) } }
        let socket = dir + "/kassad.sock"
        let kassad = siblingExecutable("kassad")
        var st = stat()
        guard stat(kassad, &st) == 0 else {
            throw CommandFailure(.failure, "kassad is not built next to kassa (\(kassad)): run swift build first")
        }

        // Ctrl-C and SIGTERM are waited for, not delivered: block them here, unblock them in kassad.
        var handled = sigset_t()
        sigemptyset(&handled)
        for s in [SIGINT, SIGTERM, SIGCHLD] { sigaddset(&handled, s) }
        sigprocmask(SIG_BLOCK, &handled, nil)
        let interactive = isatty(0) == 1 && isatty(1) == 1
        let pid = try spawn(kassad, ["--demo", "--state-dir", dir + "/state", "--socket", socket],
                            log: interactive ? dir + "/kassad.log" : nil)

        var ready = false
        for _ in 0..<200 {
            if (try? IPCClient(path: socket, timeoutMilliseconds: 1000)) != nil {
                ready = true
                break
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw CommandFailure(.failure, "kassad stopped at start; see its log above") }
            usleep(50_000)
        }
        guard ready else {
            kill(pid, SIGTERM)
            throw CommandFailure(.failure, "kassad did not answer on \(socket)")
        }
        if interactive {
            var failure: RegisterProgram.Failure?
            do { try RegisterProgram.run(socket: socket) } catch { failure = error }
            // Everything is stopped and removed before the last words, which say it is over.
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            if given == nil { removeTree(dir) }
            if let failure { throw CommandFailure(.failure, "\(failure)") }
            print(given == nil ? "kassa demo: stopped" : "kassa demo: stopped (kassad's log: \(dir)/kassad.log)")
            return .ok
        }
        let packaged = DemoCatalog.items.first { !$0.barcodes.isEmpty }
        let example = packaged.map { "kassa scan \($0.barcodes[0])   # \($0.name)" } ?? "kassa scan 102"
        print("""

            Kassa demo is running (state in \(dir)). In another terminal:

                export KASSA_SOCKET=\(socket)
                alias kassa=\(siblingExecutable("kassa"))
                echo 1111 | kassa login          # anna, cashier   (2222 sami, supervisor; 3333 tero, technician)
                kassa shift open 100
                kassa scan 101                   # coffee; 102, 103… café items, or any EAN-13 of the demo catalog
                \(example)
                kassa total
                kassa pay cash 20
                kassa report x
                kassa watch                      # events as they happen

            Receipts go to \(dir)/state/printer.out and to the log below. Ctrl-C stops the demo.

            """)
        fflushStandardOutput()

        var signal: Int32 = 0
        while true {
            sigwait(&handled, &signal)
            if signal == SIGCHLD {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    printError("kassa demo: kassad stopped (status \(status))")
                    return .failure
                }
                continue
            }
            break
        }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        print("kassa demo: stopped")
        return .ok
    }

    /// The path of another of our executables, next to this one.
    static func siblingExecutable(_ name: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return name }
        let me = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return me.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/" + name
    }

    /// Starts a program with the signals we block unblocked again, so it handles them itself;
    /// its standard error goes to `log` when given.
    static func spawn(_ path: String, _ arguments: [String], log: String? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let log {
            posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw CommandFailure(.failure, "cannot start \(path): error \(rc)") }
        return pid
    }
}

#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaRegisterUI
import KassaSystem

/// `kassa demo`: the register on its embedded default, in a temporary directory, in the foreground.
enum DemoCommand {
    static let usage = """
        usage: kassa demo [--state-dir DIR]
          Starts kassad --demo (demo catalog, demo operators, simulated printer, drawer and display)
          and opens the register on it (kassa register) when run on a terminal; kassad's log goes
          to DIR/kassad.log then. Without a terminal it prints what to type and keeps kassad
          running until Ctrl-C. Before the screen opens it says where kassad's socket is and
          how to attach the CLI and `kassa console` to it from another terminal.
          Without --state-dir everything lives in a temporary directory that is removed at the
          end, journal, receipts and all: give --state-dir DIR to keep them.
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
        let kassadPath = LocalKassad.siblingExecutable("kassad")
        var st = stat()
        guard stat(kassadPath, &st) == 0 else {
            throw CommandFailure(.failure, "kassad is not built next to kassa (\(kassadPath)): run swift build first")
        }

        // Ctrl-C and SIGTERM are waited for, not delivered: block them here, unblock them in kassad.
        var handled = sigset_t()
        sigemptyset(&handled)
        for s in [SIGINT, SIGTERM, SIGCHLD] { sigaddset(&handled, s) }
        sigprocmask(SIG_BLOCK, &handled, nil)
        let interactive = isatty(0) == 1 && isatty(1) == 1
        let kassad = try LocalKassad.start(["--demo", "--state-dir", dir + "/state", "--socket", socket], socket: socket,
                                           log: interactive ? dir + "/kassad.log" : nil)
        if interactive {
            print(attach(dir: dir, socket: socket, kept: given != nil))
            print("Press Enter to open the register screen (Ctrl-C there ends the demo).", terminator: "")
            fflushStandardOutput()
            _ = readLine()
            var failure: RegisterProgram.Failure?
            do { try RegisterProgram.run(socket: socket) } catch { failure = error }
            // Everything is stopped and removed before the last words, which say it is over.
            kassad.terminate()
            if given == nil { removeTree(dir) }
            if let failure { throw CommandFailure(.failure, "\(failure)") }
            print(given == nil ? "kassa demo: stopped" : "kassa demo: stopped (kassad's log: \(dir)/kassad.log)")
            return .ok
        }
        print(attach(dir: dir, socket: socket, kept: given != nil) + "Ctrl-C stops the demo.\n")
        fflushStandardOutput()

        var signal: Int32 = 0
        while true {
            sigwait(&handled, &signal)
            if signal == SIGCHLD {
                if !kassad.isRunning {
                    printError("kassa demo: kassad stopped (status \(kassad.wait()))")
                    return .failure
                }
                continue
            }
            break
        }
        kassad.terminate()
        print("kassa demo: stopped")
        return .ok
    }

    /// Where the demo's socket is, and how to reach the register from another terminal.
    static func attach(dir: String, socket: String, kept: Bool) -> String {
        let packaged = DemoCatalog.items.first { !$0.barcodes.isEmpty }
        let example = packaged.map { "kassa scan \($0.barcodes[0])   # \($0.name)" } ?? "kassa scan 102"
        return """

            Kassa demo is running: kassad's socket is \(socket)
            In another terminal, the command line and the technician's console reach it with:

                export KASSA_SOCKET=\(socket)
                alias kassa=\(LocalKassad.siblingExecutable("kassa"))
                kassa console                    # the technician's console (3333 is tero's PIN, a technician)
                echo 1111 | kassa login          # anna, cashier   (2222 sami, supervisor; 3333 tero, technician)
                kassa shift open 100
                kassa scan 101                   # coffee; 102, 103… café items, or any EAN-13 of the demo catalog
                \(example)
                kassa sale
                kassa pay cash 20
                kassa receipt render \(dir)/state/printer.out   # the receipts the simulated printer printed
                kassa watch                      # events as they happen

            The simulated printer writes its ESC/POS bytes to \(dir)/state/printer.out.
            \(kept ? "The state stays in \(dir)." : "Everything in \(dir) is removed when the demo ends (--state-dir DIR keeps it).")

            """
    }
}

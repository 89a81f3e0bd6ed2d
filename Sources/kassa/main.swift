#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaSystem

/// `kassa`: the command line for a Kassa register: talks to kassad over its socket, reads a
/// journal offline, and measures (`kassa bench`).
let topUsage = """
    usage: kassa [--socket PATH] [--json] COMMAND [ARGS…]

    \(RegisterCommands.usage)

    The register screen:
      register [--socket PATH]     the cashier's full-screen register on this terminal (F1 or ? for keys)

    Try it:
      demo [--state-dir DIR]       start kassad --demo in a temporary directory and open the register
                                   on it (on a terminal; otherwise say what to type next)

    The technician:
      console [--tty DEV --baud N] the technician's console (serial line, or standard input)

    Offline (a state directory, no kassad needed):
      udev-rules                   print the udev rules generated from the device table
      receipt render FILE          ESC/POS bytes (the demo's printer.out) shown as the printed text
      journal verify|dump|export   check, dump or export the journal
      report sales|export-z --state-dir DIR   sales reports and Z closings from the journal
      bench journal|ipc|devices|reports  measure durable commits, replay, start-up; IPC round trips, RSS;
                                   scan-to-display latency and idle CPU with devices

      --version                    print the version
      --help                       this text; COMMAND --help for each command

    Exit codes: 0 done, 1 refused or failed (the reason is on standard error), 2 usage error,
    3 kassad cannot be reached.
    """

func printError(_ text: String) {
    _ = try? writeAll(2, Array((text + "\n").utf8))
}

func fflushStandardOutput() {
    fflush(nil)
}

/// Writes the buffer to standard output and empties it.
func flush(_ out: inout [UInt8]) {
    _ = try? writeAll(1, out)
    out.removeAll(keepingCapacity: true)
}

/// Creates or replaces a file with `text`; false when it cannot be written.
func writeTextFile(_ path: String, _ text: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return false }
    let written = (try? writeAll(fd, Array(text.utf8))) != nil
    return close(fd) == 0 && written
}

func runKassa(_ argv: [String]) -> ExitCode {
    var args = Arguments(argv)
    do {
        if args.flag("--version") {
            print("kassa \(KassaCore.version)")
            return .ok
        }
        // `kassa --socket PATH COMMAND`: taken before looking for the command, or PATH would be
        // read as the command's name.
        let leadingSocket = args.words.first.map { $0 == "--socket" || $0.hasPrefix("--socket=") } == true
        let socket = leadingSocket ? try args.option("--socket") : nil
        guard let command = args.optionalPositional() else {
            print(topUsage)
            return args.flag("--help") ? .ok : .usage
        }
        switch command {
        case "help":
            print(topUsage)
            return .ok
        case "journal":
            if args.words.first == "status" {
                _ = args.optionalPositional()
                return try RegisterCommands.run("journal-status", &args, socket: socket)
            }
            if args.words.first == "recover" {
                _ = args.optionalPositional()
                return try RegisterCommands.run("journal-recover", &args, socket: socket)
            }
            return try JournalCommands.run(&args)
        case "demo":
            return try DemoCommand.run(&args)
        case "register":
            return try RegisterUICommand.run(&args, socket: socket)
        case "udev-rules":
            return try UdevRulesCommand.run(&args)
        case "receipt":
            return try ReceiptCommand.run(&args)
        case "console":
            return try ConsoleCommand.run(&args, socket: socket)
        case "report" where ReportCommands.subcommands.contains(args.words.first ?? ""):
            return try ReportCommands.run(&args, socket: socket)
        case let c where RegisterCommands.commands.contains(c):
            return try RegisterCommands.run(c, &args, socket: socket)
        case "bench":
            return try BenchCommands.run(&args)
        default:
            throw UsageError("unknown command '\(command)'; try kassa --help")
        }
    } catch let failure as CommandFailure {
        printError("kassa: \(failure)")
        return failure.code
    } catch {
        printError("kassa: \(error)")
        return .usage
    }
}

signal(SIGPIPE, SIG_IGN)
exit(runKassa(Array(CommandLine.arguments.dropFirst())).rawValue)

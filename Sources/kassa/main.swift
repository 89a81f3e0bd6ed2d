#if canImport(Glibc)
import Glibc
#endif
import KassaCore

/// `kassa`: the command line for a Kassa register: talks to kassad over its socket, reads a
/// journal offline, and measures (`kassa bench`).
let topUsage = """
    usage: kassa [--socket PATH] COMMAND [ARGS…]

    Offline (a state directory, no kassad needed):
      journal verify|dump|export   check, dump or export the journal
      bench journal                measure durable commits, replay and start-up

      --version                    print the version
      --help                       this text; COMMAND --help for each command
    """

func printError(_ text: String) {
    var bytes = Array((text + "\n").utf8)
    writeAll(2, &bytes)
}

/// Writes the buffer to standard output and empties it.
func flush(_ out: inout [UInt8]) {
    writeAll(1, &out)
}

func writeAll(_ fd: Int32, _ out: inout [UInt8]) {
    out.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
    }
    out.removeAll(keepingCapacity: true)
}

func runKassa(_ argv: [String]) -> ExitCode {
    var args = Arguments(argv)
    do throws(UsageError) {
        if args.flag("--version") {
            print("kassa \(KassaCore.version)")
            return .ok
        }
        guard let command = args.optionalPositional() else {
            print(topUsage)
            return args.flag("--help") ? .ok : .usage
        }
        switch command {
        case "help":
            print(topUsage)
            return .ok
        case "journal":
            return try JournalCommands.run(&args)
        case "bench":
            return try BenchCommands.run(&args)
        default:
            throw UsageError("unknown command '\(command)'; try kassa --help")
        }
    } catch {
        printError("kassa: \(error)")
        return .usage
    }
}

signal(SIGPIPE, SIG_IGN)
exit(runKassa(Array(CommandLine.arguments.dropFirst())).rawValue)

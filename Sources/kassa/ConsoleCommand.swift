import Glibc
import KassaConsole

/// `kassa console [--tty DEVICE --baud N]`: the technician's console on a serial line, or on
/// standard input and output when run as a login program under a serial getty.
enum ConsoleCommand {
    static let usage = """
        usage: kassa [--socket PATH] console [--tty DEVICE [--baud N]]
          --tty DEVICE   open and configure the serial line itself (raw, 8N1), e.g. /dev/ttyS0
          --baud N       1200 to 230400; default 115200
        Without --tty it runs on standard input and output.
        """

    static func run(_ args: inout Arguments, socket: String?) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let path = try Session.socketPath(socket, &args)
        let tty = try args.option("--tty")
        let baudText = try args.option("--baud")
        try args.finish()
        guard let baud = Int(baudText ?? "115200") else { throw UsageError("--baud needs a number, not '\(baudText ?? "")'") }
        if tty == nil, baudText != nil { throw UsageError("--baud goes with --tty") }
        let terminal: Terminal
        if let tty {
            do { terminal = try Terminal(device: tty, baud: baud) } catch { throw CommandFailure(.failure, "\(error)") }
        } else {
            terminal = Terminal()
        }
        defer { terminal.restore() }
        var options = Console.Options(socket: path)
        if let dir = getenv("KASSA_NETWORK_DIR") { options.system.networkDirectory = String(cString: dir) }
        let status = Console(terminal: terminal, options: options).run()
        return status == 0 ? .ok : .failure
    }
}

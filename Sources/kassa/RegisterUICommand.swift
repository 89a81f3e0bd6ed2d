import KassaRegisterUI

/// `kassa register`: the cashier's full-screen register on this terminal.
enum RegisterUICommand {
    static let usage = """
        usage: kassa register [--socket PATH]
          The cashier's full-screen register (Linux console or any terminal): log in with a PIN,
          sell, take payment, refund, park, run the shift; F1 or ? lists every key. It reconnects
          by itself when kassad restarts. Ctrl-C quits.
        """

    static func run(_ args: inout Arguments, socket: String?) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let path = try Session.socketPath(socket, &args)
        try args.finish()
        do {
            try RegisterProgram.run(socket: path)
        } catch {
            throw CommandFailure(.usage, "register: \(error)")
        }
        return .ok
    }
}

#if canImport(Glibc)
import Glibc
#endif
import KassaSystem

/// The terminal the register runs on: raw mode through termios (restored on every way out),
/// its size, and writes. Only what `TERM=linux` has: cursor positioning, clear, 16 colours.
final class Terminal {
    let input: Int32
    let output: Int32
    private var mode: TerminalMode?

    init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    /// Raw mode: no echo, no line editing, no signals from keys (Ctrl-C is a key), bytes as
    /// they come. Output processing stays on.
    func enterRawMode() -> Bool {
        guard let mode = try? TerminalMode(input), (try? mode.set(when: TCSAFLUSH, { $0.makeRawInput() })) != nil else {
            return false
        }
        self.mode = mode
        Terminal.restoreOnExit = mode.original
        Terminal.restoreFD = input
        return true
    }

    /// Back to how the terminal was, cursor shown and colours reset, screen cleared.
    func restore() {
        write("\u{1B}[0m\u{1B}[2J\u{1B}[H\u{1B}[?25h")
        mode?.restore(when: TCSAFLUSH)
        mode = nil
    }

    /// Rows and columns; 80×25 when the terminal does not say.
    var size: (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 25)
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { SystemCall.write(output, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EAGAIN { continue }
            if n <= 0 { return }
            done += n
        }
    }

    /// What a fatal signal restores before the process dies (set once, by `enterRawMode`).
    nonisolated(unsafe) static var restoreOnExit = termios()
    nonisolated(unsafe) static var restoreFD: Int32 = -1

    /// SIGWINCH only interrupts poll(); SIGTERM, SIGHUP and SIGINT restore the terminal and end.
    static func installSignalHandlers() {
        var winch = sigaction()
        winch.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&winch.sa_mask)
        winch.sa_flags = 0
        sigaction(SIGWINCH, &winch, nil)
        // A parent may have blocked it; the others stay as the parent chose (kassa demo waits
        // for SIGINT and SIGTERM itself, to stop its kassad).
        var resize = sigset_t()
        sigemptyset(&resize)
        sigaddset(&resize, SIGWINCH)
        sigprocmask(SIG_UNBLOCK, &resize, nil)
        var stop = sigaction()
        stop.__sigaction_handler.sa_handler = { sig in
            if Terminal.restoreFD >= 0 {
                let reset: [UInt8] = Array("\u{1B}[0m\u{1B}[2J\u{1B}[H\u{1B}[?25h".utf8)
                _ = reset.withUnsafeBytes { Glibc.write(1, $0.baseAddress!, $0.count) }
                tcsetattr(Terminal.restoreFD, TCSAFLUSH, &Terminal.restoreOnExit)
            }
            signal(sig, SIG_DFL)
            raise(sig)
        }
        sigemptyset(&stop.sa_mask)
        for s in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] { sigaction(s, &stop, nil) }
    }
}

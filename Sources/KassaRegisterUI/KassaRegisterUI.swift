#if canImport(Glibc)
import Glibc
#endif
import KassaIPC
import KassaSystem

/// KassaRegisterUI: the cashier's full-screen register, a client of kassad's IPC protocol
/// (PROTOCOL.md) for the Linux console (tty1, 80×25 and up, 16 colours, no mouse) and any
/// terminal emulator.
///
/// It owns the screen and the keyboard and nothing else: the sale, the operator, the shift and
/// every decision are kassad's. It never keeps state that matters, so after kassad restarts it
/// reconnects by itself and shows the sale as kassad has it. One thread: poll() over the
/// terminal and the socket; events pushed by kassad redraw the screen at once.
/// It must never import KassaRuntime, touch the journal or a device, or log a card number.
public enum RegisterProgram {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// How often an unchanged screen is written again whole.
    static let repaintMilliseconds: Int64 = 10_000

    /// Runs the register on the controlling terminal until Ctrl-C (or SIGTERM); the terminal is
    /// restored on the way out.
    public static func run(socket path: String) throws(Failure) {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw Failure(description: "the register needs a terminal (run it on a console or in a terminal emulator)")
        }
        let terminal = Terminal()
        guard terminal.enterRawMode() else { throw Failure(description: "cannot put the terminal in raw mode") }
        Terminal.installSignalHandlers()
        defer { terminal.restore() }

        let app = RegisterApp(makeKey: IdempotencyKey.random)
        var connection: Connection?
        var nextAttempt: Int64 = 0
        var decoder = KeyDecoder()
        var shown: ScreenBuffer?
        var size = terminal.size
        var input = [UInt8](repeating: 0, count: 4096)
        var lastRepaint: Int64 = 0

        while !app.quitRequested {
            var now = monotonicMilliseconds()
            if connection == nil, now >= nextAttempt {
                if let c = Connection(path: path) {
                    connection = c
                    app.connected(c)
                } else {
                    app.disconnected()
                    nextAttempt = now + 300
                }
            }
            app.tick(now: now)

            // Draw what changed; everything after a resize or Ctrl-L.
            let current = terminal.size
            if current != size || app.needsFullRedraw {
                size = current
                shown = nil
                app.needsFullRedraw = false
            }
            app.screenSize = size
            if app.bellPending {
                terminal.write("\u{07}")
                app.bellPending = false
            }
            let screen = RegisterScreen.draw(app, width: size.width, height: size.height)
            if screen != shown {
                terminal.write(screen.render(over: shown))
                shown = screen
                lastRepaint = now
            } else if now - lastRepaint >= Self.repaintMilliseconds {
                // Kernel messages on tty1 or anything else written past us: painted over.
                terminal.write(screen.render(over: nil, clear: false))
                lastRepaint = now
            }

            var fds = [pollfd(fd: terminal.input, events: Int16(POLLIN), revents: 0)]
            if let c = connection { fds.append(pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)) }
            let timeout: Int64 = decoder.hasPending ? 30 : (connection == nil ? max(10, nextAttempt - now) : 1000)
            let ready = poll(&fds, nfds_t(fds.count), Int32(timeout))
            // Interrupted by a resize (SIGWINCH): the loop redraws.
            guard ready >= 0 else { continue }
            now = monotonicMilliseconds()
            if ready == 0, decoder.hasPending {
                for key in decoder.flush() { app.handle(key, now: now) }
            }
            if fds[0].revents != 0 {
                let n = input.withUnsafeMutableBytes { SystemCall.read(terminal.input, $0.baseAddress, $0.count) }
                if n == 0 || (n < 0 && errno != EAGAIN) { break }
                if n > 0 {
                    for key in decoder.feed(Array(input[..<n])) { app.handle(key, now: now) }
                }
            }
            if let c = connection, fds.count > 1, fds[1].revents != 0 {
                if let messages = c.receive() {
                    for m in messages { app.receive(m) }
                }
            }
            if let c = connection, !c.isOpen {
                connection = nil
                app.disconnected()
                nextAttempt = now + 200
            }
        }
    }
}

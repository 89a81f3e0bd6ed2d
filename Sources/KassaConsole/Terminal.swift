import Glibc
import KassaSystem

/// The technician's side of the console: a serial line opened and configured by us (`--tty`),
/// or standard input and output (under a serial getty). Raw mode, our own echo, CRLF out.
public final class Terminal {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let input: Int32
    let output: Int32
    private var ownsDescriptor: Bool
    private var mode: TerminalMode?
    /// Whether our echo should go back: not when the input is a pipe (a script).
    let echoes: Bool

    public static let baudRates: [Int: speed_t] = [
        1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
        19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600), 115200: speed_t(B115200),
        230400: speed_t(B230400),
    ]

    /// Opens a serial device: raw, 8N1, no flow control, at `baud`.
    public init(device: String, baud: Int) throws(Failure) {
        guard let speed = Terminal.baudRates[baud] else {
            let known = Terminal.baudRates.keys.sorted().map(String.init).joined(separator: ", ")
            throw Failure(description: "baud rate \(baud) is not one of \(known)")
        }
        let fd = open(device, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot open \(device): \(String(cString: strerror(errno)))") }
        let mode: TerminalMode
        do throws(SystemError) { mode = try TerminalMode(fd) } catch {
            close(fd)
            throw Failure(description: "\(device) is not a terminal: \(error.reason)")
        }
        do throws(SystemError) { try mode.set { $0.makeSerialLine(speed: speed) } } catch {
            close(fd)
            throw Failure(description: "cannot configure \(device): \(error.reason)")
        }
        self.mode = mode
        input = fd
        output = fd
        ownsDescriptor = true
        echoes = true
    }

    /// Standard input and output; raw mode when they are a terminal.
    public init() {
        input = 0
        output = 1
        ownsDescriptor = false
        if isatty(0) == 1, let mode = try? TerminalMode(0) {
            _ = try? mode.set { $0.makeRaw() }
            self.mode = mode
            echoes = true
        } else {
            echoes = false
        }
    }

    deinit { restore() }

    /// The line as it was found, and our descriptor closed; once.
    public func restore() {
        mode?.restore(when: TCSADRAIN)
        mode = nil
        if ownsDescriptor { close(input) }
        ownsDescriptor = false
    }

    /// Waits for bytes; nil at end of input or when the line is gone.
    func read() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = buffer.withUnsafeMutableBytes { SystemCall.read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EAGAIN { continue }
            if n <= 0 { return nil }
            return Array(buffer[..<n])
        }
    }

    /// Waits up to `milliseconds` for input to arrive, without reading it.
    func hasInput(within milliseconds: Int32) -> Bool {
        var p = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, milliseconds) > 0
    }

    func write(_ bytes: [UInt8]) {
        _ = try? writeAll(output, bytes)
    }
}

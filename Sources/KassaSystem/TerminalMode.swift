import Glibc

/// A terminal's settings as they were before we changed them. `set` applies a change to them,
/// `restore` (or the end of this object) puts them back, so every way out of a raw mode leaves
/// the terminal as it was found.
public final class TerminalMode {
    public let fd: Int32
    /// The settings found when this was made.
    public let original: termios
    private var changed = false

    /// Reads the settings of the terminal on `fd`; throws when `fd` is not a terminal.
    public init(_ fd: Int32) throws(SystemError) {
        var settings = termios()
        guard tcgetattr(fd, &settings) == 0 else { throw .last("tcgetattr") }
        self.fd = fd
        original = settings
    }

    deinit { restore() }

    /// Applies `change` made to the original settings; `when` is TCSANOW, TCSADRAIN (after the
    /// output has gone) or TCSAFLUSH (also dropping unread input).
    public func set(when: Int32 = TCSANOW, _ change: (inout termios) -> Void) throws(SystemError) {
        var settings = original
        change(&settings)
        guard retryingEINTR({ tcsetattr(fd, when, &settings) }) == 0 else { throw .last("tcsetattr") }
        changed = true
    }

    /// Puts the original settings back; nothing when they were never changed or already restored.
    public func restore(when: Int32 = TCSANOW) {
        guard changed else { return }
        var settings = original
        _ = retryingEINTR { tcsetattr(fd, when, &settings) }
        changed = false
    }
}

extension termios {
    /// Bytes as they come, both ways (cfmakeraw): no echo, no line editing, no signals from keys,
    /// no output processing. A read returns as soon as one byte is there.
    public mutating func makeRaw() {
        cfmakeraw(&self)
        returnEachByte()
    }

    /// Raw input for a full-screen program: no echo, no line editing, no signals from keys (Ctrl-C
    /// is a key), 8-bit bytes. Output processing stays on, so a newline still returns the carriage.
    public mutating func makeRawInput() {
        c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        c_cflag |= tcflag_t(CS8)
        returnEachByte()
    }

    /// A serial line: raw, 8 data bits, no parity, one stop bit, no flow control, the receiver on
    /// and the modem lines ignored, at `speed` both ways.
    public mutating func makeSerialLine(speed: speed_t) {
        makeRaw()
        c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CSIZE) | tcflag_t(CRTSCTS))
        c_cflag |= tcflag_t(CS8) | tcflag_t(CLOCAL) | tcflag_t(CREAD)
        c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        cfsetispeed(&self, speed)
        cfsetospeed(&self, speed)
    }

    private mutating func returnEachByte() {
        withUnsafeMutableBytes(of: &c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
    }
}

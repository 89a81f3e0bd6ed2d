import CLinux
import Glibc
import KassaSystem
import Testing

@Suite struct TerminalModeTests {
    /// Both ends of a fresh pseudo-terminal; the slave is the terminal a program would get.
    private static func pty() throws -> (master: Int32, slave: Int32) {
        let master = posix_openpt(O_RDWR | O_NOCTTY)
        guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0 else { throw SystemError.last("posix_openpt") }
        let slave = open(String(cString: ptsname(master)), O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { throw SystemError.last("open(pty)") }
        return (master, slave)
    }

    /// Everything of a terminal's settings that tcsetattr sets, comparable.
    private static func settings(_ fd: Int32) throws -> [UInt32] {
        let t = try TerminalMode(fd).original
        var all = [t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag, UInt32(t.c_line), t.c_ispeed, t.c_ospeed]
        withUnsafeBytes(of: t.c_cc) { all += $0.map { UInt32($0) } }
        return all
    }

    @Test func rawModeOnATerminalIsUndoneExactlyByRestore() throws {
        let (master, slave) = try Self.pty()
        defer { close(slave); close(master) }
        let before = try Self.settings(slave)
        let mode = try TerminalMode(slave)
        #expect(mode.original.c_lflag & tcflag_t(ICANON | ECHO) == tcflag_t(ICANON | ECHO))

        try mode.set { $0.makeRaw() }
        let raw = try TerminalMode(slave).original
        #expect(raw.c_lflag & tcflag_t(ICANON | ECHO | ISIG) == 0)
        #expect(try Self.settings(slave) != before)

        mode.restore()
        #expect(try Self.settings(slave) == before)
    }

    @Test func aModeLeftWithoutRestoreIsRestoredWhenItEnds() throws {
        let (master, slave) = try Self.pty()
        defer { close(slave); close(master) }
        let before = try Self.settings(slave)
        do {
            let mode = try TerminalMode(slave)
            try mode.set { $0.makeRawInput() }
            #expect(try Self.settings(slave) != before)
        }
        #expect(try Self.settings(slave) == before)
    }

    @Test func rawInputKeepsOutputProcessingSoANewlineStillReturnsTheCarriage() throws {
        let (master, slave) = try Self.pty()
        defer { close(slave); close(master) }
        let mode = try TerminalMode(slave)
        try mode.set { $0.makeRawInput() }
        let t = try TerminalMode(slave).original
        #expect(t.c_lflag & tcflag_t(ICANON | ECHO | ISIG) == 0)
        #expect(t.c_oflag & tcflag_t(OPOST) != 0)
    }

    @Test func aSerialLineIsEightNoneOneWithoutFlowControlAtItsSpeed() throws {
        let (master, slave) = try Self.pty()
        defer { close(slave); close(master) }
        let mode = try TerminalMode(slave)
        try mode.set { $0.makeSerialLine(speed: speed_t(B9600)) }
        var t = try TerminalMode(slave).original
        #expect(cfgetospeed(&t) == speed_t(B9600))
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(t.c_cflag & (tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS)) == 0)
        #expect(t.c_iflag & (tcflag_t(IXON) | tcflag_t(IXOFF)) == 0)
    }

    @Test func somethingThatIsNotATerminalIsRefused() throws {
        let pipe = try makePipe()
        defer { close(pipe.read); close(pipe.write) }
        #expect(throws: SystemError("tcgetattr", errno: ENOTTY)) { try TerminalMode(pipe.read) }
    }
}

import CLinux
import Glibc
import DeviceTestSupport
import Testing
@testable import KassaDevices

/// Serial ports and TCP connections over real descriptors: a pseudo-terminal stands in for the
/// serial device, a listening socket for the network printer.
@Suite struct StreamLinkTests {
    /// A pty pair: the master is the "device", the slave's path is what kassad opens.
    static func pty() -> (master: Int32, path: String) {
        let master = posix_openpt(O_RDWR | O_NOCTTY)
        grantpt(master)
        unlockpt(master)
        let path = String(cString: ptsname(master))
        let flags = fcntl(master, F_GETFL)
        _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
        return (master, path)
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return out }
            out += buffer[0..<n]
        }
    }

    @Test func aSerialPortOpensRawAndCarriesBytesBothWays() throws {
        let loop = PollLoop()
        let (master, path) = Self.pty()
        defer { close(master) }
        let link = try SerialPort.open(path, baud: 9600, loop: loop)
        var received: [UInt8] = []
        link.onReceive = { received += $0 }
        // Raw: CR, DEL and Ctrl-C arrive as bytes, not as line editing or signals.
        let bytes: [UInt8] = [0x31, 0x0D, 0x7F, 0x03, 0x0A]
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        #expect(loop.run { received.count == bytes.count })
        #expect(received == bytes)
        var done = false
        link.send([0x1B, 0x40, 0xD5]) { done = $0 == .sent }
        #expect(loop.run { done })
        var got: [UInt8] = []
        #expect(loop.run { got += Self.readAll(master); return got.count == 3 })
        #expect(got == [0x1B, 0x40, 0xD5])
        var t = termios()
        tcgetattr(master, &t)
        #expect(cfgetospeed(&t) == speed_t(B9600))
    }

    @Test func anUnsupportedBaudRateOrAMissingPortIsAClearError() {
        let loop = PollLoop()
        #expect(throws: DeviceError.self) { try SerialPort.open("/dev/null", baud: 1234, loop: loop) }
        do {
            _ = try SerialPort.open("/nonexistent/ttyUSB9", baud: 9600, loop: loop)
            Issue.record("opened a missing port")
        } catch {
            #expect(error.message.contains("No such file"))
        }
        do {
            _ = try SerialPort.open("/dev/null", baud: 9600, loop: loop)
            Issue.record("/dev/null is no serial port")
        } catch {
            #expect(error.message.contains("not a serial port"))
        }
    }

    @Test func theDeviceHangingUpClosesTheLinkOnce() throws {
        let loop = PollLoop()
        let (master, path) = Self.pty()
        let link = try SerialPort.open(path, baud: 115200, loop: loop)
        var closes = 0
        link.onClose = { _ in closes += 1 }
        close(master)
        #expect(loop.run { closes > 0 })
        loop.run(timeout: 100) { false }
        #expect(closes == 1)
        #expect(!link.isOpen)
    }

    /// A listening socket on an ephemeral port of 127.0.0.1.
    static func listener() -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 4)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    @Test func aNetworkPrinterConnectionCarriesBytesAndNoticesTheHangUp() throws {
        let loop = PollLoop()
        let (server, port) = Self.listener()
        defer { close(server) }
        var result: Result<StreamLink, DeviceError>?
        TCPConnector.connect(host: "127.0.0.1", port: port, loop: loop) { result = $0 }
        #expect(loop.run { result != nil })
        let link = try #require(try? result?.get())
        #expect(link.name == "tcp 127.0.0.1:\(port)")
        let peer = accept(server, nil, nil)
        var done = false
        link.send(Array("hello".utf8)) { done = $0 == .sent }
        #expect(loop.run { done })
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(recv(peer, &buffer, 16, 0) == 5)
        var received: [UInt8] = []
        link.onReceive = { received += $0 }
        _ = send(peer, [0x12], 1, 0)
        #expect(loop.run { received == [0x12] })
        var closed = false
        link.onClose = { _ in closed = true }
        close(peer)
        #expect(loop.run { closed })
    }

    @Test func aRefusedConnectionOrABadAddressFailsWithAReason() {
        let loop = PollLoop()
        let (server, port) = Self.listener()
        close(server)  // nobody listens there now
        var result: Result<StreamLink, DeviceError>?
        TCPConnector.connect(host: "127.0.0.1", port: port, loop: loop) { result = $0 }
        #expect(loop.run { result != nil })
        if case .failure(let e)? = result { #expect(e.message.contains("refused")) } else { Issue.record("connected to nobody") }
        var bad: Result<StreamLink, DeviceError>?
        TCPConnector.connect(host: "printer.example", port: 9100, loop: loop) { bad = $0 }
        if case .failure(let e)? = bad { #expect(e.message.contains("not an IP address")) } else { Issue.record("resolved a name") }
    }
}

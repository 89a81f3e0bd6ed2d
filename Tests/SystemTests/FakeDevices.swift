import CLinux
import Foundation

/// A network receipt printer for system tests: listens on 127.0.0.1, answers `10 04 n` status
/// polls and `1D 72 01` (end-of-job) like an Epson, and keeps every byte it was sent. It can be
/// "unplugged" mid-receipt: the connection and the listener close, and come back later.
final class FakeNetworkPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var port: UInt16 = 0
    private var listener: Int32 = -1
    private var connections: [[UInt8]] = []
    private var stopped = false
    /// Unplug once this many bytes of print data (not polls) have arrived on a connection.
    private var unplugAfter: Int?
    private var downForMilliseconds = 0
    /// What the status polls report.
    var drawerOpen: Bool {
        get { lock.lock(); defer { lock.unlock() }; return drawerSensorHigh }
        set { lock.lock(); drawerSensorHigh = newValue; lock.unlock() }
    }
    var paperOut: Bool {
        get { lock.lock(); defer { lock.unlock() }; return noPaper }
        set { lock.lock(); noPaper = newValue; lock.unlock() }
    }
    private var drawerSensorHigh = false
    private var noPaper = false

    init() throws {
        try listen()
        Thread.detachNewThread { [self] in serve() }
    }

    deinit { stop() }

    func stop() {
        lock.lock()
        stopped = true
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
        listener = -1
        lock.unlock()
    }

    /// The next connection is cut after `bytes` of print data; the printer stays away for `ms`.
    func unplugMidReceipt(after bytes: Int, downFor ms: Int) {
        lock.lock()
        unplugAfter = bytes
        downForMilliseconds = ms
        lock.unlock()
    }

    /// Everything received, one entry per connection.
    var received: [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return connections
    }

    /// The printable text of everything received on connection `i`, escape sequences dropped.
    func text(_ i: Int) -> String { Self.printable(received[i]) }

    static func printable(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x1B, 0x1D:
                // ESC/GS commands we send: 2 parameter-free bytes plus their arguments.
                let second = i + 1 < bytes.count ? bytes[i + 1] : 0
                let length: Int = [0x40: 2, 0x74: 3, 0x45: 3, 0x21: 3, 0x61: 3, 0x70: 5, 0x72: 3][second] ?? (second == 0x56 ? 4 : 2)
                i += length
                continue
            case 0x10:
                i += bytes.count > i + 1 && bytes[i + 1] == 0x14 ? 5 : 3
                continue
            default:
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func listen() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, Glibc.listen(fd, 4) == 0 else { close(fd); throw DaemonError("fake printer cannot listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: addr.sin_port)
        listener = fd
    }

    private func serve() {
        while true {
            lock.lock()
            let fd = listener
            let done = stopped
            lock.unlock()
            if done || fd < 0 { return }
            let peer = accept(fd, nil, nil)
            if peer < 0 { continue }
            lock.lock()
            connections.append([])
            let index = connections.count - 1
            lock.unlock()
            talk(peer, index)
        }
    }

    /// One connection: answers polls and end-of-job requests until the peer closes or we unplug.
    private func talk(_ peer: Int32, _ index: Int) {
        defer { close(peer) }
        var pending: [UInt8] = []
        var printData = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(peer, &buffer, buffer.count, 0)
            if n <= 0 { return }
            lock.lock()
            let limit = unplugAfter
            lock.unlock()
            pending += buffer[0..<n]
            var replies: [UInt8] = []
            var i = 0
            var cut = false
            while i < pending.count {
                if pending[i] == 0x10, i + 2 < pending.count, pending[i + 1] == 0x04 {
                    lock.lock()
                    switch pending[i + 2] {
                    case 1: replies.append(drawerSensorHigh ? 0x16 : 0x12)
                    case 2: replies.append(noPaper ? 0x32 : 0x12)
                    case 4: replies.append(noPaper ? 0x72 : 0x12)
                    default: replies.append(0x12)
                    }
                    lock.unlock()
                    i += 3
                } else if pending[i] == 0x1D, i + 2 < pending.count, pending[i + 1] == 0x72, pending[i + 2] == 0x01 {
                    replies.append(0x00)
                    i += 3
                } else if pending[i] == 0x1D, i + 2 < pending.count, pending[i + 1] == 0x49 {
                    let answers: [UInt8: String] = [0x42: "EPSON", 0x43: "TM-T20III"]
                    replies += [0x5F] + Array((answers[pending[i + 2]] ?? "").utf8) + [0x00]
                    i += 3
                } else if pending[i] == 0x10 || pending[i] == 0x1D, i + 2 >= pending.count {
                    break  // wait for the rest of the command
                } else {
                    printData += 1
                    i += 1
                    // The cable comes out here: nothing after this byte arrives.
                    if let limit, printData >= limit {
                        cut = true
                        break
                    }
                }
            }
            lock.lock()
            connections[index] += pending[0..<i]
            lock.unlock()
            pending.removeFirst(i)
            if cut {
                unplug()
                return
            }
            if !replies.isEmpty { _ = send(peer, replies, replies.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// Cable out: close the listener too, so reconnecting fails until it is back.
    private func unplug() {
        lock.lock()
        unplugAfter = nil
        let ms = downForMilliseconds
        close(listener)
        listener = -1
        lock.unlock()
        usleep(useconds_t(ms * 1000))
        lock.lock()
        defer { lock.unlock() }
        if !stopped { try? listen() }
    }
}

/// A serial device on a pseudo-terminal: kassad opens `path`, the test reads and writes `master`.
final class FakeSerialDevice {
    let master: Int32
    let path: String

    init() {
        master = posix_openpt(O_RDWR | O_NOCTTY)
        grantpt(master)
        unlockpt(master)
        path = String(cString: ptsname(master))
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(master) }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until `condition` holds on everything read so far, or `timeout` passes.
    func read(timeout: TimeInterval = 5, until condition: ([UInt8]) -> Bool) -> [UInt8] {
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let n = Glibc.read(master, &buffer, buffer.count)
            if n > 0 { got += buffer[0..<n] }
            if condition(got) { return got }
            if n <= 0 { usleep(2000) }
        }
        return got
    }
}

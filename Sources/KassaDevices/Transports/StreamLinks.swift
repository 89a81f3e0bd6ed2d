import Glibc
import KassaSystem

/// A byte link over one non-blocking file descriptor: a serial port or a TCP connection.
///
/// Sends queue in order and go out as the descriptor takes them; the loop watches for writable
/// only while something is queued, so an idle link costs nothing. End of file, a hang-up or a
/// read or write error closes the link and reports it once through `onClose`.
public final class StreamLink: ByteLink {
    public let name: String
    private let loop: any DeviceLoop
    private var fd: Int32
    private var queue: [(bytes: [UInt8], offset: Int, completion: (LinkResult) -> Void)] = []
    private var watchingWrites = false
    public var onReceive: ([UInt8]) -> Void = { _ in }
    public var onClose: (DeviceError) -> Void = { _ in }

    /// Takes ownership of `fd`, which must be non-blocking.
    public init(fd: Int32, name: String, loop: any DeviceLoop) throws(DeviceError) {
        self.fd = fd
        self.name = name
        self.loop = loop
        do {
            try loop.watch(fd, .readable) { [weak self] ready in self?.ready(ready) }
        } catch {
            Glibc.close(fd)
            self.fd = -1
            throw error
        }
    }

    deinit { close() }

    public var isOpen: Bool { fd >= 0 }

    public func send(_ bytes: [UInt8], completion: @escaping (LinkResult) -> Void) {
        guard isOpen else { return completion(.failed(DeviceError(device: name, message: "not connected"), bytesSent: 0)) }
        queue.append((bytes, 0, completion))
        flush()
    }

    public func close() {
        guard fd >= 0 else { return }
        loop.unwatch(fd)
        Glibc.close(fd)
        fd = -1
        let pending = queue
        queue = []
        for item in pending { item.completion(.failed(DeviceError(device: name, message: "link closed"), bytesSent: item.offset)) }
    }

    private func ready(_ ready: Readiness) {
        if ready.contains(.readable) || ready.contains(.hangup) || ready.contains(.error) { readAvailable() }
        if isOpen && ready.contains(.writable) { flush() }
        // A hang-up with nothing left to read (a pty whose other side closed keeps reporting it).
        if isOpen && (ready.contains(.hangup) || ready.contains(.error)) && !ready.contains(.readable) {
            fail("hung up")
        }
    }

    private func readAvailable() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while isOpen {
            let n = buffer.withUnsafeMutableBytes { SystemCall.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                onReceive(Array(buffer[0..<n]))
                if n < buffer.count { return }
            } else if n == 0 {
                return fail("closed by the other end")
            } else {
                if errno == EAGAIN { return }
                return fail("read failed: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func flush() {
        while isOpen, !queue.isEmpty {
            let (bytes, offset, _) = queue[0]
            let n = bytes.withUnsafeBytes { SystemCall.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EAGAIN { break }
                return fail("write failed: \(String(cString: strerror(errno)))")
            }
            queue[0].offset += n
            if queue[0].offset == bytes.count {
                queue.removeFirst().completion(.sent)
            }
        }
        guard isOpen else { return }
        let wantWrites = !queue.isEmpty
        if wantWrites != watchingWrites {
            watchingWrites = wantWrites
            loop.rewatch(fd, wantWrites ? [.readable, .writable] : .readable)
        }
    }

    private func fail(_ message: String) {
        let error = DeviceError(device: name, message: message)
        close()
        onClose(error)
    }
}

/// Serial ports through termios: raw bytes, 8 data bits, no parity, one stop bit, no flow control.
public enum SerialPort {
    /// The speeds termios knows by name.
    public static let speeds: [Int: speed_t] = [
        1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
        19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600), 115200: speed_t(B115200),
        230400: speed_t(B230400), 460800: speed_t(B460800), 921600: speed_t(B921600),
    ]

    /// Opens `path` at `baud`, 8N1 and raw, as a link on `loop`.
    public static func open(_ path: String, baud: Int, loop: any DeviceLoop) throws(DeviceError) -> StreamLink {
        guard let speed = speeds[baud] else {
            throw DeviceError(device: path, message: "unsupported baud rate \(baud) (use one of \(speeds.keys.sorted().map(String.init).joined(separator: ", ")))")
        }
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DeviceError(device: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw DeviceError(device: path, message: "not a serial port: \(message)")
        }
        t.makeSerialLine(speed: speed)
        guard tcsetattr(fd, TCSANOW, &t) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw DeviceError(device: path, message: "cannot configure: \(message)")
        }
        // Whatever the device sent before we were listening is stale.
        tcflush(fd, TCIFLUSH)
        return try StreamLink(fd: fd, name: path, loop: loop)
    }
}

/// TCP connections to network receipt printers (port 9100), made without blocking the loop.
public enum TCPConnector {
    /// Connects to `host:port` (a numeric IPv4 or IPv6 address, or `localhost`), giving up after
    /// `timeout` milliseconds; `completion` runs once on the loop's thread.
    public static func connect(host: String, port: UInt16, timeout: Int64 = 3000, loop: any DeviceLoop,
                               completion: @escaping (Result<StreamLink, DeviceError>) -> Void) {
        let name = "tcp \(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (host == "localhost" ? 0 : AI_NUMERICHOST)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else {
            return completion(.failure(DeviceError(device: name, message: "not an IP address: '\(host)'")))
        }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return completion(.failure(DeviceError(device: name, message: "socket: \(String(cString: strerror(errno)))"))) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
        if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
            return completion(Result { () throws(DeviceError) in try StreamLink(fd: fd, name: name, loop: loop) })
        }
        guard errno == EINPROGRESS else {
            let message = String(cString: strerror(errno))
            close(fd)
            return completion(.failure(DeviceError(device: name, message: "cannot connect: \(message)")))
        }
        var finished = false
        var timer: LoopTimer?
        func finish(_ result: Result<Void, DeviceError>) {
            guard !finished else { return }
            finished = true
            loop.unwatch(fd)
            if let timer { loop.cancel(timer) }
            switch result {
            case .success: completion(Result { () throws(DeviceError) in try StreamLink(fd: fd, name: name, loop: loop) })
            case .failure(let e):
                close(fd)
                completion(.failure(e))
            }
        }
        do {
            try loop.watch(fd, .writable) { _ in
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                finish(error == 0 ? .success(()) : .failure(DeviceError(device: name, message: "cannot connect: \(String(cString: strerror(error)))")))
            }
        } catch {
            close(fd)
            return completion(.failure(error))
        }
        timer = loop.schedule(after: timeout) {
            finish(.failure(DeviceError(device: name, message: "no answer within \(timeout) ms")))
        }
    }
}

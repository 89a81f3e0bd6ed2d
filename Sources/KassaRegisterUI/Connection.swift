#if canImport(Glibc)
import Glibc
#endif
import KassaIPC
import KassaSystem

/// A non-blocking connection to kassad for the register's single-threaded loop: requests are
/// written whole (they are small, the socket is local), and whatever arrives is read when poll()
/// says so and handed over as messages: the greeting, replies, events.
final class Connection: RegisterLink {
    let fd: Int32
    private var reader = LineReader()
    private var closed = false

    /// Connects; nil when kassad is not there (yet).
    init?(path: String) {
        guard let fd = try? connectUnixStream(UnixSocketAddress(path)) else { return nil }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }

    var isOpen: Bool { !closed }

    func send(_ request: Request) -> Bool {
        guard !closed else { return false }
        var line: [UInt8] = []
        request.json.write(to: &line)
        line.append(0x0A)
        guard (try? sendAll(fd, line)) != nil else {
            closed = true
            return false
        }
        return true
    }

    /// Reads what is there (call when poll() reports input); nil when kassad has gone.
    func receive() -> [ServerMessage]? {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let n = buffer.withUnsafeMutableBytes { SystemCall.recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n < 0 && errno == EAGAIN { return [] }
        guard n > 0 else {
            closed = true
            return nil
        }
        reader.append(Array(buffer[..<n]))
        var messages: [ServerMessage] = []
        while let line = reader.next() {
            guard case .line(let bytes) = line, let json = try? JSONValue.parse(bytes),
                  let message = try? ServerMessage(json: json) else { continue }
            messages.append(message)
        }
        return messages
    }
}

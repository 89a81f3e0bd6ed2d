import CLinux
import Glibc
import KassaSystem

/// Why a client call failed: the server said no, or the conversation itself broke.
public enum IPCClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The server answered with an error.
    case remote(IPCError)
    case system(SystemError)
    case timedOut
    case disconnected
    /// The server sent something this client cannot read.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .remote(let e): return e.description
        case .system(let e): return e.description
        case .timedOut: return "timed out waiting for kassad"
        case .disconnected: return "kassad closed the connection"
        case .protocolViolation(let why): return "protocol violation: \(why)"
        }
    }
}

/// A small blocking client for the CLI, scripts and tests: one request at a time, events queued
/// while a reply is awaited.
public final class IPCClient {
    public let greeting: Greeting
    private var channel: Channel
    private var pendingEvents: [ServerMessage] = []
    private var nextID: Int64 = 1

    /// Connects and reads the greeting.
    public init(path: String, timeoutMilliseconds: Int64 = 5_000) throws(IPCClientError) {
        let fd: Int32
        do throws(SystemError) { fd = try connectUnixStream(UnixSocketAddress(path)) } catch { throw .system(error) }
        var channel = Channel(fd: fd, timeoutMilliseconds: timeoutMilliseconds)
        do throws(IPCClientError) {
            switch try channel.readMessage() {
            case .greeting(let g):
                greeting = g
            case .reply(let r):
                if case .failure(let e) = r.outcome { throw .remote(e) }
                throw .protocolViolation("reply before greeting")
            default:
                throw .protocolViolation("no greeting")
            }
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.channel = channel
    }

    deinit { Glibc.close(channel.fd) }

    /// Sends a request and waits for its reply; returns the result or throws the server's error.
    public func call(_ op: Op, args: JSONObject = [:], idempotencyKey: String? = nil) throws(IPCClientError) -> JSONValue {
        try call(name: op.name, args: args, idempotencyKey: idempotencyKey)
    }

    /// The same by the operation's name on the wire, for tests of the protocol itself (an unknown
    /// name, a name as another client would spell it).
    public func call(name: String, args: JSONObject = [:], idempotencyKey: String? = nil) throws(IPCClientError) -> JSONValue {
        let id = RequestID.int(nextID)
        nextID += 1
        try send(Request(id: id, op: name, args: args, idempotencyKey: idempotencyKey))
        let reply = try awaitReply(id)
        switch reply.outcome {
        case .success(let result): return result
        case .failure(let e): throw .remote(e)
        }
    }

    /// Writes one request line without waiting for anything.
    public func send(_ request: Request) throws(IPCClientError) {
        var line: [UInt8] = []
        request.json.write(to: &line)
        line.append(0x0A)
        try sendRaw(line)
    }

    /// Writes bytes as they are; tests use this to send malformed lines.
    public func sendRaw(_ bytes: [UInt8]) throws(IPCClientError) {
        do throws(SystemError) { try sendAll(channel.fd, bytes) } catch {
            if error.errno == EPIPE || error.errno == ECONNRESET { throw .disconnected }
            throw .system(error)
        }
    }

    /// Waits for the reply to `id` (or an id-less error reply, which answers an unreadable line),
    /// keeping any events that arrive first.
    public func awaitReply(_ id: RequestID?) throws(IPCClientError) -> Reply {
        while true {
            let message = try channel.readMessage()
            switch message {
            case .reply(let r) where r.id == id || r.id == nil:
                return r
            case .reply(let r):
                throw .protocolViolation("reply for unexpected id \(String(describing: r.id))")
            case .event, .gap:
                pendingEvents.append(message)
            case .greeting:
                throw .protocolViolation("second greeting")
            }
        }
    }

    /// The next event or gap marker, waiting up to the timeout.
    public func nextEvent() throws(IPCClientError) -> ServerMessage {
        if !pendingEvents.isEmpty { return pendingEvents.removeFirst() }
        return try channel.readMessage()
    }

    /// The socket with its incoming framing; reads block with a deadline.
    private struct Channel {
        let fd: Int32
        let timeoutMilliseconds: Int64
        var reader = LineReader()
        var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)

        init(fd: Int32, timeoutMilliseconds: Int64) {
            self.fd = fd
            self.timeoutMilliseconds = timeoutMilliseconds
        }

        mutating func readMessage() throws(IPCClientError) -> ServerMessage {
            let deadline = monotonicMilliseconds() + timeoutMilliseconds
            while true {
                switch reader.next() {
                case .line(let bytes):
                    return try Channel.decode(bytes)
                case .tooLong:
                    throw .protocolViolation("server line too long")
                case nil:
                    break
                }
                let remaining = deadline - monotonicMilliseconds()
                guard remaining > 0 else { throw .timedOut }
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = SystemCall.poll(&pfd, 1, Int32(min(remaining, Int64(Int32.max))))
                guard ready > 0 else {
                    if ready == 0 { throw .timedOut }
                    throw .system(.last("poll"))
                }
                let fd = fd
                let n = readBuffer.withUnsafeMutableBytes { SystemCall.recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 { throw .disconnected }
                guard n > 0 else {
                    if errno == ECONNRESET { throw .disconnected }
                    throw .system(.last("recv"))
                }
                readBuffer.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            }
        }

        private static func decode(_ bytes: [UInt8]) throws(IPCClientError) -> ServerMessage {
            let json: JSONValue
            do throws(JSONParseError) { json = try JSONValue.parse(bytes) } catch { throw .protocolViolation(error.description) }
            do throws(IPCError) { return try ServerMessage(json: json) } catch { throw .protocolViolation(error.description) }
        }
    }
}

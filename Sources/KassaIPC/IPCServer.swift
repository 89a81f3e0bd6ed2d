import CLinux
import Glibc
import KassaSystem

/// Which readiness a connection currently needs from the reactor.
public struct IOInterest: Hashable, Sendable {
    public var read: Bool
    public var write: Bool

    public init(read: Bool, write: Bool) {
        self.read = read
        self.write = write
    }
}

/// One client connection. Its descriptor number alone is not enough: once closed, the number is
/// reused by the next accept, and a late reply must never reach the newcomer.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let fd: Int32
    public let serial: UInt64

    public var description: String { "#\(serial)(fd \(fd))" }
}

/// What one readable connection produced.
public enum ServerInput: Hashable, Sendable {
    /// A well-formed request; the caller owes exactly one `send(_:to:)` reply for it.
    case request(Request, from: ConnectionID)
    /// A line that was not a request. It has already been answered with this error.
    case rejected(IPCError, from: ConnectionID)
}

/// The IPC server's socket half: a listening Unix socket and its connections, driven from outside.
///
/// It owns no thread and never blocks. The reactor calls `acceptPending`, `handleReadable`,
/// `handleWritable` and `handleHangup` when epoll says so; the server tells the reactor to watch a
/// new connection through `onOpen`, which readiness it needs through `onInterestChange` and which
/// connections it closed through `onClose`. Every buffer
/// is bounded: a line by the framing cap, output by `outputCapacity`; a subscriber that stops
/// reading loses events (and is told so by a gap marker) and is disconnected when it stays stalled.
public final class IPCServer {
    public struct Configuration: Sendable {
        public var path: String
        /// Group that may connect (socket file's group); nil keeps the daemon's own group.
        public var group: String?
        public var mode: mode_t = 0o660
        public var maximumConnections = 64
        public var maximumLineLength = LineReader.defaultMaximumLength
        public var outputCapacity = 256 * 1024
        /// A subscriber whose output stays full this long is disconnected by `sweep`.
        public var stallTimeoutMilliseconds: Int64 = 5_000
        public var greeting: Greeting

        public init(path: String, group: String? = nil, greeting: Greeting) {
            self.path = path
            self.group = group
            self.greeting = greeting
        }
    }

    private final class Connection {
        let id: ConnectionID
        var fd: Int32 { id.fd }
        let peer: PeerCredentials
        var reader: LineReader
        var output: OutputBuffer
        var interest = IOInterest(read: true, write: false)
        var subscribed = false
        /// Requests handed to the caller and not yet answered.
        var unanswered = 0
        /// The peer shut down its sending side; close once every reply is out.
        var readClosed = false
        /// Events dropped for want of buffer space and not yet reported by a gap marker.
        var missed: Gap?
        var stalledSince: Int64?

        init(id: ConnectionID, peer: PeerCredentials, lineLimit: Int, outputCapacity: Int) {
            self.id = id
            self.peer = peer
            self.reader = LineReader(maximumLength: lineLimit)
            self.output = OutputBuffer(capacity: outputCapacity)
        }
    }

    public let configuration: Configuration
    public let listeningFD: Int32
    /// Start watching a new connection for reading; false if that is impossible (it is then
    /// closed without `onClose`). Called before the greeting is written, so that any interest
    /// change that follows concerns a descriptor the reactor knows.
    public var onOpen: (Int32) -> Bool = { _ in true }
    public var onInterestChange: (Int32, IOInterest) -> Void = { _, _ in }
    public var onClose: (Int32) -> Void = { _ in }
    /// Injected so tests can stall a client without waiting in real time.
    public var now: () -> Int64 = monotonicMilliseconds

    private var connections: [Int32: Connection] = [:]
    private let greetingLine: [UInt8]
    private var nextEventSeq: UInt64 = 1
    /// The number of the newest event published, 0 before the first.
    public var lastEventSeq: UInt64 { nextEventSeq - 1 }
    private var nextSerial: UInt64 = 1
    /// Scratch space reused for every read and every outgoing line, so steady traffic allocates
    /// nothing per request beyond the decoded values.
    private var line: [UInt8] = []
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)

    /// Binds and listens. A stale socket file left by a crash is replaced; a live one (another kassad
    /// answering on it) is an error rather than stolen.
    public init(_ configuration: Configuration) throws(SystemError) {
        self.configuration = configuration
        let address = try UnixSocketAddress(configuration.path)
        try IPCServer.removeStaleSocket(address)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError.last("socket") }
        guard address.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
            let e = SystemError.last("bind(\(configuration.path))")
            Glibc.close(fd)
            throw e
        }
        do throws(SystemError) {
            // Clients cannot connect before listen(), so setting mode and group here leaves no window.
            // An abstract socket has no file, and so no mode or group.
            if !address.isAbstract {
                guard chmod(configuration.path, configuration.mode) == 0 else { throw SystemError.last("chmod(\(configuration.path))") }
                if let name = configuration.group {
                    let gid = try groupID(named: name)
                    guard chown(configuration.path, uid_t.max, gid) == 0 else { throw SystemError.last("chown(\(configuration.path))") }
                }
            }
            guard listen(fd, 64) == 0 else { throw SystemError.last("listen") }
        } catch {
            Glibc.close(fd)
            if !address.isAbstract { unlink(configuration.path) }
            throw error
        }
        listeningFD = fd
        var greeting: [UInt8] = []
        configuration.greeting.json.write(to: &greeting)
        greeting.append(0x0A)
        greetingLine = greeting
    }

    deinit {
        for fd in connections.keys { Glibc.close(fd) }
        Glibc.close(listeningFD)
        if !configuration.path.hasPrefix("@") { unlink(configuration.path) }
    }

    private static func removeStaleSocket(_ address: UnixSocketAddress) throws(SystemError) {
        if address.isAbstract { return }
        var st = stat()
        guard lstat(address.path, &st) == 0 else { return }
        guard st.st_mode & S_IFMT == S_IFSOCK else {
            throw SystemError("\(address.path) exists and is not a socket", errno: EEXIST)
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw SystemError.last("socket") }
        defer { Glibc.close(probe) }
        if address.withSockaddr({ connect(probe, $0, $1) }) == 0 {
            throw SystemError("another server is listening on \(address.path)", errno: EADDRINUSE)
        }
        unlink(address.path)
    }

    public var connectionCount: Int { connections.count }

    private func connection(_ id: ConnectionID) -> Connection? {
        guard let c = connections[id.fd], c.id == id else { return nil }
        return c
    }

    public func isOpen(_ id: ConnectionID) -> Bool { connection(id) != nil }

    public func peer(_ id: ConnectionID) -> PeerCredentials? { connection(id)?.peer }

    /// Accepts every waiting connection and greets it. Returns the new connections, whose
    /// descriptors are to be watched for reading. Connections beyond the cap get a
    /// `too_many_connections` line and are closed.
    @discardableResult
    public func acceptPending() -> [ConnectionID] {
        var accepted: [ConnectionID] = []
        while true {
            let fd = SystemCall.accept(listeningFD, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                if errno == ECONNABORTED { continue }
                // EAGAIN: nothing left. (EMFILE would leave the client queued; the connection cap
                // keeps kassad far below the descriptor limit.)
                break
            }
            guard connections.count < configuration.maximumConnections else {
                var refusal: [UInt8] = []
                Reply.error(nil, IPCError(.tooManyConnections, "connection limit reached")).json.write(to: &refusal)
                refusal.append(0x0A)
                _ = refusal.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                Glibc.close(fd)
                continue
            }
            // Without credentials the register could not tell who is asking: no service at all.
            guard let peer = try? PeerCredentials(socket: fd), onOpen(fd) else {
                Glibc.close(fd)
                continue
            }
            let c = Connection(id: ConnectionID(fd: fd, serial: nextSerial), peer: peer,
                               lineLimit: configuration.maximumLineLength, outputCapacity: configuration.outputCapacity)
            nextSerial += 1
            connections[fd] = c
            accepted.append(c.id)
            _ = c.output.enqueue(greetingLine)
            // May close a client that is already gone; a later accept may then reuse its number,
            // which is why the list is filtered by id, not by descriptor.
            flush(c)
        }
        return accepted.filter(isOpen)
    }

    /// Reads what is available and decodes complete lines. Malformed lines are answered here; valid
    /// requests are returned for the register to answer.
    public func handleReadable(_ fd: Int32) -> [ServerInput] {
        // Bounded per call so one chatty client cannot starve the others; epoll is level-triggered
        // and reports the rest on the next turn.
        read(fd, toEnd: false)
    }

    /// The peer closed both directions (EPOLLHUP): what it sent is still decoded and returned, so
    /// a request that made it out is not lost, and then the connection is closed, since nothing
    /// can reach the peer any more. Replies owed to it are dropped by `send`.
    public func handleHangup(_ fd: Int32) -> [ServerInput] {
        let inputs = read(fd, toEnd: true)
        close(fd)
        return inputs
    }

    private func read(_ fd: Int32, toEnd: Bool) -> [ServerInput] {
        guard let c = connections[fd] else { return [] }
        var inputs: [ServerInput] = []
        var chunks = 0
        // A rejected line can close the connection (its reply did not fit): stop reading then.
        while toEnd || chunks < 4, connections[fd] === c {
            chunks += 1
            let n = readBuffer.withUnsafeMutableBytes { SystemCall.recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                readBuffer.withUnsafeBytes { c.reader.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                decodeLines(c, into: &inputs)
                if n < readBuffer.count && !toEnd { break }
            } else if n == 0 {
                c.readClosed = true
                break
            } else {
                if errno != EAGAIN && errno != EWOULDBLOCK { close(fd); return inputs }
                break
            }
        }
        if connections[fd] === c { updateInterest(c) }
        return inputs
    }

    private func decodeLines(_ c: Connection, into inputs: inout [ServerInput]) {
        while let framed = c.reader.next() {
            switch framed {
            case .tooLong:
                let e = IPCError(.lineTooLong, "line longer than \(configuration.maximumLineLength) bytes; skipped to the next newline")
                reject(c, id: nil, e, into: &inputs)
            case .line(let bytes):
                if bytes.isEmpty { continue }
                do throws(RequestDecodingError) {
                    let request = try Request(json: try parseLine(bytes))
                    c.unanswered += 1
                    inputs.append(.request(request, from: c.id))
                } catch {
                    reject(c, id: error.id, error.error, into: &inputs)
                }
            }
        }
    }

    private func parseLine(_ bytes: [UInt8]) throws(RequestDecodingError) -> JSONValue {
        do throws(JSONParseError) {
            return try JSONValue.parse(bytes)
        } catch {
            throw RequestDecodingError(id: nil, error: IPCError(parseError: error))
        }
    }

    private func reject(_ c: Connection, id: RequestID?, _ error: IPCError, into inputs: inout [ServerInput]) {
        inputs.append(.rejected(error, from: c.id))
        enqueueReply(c, Reply.error(id, error))
    }

    /// Sends the one reply a request is owed. A client whose buffer cannot take a reply has not read
    /// for a long time and is disconnected: a reply is never dropped silently.
    public func send(_ reply: Reply, to id: ConnectionID) {
        guard let c = connection(id) else { return }
        c.unanswered = max(0, c.unanswered - 1)
        enqueueReply(c, reply)
    }

    private func enqueueReply(_ c: Connection, _ reply: Reply) {
        line.removeAll(keepingCapacity: true)
        reply.json.write(to: &line)
        line.append(0x0A)
        guard c.output.enqueue(line) else { close(c.fd); return }
        flush(c)
    }

    public func setSubscribed(_ id: ConnectionID, _ subscribed: Bool) {
        connection(id)?.subscribed = subscribed
    }

    /// Numbers an event and queues it for every subscriber. Returns the sequence number used.
    @discardableResult
    public func broadcast(_ name: String, data: JSONValue) -> UInt64 {
        let seq = nextEventSeq
        nextEventSeq += 1
        line.removeAll(keepingCapacity: true)
        Event(name: name, seq: seq, data: data).json.write(to: &line)
        line.append(0x0A)
        for c in connections.values where c.subscribed {
            // Once behind, a subscriber gets nothing until its buffer has drained completely and
            // the gap marker is out; dribbling single events into a full buffer would interleave
            // many tiny gaps with stale events.
            if c.missed == nil, c.output.enqueue(line) {
                flush(c)
            } else if c.missed == nil {
                c.missed = Gap(first: seq, last: seq)
                c.stalledSince = now()
            } else {
                c.missed?.last = seq
            }
        }
        return seq
    }

    /// Tries to queue the owed gap marker; true when none is owed any more.
    private func enqueueGap(_ c: Connection) -> Bool {
        guard let gap = c.missed else { return true }
        var marker: [UInt8] = []
        gap.json.write(to: &marker)
        marker.append(0x0A)
        guard c.output.enqueue(marker) else { return false }
        c.missed = nil
        c.stalledSince = nil
        return true
    }

    /// Writes what the socket takes now.
    public func handleWritable(_ fd: Int32) {
        guard let c = connections[fd] else { return }
        flush(c)
    }

    /// Disconnects subscribers that have not drained their output within the stall timeout.
    public func sweep() {
        let t = now()
        for c in Array(connections.values) {
            if let since = c.stalledSince, t - since >= configuration.stallTimeoutMilliseconds {
                close(c.fd)
            }
        }
    }

    private func flush(_ c: Connection) {
        var failed = false
        c.output.drain { bytes in
            let n = SystemCall.send(c.fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n < 0 {
                failed = errno != EAGAIN && errno != EWOULDBLOCK
                return 0
            }
            return n
        }
        if failed { close(c.fd); return }
        if c.output.isEmpty, c.missed != nil, enqueueGap(c) {
            flush(c)
            return
        }
        updateInterest(c)
    }

    /// Also where a half-closed connection ends, once everything it asked for has been sent.
    private func updateInterest(_ c: Connection) {
        if c.readClosed && c.unanswered == 0 && c.output.isEmpty {
            close(c.fd)
            return
        }
        let wanted = IOInterest(read: !c.readClosed, write: !c.output.isEmpty)
        if wanted != c.interest {
            c.interest = wanted
            onInterestChange(c.fd, wanted)
        }
    }

    /// Closes one connection, e.g. when its operator was locked out; `onClose` tells the reactor.
    public func disconnect(_ id: ConnectionID) {
        if connection(id) != nil { close(id.fd) }
    }

    /// Closes every connection (shutdown); the listening socket stays until the server is released.
    public func disconnectAll() {
        for fd in Array(connections.keys) { close(fd) }
    }

    private func close(_ fd: Int32) {
        guard connections.removeValue(forKey: fd) != nil else { return }
        onClose(fd)
        Glibc.close(fd)
    }
}

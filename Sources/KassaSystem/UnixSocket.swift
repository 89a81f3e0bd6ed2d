import Glibc

/// A Unix socket address. A path beginning with `@` names the abstract namespace (as systemd's
/// NOTIFY_SOCKET may), which has no trailing NUL and no file.
public struct UnixSocketAddress: Sendable {
    public let path: String
    public var isAbstract: Bool { path.hasPrefix("@") }
    private var storage = sockaddr_un()
    private let length: socklen_t

    public init(_ path: String) throws(SystemError) {
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // A filesystem path needs room for its NUL terminator.
        guard !bytes.isEmpty, bytes.count <= capacity - (abstract ? 0 : 1) else {
            throw SystemError("socket path '\(path)'", errno: ENAMETOOLONG)
        }
        self.path = path
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        length = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
    }

    public func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}

/// A blocking stream socket (close-on-exec) connected to `address`.
public func connectUnixStream(_ address: UnixSocketAddress) throws(SystemError) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .last("socket") }
    guard retryingEINTR({ address.withSockaddr { connect(fd, $0, $1) } }) == 0 else {
        let failure = SystemError.last("connect(\(address.path))")
        close(fd)
        throw failure
    }
    return fd
}

/// How a wait for a socket ended.
public enum SocketWait: Equatable, Sendable {
    /// A connection was accepted (and closed again at once).
    case accepting
    /// The condition to keep waiting turned false: the program that was to listen has ended.
    case abandoned
    /// Nobody listened within the time given.
    case timedOut
}

/// Tries to connect to the Unix socket at `path` every `intervalMilliseconds` until a connection
/// is accepted, `stillWorthWaiting` turns false (pass the server's `ChildProcess.isRunning`), or
/// `timeoutMilliseconds` have passed. The default is generous on purpose: on a loaded machine a
/// start can take seconds, and a wait that gives up early fails for nothing.
public func waitUntilAccepting(unixSocket path: String, timeoutMilliseconds: Int64 = 30_000, intervalMilliseconds: Int64 = 10,
                               while stillWorthWaiting: () -> Bool = { true }) throws(SystemError) -> SocketWait {
    let address = try UnixSocketAddress(path)
    let deadline = monotonicMilliseconds() + timeoutMilliseconds
    while true {
        if let fd = try? connectUnixStream(address) {
            close(fd)
            return .accepting
        }
        guard stillWorthWaiting() else { return .abandoned }
        let left = deadline - monotonicMilliseconds()
        guard left > 0 else { return .timedOut }
        _ = poll(nil, 0, Int32(min(left, intervalMilliseconds)))
    }
}

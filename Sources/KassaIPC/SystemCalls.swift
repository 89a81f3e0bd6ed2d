import CLinux
import Glibc

/// A failed system call: which one, and errno. The runtime reuses this type for its own calls.
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: String
    public var errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    /// Captures the current errno right after a failed call.
    public static func last(_ operation: String) -> SystemError {
        SystemError(operation, errno: Glibc.errno)
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Retries a call interrupted by a signal; kassad blocks the signals it handles, but libraries and
/// tests may not.
@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let r = call()
        if r == -1 && Glibc.errno == EINTR { continue }
        return r
    }
}

/// Milliseconds of CLOCK_MONOTONIC: for timeouts and stall detection, never for the register's time.
public func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

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

/// Who is on the other end of a Unix socket, as the kernel vouches (SO_PEERCRED).
public struct PeerCredentials: Hashable, Sendable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    public init(socket fd: Int32) throws(SystemError) {
        var cred = clinux_ucred()
        guard clinux_peer_credentials(fd, &cred) == 0 else {
            throw SystemError.last("getsockopt(SO_PEERCRED)")
        }
        self.init(pid: cred.pid, uid: cred.uid, gid: cred.gid)
    }

    /// Whether the peer's user is in `group`, counting its primary group and the supplementary
    /// groups the user database lists (the kernel does not pass supplementary groups with
    /// SO_PEERCRED). Root is not special here: authority is decided by the register.
    public func isMember(ofGroup group: UInt32) -> Bool {
        if gid == group { return true }
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var text = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &text, text.count, &result) == 0, result != nil, let name = pwd.pw_name else {
            return false
        }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) == -1 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, gid, &groups, &count) != -1 else { return false }
        }
        return groups.prefix(Int(count)).contains(group)
    }
}

/// Looks a group id up by name in the system's group database.
public func groupID(named name: String) throws(SystemError) -> UInt32 {
    var grp = group()
    var result: UnsafeMutablePointer<group>?
    var text = [CChar](repeating: 0, count: 4096)
    let rc = getgrnam_r(name, &grp, &text, text.count, &result)
    guard rc == 0 else { throw SystemError("getgrnam_r(\(name))", errno: rc) }
    guard result != nil else { throw SystemError("no group named '\(name)'", errno: ENOENT) }
    return grp.gr_gid
}

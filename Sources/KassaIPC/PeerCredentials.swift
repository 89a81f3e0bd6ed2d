import CLinux
import Glibc
import KassaSystem

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

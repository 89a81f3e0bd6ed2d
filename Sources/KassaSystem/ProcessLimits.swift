import CLinux
import Glibc

/// A process that holds secrets (kassad holds the PIN key and the PIN digests) leaves no core
/// dump behind: the core size limit is 0 for it and every child, and the process is not dumpable
/// (which also keeps other processes of its user from reading its memory through /proc or
/// ptrace). Throws when the kernel refuses either.
public func forbidCoreDumps() throws(SystemError) {
    var none = rlimit(rlim_cur: 0, rlim_max: 0)
    guard setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none) == 0 else {
        throw SystemError("setrlimit(RLIMIT_CORE)", errno: errno)
    }
    guard clinux_set_dumpable(0) == 0 else { throw SystemError("prctl(PR_SET_DUMPABLE)", errno: errno) }
}

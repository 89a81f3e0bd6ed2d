import Glibc

/// KassaSystem: the one thin layer between our modules and the Linux calls they share.
///
/// It owns what every caller would otherwise spell again: retrying a call a signal interrupted,
/// reading and writing descriptors fully, whole files and their atomic replacement, a terminal's
/// raw mode, readiness bits, Unix socket addresses, the monotonic clock, and starting a program
/// and waiting for its socket.
///
/// It imports only Glibc and CLinux, keeps no state, starts no threads, and never decides what a
/// failure means: it reports a `SystemError` and the caller decides.

/// Calls `call` again for as long as it fails with EINTR (-1 with errno EINTR): a signal arrived
/// while it waited. kassad blocks the signals it handles, but the CLI, the register screen
/// (SIGWINCH), libraries and tests do not. Not for close(2): Linux frees the descriptor even
/// when close reports an interruption, so a retry could close someone else's.
@inline(__always)
public func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}

/// The same for the calls that return their error number instead of setting errno
/// (posix_fallocate, the pthread functions). A name of its own, not a label: a trailing closure
/// would match a labelled twin, and Swift would pick it over the generic one for every Int32 call.
@inline(__always)
public func retryingReturnedEINTR(_ call: () -> Int32) -> Int32 {
    while true {
        let result = call()
        if result == EINTR { continue }
        return result
    }
}

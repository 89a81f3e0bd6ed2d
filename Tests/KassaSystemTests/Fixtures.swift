import Glibc
import KassaSystem

/// Bytes that differ from one position to the next, so a chunk read twice or skipped shows.
func patterned(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
}

/// A Unix socket listening at `path`; the descriptor, to close.
func listeningSocket(_ path: String) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    let bound = try UnixSocketAddress(path).withSockaddr { bind(fd, $0, $1) }
    guard fd >= 0, bound == 0, listen(fd, 4) == 0 else { throw SystemError.last("listen(\(path))") }
    return fd
}

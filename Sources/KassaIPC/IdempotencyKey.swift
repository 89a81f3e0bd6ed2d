import Glibc
import KassaCore

/// Keys for mutating requests (PROTOCOL.md, Idempotency): random, so that a retry is recognised
/// and two different requests never share one.
public enum IdempotencyKey {
    /// 128 random bits in hex.
    public static func random() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, 16) }
            close(fd)
        }
        return Hex.encode(bytes)
    }
}

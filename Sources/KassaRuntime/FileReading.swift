import Glibc
import KassaIPC
import KassaSystem

/// Reads a whole (small) file: configuration and zoneinfo files, never the journal.
func readWholeFile(_ path: String) throws(SystemError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .last("open(\(path))") }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw .last("read(\(path))")
        }
        if n == 0 { return bytes }
        bytes.append(contentsOf: chunk[..<n])
    }
}

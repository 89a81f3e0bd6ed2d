import CLinux
import Glibc

// Reading and writing a descriptor fully: a read or write may move fewer bytes than asked (a
// pipe, a socket, a signal), so every caller would otherwise loop. Each throws at the first
// failure, named `operation`; what was moved before it stays moved.

/// Writes all of `bytes`, at `offset` (pwrite) when given.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64? = nil,
                     operation: @autoclosure () -> String = "write") throws(SystemError) {
    if let failure = writing(fd, bytes, at: offset) { throw SystemError(operation(), errno: failure) }
}

/// Writes all of `bytes`, at `offset` (pwrite) when given.
public func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64? = nil,
                     operation: @autoclosure () -> String = "write") throws(SystemError) {
    if let failure = bytes.withUnsafeBytes({ writing(fd, $0, at: offset) }) { throw SystemError(operation(), errno: failure) }
}

/// Sends all of `bytes` on a connected socket without raising SIGPIPE: a peer that has gone is
/// EPIPE (or ECONNRESET), not the end of this process.
public func sendAll(_ fd: Int32, _ bytes: [UInt8], operation: @autoclosure () -> String = "send") throws(SystemError) {
    let failure = bytes.withUnsafeBytes { p in
        moving(p.count, atEnd: EIO) { done in send(fd, p.baseAddress! + done, p.count - done, Int32(MSG_NOSIGNAL)) }.failure
    }
    if let failure { throw SystemError(operation(), errno: failure) }
}

/// Reads until `buffer` is full or the file ends, at `offset` (pread) when given; returns how
/// many bytes came.
public func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64? = nil,
                      operation: @autoclosure () -> String = "read") throws(SystemError) -> Int {
    let result = reading(fd, into: buffer, at: offset)
    if let failure = result.failure { throw SystemError(operation(), errno: failure) }
    return result.done
}

/// Up to `count` bytes, at `offset` (pread) when given; fewer only where the file ends.
public func readFully(_ fd: Int32, count: Int, at offset: Int64? = nil,
                      operation: @autoclosure () -> String = "read") throws(SystemError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    let result = bytes.withUnsafeMutableBytes { reading(fd, into: $0, at: offset) }
    if let failure = result.failure { throw SystemError(operation(), errno: failure) }
    return Array(bytes[..<result.done])
}

/// Everything until the end of the file (or the last writer of a pipe closing it), keeping at
/// most `limit` bytes: the rest is read and dropped, so a chatty writer never blocks on us.
public func readToEnd(_ fd: Int32, limit: Int = .max, operation: @autoclosure () -> String = "read") throws(SystemError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n = chunk.withUnsafeMutableBytes { SystemCall.read(fd, $0.baseAddress, $0.count) }
        if n < 0 { throw .last(operation()) }
        if n == 0 { return bytes }
        bytes += chunk[..<min(n, max(0, limit - bytes.count))]
    }
}

/// Makes reads and writes on `fd` return EAGAIN instead of waiting.
public func setNonblocking(_ fd: Int32) throws(SystemError) {
    let flags = fcntl(fd, F_GETFL)
    guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .last("fcntl(O_NONBLOCK)") }
}

/// A pipe whose two ends are closed on exec: a program started on another thread meanwhile
/// cannot keep its write end open (and so its reader from ever seeing the end).
public func makePipe() throws(SystemError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    guard pipe2(&fds, O_CLOEXEC) == 0 else { throw .last("pipe2") }
    return (fds[0], fds[1])
}

private func writing(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64?) -> Int32? {
    moving(bytes.count, atEnd: EIO) { done in
        let from = bytes.baseAddress! + done
        guard let offset else { return write(fd, from, bytes.count - done) }
        return pwrite(fd, from, bytes.count - done, off_t(offset) + off_t(done))
    }.failure
}

private func reading(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64?) -> (done: Int, failure: Int32?) {
    moving(buffer.count, atEnd: nil) { done in
        let into = buffer.baseAddress! + done
        guard let offset else { return read(fd, into, buffer.count - done) }
        return pread(fd, into, buffer.count - done, off_t(offset) + off_t(done))
    }
}

/// Calls `step` with the count done so far until `count` bytes have moved. A call that moves
/// nothing ends the loop with `atEnd`: the end of a file for reads, a failure (EIO) for writes.
private func moving(_ count: Int, atEnd: Int32?, _ step: (Int) -> Int) -> (done: Int, failure: Int32?) {
    var done = 0
    while done < count {
        let n = retryingEINTR { step(done) }
        if n < 0 { return (done, errno) }
        if n == 0 { return (done, atEnd) }
        done += n
    }
    return (done, nil)
}

import CLinux
import Glibc

/// The system calls our modules make that a signal can interrupt, each retried until it is not:
/// the same arguments and the same result as the C function (-1 and errno on failure), so a
/// caller still tells EAGAIN from a real failure itself.
public enum SystemCall {
    public static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        retryingEINTR { Glibc.open(path, flags, mode) }
    }

    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        retryingEINTR { Glibc.read(fd, buffer, count) }
    }

    public static func write(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        retryingEINTR { Glibc.write(fd, bytes, count) }
    }

    public static func recv(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int, _ flags: Int32) -> Int {
        retryingEINTR { Glibc.recv(fd, buffer, count, flags) }
    }

    public static func send(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
        retryingEINTR { Glibc.send(fd, bytes, count, flags) }
    }

    /// accept4(2) without the peer's address.
    public static func accept(_ fd: Int32, _ flags: Int32) -> Int32 {
        retryingEINTR { accept4(fd, nil, nil, flags) }
    }

    /// poll(2). A retry waits the whole timeout again: callers with a deadline recompute it.
    public static func poll(_ fds: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32 {
        retryingEINTR { Glibc.poll(fds, nfds_t(count), timeoutMilliseconds) }
    }

    /// epoll_wait(2). A retry waits the whole timeout again.
    public static func epollWait(_ epfd: Int32, _ events: UnsafeMutablePointer<epoll_event>, _ capacity: Int,
                                 _ timeoutMilliseconds: Int32) -> Int32 {
        retryingEINTR { epoll_wait(epfd, events, Int32(capacity), timeoutMilliseconds) }
    }

    public static func ftruncate(_ fd: Int32, _ size: Int64) -> Int32 {
        retryingEINTR { Glibc.ftruncate(fd, off_t(size)) }
    }

    /// posix_fallocate(3), which returns its error number rather than setting errno.
    public static func fallocate(_ fd: Int32, offset: Int64, length: Int64) -> Int32 {
        retryingReturnedEINTR { posix_fallocate(fd, off_t(offset), off_t(length)) }
    }
}

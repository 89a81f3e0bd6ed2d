import Glibc

/// A failed system call: which one, and errno. Every module of ours reports its calls with it.
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

    /// What strerror(3) says about `errno`.
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        "\(operation): \(reason) (errno \(errno))"
    }
}

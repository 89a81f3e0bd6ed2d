#if canImport(Glibc)
import Glibc
#endif

/// A failed file-system call: the `errno` it returned, and what it was doing to which path.
public struct FileSystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: Int32
    public var operation: String
    public var path: String

    public init(code: Int32, operation: String, path: String) {
        self.code = code
        self.operation = operation
        self.path = path
    }

    public var isNoSpace: Bool { code == ENOSPC }
    public var isNotFound: Bool { code == ENOENT }

    public var description: String {
        let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return "\(operation) \(path): \(reason)"
    }
}

public enum FileOpenMode: Sendable {
    case readOnly
    case readWrite
    /// Create a file that must not exist yet, open for reading and writing.
    case createNew
}

/// Everything the journal does to the disk goes through this protocol, so that tests can swap in
/// `InMemoryFileSystem` and cut the power, fill the disk or fail an fsync at any step.
public protocol JournalFileSystem: AnyObject {
    func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any JournalFile
    /// Creates the directory; succeeds when it exists already.
    func makeDirectory(_ path: String) throws(FileSystemError)
    /// The names in the directory, without "." and "..", in no particular order.
    func listDirectory(_ path: String) throws(FileSystemError) -> [String]
    /// Makes creations, renames and unlinks in the directory durable.
    func syncDirectory(_ path: String) throws(FileSystemError)
    func rename(_ from: String, to: String) throws(FileSystemError)
    func unlink(_ path: String) throws(FileSystemError)
    /// Whether two threads may read files of it at once (each through its own open files).
    var readsConcurrently: Bool { get }
}

extension JournalFileSystem {
    public var readsConcurrently: Bool { false }
}

/// An open file; it is closed when the last reference goes away.
public protocol JournalFile: AnyObject {
    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int
    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError)
    func size() throws(FileSystemError) -> Int64
    func truncate(to size: Int64) throws(FileSystemError)
    /// Allocates disk blocks for the first `size` bytes (zero-filled, growing the file), so that
    /// later writes inside them can not fail for lack of space.
    func reserve(upTo size: Int64) throws(FileSystemError)
    /// fdatasync: the data and the size, not the rest of the metadata.
    func dataSync() throws(FileSystemError)
    /// fsync: data and all metadata.
    func sync() throws(FileSystemError)
}

extension JournalFileSystem {
    /// Reads a whole (small) file.
    func readAll(_ path: String) throws(FileSystemError) -> [UInt8] {
        let file = try open(path, .readOnly)
        let size = Int(try file.size())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        let count = try file.read(into: buffer, at: 0)
        return Array(buffer[..<count])
    }
}

extension JournalFile {
    func write(_ bytes: [UInt8], at offset: Int64) throws(FileSystemError) {
        var failure: FileSystemError?
        bytes.withUnsafeBytes { b in
            do throws(FileSystemError) { try write(b, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

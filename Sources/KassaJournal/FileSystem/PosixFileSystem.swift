#if canImport(Glibc)
import Glibc
#endif
import KassaSystem

/// The real disk, through the POSIX calls; every descriptor is opened close-on-exec.
public final class PosixFileSystem: JournalFileSystem {
    public init() {}

    /// It keeps no state of its own: each open file is a descriptor.
    public var readsConcurrently: Bool { true }

    public func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any JournalFile {
        let flags: Int32
        switch mode {
        case .readOnly: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createNew: flags = O_RDWR | O_CREAT | O_EXCL
        }
        let fd = SystemCall.open(path, flags | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw Self.error("open", path) }
        return PosixFile(fd: fd, path: path)
    }

    public func makeDirectory(_ path: String) throws(FileSystemError) {
        if mkdir(path, 0o750) != 0 && errno != EEXIST { throw Self.error("mkdir", path) }
    }

    public func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(path) else { throw Self.error("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = SystemCall.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error("open", path) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw Self.error("fsync", path) }
    }

    public func rename(_ from: String, to: String) throws(FileSystemError) {
        if Glibc.rename(from, to) != 0 { throw Self.error("rename", from + " -> " + to) }
    }

    public func unlink(_ path: String) throws(FileSystemError) {
        if Glibc.unlink(path) != 0 { throw Self.error("unlink", path) }
    }

    static func error(_ operation: String, _ path: String, code: Int32 = errno) -> FileSystemError {
        FileSystemError(code: code, operation: operation, path: path)
    }
}

private final class PosixFile: JournalFile {
    private let fd: Int32
    private let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        do throws(SystemError) { return try readFully(fd, into: buffer, at: offset) } catch {
            throw PosixFileSystem.error("pread", path, code: error.errno)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        do throws(SystemError) { try writeAll(fd, bytes, at: offset) } catch {
            throw PosixFileSystem.error("pwrite", path, code: error.errno)
        }
    }

    func size() throws(FileSystemError) -> Int64 {
        var info = stat()
        if fstat(fd, &info) != 0 { throw PosixFileSystem.error("fstat", path) }
        return Int64(info.st_size)
    }

    func truncate(to size: Int64) throws(FileSystemError) {
        if SystemCall.ftruncate(fd, size) != 0 { throw PosixFileSystem.error("ftruncate", path) }
    }

    func reserve(upTo size: Int64) throws(FileSystemError) {
        // posix_fallocate returns the error instead of setting errno.
        let result = SystemCall.fallocate(fd, offset: 0, length: size)
        if result != 0 { throw PosixFileSystem.error("fallocate", path, code: result) }
    }

    func dataSync() throws(FileSystemError) {
        if fdatasync(fd) != 0 { throw PosixFileSystem.error("fdatasync", path) }
    }

    func sync() throws(FileSystemError) {
        if fsync(fd) != 0 { throw PosixFileSystem.error("fsync", path) }
    }
}

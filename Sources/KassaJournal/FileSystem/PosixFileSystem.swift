#if canImport(Glibc)
import Glibc
#endif

/// The real disk, through the POSIX calls; every descriptor is opened close-on-exec.
public final class PosixFileSystem: JournalFileSystem {
    public init() {}

    public func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any JournalFile {
        let flags: Int32
        switch mode {
        case .readOnly: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createNew: flags = O_RDWR | O_CREAT | O_EXCL
        }
        let fd = retryingOnInterrupt { Glibc.open(path, flags | O_CLOEXEC, 0o640) }
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
        let fd = retryingOnInterrupt { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
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

private func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
    var result: Int32
    repeat { result = call() } while result < 0 && errno == EINTR
    return result
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
        var filled = 0
        while filled < buffer.count {
            let n = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFileSystem.error("pread", path)
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        var written = 0
        while written < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            if n < 0 {
                if errno == EINTR { continue }
                throw PosixFileSystem.error("pwrite", path)
            }
            written += n
        }
    }

    func size() throws(FileSystemError) -> Int64 {
        var info = stat()
        if fstat(fd, &info) != 0 { throw PosixFileSystem.error("fstat", path) }
        return Int64(info.st_size)
    }

    func truncate(to size: Int64) throws(FileSystemError) {
        if retryingOnInterrupt({ ftruncate(fd, off_t(size)) }) != 0 { throw PosixFileSystem.error("ftruncate", path) }
    }

    func reserve(upTo size: Int64) throws(FileSystemError) {
        // posix_fallocate returns the error instead of setting errno.
        var result: Int32
        repeat { result = posix_fallocate(fd, 0, off_t(size)) } while result == EINTR
        if result != 0 { throw PosixFileSystem.error("fallocate", path, code: result) }
    }

    func dataSync() throws(FileSystemError) {
        if fdatasync(fd) != 0 { throw PosixFileSystem.error("fdatasync", path) }
    }

    func sync() throws(FileSystemError) {
        if fsync(fd) != 0 { throw PosixFileSystem.error("fsync", path) }
    }
}

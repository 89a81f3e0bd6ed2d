import Glibc

/// A whole (small) file: configuration, zoneinfo, CSV, logs of our own. Never the journal,
/// which goes through its own file system.
public func readWholeFile(_ path: String) throws(SystemError) -> [UInt8] {
    let fd = SystemCall.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .last("open(\(path))") }
    defer { close(fd) }
    return try readToEnd(fd, operation: "read(\(path))")
}

/// Replaces a small file atomically: a temporary file beside it, fsync, rename, then the
/// directory's fsync. A power cut leaves either the old file or the new one, never half of either.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(SystemError) {
    let temporary = path + ".tmp"
    let fd = SystemCall.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw .last("open(\(temporary))") }
    do throws(SystemError) {
        try writeAll(fd, bytes, operation: "write(\(temporary))")
        guard fsync(fd) == 0 else { throw .last("fsync(\(temporary))") }
    } catch {
        close(fd)
        unlink(temporary)
        throw error
    }
    close(fd)
    guard rename(temporary, path) == 0 else {
        let failure = SystemError.last("rename(\(temporary))")
        unlink(temporary)
        throw failure
    }
    try syncDirectory(parentDirectory(of: path))
}

/// fsync of a directory: a name created, renamed or removed in it survives a power cut only then.
public func syncDirectory(_ path: String) throws(SystemError) {
    let fd = SystemCall.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw .last("open(\(path))") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw .last("fsync(\(path))") }
}

/// The directory a path names its file in: "." for a bare name.
public func parentDirectory(of path: String) -> String {
    let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    return parent.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : parent
}

#if canImport(Glibc)
import Glibc
#endif
import KassaCore

/// A disk in memory that remembers what was made durable, for power-loss and I/O-error tests here
/// and in other modules.
///
/// The model: a file's bytes and size become durable at `dataSync`/`sync`; creations, renames and
/// unlinks in a directory become durable at `syncDirectory`, and until then the directory keeps them
/// as an ordered log of which a power cut keeps some prefix (as a journaling file system does).
/// `simulatePowerLoss(seed:)` keeps the durable state and, of each unsynced 512-byte sector, keeps
/// the old bytes, the new bytes, or tears it at some byte. Directories themselves are durable as
/// soon as they are made. Not thread-safe: one test drives it.
public final class InMemoryFileSystem: JournalFileSystem {
    public enum FaultPoint: Hashable, Sendable {
        case write
        /// fdatasync, fsync and directory fsync.
        case sync
        case reserve
    }

    /// Total bytes the files may occupy; writes and reservations beyond it fail with ENOSPC.
    public var capacity: Int?

    private var directories: [String: Directory] = [:]
    private var faults: [FaultPoint: (remaining: Int, code: Int32)] = [:]

    public init(capacity: Int? = nil) {
        self.capacity = capacity
        directories["/"] = Directory()
    }

    /// The next `count` calls at `point` succeed, every later one fails with `code` until
    /// `clearFaults()`: a failing disk stays failed.
    public func injectFault(at point: FaultPoint, after count: Int, code: Int32) {
        faults[point] = (count, code)
    }

    public func clearFaults() { faults = [:] }

    /// The bytes a reader would see now, or nil when there is no such file.
    public func contents(of path: String) -> [UInt8]? {
        let (dir, name) = split(path)
        return directories[dir]?.current[name]?.data
    }

    public var bytesUsed: Int {
        directories.values.reduce(0) { total, dir in total + dir.current.values.reduce(0) { $0 + $1.data.count } }
    }

    public func simulatePowerLoss(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for (path, dir) in directories {
            var namespace = dir.durable
            for op in dir.pending.prefix(random.next(below: dir.pending.count + 1)) {
                switch op {
                case .link(let name, let node): namespace[name] = node
                case .remove(let name): namespace[name] = nil
                }
            }
            directories[path] = Directory(durable: namespace)
        }
        var seen = Set<ObjectIdentifier>()
        for dir in directories.values {
            for node in dir.current.values where seen.insert(ObjectIdentifier(node)).inserted {
                node.losePower(&random)
            }
        }
    }

    // MARK: JournalFileSystem

    public func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any JournalFile {
        let (dirPath, name) = split(path)
        guard let dir = directories[dirPath] else { throw FileSystemError(code: ENOENT, operation: "open", path: path) }
        if let node = dir.current[name] {
            if mode == .createNew { throw FileSystemError(code: EEXIST, operation: "open", path: path) }
            return InMemoryFile(node: node, path: path, fileSystem: self)
        }
        guard mode == .createNew else { throw FileSystemError(code: ENOENT, operation: "open", path: path) }
        let node = Node()
        dir.apply(.link(name, node))
        return InMemoryFile(node: node, path: path, fileSystem: self)
    }

    public func makeDirectory(_ path: String) throws(FileSystemError) {
        let (parent, _) = split(path)
        guard directories[parent] != nil else { throw FileSystemError(code: ENOENT, operation: "mkdir", path: path) }
        if directories[path] == nil { directories[path] = Directory() }
    }

    public func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = directories[path] else { throw FileSystemError(code: ENOENT, operation: "opendir", path: path) }
        return Array(dir.current.keys) + directories.keys.filter { $0 != path && split($0).0 == path }.map { split($0).1 }
    }

    public func syncDirectory(_ path: String) throws(FileSystemError) {
        try checkFault(.sync, "fsync", path)
        guard let dir = directories[path] else { throw FileSystemError(code: ENOENT, operation: "open", path: path) }
        dir.durable = dir.current
        dir.pending = []
    }

    public func rename(_ from: String, to: String) throws(FileSystemError) {
        let (fromDir, fromName) = split(from)
        let (toDir, toName) = split(to)
        guard let source = directories[fromDir], let node = source.current[fromName], let target = directories[toDir] else {
            throw FileSystemError(code: ENOENT, operation: "rename", path: from)
        }
        source.apply(.remove(fromName))
        target.apply(.link(toName, node))
    }

    public func unlink(_ path: String) throws(FileSystemError) {
        let (dirPath, name) = split(path)
        guard let dir = directories[dirPath], dir.current[name] != nil else {
            throw FileSystemError(code: ENOENT, operation: "unlink", path: path)
        }
        dir.apply(.remove(name))
    }

    // MARK: Internals

    fileprivate func checkFault(_ point: FaultPoint, _ operation: String, _ path: String) throws(FileSystemError) {
        guard let fault = faults[point] else { return }
        if fault.remaining == 0 { throw FileSystemError(code: fault.code, operation: operation, path: path) }
        faults[point] = (fault.remaining - 1, fault.code)
    }

    fileprivate func checkSpace(growingBy bytes: Int, _ operation: String, _ path: String) throws(FileSystemError) {
        if let capacity, bytes > 0, bytesUsed + bytes > capacity {
            throw FileSystemError(code: ENOSPC, operation: operation, path: path)
        }
    }

    private func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("/", path) }
        let dir = String(path[..<slash])
        return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
    }
}

private enum NamespaceOp {
    case link(String, Node)
    case remove(String)
}

private final class Directory {
    var durable: [String: Node]
    var current: [String: Node]
    var pending: [NamespaceOp] = []

    init(durable: [String: Node] = [:]) {
        self.durable = durable
        self.current = durable
    }

    func apply(_ op: NamespaceOp) {
        pending.append(op)
        switch op {
        case .link(let name, let node): current[name] = node
        case .remove(let name): current[name] = nil
        }
    }
}

private final class Node {
    var data: [UInt8] = []
    var durable: [UInt8] = []

    func losePower(_ random: inout SplitMix64) {
        let sector = 512
        let length = random.next(below: 2) == 0 ? durable.count : data.count
        // Both versions padded with zeros to `length`, compared and copied a sector at a time
        // (bulk operations: this runs thousands of times per test run).
        var old = Array(durable.prefix(length))
        old += [UInt8](repeating: 0, count: length - old.count)
        var new = Array(data.prefix(length))
        new += [UInt8](repeating: 0, count: length - new.count)
        var survivor = old
        var start = 0
        while start < length {
            let end = min(start + sector, length)
            let isUnsynced = old.withUnsafeBytes { o in
                new.withUnsafeBytes { n in memcmp(o.baseAddress! + start, n.baseAddress! + start, end - start) != 0 }
            }
            if isUnsynced {
                // Keep the old bytes, the new ones, or new ones up to a tear inside the sector.
                let newUpTo: Int
                switch random.next(below: 3) {
                case 0: newUpTo = start
                case 1: newUpTo = end
                default: newUpTo = start + random.next(below: end - start + 1)
                }
                if newUpTo > start { survivor.replaceSubrange(start..<newUpTo, with: new[start..<newUpTo]) }
            }
            start = end
        }
        data = survivor
        durable = survivor
    }
}

private final class InMemoryFile: JournalFile {
    private let node: Node
    private let path: String
    private let fileSystem: InMemoryFileSystem

    init(node: Node, path: String, fileSystem: InMemoryFileSystem) {
        self.node = node
        self.path = path
        self.fileSystem = fileSystem
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        let start = Int(offset)
        guard start < node.data.count else { return 0 }
        let n = min(buffer.count, node.data.count - start)
        node.data.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: n) }
        return n
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
        try fileSystem.checkFault(.write, "pwrite", path)
        let end = Int(offset) + bytes.count
        try fileSystem.checkSpace(growingBy: end - node.data.count, "pwrite", path)
        if end > node.data.count { node.data += [UInt8](repeating: 0, count: end - node.data.count) }
        node.data.replaceSubrange(Int(offset)..<end, with: bytes)
    }

    func size() throws(FileSystemError) -> Int64 { Int64(node.data.count) }

    func truncate(to size: Int64) throws(FileSystemError) {
        let n = Int(size)
        if n < node.data.count {
            node.data.removeSubrange(n...)
        } else {
            try fileSystem.checkSpace(growingBy: n - node.data.count, "ftruncate", path)
            node.data += [UInt8](repeating: 0, count: n - node.data.count)
        }
    }

    func reserve(upTo size: Int64) throws(FileSystemError) {
        try fileSystem.checkFault(.reserve, "fallocate", path)
        let n = Int(size)
        guard n > node.data.count else { return }
        try fileSystem.checkSpace(growingBy: n - node.data.count, "fallocate", path)
        node.data += [UInt8](repeating: 0, count: n - node.data.count)
    }

    func dataSync() throws(FileSystemError) {
        try fileSystem.checkFault(.sync, "fdatasync", path)
        node.durable = node.data
    }

    func sync() throws(FileSystemError) {
        try fileSystem.checkFault(.sync, "fsync", path)
        node.durable = node.data
    }
}

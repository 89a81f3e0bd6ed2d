import Glibc
import KassaCore
import KassaIPC
import KassaJournal
import KassaSystem

/// Backup and restore over the socket: kassad stays sandboxed, the console writes and reads the
/// USB stick. A backup is the journal, sealed chains and the catalog; snapshots are left out (a
/// restore replays) and so are the PIN key and the PIN and badge MACs: a stick holds no secret
/// that would give up a PIN. A restore names one technician of the restored register and a new
/// PIN for them; every other PIN and badge is set again. It goes only onto a box that has sold
/// nothing yet, installs nothing it has not checked, and kassad restarts to load it.
extension RegisterService {
    static let backupChunk = 24 * 1024

    func performBackup(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID) throws(IPCError) -> JSONValue? {
        switch op {
        case .backupList:
            var files: [BackupListReply.File] = []
            for path in backupFiles() {
                var st = stat()
                guard stat(stateDirectory + "/" + path, &st) == 0 else { continue }
                files.append(BackupListReply.File(path: path, size: Int64(st.st_size)))
            }
            return BackupListReply(register: fileConfig.registerID, receipt: Int64(ledger.state.lastReceipt),
                                   lastSeq: Int64(ledger.journal.lastSeq), shiftOpen: ledger.state.shift != nil, files: files).json
        case .backupRead:
            let path = try args.string("path")
            let offset = try args.int("offset")
            guard Self.isBackupPath(path), offset >= 0 else { throw IPCError(.badArgs, "backup.read: '\(path)' is not part of a backup") }
            let bytes: [UInt8]
            do { bytes = try readChunk(stateDirectory + "/" + path, offset: offset, count: Self.backupChunk) } catch {
                throw IPCError(.notFound, "backup.read: \(error)")
            }
            return BackupChunkReply(bytes: bytes, eof: bytes.count < Self.backupChunk).json
        case .restoreBegin:
            try requireNewBox()
            removeTree(restoreDirectory)
            do { try makeDirectory(restoreDirectory, mode: 0o700) } catch { throw IPCError(.internal, "restore: \(error)") }
            log.notice("restore started")
            return [:]
        case .restoreWrite:
            let path = try args.string("path")
            let offset = try args.int("offset")
            let data = try args.string("data")
            guard Self.isBackupPath(path), offset >= 0 else { throw IPCError(.badArgs, "restore.write: '\(path)' is not part of a backup") }
            guard let bytes = Base64.decode(data) else { throw IPCError(.badArgs, "restore.write: 'data' is not base64") }
            guard access(restoreDirectory, F_OK) == 0 else { throw IPCError(.conflict, "restore.write: no restore started (restore.begin)") }
            let largest = Self.largestBackupFile(path)
            guard offset <= largest - Int64(bytes.count) else {
                throw IPCError(.badArgs, "restore.write: '\(path)' would be larger than \(largest) bytes, more than any backup holds")
            }
            try requireRoom(for: bytes.count)
            do { try writeChunk(restoreDirectory + "/" + path, offset: offset, bytes) } catch {
                throw IPCError(.internal, "restore.write: \(error)")
            }
            return ["written": .int(Int64(bytes.count))]
        case .restoreCommit:
            let register = try args.string("register")
            let technician = OperatorID(try args.string("technician"))
            let pin = try args.string("pin")
            var anchors: [ChainAnchor] = []
            if let text = try args.optionalString("anchor") {
                guard let anchor = ChainAnchor(parsing: text) else {
                    throw IPCError(.badArgs, "'anchor' must be as a Z report prints it (Z12 4711:1a2b3c4d5e6f7a8b), not '\(text)'")
                }
                anchors.append(anchor)
            }
            try requireNewBox()
            return try commitRestore(register: register, technician: technician, pin: pin, anchors: anchors)
        default:
            return nil
        }
    }

    var restoreDirectory: String { stateDirectory + "/restore" }

    /// The state directory's files that make a backup, relative to it.
    func backupFiles() -> [String] {
        var out: [String] = []
        out += listFiles(stateDirectory + "/journal").map { "journal/" + $0 }
        for chain in listEntries(stateDirectory + "/sealed") {
            for sub in ["journal"] {
                out += listFiles(stateDirectory + "/sealed/\(chain)/\(sub)").map { "sealed/\(chain)/\(sub)/" + $0 }
            }
        }
        if access(stateDirectory + "/catalog.csv", F_OK) == 0 { out.append("catalog.csv") }
        return out
    }

    /// A path inside a backup: relative, no `..`, under one of its parts (never `secrets/`).
    static func isBackupPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }),
              path.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return false }
        switch parts[0] {
        case "journal": return parts.count == 2
        case "sealed": return parts.count == 4 && parts[2] == "journal"
        case "catalog.csv": return parts.count == 1
        default: return false
        }
    }

    private func requireNewBox() throws(IPCError) {
        guard !settingsTarget.hasHistory, ledger.state.openSale == nil else {
            throw IPCError(.refused, "a restore goes only onto a new box: this register has sold, refunded or closed a day already")
        }
    }

    private func commitRestore(register: String, technician: OperatorID, pin: String, anchors: [ChainAnchor]) throws(IPCError) -> JSONValue {
        let staged = restoreDirectory
        let records = try checkStagedRestore(register: register, technician: technician, pin: pin, anchors: anchors)
        // What this box had so far (its first-boot set-up) is kept aside, not deleted; a swap
        // that fails half-way is undone, so that the box starts on its own state again.
        let aside = stateDirectory + "/replaced-\(clock())"
        var movedAside: [String] = []
        var movedIn: [String] = []
        do {
            try makeDirectory(aside, mode: 0o700)
            for part in ["journal", "snapshots", "secrets", "sealed", "catalog.csv", VerifyProgress.fileName] where access(stateDirectory + "/" + part, F_OK) == 0 {
                guard rename(stateDirectory + "/" + part, aside + "/" + part) == 0 else { throw SystemError.last("rename(\(part))") }
                movedAside.append(part)
            }
            for part in ["journal", "secrets", "sealed", "catalog.csv"] where access(staged + "/" + part, F_OK) == 0 {
                guard rename(staged + "/" + part, stateDirectory + "/" + part) == 0 else { throw SystemError.last("rename(\(part))") }
                movedIn.append(part)
            }
            try makeDirectory(stateDirectory + "/snapshots", mode: 0o750)
            try writeFileAtomically(stateDirectory + "/register-id", Array((register + "\n").utf8), mode: 0o640)
        } catch {
            for part in movedIn { rename(stateDirectory + "/" + part, staged + "/" + part) }
            for part in movedAside {
                if part == "snapshots" { rmdir(stateDirectory + "/snapshots") }
                rename(aside + "/" + part, stateDirectory + "/" + part)
            }
            log.error("restore failed while swapping the state in; this box's own state is put back", ["error": "\(error)"])
            throw IPCError(.internal, "restore: \(error); nothing was restored")
        }
        removeTree(staged)
        log.notice("state restored from a backup: restarting to load it; every other PIN and badge is to be set again",
                   ["register": register, "records": String(records), "technician": technician.rawValue, "aside": aside])
        restoredPendingRestart = true
        later(200) { [weak self] in self?.onRestartRequested() }
        return RestoreReply(register: register, records: Int64(records), technician: technician, restarting: true).json
    }

    private func readChunk(_ path: String, offset: Int64, count: Int) throws(SystemError) -> [UInt8] {
        let fd = SystemCall.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .last("open(\(path))") }
        defer { close(fd) }
        return try readFully(fd, count: count, at: offset, operation: "read(\(path))")
    }

    private func writeChunk(_ path: String, offset: Int64, _ bytes: [UInt8]) throws(SystemError) {
        var dir = ""
        for part in path.split(separator: "/").dropLast() {
            dir += (dir.isEmpty && path.hasPrefix("/") ? "/" : dir.isEmpty ? "" : "/") + part
            try makeDirectory(dir, mode: 0o700)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .last("open(\(path))") }
        defer { close(fd) }
        try writeAll(fd, bytes, at: offset, operation: "write(\(path))")
        guard fsync(fd) == 0 else { throw .last("fsync(\(path))") }
    }
}

/// The names in a directory, but `.` and `..`.
func listEntries(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

/// The regular files in a directory (not its subdirectories).
func listFiles(_ path: String) -> [String] {
    listEntries(path).filter { name in
        var st = stat()
        return stat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && !name.hasSuffix(".tmp")
    }
}

/// Removes a directory tree of our own making (restore staging).
func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        for name in listEntries(path) { removeTree(path + "/" + name) }
        rmdir(path)
    } else {
        unlink(path)
    }
}

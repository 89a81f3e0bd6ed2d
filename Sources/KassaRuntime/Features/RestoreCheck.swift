import Glibc
import KassaCore
import KassaIPC
import KassaJournal
import KassaSystem

/// What a restore checks before it installs anything: the staged files are the backup's and no
/// others, the journal is this register's, verifies and replays to its end, the catalog parses
/// with this box's configuration, its Z closings match the records they cover and it holds the
/// history of the anchor given (from the last Z report printed), and the technician named for the
/// first log-in is one of the restored register's. Only then does it write the restored state's PIN secrets: a new key and
/// that technician's PIN (a backup carries none).
extension RegisterService {
    /// The disk space a restore leaves free: the restored register must still be able to journal.
    static let restoreReserveBytes: Int64 = 64 << 20
    /// No catalog a box would load is larger.
    static let largestCatalogBytes: Int64 = 32 << 20

    /// The largest a file of a backup can be: a journal segment closes at its size limit.
    static func largestBackupFile(_ path: String) -> Int64 {
        path == "catalog.csv" ? largestCatalogBytes : JournalOptions(registerID: 0).segmentSizeLimit + (1 << 20)
    }

    /// Refuses a restore that would fill the disk the journal lives on.
    func requireRoom(for bytes: Int) throws(IPCError) {
        var vfs = statvfs()
        guard statvfs(stateDirectory, &vfs) == 0 else { return }
        let free = Int64(vfs.f_bavail) * Int64(vfs.f_frsize)
        guard free - Int64(bytes) >= Self.restoreReserveBytes else {
            throw IPCError(.refused, "restore: the disk would be full (\(free / 1024) KiB free): nothing more is staged")
        }
    }

    /// Checks the staged restore and writes its PIN secrets; returns the journal's record count.
    func checkStagedRestore(register: String, technician: OperatorID, pin: String, anchors: [ChainAnchor]) throws(IPCError) -> UInt64 {
        let staged = restoreDirectory
        for path in stagedFiles(staged, "") where !Self.isBackupPath(path) {
            throw IPCError(.badArgs, "restore: '\(path)' is not part of a backup; nothing was restored")
        }
        guard !listFiles(staged + "/journal").isEmpty else { throw IPCError(.badArgs, "restore: the backup holds no journal") }
        let verified: JournalVerification
        do {
            let reader = try JournalReader(stateDirectory: staged)
            guard reader.registerID != 0 else { throw IPCError(.badArgs, "restore: the backup holds no journal") }
            guard reader.registerID == Ledger.journalKey(register) else {
                throw IPCError(.badArgs, "restore: the journal is not register \(register)'s")
            }
            verified = try reader.verify()
        } catch let error as IPCError {
            throw error
        } catch {
            throw IPCError(.badArgs, "restore: the backup's journal cannot be read: \(error)")
        }
        if let fault = verified.firstFault { throw IPCError(.badArgs, "restore: the backup's journal is damaged: \(fault)") }
        let restored: Ledger
        do {
            restored = try Ledger(stateDirectory: staged, registerID: register, readOnly: "checking a restore", warning: { _ in })
        } catch {
            throw IPCError(.badArgs, "restore: the backup's journal cannot be opened: \(error)")
        }
        guard case .readOnly(.requested) = restored.journal.mode else {
            throw IPCError(.badArgs, "restore: the backup's journal cannot be replayed to its end: \(restored.journal.mode)")
        }
        try requireHistory(staged, through: verified.lastSeq, anchors: anchors)
        guard restored.state.operators[technician]?.role == .technician, !restored.state.disabledOperators.contains(technician) else {
            throw IPCError(.badArgs, "restore: '\(technician.rawValue)' is no enabled technician of register \(register)")
        }
        if access(staged + "/catalog.csv", F_OK) == 0 {
            do {
                _ = try Supervisor.parseCatalog(try readWholeFile(staged + "/catalog.csv"), fileConfig)
            } catch {
                throw IPCError(.badArgs, "restore: the backup's catalog.csv cannot be loaded: \(error)")
            }
        }
        do {
            let secrets = try PinStore(stateDirectory: staged)
            do { try secrets.setPIN(pin, for: technician, minimumLength: config.minimumPinLength(for: .technician)) } catch {
                throw IPCError(.badArgs, "restore: the new PIN: \(error)")
            }
            try secrets.save()
        } catch let error as IPCError {
            throw error
        } catch {
            throw IPCError(.internal, "restore: cannot write the restored PIN secrets: \(error)")
        }
        return verified.records
    }

    /// Refuses a backup whose Z closings do not match the records they cover (a backup edited and
    /// chained anew), or that does not hold the history an anchor from a Z report saw (edited
    /// before it, or older than that closing). The box itself knows no anchor: a restore goes only
    /// onto one that has closed no day.
    private func requireHistory(_ staged: String, through lastSeq: UInt64, anchors: [ChainAnchor]) throws(IPCError) {
        let audit: JournalAudit.Result
        do {
            audit = try JournalAudit.check(stateDirectory: staged, through: lastSeq, anchors: anchors)
        } catch {
            throw IPCError(.badArgs, "restore: the backup's journal cannot be cross-checked: \(error)")
        }
        if let first = audit.findings.first {
            throw IPCError(.badArgs, "restore: the backup's journal contradicts its history at \(first)")
        }
    }

    /// Every entry under the staging area, as paths relative to it; a directory is walked, any
    /// other entry (a file, a link) is named so that the allowed list judges it.
    private func stagedFiles(_ root: String, _ prefix: String) -> [String] {
        var out: [String] = []
        for name in listEntries(root + "/" + prefix) {
            let path = prefix.isEmpty ? name : prefix + "/" + name
            var st = stat()
            if lstat(root + "/" + path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                out += stagedFiles(root, path)
            } else {
                out.append((st.st_mode & S_IFMT) == S_IFREG ? path : path + " (not a regular file)")
            }
        }
        return out
    }
}

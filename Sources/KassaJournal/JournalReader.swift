/// What `kassa journal verify` prints: counts when the journal is sound, else the first bad record.
public struct JournalVerification: Equatable, Sendable {
    public var segments: Int
    public var records: UInt64
    public var lastSeq: UInt64
    public var firstFault: JournalFault?

    public var isSound: Bool { firstFault == nil }
}

/// Reads a journal without ever changing it: no truncation, no quarantine, no new files. Safe on
/// the live state directory of a running register and on a damaged one (dump, export, verify).
public final class JournalReader {
    private let store: SegmentStore
    private let snapshots: SnapshotStore
    private let fileSystem: any JournalFileSystem

    /// `registerID` nil takes the register of the first segment.
    public init(stateDirectory: String, registerID: UInt64? = nil,
                fileSystem: any JournalFileSystem = PosixFileSystem()) throws(JournalError) {
        let directory = stateDirectory + "/" + Format.journalDirectory
        do throws(FileSystemError) {
            var store = try SegmentStore(fileSystem: fileSystem, directory: directory, registerID: registerID ?? 0)
            if registerID == nil, let first = store.segments.first {
                let header = try fileSystem.readAll(directory + "/" + first.name).withUnsafeBytes { SegmentHeader.decode($0) }
                if case .success(let header) = header {
                    store = try SegmentStore(fileSystem: fileSystem, directory: directory, registerID: header.registerID)
                }
            }
            self.store = store
            self.fileSystem = fileSystem
            snapshots = SnapshotStore(fileSystem: fileSystem, directory: stateDirectory + "/" + Format.snapshotDirectory,
                                      registerID: store.registerID)
        } catch {
            throw .io(error)
        }
    }

    public var registerID: UInt64 { store.registerID }

    /// Walks every segment from record 1: header CRCs and chain links, every record's CRC32C and
    /// chain hash, gap-free sequence numbers. `throughSeq` stops the walk there (the writer's
    /// `lastSeq`, so that a record being written is not taken for a torn one); nil walks to the end.
    /// `progress` hears the count of records checked every 10,000 records.
    public func verify(throughSeq: UInt64? = nil, progress: (UInt64) -> Void = { _ in }) throws(JournalError) -> JournalVerification {
        var records: UInt64 = 0
        let fault: JournalFault?
        do {
            fault = try walkFromStart(through: throughSeq ?? .max) { _ in
                records += 1
                if records % 10_000 == 0 { progress(records) }
            }
        } catch let error as JournalError {
            throw error
        } catch {
            preconditionFailure("counting records does not throw")
        }
        return JournalVerification(segments: store.segments.count, records: records, lastSeq: records, firstFault: fault)
    }

    /// Visits records from `fromSeq` to the end or to the first bad record, which it returns
    /// (nil at a clean end). Throws `JournalError` or what `body` throws. Without `verifyingChain`
    /// only each record's CRC is checked, not the chain hashes: for readers (reports) that run
    /// often and leave proving the history to `verify`.
    public func forEachRecord(fromSeq: UInt64, verifyingChain: Bool = true, _ body: (JournalRecordView) throws -> Void) throws -> JournalFault? {
        guard !store.segments.isEmpty else { return nil }
        if fromSeq <= 1 { return try walkFromStart(through: .max, verifyingChain: verifyingChain, body) }
        var point: ChainPoint
        do throws(JournalError) {
            point = try chainPoint(before: fromSeq, in: store)
        } catch {
            // Not `catch .damaged(let fault)`: Swift 6.0's SIL verifier crashes on that pattern.
            if case .damaged(let fault) = error { return fault }
            throw error
        }
        do {
            return try store.walk(from: &point, verifyingChain: verifyingChain, visit: body)
        } catch let error as FileSystemError {
            throw JournalError.io(error)
        }
    }

    /// Whether `fault` is an unfinished write at the very end of the journal rather than damage,
    /// by the rule recovery applies at open: it is in the last segment, no snapshot covers it, and
    /// no record after it says it was ever durable. On a running register that is a record being
    /// written; after a power cut, a torn write that the next start sets aside.
    public func isUnfinishedTail(_ fault: JournalFault) throws(JournalError) -> Bool {
        guard let last = store.segments.last, fault.segment == last.name else { return false }
        if case .badSegmentHeader = fault.problem { return false }
        guard fault.offset >= Int64(Format.segmentHeaderLength) else { return false }
        if let snapshot = try loadNewestValidSnapshot(), snapshot.throughSeq >= fault.seq { return false }
        do throws(FileSystemError) {
            let reader = SegmentReader(file: try fileSystem.open(store.path(of: store.segments.count - 1), .readOnly), size: 0)
            try reader.refreshSize()
            return try reader.firstValidRecord(after: fault.offset, claimingDurable: fault.seq) == nil
        } catch {
            throw .io(error)
        }
    }

    public func read(seq: UInt64) throws(JournalError) -> JournalRecord {
        guard seq >= 1 else { throw .noSuchRecord(seq) }
        return try readRecord(seq: seq, in: store)
    }

    public func loadNewestValidSnapshot() throws(JournalError) -> JournalSnapshot? {
        do throws(FileSystemError) {
            return try snapshots.loadNewestValid().0
        } catch {
            throw .io(error)
        }
    }

    private func walkFromStart(through limit: UInt64, verifyingChain: Bool = true,
                               _ body: (JournalRecordView) throws -> Void) throws -> JournalFault? {
        guard !store.segments.isEmpty else { return nil }
        do {
            switch try store.journalStart() {
            case .failure(let fault): return fault
            case .success(var point): return try store.walk(from: &point, through: limit, verifyingChain: verifyingChain, visit: body)
            }
        } catch let error as FileSystemError {
            throw JournalError.io(error)
        }
    }
}

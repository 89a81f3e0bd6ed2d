#if canImport(Glibc)
import Glibc
#endif
/// What `kassa journal verify` prints: counts when the journal is sound, else the first bad record.
public struct JournalVerification: Equatable, Sendable {
    public var segments: Int
    public var records: UInt64
    /// The last record found sound.
    public var lastSeq: UInt64
    public var firstFault: JournalFault?
    /// The walk went on after this record, checked by an earlier verification (0: from record 1).
    /// `records` counts only the records this walk checked.
    public var resumedAfter: UInt64 = 0

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
    ///
    /// With a `mark` that still holds (see `VerifyMark`), the walk goes on after it instead of
    /// starting at record 1; `resumedAfter` in the result, and `starting` before the walk, say
    /// which it did. `progress` hears a mark every `markInterval` records, to be kept for the next
    /// verification.
    public func verify(throughSeq: UInt64? = nil, resumingAt mark: VerifyMark? = nil, markInterval: UInt64 = 10_000,
                       starting: (_ resumedAfter: UInt64) -> Void = { _ in },
                       progress: (VerifyMark) -> Void = { _ in }) throws(JournalError) -> JournalVerification {
        var result = JournalVerification(segments: store.segments.count, records: 0, lastSeq: 0)
        guard !store.segments.isEmpty else { return result }
        let limit = throughSeq ?? .max
        var point: ChainPoint
        do throws(FileSystemError) {
            if let mark, mark.seq <= limit, let resumed = try resumePoint(mark) {
                point = resumed
                result.resumedAfter = mark.seq
            } else {
                switch try store.journalStart() {
                case .failure(let fault):
                    result.firstFault = fault
                    return result
                case .success(let start): point = start
                }
            }
        } catch {
            throw .io(error)
        }
        starting(result.resumedAfter)
        let interval = max(markInterval, 1)
        var lastLength = 0
        while point.nextSequence <= limit {
            // In steps of whole intervals, so that a mark can be taken between them.
            let stop = min(limit, (point.nextSequence - 1) / interval * interval + interval)
            let before = point.nextSequence
            do {
                result.firstFault = try store.walk(from: &point, through: stop, verifyingChain: true) { view in
                    lastLength = Format.recordOverhead + view.payload.count
                }
            } catch let error as FileSystemError {
                throw .io(error)
            } catch {
                preconditionFailure("noting a length does not throw")
            }
            result.records += point.nextSequence - before
            guard result.firstFault == nil, point.nextSequence == stop + 1 else { break }
            if stop < limit {
                progress(VerifyMark(seq: stop, chainHash: point.hash,
                                    segmentFirstSequence: store.segments[point.segment].firstSequence,
                                    offset: point.offset - Int64(lastLength), length: Int64(lastLength)))
            }
        }
        result.lastSeq = point.nextSequence - 1
        return result
    }

    /// Where a verification may go on after `mark`: record `mark.seq` is still where the mark
    /// says, its CRC32C holds, and it carries the remembered sequence number and chain hash. Nil
    /// otherwise (a mark of another journal, of a chain since recovered, damaged or made up).
    func resumePoint(_ mark: VerifyMark) throws(FileSystemError) -> ChainPoint? {
        guard mark.seq >= 1, mark.chainHash.count == Format.hashLength, mark.offset >= Int64(Format.segmentHeaderLength),
              mark.length >= Int64(Format.recordOverhead),
              let segment = store.segments.firstIndex(where: { $0.firstSequence == mark.segmentFirstSequence }),
              case .success(let (reader, _)) = try store.openSegment(segment) else { return nil }
        let (framing, bytes) = try reader.frame(at: mark.offset)
        guard case .record(let length) = framing, Int64(length) == mark.length else { return nil }
        let view = RecordCodec.view(bytes)
        guard view.seq == mark.seq, view.chainHash.elementsEqual(mark.chainHash) else { return nil }
        return ChainPoint(segment: segment, offset: mark.offset + mark.length, nextSequence: mark.seq + 1,
                          hash: mark.chainHash, time: view.time)
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

    /// Visits the records after `snapshot` (after none: from record 1) to the end or to the first
    /// bad record, which it returns, checking each one's CRC32C and sequence number but not the
    /// chain: for a replay beside `Journal.open`, whose walk checks the chain of the same records.
    /// The snapshot's place is taken as it says; a wrong one ends the walk at its first record.
    public func forEachRecord(after snapshot: JournalSnapshot?, _ body: (JournalRecordView) throws -> Void) throws -> JournalFault? {
        guard let snapshot else { return try walkFromStart(through: .max, verifyingChain: false, body) }
        guard let segment = store.segments.firstIndex(where: { $0.firstSequence == snapshot.segmentFirstSequence }) else {
            return JournalFault(segment: Format.segmentName(firstSequence: snapshot.segmentFirstSequence), offset: snapshot.nextOffset,
                                seq: snapshot.throughSeq + 1, problem: .missingSegment)
        }
        var point = ChainPoint(segment: segment, offset: snapshot.nextOffset, nextSequence: snapshot.throughSeq + 1,
                               hash: snapshot.chainHash, time: snapshot.time)
        do {
            return try store.walk(from: &point, verifyingChain: false, visit: body)
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

    /// What `verifyLive` found.
    public enum LiveVerdict: Equatable, Sendable {
        case sound(JournalVerification)
        /// Sound up to an unfinished write at the very end (see `isUnfinishedTail`).
        case unfinishedTail(JournalVerification, JournalFault)
        case damaged(JournalVerification, JournalFault)
        /// Each read found the journal's end somewhere new: it was being written all along.
        case stillBeingWritten(JournalVerification, JournalFault)
    }

    /// Verifies the journal of a state directory that a running register may be writing. A read
    /// can catch a record half written (or bytes of the tail from before and after a write), which
    /// looks like damage at that moment and no longer does a moment later: kassad only appends, so
    /// bytes that change between two reads are a write in progress, never a record that was whole.
    /// A fault is therefore judged only once two reads in a row find the very same one, after
    /// `pause`; each read after the first goes on from the last mark the one before it passed.
    public static func verifyLive(stateDirectory: String, fileSystem: any JournalFileSystem = PosixFileSystem(),
                                  reads: Int = 10, pause: () -> Void = { usleep(200_000) }) throws(JournalError) -> LiveVerdict {
        var mark: VerifyMark?
        var previous: JournalFault?
        var last = JournalVerification(segments: 0, records: 0, lastSeq: 0)
        for read in 1...max(reads, 2) {
            if read > 1 { pause() }
            let reader = try JournalReader(stateDirectory: stateDirectory, fileSystem: fileSystem)
            last = try reader.verify(resumingAt: mark, progress: { mark = $0 })
            guard let fault = last.firstFault else { return .sound(last) }
            if fault == previous {
                return try reader.isUnfinishedTail(fault) ? .unfinishedTail(last, fault) : .damaged(last, fault)
            }
            previous = fault
        }
        return .stillBeingWritten(last, previous!)
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

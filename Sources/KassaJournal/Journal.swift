#if canImport(Glibc)
import Glibc
#endif
public struct JournalOptions: Sendable {
    public var registerID: UInt64
    /// A segment is closed once it would grow past this; a soft limit when the disk is full.
    public var segmentSizeLimit: Int64 = 64 << 20
    /// Disk space is reserved (fallocate) ahead of the writer in chunks of this size.
    public var reservationChunk: Int64 = 1 << 20
    public var snapshotsToKeep = 3
    /// The highest sequence number the caller knows was reported durable from elsewhere (say, a
    /// printed receipt): a bad record at or below it is damage, never a torn tail.
    public var minimumDurableSeq: UInt64 = 0
    /// Open without writing anything, for this reason (see `ReadOnlyReason.requested`).
    public var readOnlyReason: String?

    public init(registerID: UInt64) {
        self.registerID = registerID
    }
}

/// The register's journal: open (with recovery), append, sync, rotate, read, snapshot.
///
/// Recovery on open, the rule that keeps a power cut from ever looking like damage: open walks
/// from the newest valid snapshot (or the start) to the end, checking framing, CRC32C, sequence
/// numbers, the chain and segment headers. At the first bad record, at offset X of the last segment:
///
/// - it is a **torn tail** when nothing proves that X was ever reported durable: no CRC-valid
///   record after X carries `syncedThrough` >= the sequence number expected at X, no snapshot
///   covers it, and it is above `minimumDurableSeq`. Only data written since the last fdatasync can
///   be missing or torn after a power cut, and every record written after a successful fdatasync
///   says so in `syncedThrough`; so does the sync mark written right after each fdatasync (see
///   `Format`), so that the last durable group, with no record after it, is proven durable too. The bytes from X to the end of data go to `quarantine/`, the
///   segment is cut at X, a warning is logged and the journal opens read-write.
/// - otherwise it is **damage**: the journal opens read-only, `mode` names segment, offset,
///   sequence number and problem, and nothing is moved or cut.
///
/// A bad record in any segment but the last is damage: rotation fdatasyncs a segment before the
/// next one is created. A last segment whose header is bad and which holds no valid record is a
/// torn segment creation: it goes to quarantine whole. Nothing is ever dropped without a copy.
///
/// Not thread-safe: one owner (the supervisor's reactor) drives it; a `JournalReader` with its own
/// files verifies in the background.
public final class Journal {
    public private(set) var mode: JournalMode
    public private(set) var lastSeq: UInt64
    /// The chain hash of record `lastSeq` (32 zero bytes before the first record).
    public private(set) var lastHash: [UInt8]
    /// The time of record `lastSeq`, 0 before the first record.
    public private(set) var lastTime: Int64
    /// The highest sequence number known to be fdatasync'd.
    public private(set) var durableSeq: UInt64
    /// The newest valid snapshot, read at open: fold from its state, then replay the records after it.
    public let snapshot: JournalSnapshot?
    /// The next chunk of disk could not be reserved: refuse new sales, let started ones finish in
    /// the `reservedBytesRemaining`.
    public private(set) var lowSpace = false

    private let options: JournalOptions
    private let fileSystem: any JournalFileSystem
    private let stateDirectory: String
    private let store: SegmentStore
    private let snapshots: SnapshotStore
    private let warning: (String) -> Void
    private var file: (any JournalFile)?
    private var writeOffset: Int64
    private var reservedEnd: Int64 = 0
    /// Reused encoding buffer, so an append does not allocate one per group.
    private var scratch: [UInt8] = []

    public var reservedBytesRemaining: Int64 { max(0, reservedEnd - writeOffset) }

    private var journalDirectory: String { stateDirectory + "/" + Format.journalDirectory }

    /// Opens (creating when empty) the journal under `stateDirectory`, recovering from a torn tail.
    /// A damaged journal still opens, read-only: check `mode`. Throws only when the disk can not be read.
    ///
    /// `beforeWalk` hears the newest valid snapshot once it is loaded, right before the walk that
    /// checks the records after it: a caller may start reading them on another thread meanwhile
    /// (see `JournalReader.forEachRecord(after:)`), as long as it takes what it read only if it
    /// ends at this journal's `lastSeq` and `lastHash`.
    public static func open(stateDirectory: String, options: JournalOptions,
                            fileSystem: any JournalFileSystem = PosixFileSystem(),
                            warning: @escaping (String) -> Void,
                            beforeWalk: (JournalSnapshot?) -> Void = { _ in }) throws(JournalError) -> Journal {
        do throws(FileSystemError) {
            for directory in ["", Format.journalDirectory, Format.snapshotDirectory, Format.quarantineDirectory] {
                try fileSystem.makeDirectory(directory.isEmpty ? stateDirectory : stateDirectory + "/" + directory)
            }
            let store = try SegmentStore(fileSystem: fileSystem, directory: stateDirectory + "/" + Format.journalDirectory,
                                         registerID: options.registerID)
            let snapshots = SnapshotStore(fileSystem: fileSystem, directory: stateDirectory + "/" + Format.snapshotDirectory,
                                          registerID: options.registerID)
            let (snapshot, rejected) = try snapshots.loadNewestValid()
            rejected.forEach(warning)
            let journal = Journal(stateDirectory: stateDirectory, options: options, fileSystem: fileSystem, store: store,
                                  snapshots: snapshots, snapshot: snapshot, warning: warning)
            beforeWalk(snapshot)
            if let why = options.readOnlyReason {
                try journal.openWithoutWriting(why)
                return journal
            }
            do throws(FileSystemError) {
                try journal.recover()
            } catch {
                // A read-only file system must not become a crash loop: open what can be read,
                // record nothing, and say why.
                guard error.code == EROFS || error.code == EACCES || error.code == EPERM else { throw error }
                warning("journal: opening read-only, the state directory cannot be written (\(error))")
                journal.mode = .readOnly(.notWritable(error))
            }
            if case .readWrite = journal.mode {
                do throws(FileSystemError) { try snapshots.removeTemporaryFiles() } catch {
                    warning("journal: cannot remove half-written snapshots (\(error))")
                }
            }
            return journal
        } catch {
            throw .io(error)
        }
    }

    private init(stateDirectory: String, options: JournalOptions, fileSystem: any JournalFileSystem, store: SegmentStore,
                 snapshots: SnapshotStore, snapshot: JournalSnapshot?, warning: @escaping (String) -> Void) {
        self.stateDirectory = stateDirectory
        self.options = options
        self.fileSystem = fileSystem
        self.store = store
        self.snapshots = snapshots
        self.snapshot = snapshot
        self.warning = warning
        mode = .readWrite
        lastSeq = 0
        lastHash = Format.genesisHash
        lastTime = 0
        durableSeq = 0
        writeOffset = Int64(Format.segmentHeaderLength)
    }

    // MARK: Recovery

    private func recover() throws(FileSystemError) {
        let minimumDurable = max(options.minimumDurableSeq, snapshot?.throughSeq ?? 0)
        if store.segments.isEmpty {
            if minimumDurable > 0 {
                let fault = JournalFault(segment: Format.segmentName(firstSequence: 1), offset: 0, seq: 1,
                                         problem: .durableRecordsMissing(throughSeq: minimumDurable))
                mode = .readOnly(.damaged(fault))
                return
            }
            try startFirstSegment()
            return
        }
        var point: ChainPoint
        switch try tailStart() {
        case .success(let start): point = start
        case .failure(let fault):
            // Only a lone first segment, with no snapshot behind it, can be a torn creation here.
            let beforeFirst = ChainPoint(segment: -1, offset: 0, nextSequence: 1, hash: Format.genesisHash, time: 0)
            guard snapshot == nil, store.segments.count == 1,
                  try setAsideTornData(fault, end: beforeFirst, minimumDurable: minimumDurable) else {
                mode = .readOnly(.damaged(fault))
                return
            }
            try startFirstSegment()
            return
        }
        store.noteAnchor(point)
        let fault = try walkIgnoringVisitorErrors(from: &point)
        // A group is all or nothing: a tail that ends inside one (torn or cleanly cut) is torn
        // back to the group's first record, so a sale is never half recorded. Damage is still
        // reported where it is.
        var tear = fault
        if let open = store.openGroupAtWalkEnd {
            tear = JournalFault(segment: store.segments[open.segment].name, offset: open.offset, seq: open.nextSequence,
                                problem: fault?.problem ?? .incompleteGroup)
            point = open
        }
        adopt(point)
        if let tear {
            guard try setAsideTornData(tear, end: point, minimumDurable: minimumDurable) else {
                mode = .readOnly(.damaged(fault ?? tear))
                return
            }
        }
        if store.segments.isEmpty {
            try startFirstSegment()
            return
        }
        try openWriter(segment: store.segments.count - 1)
        topUpReservation()
    }

    /// Reads to the end of what is whole and changes nothing: a torn tail stays where it is (and
    /// out of the state), damage is reported as damage.
    private func openWithoutWriting(_ why: String) throws(FileSystemError) {
        mode = .readOnly(.requested(why))
        guard !store.segments.isEmpty else { return }
        switch try tailStart() {
        case .failure(let fault):
            mode = .readOnly(.damaged(fault))
        case .success(var point):
            store.noteAnchor(point)
            let fault = try walkIgnoringVisitorErrors(from: &point)
            if let open = store.openGroupAtWalkEnd { point = open }
            adopt(point)
            if let fault, fault.seq <= max(options.minimumDurableSeq, snapshot?.throughSeq ?? 0) {
                mode = .readOnly(.damaged(fault))
            }
        }
    }

    /// Where the walk at open starts: right after the snapshot's record, checked to be there, or
    /// at the first record of the journal.
    private func tailStart() throws(FileSystemError) -> Result<ChainPoint, JournalFault> {
        guard let snapshot else { return try store.journalStart() }
        let missing = JournalFault(segment: Format.segmentName(firstSequence: snapshot.segmentFirstSequence),
                                   offset: snapshot.nextOffset, seq: snapshot.throughSeq + 1,
                                   problem: .durableRecordsMissing(throughSeq: snapshot.throughSeq))
        guard let segment = store.segments.firstIndex(where: { $0.firstSequence == snapshot.segmentFirstSequence }) else {
            return .failure(missing)
        }
        switch try store.openSegment(segment) {
        case .failure(let fault): return .failure(fault)
        case .success(let (reader, header)):
            let before: [UInt8]
            if snapshot.nextOffset == Int64(Format.segmentHeaderLength) {
                guard header.firstSequence == snapshot.throughSeq + 1 else { return .failure(missing) }
                before = header.previousHash
            } else {
                guard snapshot.nextOffset >= Int64(Format.segmentHeaderLength + Format.recordOverhead) else {
                    return .failure(missing)
                }
                before = Array(try reader.bytes(at: snapshot.nextOffset - Int64(Format.hashLength), upTo: Format.hashLength))
            }
            guard before == snapshot.chainHash else { return .failure(missing) }
            return .success(ChainPoint(segment: segment, offset: snapshot.nextOffset, nextSequence: snapshot.throughSeq + 1,
                                       hash: snapshot.chainHash, time: snapshot.time))
        }
    }

    private func walkIgnoringVisitorErrors(from point: inout ChainPoint) throws(FileSystemError) -> JournalFault? {
        do {
            return try store.walk(from: &point, verifyingChain: true, visit: { _ in })
        } catch let error as FileSystemError {
            throw error
        } catch {
            preconditionFailure("the visitor does not throw")
        }
    }

    private func adopt(_ point: ChainPoint) {
        lastSeq = point.nextSequence - 1
        lastHash = point.hash
        lastTime = point.time
        writeOffset = point.offset
    }

    /// Applies the recovery rule to the first fault; true when it was a torn tail now set aside.
    private func setAsideTornData(_ fault: JournalFault, end: ChainPoint,
                                  minimumDurable: UInt64) throws(FileSystemError) -> Bool {
        guard let segment = store.segments.firstIndex(where: { $0.name == fault.segment }),
              segment == store.segments.count - 1, fault.seq > minimumDurable else { return false }
        let path = store.path(of: segment)
        let reader = SegmentReader(file: try fileSystem.open(path, .readOnly), size: 0)
        try reader.refreshSize()
        if case .badSegmentHeader = fault.problem {
            // Records go in only after the header was fdatasync'd: a record behind a bad header
            // proves the header was durable once.
            guard segment > end.segment,
                  try reader.firstValidRecord(after: 0, claimingDurable: nil) == nil else { return false }
            try quarantine(reader, segment: fault.segment, from: 0, lastSeq: end.nextSequence - 1)
            try fileSystem.unlink(path)
            try fileSystem.syncDirectory(journalDirectory)
            store.removeLastSegment()
            return true
        }
        guard fault.offset >= Int64(Format.segmentHeaderLength),
              try reader.firstValidRecord(after: fault.offset, claimingDurable: fault.seq) == nil else { return false }
        try quarantine(reader, segment: fault.segment, from: fault.offset, lastSeq: end.nextSequence - 1)
        let writable = try fileSystem.open(path, .readWrite)
        try writable.truncate(to: fault.offset)
        try writable.dataSync()
        return true
    }

    private func quarantine(_ reader: SegmentReader, segment: String, from offset: Int64,
                            lastSeq: UInt64) throws(FileSystemError) {
        let end = max(try reader.endOfNonZeroData(from: offset), offset)
        let bytes = Array(try reader.bytes(at: offset, upTo: Int(end - offset)))
        let directory = stateDirectory + "/" + Format.quarantineDirectory
        let base = segment + "@" + Format.zeroPadded(UInt64(offset), width: 12)
        let existing = Set(try fileSystem.listDirectory(directory))
        var name = base + ".torn"
        var attempt = 1
        while existing.contains(name) {
            attempt += 1
            name = base + "-\(attempt).torn"
        }
        let file = try fileSystem.open(directory + "/" + name, .createNew)
        try file.write(bytes, at: 0)
        try file.sync()
        try fileSystem.syncDirectory(directory)
        warning("journal: torn write after record \(lastSeq) in \(segment) at byte \(offset): "
                + "\(bytes.count) bytes moved to \(Format.quarantineDirectory)/\(name); continuing at record \(lastSeq + 1)")
    }

    private func startFirstSegment() throws(FileSystemError) {
        file = try createSegment(firstSeq: 1, previousHash: Format.genesisHash, previousTime: 0)
        writeOffset = Int64(Format.segmentHeaderLength)
    }

    /// Opens the last segment for appending. What survived a crash may still sit in the page cache
    /// only, so it is fdatasync'd before anything is reported durable.
    private func openWriter(segment: Int) throws(FileSystemError) {
        let file = try fileSystem.open(store.path(of: segment), .readWrite)
        reservedEnd = try file.size()
        self.file = file
        do throws(FileSystemError) {
            try file.dataSync()
        } catch {
            closeWriter(error)
            return
        }
        durableSeq = lastSeq
        markSynced(file)
    }

    /// Writes the sync mark after the last record (see `Format`): records through `durableSeq` are
    /// on disk. The mark itself is not synced and the next append overwrites it; a failed write
    /// leaves at most its 68 bytes unknown, inside reserved space that the next append overwrites too.
    private func markSynced(_ file: any JournalFile) {
        guard durableSeq == lastSeq, writeOffset > Int64(Format.segmentHeaderLength),
              reservedEnd - writeOffset >= Int64(Format.recordOverhead) else { return }
        try? file.write(RecordCodec.syncMark(after: lastSeq, hash: lastHash, time: lastTime), at: writeOffset)
    }

    /// Writes a segment header, reserves a chunk, and makes both and the file name durable before
    /// any record goes in.
    private func createSegment(firstSeq: UInt64, previousHash: [UInt8],
                               previousTime: Int64) throws(FileSystemError) -> any JournalFile {
        let info = SegmentInfo(name: Format.segmentName(firstSequence: firstSeq), firstSequence: firstSeq)
        let path = journalDirectory + "/" + info.name
        let header = SegmentHeader(registerID: options.registerID, firstSequence: firstSeq, previousTime: previousTime,
                                   previousHash: previousHash)
        let file = try fileSystem.open(path, .createNew)
        do throws(FileSystemError) {
            try file.write(header.encoded(), at: 0)
            let reserve = Int64(Format.segmentHeaderLength) + options.reservationChunk
            try file.reserve(upTo: reserve)
            try file.dataSync()
            try fileSystem.syncDirectory(journalDirectory)
            reservedEnd = reserve
        } catch {
            try? fileSystem.unlink(path)
            throw error
        }
        store.appendSegment(info)
        return file
    }

    // MARK: Writing

    /// Appends the entries as one group with one write. When `durable`, it returns only after
    /// fdatasync: act on the records only then. Returns their sequence numbers.
    @discardableResult
    public func append(_ entries: [JournalEntry], durable: Bool) throws(JournalError) -> [UInt64] {
        _ = try writableFile()
        guard !entries.isEmpty else {
            if durable { try sync() }
            return []
        }
        if let tooLarge = entries.first(where: { $0.payload.count > Format.maxPayloadLength }) {
            throw .invalidArgument("payload of \(tooLarge.payload.count) bytes exceeds \(Format.maxPayloadLength)")
        }
        let groupLength = Int64(entries.reduce(0) { $0 + Format.recordOverhead + $1.payload.count })
        if writeOffset > Int64(Format.segmentHeaderLength), writeOffset + groupLength > options.segmentSizeLimit {
            do throws(JournalError) {
                try rotate()
            } catch {
                // Not `catch .noSpace(let e)`: Swift 6.0's SIL verifier crashes on that pattern.
                guard case .noSpace(let e) = error else { throw error }
                warning("journal: no space for a new segment (\(e)); \(store.segments.last!.name) grows on")
            }
        }
        let target = try writableFile()
        try ensureReserved(through: writeOffset + groupLength, file: target)

        scratch.removeAll(keepingCapacity: true)
        var point = ChainPoint(segment: store.segments.count - 1, offset: writeOffset, nextSequence: lastSeq + 1,
                               hash: lastHash, time: lastTime)
        var anchors: [ChainPoint] = []
        for (i, entry) in entries.enumerated() {
            let start = scratch.count
            point.hash = RecordCodec.append(to: &scratch, sequence: point.nextSequence, entry: entry,
                                            syncedThrough: durableSeq, previousHash: point.hash,
                                            groupContinues: i < entries.count - 1)
            point.offset += Int64(scratch.count - start)
            point.nextSequence += 1
            point.time = entry.time
            if point.nextSequence % SegmentStore.anchorInterval == 0 { anchors.append(point) }
        }
        do throws(FileSystemError) {
            try target.write(scratch, at: writeOffset)
        } catch {
            // The bytes on disk are now unknown: writing on could leave stale records behind new ones.
            throw closeWriter(error)
        }
        let first = lastSeq + 1
        adopt(point)
        anchors.forEach(store.noteAnchor)
        if durable { try sync() }
        topUpReservation()
        return Array(first...lastSeq)
    }

    /// Makes every appended record durable (fdatasync).
    public func sync() throws(JournalError) {
        let file = try writableFile()
        guard durableSeq < lastSeq else { return }
        do throws(FileSystemError) {
            try file.dataSync()
        } catch {
            // After a failed fsync the kernel may have dropped the dirty pages: a retry could
            // report success for data that is gone. Close; reopening replays what is really there.
            throw closeWriter(error)
        }
        durableSeq = lastSeq
        markSynced(file)
    }

    /// Closes the current segment and starts the next one (the register rotates at every Z closing).
    /// Does nothing while the current segment holds no record.
    public func rotate() throws(JournalError) {
        let old = try writableFile()
        guard writeOffset > Int64(Format.segmentHeaderLength) else { return }
        try sync()
        let next: any JournalFile
        do throws(FileSystemError) {
            next = try createSegment(firstSeq: lastSeq + 1, previousHash: lastHash, previousTime: lastTime)
        } catch where error.isNoSpace {
            lowSpace = true
            throw .noSpace(error)
        } catch {
            throw closeWriter(error)
        }
        do throws(FileSystemError) {
            // Give the unused reservation back; left in place it would still read as a clean end.
            try old.truncate(to: writeOffset)
            try old.dataSync()
        } catch {
            throw closeWriter(error)
        }
        file = next
        writeOffset = Int64(Format.segmentHeaderLength)
    }

    private func writableFile() throws(JournalError) -> any JournalFile {
        switch mode {
        case .readOnly(.damaged(let fault)): throw .readOnly(fault)
        case .readOnly(.writerFailed(let error)), .readOnly(.notWritable(let error)): throw .writerClosed(error)
        case .readOnly(.requested(let why)): throw .invalidArgument("the journal was opened read-only: \(why)")
        case .readOnly(let reason): throw .invalidArgument("the journal records nothing more: \(reason)")
        case .readWrite: return file!
        }
    }

    /// The owner cannot use record `seq`: the journal stops writing, and says why in `mode`.
    public func stopWriting(unusable seq: UInt64, _ why: String) {
        mode = .readOnly(.unusableRecord(seq: seq, why))
        file = nil
        warning("journal: record \(seq) cannot be used (\(why)); nothing more is recorded")
    }

    @discardableResult
    private func closeWriter(_ error: FileSystemError) -> JournalError {
        mode = .readOnly(.writerFailed(error))
        file = nil
        warning("journal: writer closed after \(error); reopen to replay")
        return .writerClosed(error)
    }

    private func roundUpToChunk(_ offset: Int64) -> Int64 {
        (offset + options.reservationChunk - 1) / options.reservationChunk * options.reservationChunk
    }

    private func ensureReserved(through end: Int64, file: any JournalFile) throws(JournalError) {
        guard end > reservedEnd else { return }
        do throws(FileSystemError) {
            do throws(FileSystemError) {
                try file.reserve(upTo: roundUpToChunk(end))
                reservedEnd = roundUpToChunk(end)
            } catch where error.isNoSpace {
                lowSpace = true
                try file.reserve(upTo: end)
                reservedEnd = end
            }
        } catch where error.isNoSpace {
            throw .noSpace(error)
        } catch {
            throw closeWriter(error)
        }
    }

    /// Tries again to reserve space after the disk was full, so that selling resumes by itself
    /// once space is freed. Call it from a timer while `lowSpace` is raised.
    public func retryReservation() {
        guard lowSpace, case .readWrite = mode else { return }
        topUpReservation()
    }

    /// Keeps at least half a chunk reserved ahead; failing that, raises `lowSpace` so the register
    /// refuses new sales while started ones finish in what is left.
    private func topUpReservation() {
        guard let file, reservedEnd - writeOffset < options.reservationChunk / 2 else { return }
        let target = roundUpToChunk(writeOffset + options.reservationChunk)
        do throws(FileSystemError) {
            try file.reserve(upTo: target)
            reservedEnd = target
            lowSpace = false
        } catch {
            if !lowSpace { warning("journal: cannot reserve disk space ahead (\(error)); \(reservedBytesRemaining) bytes left") }
            lowSpace = true
        }
    }

    // MARK: Snapshots

    /// Saves the register's state folded through record `throughSeq` (whose chain hash the caller
    /// passes, as a check that state and journal agree), after making that record durable.
    public func writeSnapshot(throughSeq: UInt64, chainHash: [UInt8], state: [UInt8]) throws(JournalError) {
        _ = try writableFile()
        guard throughSeq <= lastSeq else { throw .invalidArgument("snapshot through \(throughSeq) beyond record \(lastSeq)") }
        if throughSeq > durableSeq { try sync() }
        let point: ChainPoint
        if throughSeq == lastSeq {
            point = ChainPoint(segment: store.segments.count - 1, offset: writeOffset, nextSequence: lastSeq + 1,
                               hash: lastHash, time: lastTime)
        } else {
            point = try located(before: throughSeq + 1)
        }
        guard point.hash == chainHash else {
            throw .invalidArgument("snapshot chain hash does not match record \(throughSeq)")
        }
        let snapshot = JournalSnapshot(throughSeq: throughSeq, chainHash: chainHash, time: point.time, state: state,
                                       segmentFirstSequence: store.segments[point.segment].firstSequence,
                                       nextOffset: point.offset)
        do throws(FileSystemError) {
            try snapshots.write(snapshot, keep: options.snapshotsToKeep)
        } catch where error.isNoSpace {
            throw .noSpace(error)
        } catch {
            throw .io(error)
        }
    }

    /// The newest snapshot that checks out, falling back to older ones.
    public func loadNewestValidSnapshot() throws(JournalError) -> JournalSnapshot? {
        do throws(FileSystemError) {
            let (snapshot, rejected) = try snapshots.loadNewestValid()
            rejected.forEach(warning)
            return snapshot
        } catch {
            throw .io(error)
        }
    }

    // MARK: Reading

    /// Visits records `fromSeq...lastSeq` in place, checking CRC, sequence and chain. The view's
    /// buffers are valid only inside `body`. Throws `JournalError` or what `body` throws.
    ///
    /// `verifyingChain: false` is for replay right after `open`, which has just checked the chain of
    /// exactly these records: each record's CRC32C is still checked, the SHA-256 is not redone.
    public func forEachRecord(fromSeq: UInt64, verifyingChain: Bool = true, _ body: (JournalRecordView) throws -> Void) throws {
        guard fromSeq <= lastSeq else { return }
        var point = try located(before: max(fromSeq, 1))
        let fault: JournalFault?
        do {
            fault = try store.walk(from: &point, through: lastSeq, verifyingChain: verifyingChain, visit: body)
        } catch let error as FileSystemError {
            throw JournalError.io(error)
        }
        if let fault { throw JournalError.damaged(fault) }
    }

    /// Records `fromSeq...lastSeq`, copied.
    public func records(fromSeq: UInt64) throws -> [JournalRecord] {
        var records: [JournalRecord] = []
        try forEachRecord(fromSeq: fromSeq) { records.append(JournalRecord($0)) }
        return records
    }

    /// One record, e.g. the original sale of a refund: found by segment name, then by skipping.
    public func read(seq: UInt64) throws(JournalError) -> JournalRecord {
        guard seq >= 1, seq <= lastSeq else { throw .noSuchRecord(seq) }
        return try readRecord(seq: seq, in: store)
    }

    /// Walks every segment from the first record through `lastSeq` (see `JournalReader.verify`).
    public func verifyAll() throws(JournalError) -> JournalVerification {
        let reader = try JournalReader(stateDirectory: stateDirectory, registerID: options.registerID, fileSystem: fileSystem)
        return try reader.verify(throughSeq: lastSeq)
    }

    private func located(before seq: UInt64) throws(JournalError) -> ChainPoint {
        try chainPoint(before: seq, in: store)
    }
}

func chainPoint(before seq: UInt64, in store: SegmentStore) throws(JournalError) -> ChainPoint {
    let result: Result<ChainPoint, JournalFault>
    do {
        result = try store.point(before: seq)
    } catch let error as FileSystemError {
        throw .io(error)
    } catch {
        preconditionFailure("skipping visits nothing that throws")
    }
    switch result {
    case .success(let point): return point
    case .failure(let fault): throw .damaged(fault)
    }
}

func readRecord(seq: UInt64, in store: SegmentStore) throws(JournalError) -> JournalRecord {
    var point = try chainPoint(before: seq, in: store)
    var record: JournalRecord?
    let fault: JournalFault?
    do {
        fault = try store.walk(from: &point, through: seq, verifyingChain: true) { record = JournalRecord($0) }
    } catch let error as FileSystemError {
        throw .io(error)
    } catch {
        preconditionFailure("copying a record does not throw")
    }
    if let fault { throw .damaged(fault) }
    guard let record else { throw .noSuchRecord(seq) }
    return record
}

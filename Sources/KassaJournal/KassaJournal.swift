/// KassaJournal: the register's only durable memory.
///
/// It owns the append-only segment files under `<state>/journal/`, the record codec (length,
/// CRC32C, gap-free sequence number, SHA-256 chain), recovery after a power cut, snapshots under
/// `<state>/snapshots/`, the torn bytes it sets aside under `<state>/quarantine/`, and verification.
/// Payloads are opaque bytes: the register's event codec fills them.
///
/// It must never silently drop or rewrite a record that may have been reported durable, never
/// retry a failed fsync, never touch the disk except through `JournalFileSystem`, and never decide
/// anything about sales: it reports (`mode`, `lowSpace`) and the register decides.

/// One record to append: its payload is the register's encoded event.
public struct JournalEntry: Equatable, Sendable {
    public var type: UInt16
    /// Wall-clock time, milliseconds since the Unix epoch.
    public var time: Int64
    public var payload: [UInt8]

    public init(type: UInt16, time: Int64, payload: [UInt8]) {
        self.type = type
        self.time = time
        self.payload = payload
    }
}

/// A record as read back, owning its bytes.
public struct JournalRecord: Equatable, Sendable {
    public var seq: UInt64
    public var type: UInt16
    public var time: Int64
    /// The highest sequence number the writer knew to be on disk when it wrote this record.
    public var syncedThrough: UInt64
    public var payload: [UInt8]
    public var chainHash: [UInt8]

    public init(_ view: JournalRecordView) {
        seq = view.seq
        type = view.type
        time = view.time
        syncedThrough = view.syncedThrough
        payload = Array(view.payload)
        chainHash = Array(view.chainHash)
    }
}

/// A record seen in place, without copying: the buffers are valid only during the visiting closure.
public struct JournalRecordView {
    public let seq: UInt64
    public let type: UInt16
    /// More records of the same append group follow this one.
    public let continuesGroup: Bool
    /// Not a record: a sync mark (see `Format`), which walks take for the end of data.
    let isSyncMark: Bool
    public let time: Int64
    public let syncedThrough: UInt64
    public let payload: UnsafeRawBufferPointer
    public let chainHash: UnsafeRawBufferPointer
}

/// What is wrong, and exactly where: the text `kassa journal verify` prints and alarms carry.
public struct JournalFault: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case incompleteRecord
        case invalidLength(UInt32)
        case checksumMismatch
        case chainHashMismatch
        case sequenceGap(expected: UInt64, found: UInt64)
        case badSegmentHeader(String)
        /// Bytes other than zeros after a zero length, the mark of the end of data.
        case dataAfterEnd
        case missingSegment
        /// A snapshot or the caller says records up to here were durable, but they are gone.
        case durableRecordsMissing(throughSeq: UInt64)
        /// The data ends inside an append group: its last records never reached the disk.
        case incompleteGroup

        public var description: String {
            switch self {
            case .incompleteRecord: return "incomplete record"
            case .invalidLength(let length): return "invalid record length \(length)"
            case .checksumMismatch: return "CRC32C mismatch"
            case .chainHashMismatch: return "chain hash mismatch"
            case .sequenceGap(let expected, let found): return "sequence gap: expected \(expected), found \(found)"
            case .badSegmentHeader(let why): return "bad segment header: \(why)"
            case .dataAfterEnd: return "data after the end-of-data mark"
            case .missingSegment: return "segment file missing"
            case .durableRecordsMissing(let seq): return "records through \(seq) were durable but are missing"
            case .incompleteGroup: return "an append group ends before its last record"
            }
        }
    }

    /// The segment file name, e.g. `seg-0000000000000001.kj`.
    public var segment: String
    public var offset: Int64
    /// The sequence number the record at `offset` should have had.
    public var seq: UInt64
    public var problem: Problem

    public init(segment: String, offset: Int64, seq: UInt64, problem: Problem) {
        self.segment = segment
        self.offset = offset
        self.seq = seq
        self.problem = problem
    }

    public var description: String { "\(segment) at byte \(offset), record \(seq): \(problem)" }
}

public enum JournalMode: Equatable, Sendable {
    case readWrite
    case readOnly(ReadOnlyReason)

    public enum ReadOnlyReason: Equatable, Sendable, CustomStringConvertible {
        /// A record that had been reported durable is bad: refuse to sell, alarm, let verify name it.
        case damaged(JournalFault)
        /// An fsync or write failed; the writer is closed for good, reopen and replay.
        case writerFailed(FileSystemError)
        /// The file system refuses writes (mounted read-only, or not ours to write): the journal
        /// reads as far as it is whole and records nothing.
        case notWritable(FileSystemError)
        /// Opened read-only on purpose (kassad `--read-only`): nothing is written, not even the
        /// recovery of a torn tail.
        case requested(String)
        /// The journal's owner cannot use this record (it is no event its version knows, or
        /// its state cannot take it): nothing more is written after it, as every later record
        /// would build on a state without it, until the journal is recovered onto a new chain.
        case unusableRecord(seq: UInt64, String)

        public var description: String {
            switch self {
            case .damaged(let fault): return "journal damaged: \(fault)"
            case .writerFailed(let error): return "journal writer failed: \(error)"
            case .notWritable(let error): return "the state directory cannot be written (\(error)): check the file system"
            case .requested(let why): return "started read-only: \(why)"
            case .unusableRecord(let seq, let why): return "journal record \(seq) cannot be used: \(why)"
            }
        }
    }
}

public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The journal is damaged and opened read-only.
    case readOnly(JournalFault)
    /// An earlier fsync or write failed: nothing more is written through this writer.
    case writerClosed(FileSystemError)
    /// The disk is full: the reserved space is used up. Refuse new sales.
    case noSpace(FileSystemError)
    case io(FileSystemError)
    /// A record read back is bad.
    case damaged(JournalFault)
    case noSuchRecord(UInt64)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .readOnly(let fault): return "journal is read-only: \(fault)"
        case .writerClosed(let error): return "journal writer closed after: \(error)"
        case .noSpace(let error): return "no space: \(error)"
        case .io(let error): return "I/O error: \(error)"
        case .damaged(let fault): return "journal damaged: \(fault)"
        case .noSuchRecord(let seq): return "no record \(seq)"
        case .invalidArgument(let why): return why
        }
    }
}

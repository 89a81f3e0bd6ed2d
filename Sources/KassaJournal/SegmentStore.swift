#if canImport(Glibc)
import Glibc
#endif
/// The place right after a record of the chain: where the next record starts and what it must
/// carry (its sequence number, the chain hash it extends, the last time seen).
struct ChainPoint {
    var segment: Int
    var offset: Int64
    var nextSequence: UInt64
    var hash: [UInt8]
    var time: Int64
}

struct SegmentInfo {
    var name: String
    var firstSequence: UInt64
}

/// The segment files of one journal directory and the walk over their records that opening,
/// reading and verifying share. It only reads.
final class SegmentStore {
    /// See `walk`.
    private(set) var openGroupAtWalkEnd: ChainPoint?

    /// Every this many records a walk remembers where it was, so that reading a record of the
    /// tail does not skip through its segment from the start.
    static let anchorInterval: UInt64 = 4096

    let fileSystem: any JournalFileSystem
    let directory: String
    let registerID: UInt64
    private(set) var segments: [SegmentInfo] = []
    /// Known chain points, sorted by `nextSequence`.
    private var anchors: [ChainPoint] = []

    init(fileSystem: any JournalFileSystem, directory: String, registerID: UInt64) throws(FileSystemError) {
        self.fileSystem = fileSystem
        self.directory = directory
        self.registerID = registerID
        segments = try fileSystem.listDirectory(directory)
            .compactMap { name in Format.firstSequence(ofSegment: name).map { SegmentInfo(name: name, firstSequence: $0) } }
            .sorted { $0.firstSequence < $1.firstSequence }
    }

    func path(of segment: Int) -> String { directory + "/" + segments[segment].name }

    func appendSegment(_ info: SegmentInfo) { segments.append(info) }

    func removeLastSegment() {
        segments.removeLast()
        anchors.removeAll { $0.segment >= segments.count }
    }

    /// Remembers a chain point; walks note one every `anchorInterval` records.
    func noteAnchor(_ point: ChainPoint) {
        if let last = anchors.last, last.nextSequence >= point.nextSequence {
            guard let index = anchors.firstIndex(where: { $0.nextSequence >= point.nextSequence }),
                  anchors[index].nextSequence != point.nextSequence else { return }
            anchors.insert(point, at: index)
        } else {
            anchors.append(point)
        }
    }

    /// Forgets chain points past `sequence`, whose records recovery set aside.
    func forgetAnchors(after sequence: UInt64) {
        anchors.removeAll { $0.nextSequence > sequence + 1 }
    }

    private func nearestAnchor(atOrBefore sequence: UInt64) -> ChainPoint? {
        var low = 0, high = anchors.count
        while low < high {
            let mid = (low + high) / 2
            if anchors[mid].nextSequence <= sequence { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : anchors[low - 1]
    }

    /// The last segment whose first sequence number is at most `sequence`.
    func segmentIndex(containing sequence: UInt64) -> Int? {
        var low = 0, high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].firstSequence <= sequence { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : low - 1
    }

    func fault(_ point: ChainPoint, _ problem: JournalFault.Problem) -> JournalFault {
        JournalFault(segment: segments[point.segment].name, offset: point.offset, seq: point.nextSequence,
                     problem: problem)
    }

    /// Opens a segment and checks its header on its own (magic, version, CRC, register).
    func openSegment(_ segment: Int) throws(FileSystemError) -> Result<(SegmentReader, SegmentHeader), JournalFault> {
        let reader: SegmentReader
        do throws(FileSystemError) {
            reader = SegmentReader(file: try fileSystem.open(path(of: segment), .readOnly), size: 0)
            try reader.refreshSize()
        } catch where error.isNotFound {
            return .failure(JournalFault(segment: segments[segment].name, offset: 0,
                                         seq: segments[segment].firstSequence, problem: .missingSegment))
        }
        let headerBytes = try reader.bytes(at: 0, upTo: Format.segmentHeaderLength)
        let problem: String
        switch SegmentHeader.decode(headerBytes) {
        case .success(let header) where header.registerID != registerID:
            problem = "belongs to register \(header.registerID), not \(registerID)"
        case .success(let header) where header.firstSequence != segments[segment].firstSequence:
            problem = "first sequence \(header.firstSequence) does not match the file name"
        case .success(let header):
            return .success((reader, header))
        case .failure(let error):
            problem = error.reason
        }
        return .failure(JournalFault(segment: segments[segment].name, offset: 0,
                                     seq: segments[segment].firstSequence, problem: .badSegmentHeader(problem)))
    }

    /// The chain point at the start of a segment, from its header.
    func startPoint(ofSegment segment: Int) throws(FileSystemError) -> Result<ChainPoint, JournalFault> {
        try openSegment(segment).map { _, header in
            ChainPoint(segment: segment, offset: Int64(Format.segmentHeaderLength), nextSequence: header.firstSequence,
                       hash: header.previousHash, time: header.previousTime)
        }
    }

    /// The chain point before record 1: the first segment must start the chain at the genesis hash.
    func journalStart() throws(FileSystemError) -> Result<ChainPoint, JournalFault> {
        switch try startPoint(ofSegment: 0) {
        case .failure(let fault):
            return .failure(fault)
        case .success(let point):
            if point.nextSequence != 1 { return .failure(fault(point, .sequenceGap(expected: 1, found: point.nextSequence))) }
            if point.hash != Format.genesisHash { return .failure(fault(point, .chainHashMismatch)) }
            return .success(point)
        }
    }

    /// The chain point right before record `sequence`, found from the nearest anchor or the start
    /// of its segment, skipping records by their framing.
    func point(before sequence: UInt64) throws -> Result<ChainPoint, JournalFault> {
        guard let segment = segmentIndex(containing: sequence) else { return .failure(missingRecord(sequence)) }
        var start: ChainPoint
        if let anchor = nearestAnchor(atOrBefore: sequence), anchor.segment == segment {
            start = anchor
        } else {
            switch try startPoint(ofSegment: segment) {
            case .success(let point): start = point
            case .failure(let fault): return .failure(fault)
            }
        }
        if let fault = try walk(from: &start, through: sequence - 1, verifyingChain: false, visit: { _ in }) {
            return .failure(fault)
        }
        return start.nextSequence == sequence ? .success(start) : .failure(missingRecord(sequence))
    }

    private func missingRecord(_ sequence: UInt64) -> JournalFault {
        JournalFault(segment: segments.first?.name ?? "(none)", offset: 0, seq: sequence, problem: .missingSegment)
    }

    /// Walks records from `point` across segment boundaries up to record `limit`, checking framing,
    /// CRC, sequence numbers and (when asked) the chain, and each new segment's header against the
    /// chain. Returns the first fault, or nil at a clean end; `point` is left after the last good
    /// record. Without chain checks the hashes are taken as stored, for skipping.
    ///
    /// `openGroupAtWalkEnd` is left at the first record of an append group the walk did not see the
    /// end of, or nil when it stopped at a group boundary.
    @discardableResult
    func walk(from point: inout ChainPoint, through limit: UInt64 = .max, verifyingChain: Bool,
              visit: (JournalRecordView) throws -> Void) throws -> JournalFault? {
        openGroupAtWalkEnd = nil
        guard point.nextSequence <= limit else { return nil }
        var reader: SegmentReader
        switch try openSegment(point.segment) {
        case .success(let opened): reader = opened.0
        case .failure(let fault): return fault
        }
        while point.nextSequence <= limit {
            let (framing, record) = try reader.frame(at: point.offset)
            // Where the zeros of the reserved space must begin, when the data ends here.
            var endOfData = point.offset
            switch framing {
            case .record(let length):
                let view = RecordCodec.view(record)
                guard view.seq == point.nextSequence else {
                    return fault(point, .sequenceGap(expected: point.nextSequence, found: view.seq))
                }
                if view.isSyncMark {
                    endOfData += Int64(length)
                    break
                }
                if verifyingChain {
                    let holds = point.hash.withUnsafeBytes { RecordCodec.chainHolds(record, previous: $0.baseAddress!) }
                    if !holds { return fault(point, .chainHashMismatch) }
                }
                try visit(view)
                if view.continuesGroup {
                    if openGroupAtWalkEnd == nil { openGroupAtWalkEnd = point }
                } else {
                    openGroupAtWalkEnd = nil
                }
                // In place: the walk should not pay an allocation a record.
                point.hash.withUnsafeMutableBytes { $0.copyMemory(from: view.chainHash) }
                point.offset += Int64(length)
                point.nextSequence += 1
                point.time = view.time
                if point.nextSequence % Self.anchorInterval == 0 { noteAnchor(point) }
                continue
            case .endOfData:
                break
            case .bad(let problem):
                return fault(point, problem)
            }
            do {
                guard try reader.isZero(from: endOfData) else { return fault(point, .dataAfterEnd) }
                guard point.segment + 1 < segments.count else { return nil }
                let next = point.segment + 1
                switch try openSegment(next) {
                case .success(let (nextReader, header)):
                    let boundary = ChainPoint(segment: next, offset: 0, nextSequence: point.nextSequence,
                                              hash: point.hash, time: point.time)
                    guard header.firstSequence == point.nextSequence else {
                        return fault(boundary, .sequenceGap(expected: point.nextSequence, found: header.firstSequence))
                    }
                    guard header.previousHash == point.hash else { return fault(boundary, .chainHashMismatch) }
                    reader = nextReader
                    point = ChainPoint(segment: next, offset: Int64(Format.segmentHeaderLength),
                                       nextSequence: point.nextSequence, hash: point.hash, time: point.time)
                case .failure(let fault):
                    return fault
                }
            }
        }
        return nil
    }
}

/// Sequential, buffered reads of one segment file: one read call per megabyte, not per record.
final class SegmentReader {
    let file: any JournalFile
    private(set) var size: Int64
    private var buffer: UnsafeMutableRawBufferPointer
    private var bufferStart: Int64 = 0
    private var bufferCount = 0

    init(file: any JournalFile, size: Int64) {
        self.file = file
        self.size = size
        buffer = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { buffer.deallocate() }

    func refreshSize() throws(FileSystemError) {
        size = try file.size()
        bufferCount = 0
    }

    /// Up to `maxCount` bytes from `offset`, fewer at the end of the file; valid until the next call.
    func bytes(at offset: Int64, upTo maxCount: Int) throws(FileSystemError) -> UnsafeRawBufferPointer {
        let wanted = Int(max(0, min(Int64(maxCount), size - offset)))
        guard wanted > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        if offset < bufferStart || offset + Int64(wanted) > bufferStart + Int64(bufferCount) {
            if wanted > buffer.count {
                buffer.deallocate()
                buffer = .allocate(byteCount: wanted, alignment: 16)
            }
            let toRead = Int(min(Int64(buffer.count), size - offset))
            bufferCount = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<toRead]), at: offset)
            bufferStart = offset
        }
        let start = Int(offset - bufferStart)
        return UnsafeRawBufferPointer(rebasing: buffer[start..<(start + min(wanted, bufferCount - start))])
    }

    /// Frames the record at `offset`; the bytes are the whole record when it frames.
    func frame(at offset: Int64) throws(FileSystemError) -> (RecordCodec.Framing, UnsafeRawBufferPointer) {
        let head = try bytes(at: offset, upTo: 4)
        guard head.count == 4 else { return (RecordCodec.frame(head), head) }
        let length = Int(head.u32(at: 0))
        let record = try bytes(at: offset, upTo: max(length, 4))
        let framing = RecordCodec.frame(record)
        return (framing, record)
    }

    /// Looks at every byte offset after `offset` for a record whose CRC32C holds, and, when
    /// `claimingDurable` is given, whose `syncedThrough` reaches that sequence number.
    func firstValidRecord(after offset: Int64, claimingDurable seq: UInt64?) throws(FileSystemError) -> Int64? {
        let end = try endOfNonZeroData(from: offset)
        var candidate = offset + 1
        while candidate + Int64(Format.recordOverhead) <= end {
            defer { candidate += 1 }
            let head = try bytes(at: candidate, upTo: Format.recordHeaderLength)
            guard head.count == Format.recordHeaderLength else { break }
            let length = Int64(head.u32(at: 0))
            guard length >= Int64(Format.recordOverhead), candidate + length <= end else { continue }
            if let seq, head.u64(at: 28) < seq || head.u64(at: 8) <= head.u64(at: 28) { continue }
            if case .record = RecordCodec.frame(try bytes(at: candidate, upTo: Int(length))) { return candidate }
        }
        return nil
    }

    /// Whether every byte from `offset` to the end of the file is zero: a clean end of data.
    func isZero(from offset: Int64) throws(FileSystemError) -> Bool {
        var position = offset
        while position < size {
            let chunk = try bytes(at: position, upTo: 1 << 20)
            if chunk.isEmpty { break }
            guard SegmentReader.lastNonZero(in: chunk) == nil else { return false }
            position += Int64(chunk.count)
        }
        return true
    }

    /// The offset just past the last non-zero byte, at least `offset`.
    func endOfNonZeroData(from offset: Int64) throws(FileSystemError) -> Int64 {
        var end = offset
        var position = offset
        while position < size {
            let chunk = try bytes(at: position, upTo: 1 << 20)
            if chunk.isEmpty { break }
            if let last = SegmentReader.lastNonZero(in: chunk) { end = position + Int64(last) + 1 }
            position += Int64(chunk.count)
        }
        return end
    }

    private static let zeros = [UInt8](repeating: 0, count: 4096)

    /// The index of the last non-zero byte. Reserved space is megabytes of zeros read at every
    /// open, so whole pages are compared with memcmp and only the last non-zero page byte by byte.
    static func lastNonZero(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var pageEnd = bytes.count
        while pageEnd > 0 {
            let pageStart = max(0, pageEnd - zeros.count)
            let differs = zeros.withUnsafeBytes { memcmp(base + pageStart, $0.baseAddress!, pageEnd - pageStart) != 0 }
            if differs {
                var i = pageEnd - 1
                while bytes[i] == 0 { i -= 1 }
                return i
            }
            pageEnd = pageStart
        }
        return nil
    }
}

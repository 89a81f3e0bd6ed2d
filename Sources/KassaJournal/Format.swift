#if canImport(Glibc)
import Glibc
#endif
import KassaCore

/// The on-disk layout, little-endian throughout.
///
/// Segment file `journal/seg-<first seq, 16 digits>.kj`, so names sort by sequence number:
///
///     header (80 bytes): magic "KASSAJNL", version u32, header length u32, register id u64,
///         first seq u64, time of the previous segment's last record i64, previous segment's last
///         chain hash [32], reserved u32 (0), CRC32C u32 of the 76 bytes before it.
///     records, then zeros (space reserved ahead) up to the end of the file.
///
/// Record (68 bytes + payload):
///
///     0 length u32 (whole record)   4 CRC32C u32 of bytes 8..<length   8 seq u64
///     16 type u16   18 flags u16 (bit 0: more records of the same append group follow;
///                                    bit 1: a sync mark, see below)
///     20 time i64   28 syncedThrough u64
///     36 payload   length-32 chain hash = SHA-256(previous chain hash ‖ bytes 8..<length-32)
///
/// A zero length is the end of data, and so is a sync mark: a record-shaped 68 bytes with flag bit 1,
/// no payload, the sequence number the next record will have, `syncedThrough` the last record
/// (the chain hash field holds that record's hash), written after each fdatasync that made records
/// durable and overwritten by the next append. It is no record of the chain: it says that the group
/// before it was durable, so that rot there is damage, never a torn tail (see `Journal`). The chain starts from 32 zero bytes (the genesis hash), so a
/// journal is verifiable on its own; the register id in every header ties the files to one box.
enum Format {
    static let segmentMagic: [UInt8] = Array("KASSAJNL".utf8)
    static let version: UInt32 = 1
    static let segmentHeaderLength = 80
    static let recordHeaderLength = 36
    static let hashLength = 32
    static let recordOverhead = recordHeaderLength + hashLength
    static let maxPayloadLength = 16 << 20
    static let genesisHash = [UInt8](repeating: 0, count: 32)

    static let journalDirectory = "journal"
    static let snapshotDirectory = "snapshots"
    static let quarantineDirectory = "quarantine"

    static func segmentName(firstSequence: UInt64) -> String {
        "seg-" + zeroPadded(firstSequence) + ".kj"
    }

    static func firstSequence(ofSegment name: String) -> UInt64? {
        sequence(in: name, prefix: "seg-", suffix: ".kj")
    }

    static func zeroPadded(_ value: UInt64, width: Int = 16) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func sequence(in name: String, prefix: String, suffix: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix),
              name.utf8.count == prefix.utf8.count + 16 + suffix.utf8.count else { return nil }
        return UInt64(name.dropFirst(prefix.count).dropLast(suffix.count))
    }
}

struct SegmentHeader: Equatable {
    var registerID: UInt64
    var firstSequence: UInt64
    var previousTime: Int64
    var previousHash: [UInt8]

    func encoded() -> [UInt8] {
        var bytes = Format.segmentMagic
        bytes.reserveCapacity(Format.segmentHeaderLength)
        bytes.appendLittleEndian(Format.version)
        bytes.appendLittleEndian(UInt32(Format.segmentHeaderLength))
        bytes.appendLittleEndian(registerID)
        bytes.appendLittleEndian(firstSequence)
        bytes.appendLittleEndian(previousTime)
        bytes += previousHash
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// Decodes and checks a header; the error text says what is wrong with it.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<SegmentHeader, HeaderError> {
        guard bytes.count >= Format.segmentHeaderLength else { return .failure(HeaderError("file shorter than a header")) }
        let crcOffset = Format.segmentHeaderLength - 4
        guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[..<crcOffset])) == bytes.u32(at: crcOffset) else {
            return .failure(HeaderError("header CRC32C mismatch"))
        }
        guard bytes.prefix(8).elementsEqual(Format.segmentMagic) else { return .failure(HeaderError("not a journal segment")) }
        guard bytes.u32(at: 8) == Format.version else { return .failure(HeaderError("unknown format version \(bytes.u32(at: 8))")) }
        guard bytes.u32(at: 12) == UInt32(Format.segmentHeaderLength) else { return .failure(HeaderError("unknown header length")) }
        return .success(SegmentHeader(registerID: bytes.u64(at: 16), firstSequence: bytes.u64(at: 24),
                                      previousTime: Int64(bitPattern: bytes.u64(at: 32)),
                                      previousHash: Array(bytes[40..<72])))
    }
}

struct HeaderError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

enum RecordCodec {
    /// Appends one encoded record to `buffer` and returns its chain hash.
    /// Flag bit 0: this record is not the last of the group it was appended with. A group is all or
    /// nothing: recovery never keeps part of one.
    static let groupContinues: UInt16 = 1

    static func append(to buffer: inout [UInt8], sequence: UInt64, entry: JournalEntry, syncedThrough: UInt64,
                       previousHash: [UInt8], groupContinues: Bool) -> [UInt8] {
        let start = buffer.count
        let length = Format.recordOverhead + entry.payload.count
        buffer.appendLittleEndian(UInt32(length))
        buffer.appendLittleEndian(UInt32(0))
        buffer.appendLittleEndian(sequence)
        buffer.appendLittleEndian(entry.type)
        buffer.appendLittleEndian(groupContinues ? RecordCodec.groupContinues : 0)
        buffer.appendLittleEndian(entry.time)
        buffer.appendLittleEndian(syncedThrough)
        buffer += entry.payload
        let hash = buffer.withUnsafeBytes { b in
            RecordHash.chainHash(previous: previousHash, body: UnsafeRawBufferPointer(rebasing: b[(start + 8)...]))
        }
        buffer += hash
        let crc = buffer.withUnsafeBytes { b in RecordHash.crc32c(UnsafeRawBufferPointer(rebasing: b[(start + 8)...])) }
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self) }
        return hash
    }

    /// Flag bit 1: these bytes are a sync mark, not a record.
    static let syncMark: UInt16 = 2

    /// The sync mark after record `lastSeq`: records through it are durable.
    static func syncMark(after lastSeq: UInt64, hash: [UInt8], time: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Format.recordOverhead)
        bytes.appendLittleEndian(UInt32(Format.recordOverhead))
        bytes.appendLittleEndian(UInt32(0))
        bytes.appendLittleEndian(lastSeq + 1)
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(RecordCodec.syncMark)
        bytes.appendLittleEndian(time)
        bytes.appendLittleEndian(lastSeq)
        bytes += hash
        let crc = bytes.withUnsafeBytes { RecordHash.crc32c(UnsafeRawBufferPointer(rebasing: $0[8...])) }
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: 4, as: UInt32.self) }
        return bytes
    }

    enum Framing {
        case endOfData
        /// A record of this length whose CRC32C holds.
        case record(length: Int)
        case bad(JournalFault.Problem)
    }

    /// Frames the record at the start of `bytes` (all bytes up to the end of the file or more):
    /// length sane and complete, CRC32C right. The caller checks sequence and chain.
    static func frame(_ bytes: UnsafeRawBufferPointer) -> Framing {
        guard bytes.count >= 4 else { return bytes.allSatisfy { $0 == 0 } ? .endOfData : .bad(.incompleteRecord) }
        let length = bytes.u32(at: 0)
        if length == 0 { return .endOfData }
        guard length >= Format.recordOverhead, length <= Format.recordOverhead + Format.maxPayloadLength else {
            return .bad(.invalidLength(length))
        }
        guard bytes.count >= Int(length) else { return .bad(.incompleteRecord) }
        let body = UnsafeRawBufferPointer(rebasing: bytes[8..<Int(length)])
        guard RecordHash.crc32c(body) == bytes.u32(at: 4) else { return .bad(.checksumMismatch) }
        return .record(length: Int(length))
    }

    /// A view of a framed record.
    static func view(_ record: UnsafeRawBufferPointer) -> JournalRecordView {
        let hashStart = record.count - Format.hashLength
        return JournalRecordView(
            seq: record.u64(at: 8), type: record.u16(at: 16),
            continuesGroup: record.u16(at: 18) & RecordCodec.groupContinues != 0,
            isSyncMark: record.u16(at: 18) & RecordCodec.syncMark != 0, time: Int64(bitPattern: record.u64(at: 20)),
            syncedThrough: record.u64(at: 28),
            payload: UnsafeRawBufferPointer(rebasing: record[Format.recordHeaderLength..<hashStart]),
            chainHash: UnsafeRawBufferPointer(rebasing: record[hashStart...]))
    }

    /// Whether the chain hash a framed record carries is the one recomputed from the one before it.
    /// It runs for every record of every replay: the digest goes to the stack, not to an array.
    static func chainHolds(_ record: UnsafeRawBufferPointer, previous: UnsafeRawPointer) -> Bool {
        let hashStart = record.count - Format.hashLength
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digest) { out in
            RecordHash.chainHash(previous: previous, body: UnsafeRawBufferPointer(rebasing: record[8..<hashStart]),
                                 into: out.baseAddress!)
            return memcmp(out.baseAddress!, record.baseAddress! + hashStart, Format.hashLength) == 0
        }
    }
}

extension UnsafeRawBufferPointer {
    func u16(at offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
    func u32(at offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    func u64(at offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

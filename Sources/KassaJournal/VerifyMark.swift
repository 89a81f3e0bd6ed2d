import KassaCore

/// How far a verification of the whole journal has come: every record from the first through
/// `seq` was found sound (CRC32C, gap-free sequence, chain hash). Kept on disk, it lets the next
/// verification go on from there when none lives long enough to finish (a register in a crash or
/// power-cut loop).
///
/// It is taken only while record `seq` is still in its place, whole, with the remembered chain
/// hash; every record after it is then checked against that hash, so damage after the mark is
/// found. Damage that appears before the mark after those records were checked is not seen by
/// the verification that goes on from it: the next one, which starts from the first record again,
/// finds it.
public struct VerifyMark: Equatable, Sendable {
    public var seq: UInt64
    /// The chain hash of record `seq`.
    public var chainHash: [UInt8]
    /// The first sequence number of the segment that holds record `seq`.
    var segmentFirstSequence: UInt64
    /// Where record `seq` starts in its segment, and its length.
    var offset: Int64
    var length: Int64
}

/// The state directory's record of the verification of its journal (`verify-progress`): the
/// mark of the pass under way, when that pass began, and the last whole pass found sound.
///
///     magic "KASSAVFY", version u32, register id u64, pass started i64 (ms), sound through u64,
///     sound at i64 (ms), mark seq u64 (0: none), mark segment u64, mark offset u64, mark length
///     u64, mark chain hash [32], CRC32C u32 of the 108 bytes before it.
public struct VerifyProgress: Equatable, Sendable {
    public static let fileName = "verify-progress"
    static let magic: [UInt8] = Array("KASSAVFY".utf8)
    static let length = 112

    /// Where the pass under way has come to; nil starts from the first record.
    public var mark: VerifyMark?
    /// Wall-clock milliseconds when the pass under way began.
    public var passStartedAt: Int64
    /// The newest pass that reached its end found records 1 through this sound (0: none yet), at this time.
    public var soundThrough: UInt64
    public var soundAt: Int64

    public init(mark: VerifyMark? = nil, passStartedAt: Int64 = 0, soundThrough: UInt64 = 0, soundAt: Int64 = 0) {
        self.mark = mark
        self.passStartedAt = passStartedAt
        self.soundThrough = soundThrough
        self.soundAt = soundAt
    }

    public func encoded(registerID: UInt64) -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.length)
        bytes.appendLittleEndian(Format.version)
        bytes.appendLittleEndian(registerID)
        bytes.appendLittleEndian(passStartedAt)
        bytes.appendLittleEndian(soundThrough)
        bytes.appendLittleEndian(soundAt)
        bytes.appendLittleEndian(mark?.seq ?? 0)
        bytes.appendLittleEndian(mark?.segmentFirstSequence ?? 0)
        bytes.appendLittleEndian(mark?.offset ?? 0)
        bytes.appendLittleEndian(mark?.length ?? 0)
        bytes += mark?.chainHash ?? Format.genesisHash
        bytes.appendLittleEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// Nil for a file that is not whole, not of this format or of another register's journal:
    /// the verification then starts from the first record.
    public init?(decoding bytes: [UInt8], registerID: UInt64) {
        guard let decoded = bytes.withUnsafeBytes({ b -> VerifyProgress? in
            guard b.count == Self.length, b.prefix(8).elementsEqual(Self.magic), b.u32(at: 8) == Format.version,
                  b.u64(at: 12) == registerID,
                  CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[..<(Self.length - 4)])) == b.u32(at: Self.length - 4) else {
                return nil
            }
            let seq = b.u64(at: 44)
            let mark = seq == 0 ? nil : VerifyMark(seq: seq, chainHash: Array(b[76..<108]), segmentFirstSequence: b.u64(at: 52),
                                                   offset: Int64(bitPattern: b.u64(at: 60)), length: Int64(bitPattern: b.u64(at: 68)))
            return VerifyProgress(mark: mark, passStartedAt: Int64(bitPattern: b.u64(at: 20)), soundThrough: b.u64(at: 28),
                                  soundAt: Int64(bitPattern: b.u64(at: 36)))
        }) else { return nil }
        self = decoded
    }
}

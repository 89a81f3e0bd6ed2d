import KassaCore

/// A saved register state: the fold of every record through `throughSeq`.
public struct JournalSnapshot: Equatable, Sendable {
    public var throughSeq: UInt64
    /// The chain hash of record `throughSeq`.
    public var chainHash: [UInt8]
    /// The time of record `throughSeq`.
    public var time: Int64
    public var state: [UInt8]
    /// Where the record after `throughSeq` starts: its segment's first sequence number and offset.
    var segmentFirstSequence: UInt64
    var nextOffset: Int64
}

/// Snapshot files `snapshots/snap-<through seq, 16 digits>.ks`, written atomically (temporary file,
/// fsync, rename, fsync of the directory):
///
///     magic "KASSASNP", version u32, header length u32 (104), register id u64, through seq u64,
///     time i64, segment first seq u64, next offset u64, chain hash [32], state length u64,
///     CRC32C u32 of the state, CRC32C u32 of the 100 header bytes before it; then the state.
struct SnapshotStore {
    static let magic: [UInt8] = Array("KASSASNP".utf8)
    static let headerLength = 104
    static let temporarySuffix = ".tmp"

    let fileSystem: any JournalFileSystem
    let directory: String
    let registerID: UInt64

    static func name(through sequence: UInt64) -> String { "snap-" + Format.zeroPadded(sequence) + ".ks" }

    /// Snapshot names, newest first.
    func names() throws(FileSystemError) -> [String] {
        try fileSystem.listDirectory(directory)
            .compactMap { name in Format.sequence(in: name, prefix: "snap-", suffix: ".ks").map { ($0, name) } }
            .sorted { $0.0 > $1.0 }
            .map(\.1)
    }

    /// The newest snapshot that checks out, and a line for every newer one that did not.
    func loadNewestValid() throws(FileSystemError) -> (JournalSnapshot?, rejected: [String]) {
        var rejected: [String] = []
        for name in try names() {
            let bytes: [UInt8]
            do throws(FileSystemError) {
                bytes = try fileSystem.readAll(directory + "/" + name)
            } catch where error.isNotFound {
                continue
            }
            switch decode(bytes) {
            case .success(let snapshot): return (snapshot, rejected)
            case .failure(let error): rejected.append("snapshot \(name) skipped: \(error.reason)")
            }
        }
        return (nil, rejected)
    }

    func write(_ snapshot: JournalSnapshot, keep: Int) throws(FileSystemError) {
        let name = Self.name(through: snapshot.throughSeq)
        let temporary = directory + "/" + name + Self.temporarySuffix
        if (try? fileSystem.listDirectory(directory).contains(name + Self.temporarySuffix)) == true {
            try fileSystem.unlink(temporary)
        }
        let bytes = encode(snapshot)
        do throws(FileSystemError) {
            let file = try fileSystem.open(temporary, .createNew)
            try file.write(bytes, at: 0)
            try file.sync()
        } catch {
            try? fileSystem.unlink(temporary)
            throw error
        }
        try fileSystem.rename(temporary, to: directory + "/" + name)
        try fileSystem.syncDirectory(directory)
        try prune(keep: keep)
    }

    /// Deletes all but the newest `keep` snapshots, and temporary files a crash left behind.
    private func prune(keep: Int) throws(FileSystemError) {
        try remove(Array(try names().dropFirst(keep)) + temporaryFiles())
    }

    /// Deletes the half-written snapshots (`snap-….ks.tmp`) a crash or a full disk left behind:
    /// never renamed, they were never a snapshot.
    func removeTemporaryFiles() throws(FileSystemError) {
        try remove(try temporaryFiles())
    }

    private func temporaryFiles() throws(FileSystemError) -> [String] {
        try fileSystem.listDirectory(directory).filter { $0.hasPrefix("snap-") && $0.hasSuffix(Self.temporarySuffix) }
    }

    private func remove(_ stale: [String]) throws(FileSystemError) {
        guard !stale.isEmpty else { return }
        for name in stale { try fileSystem.unlink(directory + "/" + name) }
        try fileSystem.syncDirectory(directory)
    }

    private func encode(_ snapshot: JournalSnapshot) -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.headerLength + snapshot.state.count)
        bytes.appendLittleEndian(Format.version)
        bytes.appendLittleEndian(UInt32(Self.headerLength))
        bytes.appendLittleEndian(registerID)
        bytes.appendLittleEndian(snapshot.throughSeq)
        bytes.appendLittleEndian(snapshot.time)
        bytes.appendLittleEndian(snapshot.segmentFirstSequence)
        bytes.appendLittleEndian(snapshot.nextOffset)
        bytes += snapshot.chainHash
        bytes.appendLittleEndian(UInt64(snapshot.state.count))
        bytes.appendLittleEndian(CRC32C.checksum(snapshot.state))
        bytes.appendLittleEndian(CRC32C.checksum(bytes))
        return bytes + snapshot.state
    }

    private func decode(_ bytes: [UInt8]) -> Result<JournalSnapshot, HeaderError> {
        bytes.withUnsafeBytes { b in
            guard b.count >= Self.headerLength else { return .failure(HeaderError("shorter than a header")) }
            let crcOffset = Self.headerLength - 4
            guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[..<crcOffset])) == b.u32(at: crcOffset) else {
                return .failure(HeaderError("header CRC32C mismatch"))
            }
            guard b.prefix(8).elementsEqual(Self.magic), b.u32(at: 8) == Format.version,
                  b.u32(at: 12) == UInt32(Self.headerLength) else {
                return .failure(HeaderError("not a snapshot of this format"))
            }
            guard b.u64(at: 16) == registerID else { return .failure(HeaderError("belongs to register \(b.u64(at: 16))")) }
            let state = UnsafeRawBufferPointer(rebasing: b[Self.headerLength...])
            guard b.u64(at: 88) == UInt64(state.count), CRC32C.checksum(state) == b.u32(at: 96) else {
                return .failure(HeaderError("state incomplete or CRC32C mismatch"))
            }
            return .success(JournalSnapshot(
                throughSeq: b.u64(at: 24), chainHash: Array(b[56..<88]), time: Int64(bitPattern: b.u64(at: 32)),
                state: Array(state), segmentFirstSequence: b.u64(at: 40), nextOffset: Int64(bitPattern: b.u64(at: 48))))
        }
    }
}

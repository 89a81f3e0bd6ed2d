#if canImport(Glibc)
import Glibc
#endif

/// Reading a damaged journal for its recovery onto a new chain, and sealing it.
///
/// A damaged journal is never repaired in place. Recovery reads everything that can still be
/// read — every record whose CRC32C holds, in sequence order, past any damaged ones — names the
/// sequence numbers it could not read, then moves the whole old journal (segments and snapshots,
/// damaged bytes included) under `sealed/<name>/`, where it stays as evidence and for reading old
/// receipts. The register's new chain starts empty; its first record carries the link to the
/// sealed one (the register's job).
public struct SalvageReport: Equatable, Sendable {
    /// Records read, in sequence order.
    public var records: Int
    /// Sequence numbers that could not be read.
    public var unreadable: [ClosedRange<UInt64>]
    /// The highest sequence number read, and its chain hash as stored.
    public var lastSeq: UInt64
    public var lastHash: [UInt8]
    /// Where the chain verification first failed (the damage that made the journal read-only).
    public var firstFault: JournalFault?
}

public enum JournalSalvage {
    /// Where sealed chains go, under the state directory.
    public static let sealedDirectory = "sealed"

    /// Visits every readable record of the journal under `stateDirectory` in sequence order and
    /// reports what could not be read. A record counts as readable when its framing and CRC32C
    /// hold and its sequence number is the next one after the last readable record or beyond it;
    /// the bytes between are searched for the next such record.
    public static func salvage(stateDirectory: String, fileSystem: any JournalFileSystem = PosixFileSystem(),
                               _ visit: (JournalRecordView) throws -> Void) throws -> SalvageReport {
        let reader = try JournalReader(stateDirectory: stateDirectory, fileSystem: fileSystem)
        let fault = try reader.verify().firstFault
        let directory = stateDirectory + "/" + Format.journalDirectory
        let names: [(UInt64, String)]
        do throws(FileSystemError) {
            names = try fileSystem.listDirectory(directory).compactMap { name in
                Format.firstSequence(ofSegment: name).map { ($0, name) }
            }.sorted { $0.0 < $1.0 }
        } catch {
            throw JournalError.io(error)
        }
        var report = SalvageReport(records: 0, unreadable: [], lastSeq: 0, lastHash: Format.genesisHash, firstFault: fault)
        func missing(upTo seq: UInt64) {
            if seq > report.lastSeq + 1 { report.unreadable.append((report.lastSeq + 1)...(seq - 1)) }
        }
        for (_, name) in names {
            let bytes: [UInt8]
            do throws(FileSystemError) { bytes = try fileSystem.readAll(directory + "/" + name) } catch { throw JournalError.io(error) }
            try bytes.withUnsafeBytes { raw in
                var offset = Format.segmentHeaderLength
                var searching = false
                while offset + 4 <= raw.count {
                    let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                    // While searching past damage, only a plausible header is worth a CRC check:
                    // that keeps the search linear in the damaged bytes.
                    let plausible = !searching || (rest.count >= Format.recordOverhead
                        && rest.u64(at: 8) > report.lastSeq && rest.u64(at: 8) - report.lastSeq < 1 << 24
                        && rest.u64(at: 28) < rest.u64(at: 8))
                    if plausible, case .record(let length) = RecordCodec.frame(rest) {
                        let record = UnsafeRawBufferPointer(rebasing: rest[..<length])
                        let view = RecordCodec.view(record)
                        if view.isSyncMark {
                            offset += length
                            continue
                        }
                        if view.seq > report.lastSeq {
                            missing(upTo: view.seq)
                            try visit(view)
                            report.records += 1
                            report.lastSeq = view.seq
                            report.lastHash = Array(view.chainHash)
                            offset += length
                            searching = false
                            continue
                        }
                    } else if !searching, rest.allSatisfy({ $0 == 0 }) {
                        break  // the clean end of this segment's data
                    }
                    // Damage here: look for the next record further on.
                    searching = true
                    offset += 1
                }
            }
        }
        return report
    }

    /// Record `seq` of a damaged journal, found past the damage; nil when it cannot be read.
    public static func record(seq: UInt64, stateDirectory: String,
                              fileSystem: any JournalFileSystem = PosixFileSystem()) throws(JournalError) -> JournalRecord? {
        struct Found: Error { var record: JournalRecord }
        do {
            _ = try salvage(stateDirectory: stateDirectory, fileSystem: fileSystem) { view in
                if view.seq == seq { throw Found(record: JournalRecord(view)) }
                if view.seq > seq { throw Found(record: JournalRecord(view)) }
            }
        } catch let found as Found {
            return found.record.seq == seq ? found.record : nil
        } catch let error as JournalError {
            throw error
        } catch {
            throw .invalidArgument("\(error)")
        }
        return nil
    }

    /// Moves the journal and its snapshots under `sealed/<name>/` (renames, made durable), so that
    /// `Journal.open` starts a new, empty chain. Nothing is deleted.
    public static func seal(stateDirectory: String, name: String,
                            fileSystem: any JournalFileSystem = PosixFileSystem()) throws(JournalError) {
        let sealed = stateDirectory + "/" + sealedDirectory
        let target = sealed + "/" + name
        do throws(FileSystemError) {
            try fileSystem.makeDirectory(sealed)
            guard try !fileSystem.listDirectory(sealed).contains(name) else {
                throw FileSystemError(code: EEXIST, operation: "seal", path: target)
            }
            try fileSystem.makeDirectory(target)
            for directory in [Format.journalDirectory, Format.snapshotDirectory] {
                let from = stateDirectory + "/" + directory
                if try fileSystem.listDirectory(stateDirectory).contains(directory) {
                    try fileSystem.rename(from, to: target + "/" + directory)
                }
            }
            try fileSystem.syncDirectory(target)
            try fileSystem.syncDirectory(sealed)
            try fileSystem.syncDirectory(stateDirectory)
        } catch {
            throw .io(error)
        }
    }
}

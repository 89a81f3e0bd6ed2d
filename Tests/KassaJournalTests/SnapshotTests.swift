import Testing
import KassaCore
@testable import KassaJournal

/// A stand-in for the register's fold: a running digest of everything seen, serializable as state.
private struct Fold: Equatable {
    var digest = [UInt8](repeating: 0, count: 32)
    var count: UInt64 = 0

    mutating func apply(_ record: JournalRecordView) {
        var hasher = SHA256()
        hasher.update(digest)
        hasher.update(record.payload)
        digest = hasher.finalize()
        count += 1
    }

    var state: [UInt8] {
        var bytes = digest
        withUnsafeBytes(of: count.littleEndian) { bytes += $0 }
        return bytes
    }

    init() {}

    init(state: [UInt8]) {
        digest = Array(state[0..<32])
        count = state[32...].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}

@Suite struct SnapshotTests {
    @Test func snapshotPlusTailReplayEqualsFullReplay() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs, options: options(segmentSizeLimit: 5000))
        var fold = Fold()
        try journal.append(entries(1...40), durable: true)
        try journal.forEachRecord(fromSeq: 1) { fold.apply($0) }
        try journal.writeSnapshot(throughSeq: 40, chainHash: journal.lastHash, state: fold.state)
        try journal.append(entries(41...75), durable: true)

        let reopened = try openJournal(fs, options: options(segmentSizeLimit: 5000))
        let snapshot = try #require(reopened.snapshot)
        #expect(snapshot.throughSeq == 40 && snapshot.time == entry(40).time)
        var resumed = Fold(state: snapshot.state)
        try reopened.forEachRecord(fromSeq: snapshot.throughSeq + 1) { resumed.apply($0) }
        var full = Fold()
        try reopened.forEachRecord(fromSeq: 1) { full.apply($0) }
        #expect(resumed == full && full.count == 75)
    }

    @Test func snapshotOfAnOlderRecordAndAtASegmentBoundaryReopen() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...10), durable: true)
        try journal.rotate()
        try journal.append(entries(11...20), durable: true)
        for seq in [UInt64(5), 10, 20] {
            let hash = try journal.read(seq: seq).chainHash
            try journal.writeSnapshot(throughSeq: seq, chainHash: hash, state: [UInt8(seq)])
            let reopened = try openJournal(fs)
            #expect(reopened.mode == .readWrite && reopened.snapshot?.throughSeq == seq && reopened.lastSeq == 20)
        }
    }

    @Test func snapshotWithAChainHashOtherThanTheRecordsIsRefused() throws {
        let journal = try openJournal(InMemoryFileSystem())
        try journal.append(entries(1...3), durable: true)
        #expect(throws: JournalError.self) {
            try journal.writeSnapshot(throughSeq: 2, chainHash: journal.lastHash, state: [])
        }
        #expect(throws: JournalError.self) {
            try journal.writeSnapshot(throughSeq: 4, chainHash: journal.lastHash, state: [])
        }
    }

    @Test func badNewestSnapshotFallsBackToTheOlderOne() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...10), durable: false)
        try journal.writeSnapshot(throughSeq: 10, chainHash: journal.lastHash, state: [1, 2, 3])
        try journal.append(entries(11...20), durable: false)
        try journal.writeSnapshot(throughSeq: 20, chainHash: journal.lastHash, state: [4, 5, 6])
        try rewrite(fs, stateDirectory + "/snapshots/snap-0000000000000020.ks") { $0[$0.count - 1] ^= 1 }

        let log = WarningLog()
        let reopened = try openJournal(fs, log)
        #expect(reopened.snapshot?.throughSeq == 10 && reopened.snapshot?.state == [1, 2, 3])
        #expect(reopened.lastSeq == 20 && reopened.mode == .readWrite)
        #expect(log.lines == ["snapshot snap-0000000000000020.ks skipped: state incomplete or CRC32C mismatch"])
    }

    @Test func writingASnapshotMakesItsRecordsDurable() throws {
        let journal = try openJournal(InMemoryFileSystem())
        try journal.append(entries(1...4), durable: false)
        try journal.writeSnapshot(throughSeq: 4, chainHash: journal.lastHash, state: [])
        #expect(journal.durableSeq == 4)
    }

    @Test func onlyTheNewestFewSnapshotsAreKept() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        for n in 1...6 {
            try journal.append([entry(n)], durable: true)
            try journal.writeSnapshot(throughSeq: UInt64(n), chainHash: journal.lastHash, state: [UInt8(n)])
        }
        #expect(try fileNames(fs, "snapshots") == (4...6).map { "snap-000000000000000\($0).ks" })
    }

    @Test func snapshotBeyondWhatTheJournalHoldsIsDamage() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...6), durable: true)
        try journal.writeSnapshot(throughSeq: 6, chainHash: journal.lastHash, state: [])
        // Records the snapshot covers vanish from the segment.
        try rewrite(fs, segmentPath(1)) { bytes in for i in offsetOfRecord(5)..<bytes.count { bytes[i] = 0 } }
        let reopened = try openJournal(fs)
        guard case .readOnly(.damaged(let fault)) = reopened.mode else {
            Issue.record("expected damage, got \(reopened.mode)")
            return
        }
        #expect(fault.problem == .durableRecordsMissing(throughSeq: 6))
    }

    @Test func openReadsOnlyTheTailAfterTheSnapshot() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...30), durable: true)
        try journal.writeSnapshot(throughSeq: 30, chainHash: journal.lastHash, state: [])
        try journal.append(entries(31...35), durable: true)
        // Damage in the history before the snapshot: open does not read there, verify does.
        try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(7) + 50] ^= 1 }
        let reopened = try openJournal(fs)
        #expect(reopened.mode == .readWrite && reopened.lastSeq == 35)
        #expect(try reopened.verifyAll().firstFault?.seq == 7)
        #expect(throws: JournalError.self) { try reopened.read(seq: 7) }
    }

    @Test func halfWrittenSnapshotsAreRemovedAtOpenAndTheGoodOnesKept() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: true)
        try journal.writeSnapshot(throughSeq: 3, chainHash: journal.lastHash, state: [1, 2, 3])
        // A crash in the middle of the next snapshot, before its rename.
        let half = try fs.open(stateDirectory + "/snapshots/snap-0000000000000009.ks.tmp", .createNew)
        try half.write([0x4B, 0x41], at: 0)
        try half.sync()
        try fs.syncDirectory(stateDirectory + "/snapshots")
        let reopened = try openJournal(fs)
        #expect(try fileNames(fs, "snapshots") == ["snap-0000000000000003.ks"])
        #expect(reopened.snapshot?.throughSeq == 3)
    }

    @Test func aJournalOpenedReadOnlyLeavesHalfWrittenSnapshotsAlone() throws {
        let fs = InMemoryFileSystem()
        _ = try openJournal(fs)
        let half = try fs.open(stateDirectory + "/snapshots/snap-0000000000000009.ks.tmp", .createNew)
        try half.sync()
        var readOnly = options()
        readOnly.readOnlyReason = "a test"
        _ = try openJournal(fs, options: readOnly)
        #expect(try fileNames(fs, "snapshots") == ["snap-0000000000000009.ks.tmp"])
    }
}

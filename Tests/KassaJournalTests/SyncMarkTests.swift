import Testing
import KassaCore
@testable import KassaJournal

/// The sync mark after each fdatasync: the last durable group, with no record after it to say
/// it was durable, is no longer taken for a torn tail when its bytes rot; a group that was never
/// synced still is one.
@Suite struct SyncMarkTests {
    /// Records 1…3, then 4…5, each group durable: nothing after record 5 but its sync mark.
    func endingInADurableGroup() throws -> InMemoryFileSystem {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: true)
        try journal.append(entries(4...5), durable: true)
        return fs
    }

    var lastGroup: Range<Int> { offsetOfRecord(4)..<offsetOfRecord(6) }

    @Test func rotAnywhereInTheLastDurableGroupIsDamageAndNothingIsCut() throws {
        for position in stride(from: lastGroup.lowerBound, to: lastGroup.upperBound, by: 7) {
            let fs = try endingInADurableGroup()
            try rewrite(fs, segmentPath(1)) { $0[position] ^= 0x10 }
            let rotted = fs.contents(of: segmentPath(1))
            let journal = try openJournal(fs)
            guard case .readOnly(.damaged(let fault)) = journal.mode else {
                Issue.record("byte \(position) rotted, and the journal opened \(journal.mode)")
                continue
            }
            #expect(fault.seq == (position < offsetOfRecord(5) ? 4 : 5), "byte \(position)")
            #expect(try fileNames(fs, "quarantine").isEmpty)
            #expect(fs.contents(of: segmentPath(1)) == rotted)
        }
    }

    @Test func aGroupThatWasNeverSyncedIsStillATornTailSetAsideQuietly() throws {
        let fs = InMemoryFileSystem()
        let writer = try openJournal(fs)
        try writer.append(entries(1...3), durable: true)
        try writer.append(entries(4...5), durable: false)
        // A power cut: the middle of record 5 onwards never reached the disk.
        try rewrite(fs, segmentPath(1)) { bytes in
            for i in (offsetOfRecord(5) + 30)..<bytes.count { bytes[i] = 0 }
        }
        let log = WarningLog()
        let journal = try openJournal(fs, log)
        #expect(journal.mode == .readWrite)
        #expect(journal.lastSeq == 3)
        #expect(try fileNames(fs, "quarantine").count == 1)
        #expect(log.lines.count == 1 && log.lines[0].contains("torn write after record 3"))
        #expect(try journal.append(entries(4...5), durable: true) == [4, 5])
        #expect(try journal.verifyAll().isSound)
    }

    @Test func theMarkIsNoRecordAndTheNextAppendWritesOverIt() throws {
        let fs = try endingInADurableGroup()
        let reopened = try openJournal(fs)
        #expect(reopened.mode == .readWrite)
        #expect(reopened.lastSeq == 5)
        #expect(try reopened.records(fromSeq: 1).map(\.seq) == [1, 2, 3, 4, 5])
        #expect(try reopened.append(entries(6...7), durable: false) == [6, 7])
        let again = try openJournal(fs)
        #expect(again.lastSeq == 7)
        #expect(try again.verifyAll().isSound)
        #expect(try fileNames(fs, "quarantine").isEmpty)
    }

    @Test func aPowerCutAfterEverySyncLosesNothingThatWasDurable() throws {
        for seed in 1...20 as ClosedRange<UInt64> {
            let fs = InMemoryFileSystem()
            let journal = try openJournal(fs)
            try journal.append(entries(1...3), durable: true)
            try journal.append(entries(4...5), durable: true)
            try journal.append(entries(6...6), durable: false)
            fs.simulatePowerLoss(seed: seed)
            let reopened = try openJournal(fs)
            #expect(reopened.mode == .readWrite, "seed \(seed)")
            #expect(reopened.lastSeq == 5 || reopened.lastSeq == 6, "seed \(seed)")
            #expect(try reopened.verifyAll().isSound)
        }
    }
}

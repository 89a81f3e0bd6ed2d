import Testing
import KassaCore
@testable import KassaJournal

/// A verification that goes on from where an earlier one left off, and only while the record at
/// its mark is still the one that was checked.
@Suite struct VerifyMarkTests {
    /// A journal of 100 records over segments of about 4 KiB, and the marks a verification to the
    /// end takes every 10 records.
    func journalAndMarks() throws -> (InMemoryFileSystem, [VerifyMark]) {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs, options: options(segmentSizeLimit: 4096))
        for first in stride(from: 1, through: 91, by: 10) { try journal.append(entries(first...(first + 9)), durable: true) }
        var marks: [VerifyMark] = []
        let full = try reader(fs).verify(markInterval: 10, progress: { marks.append($0) })
        #expect(full.isSound && full.records == 100 && full.lastSeq == 100 && full.resumedAfter == 0)
        #expect(full.segments > 3, "the marks lie in several segments")
        return (fs, marks)
    }

    func reader(_ fs: InMemoryFileSystem) throws -> JournalReader {
        try JournalReader(stateDirectory: stateDirectory, fileSystem: fs)
    }

    /// Flips a bit in record `seq` (in its stored chain hash, which is unique), wherever its segment is.
    func damage(_ fs: InMemoryFileSystem, record seq: UInt64) throws {
        let record = try reader(fs).read(seq: seq)
        let name = try fs.listDirectory(stateDirectory + "/journal").sorted()
            .last { Format.firstSequence(ofSegment: $0)! <= seq }!
        try rewrite(fs, stateDirectory + "/journal/" + name) { bytes in
            let hash = record.chainHash
            let at = (0...(bytes.count - hash.count)).first { Array(bytes[$0..<($0 + hash.count)]) == hash }!
            bytes[at + 3] ^= 0x10
        }
    }

    @Test func marksComeEveryIntervalWithTheRecordsChainHash() throws {
        let (fs, marks) = try journalAndMarks()
        #expect(marks.map(\.seq) == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        for mark in marks { #expect(mark.chainHash == (try reader(fs).read(seq: mark.seq).chainHash)) }
    }

    @Test func aVerificationGoesOnAfterTheMarkAndChecksOnlyTheRecordsAfterIt() throws {
        let (fs, marks) = try journalAndMarks()
        let mark = marks[3]
        var resumed: UInt64?
        var later: [UInt64] = []
        let v = try reader(fs).verify(resumingAt: mark, markInterval: 10, starting: { resumed = $0 },
                                      progress: { later.append($0.seq) })
        #expect(v.isSound)
        #expect(resumed == 40 && v.resumedAfter == 40)
        #expect(v.records == 60 && v.lastSeq == 100)
        #expect(later == [50, 60, 70, 80, 90, 100])
    }

    @Test func damageAfterTheMarkIsFound() throws {
        let (fs, marks) = try journalAndMarks()
        try damage(fs, record: 57)
        let v = try reader(fs).verify(resumingAt: marks[3])
        #expect(v.resumedAfter == 40)
        #expect(v.firstFault?.seq == 57 && v.firstFault?.problem == .checksumMismatch)
        #expect(v.lastSeq == 56)
    }

    @Test func aMarkWhoseHashDoesNotMatchTheChainStartsOverFromRecordOne() throws {
        let (fs, marks) = try journalAndMarks()
        var forged = marks[5]
        forged.chainHash[0] ^= 1
        var resumed: UInt64?
        let v = try reader(fs).verify(resumingAt: forged, starting: { resumed = $0 })
        #expect(resumed == 0 && v.resumedAfter == 0)
        #expect(v.isSound && v.records == 100)
    }

    @Test func aMarkThatPointsElsewhereStartsOverFromRecordOne() throws {
        let (fs, marks) = try journalAndMarks()
        // Another record's place, a place inside a record, another segment, a record not yet written.
        var elsewhere = [marks[2], marks[2], marks[2], marks[8]]
        elsewhere[0].seq += 1
        elsewhere[1].offset += 1
        elsewhere[2].segmentFirstSequence = marks[7].segmentFirstSequence
        elsewhere[3].seq = 200
        for mark in elsewhere {
            let v = try reader(fs).verify(resumingAt: mark)
            #expect(v.resumedAfter == 0 && v.isSound && v.records == 100)
        }
    }

    @Test func damageInTheMarksOwnRecordIsFoundFromRecordOne() throws {
        let (fs, marks) = try journalAndMarks()
        try damage(fs, record: 60)
        let v = try reader(fs).verify(resumingAt: marks[5])
        #expect(v.resumedAfter == 0)
        #expect(v.firstFault?.seq == 60)
    }

    /// What a mark may not claim: damage before it, done after those records were checked, is not
    /// seen by the verification that goes on from it, only by one from record 1.
    @Test func damageBeforeTheMarkIsLeftToAVerificationFromRecordOne() throws {
        let (fs, marks) = try journalAndMarks()
        try damage(fs, record: 25)
        #expect(try reader(fs).verify(resumingAt: marks[5]).isSound)
        #expect(try reader(fs).verify().firstFault?.seq == 25)
    }

    @Test func aVerificationThroughARecordBeforeTheMarkStartsFromRecordOne() throws {
        let (fs, marks) = try journalAndMarks()
        let v = try reader(fs).verify(throughSeq: 30, resumingAt: marks[5])
        #expect(v.resumedAfter == 0 && v.lastSeq == 30 && v.records == 30)
    }

    @Test func theProgressFileReadsBackAndRefusesAnyOtherBytes() throws {
        let (_, marks) = try journalAndMarks()
        let progress = VerifyProgress(mark: marks[4], passStartedAt: 1_765_000_000_000, soundThrough: 77, soundAt: 1_764_000_000_000)
        let bytes = progress.encoded(registerID: registerID)
        #expect(VerifyProgress(decoding: bytes, registerID: registerID) == progress)
        #expect(VerifyProgress(decoding: VerifyProgress().encoded(registerID: registerID), registerID: registerID) == VerifyProgress())
        #expect(VerifyProgress(decoding: bytes, registerID: registerID + 1) == nil, "another register's")
        #expect(VerifyProgress(decoding: Array(bytes.dropLast()), registerID: registerID) == nil, "cut short")
        #expect(VerifyProgress(decoding: [], registerID: registerID) == nil)
        for i in [0, 30, 50, 80, bytes.count - 1] {
            var flipped = bytes
            flipped[i] ^= 4
            #expect(VerifyProgress(decoding: flipped, registerID: registerID) == nil, "byte \(i) changed")
        }
    }
}

import Testing
@testable import KassaJournal

/// Reading a damaged journal for recovery: every record whose CRC holds, past the damage, and
/// the sequence numbers that could not be read.
@Suite struct SalvageTests {
    func journalWithSixRecords() throws -> InMemoryFileSystem {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        for n in 1...6 { try journal.append([entry(n)], durable: true) }
        return fs
    }

    func salvage(_ fs: InMemoryFileSystem) throws -> (SalvageReport, [UInt64]) {
        var seen: [UInt64] = []
        let report = try JournalSalvage.salvage(stateDirectory: stateDirectory, fileSystem: fs) { seen.append($0.seq) }
        return (report, seen)
    }

    @Test func aFlippedPayloadBitLosesThatRecordOnly() throws {
        let fs = try journalWithSixRecords()
        try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(3) + 40] ^= 0x04 }
        let (report, seen) = try salvage(fs)
        #expect(seen == [1, 2, 4, 5, 6])
        #expect(report.unreadable == [3...3])
        #expect(report.lastSeq == 6)
        #expect(report.firstFault?.seq == 3)
    }

    @Test func aDamagedLengthIsSearchedPast() throws {
        for byte in 0..<4 {
            let fs = try journalWithSixRecords()
            try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(2) + byte] ^= 0x5A }
            let (report, seen) = try salvage(fs)
            #expect(seen == [1, 3, 4, 5, 6], "length byte \(byte)")
            #expect(report.unreadable == [2...2])
        }
    }

    @Test func aSoundJournalSalvagesWhole() throws {
        let fs = try journalWithSixRecords()
        let (report, seen) = try salvage(fs)
        #expect(seen == Array(1...6))
        #expect(report.unreadable.isEmpty)
        #expect(report.firstFault == nil)
        let record = try JournalSalvage.record(seq: 4, stateDirectory: stateDirectory, fileSystem: fs)
        #expect(record?.payload == entry(4).payload)
    }
}

/// Opening on purpose read-only (kassad `--read-only`): read what is whole, write nothing.
@Suite struct RequestedReadOnlyTests {
    @Test func aTornTailIsLeftAloneAndNothingIsWritten() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: true)
        try journal.append(entries(4...4), durable: false)
        try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(4) + 50] ^= 0x10 }
        let before = fs.contents(of: segmentPath(1))
        var o = options()
        o.readOnlyReason = "testing"
        let readOnly = try openJournal(fs, options: o)
        #expect(readOnly.mode == .readOnly(.requested("testing")))
        #expect(readOnly.lastSeq == 3)
        #expect(try readOnly.records(fromSeq: 1).map(\.seq) == [1, 2, 3])
        #expect(throws: JournalError.self) { try readOnly.append(entries(5...5), durable: true) }
        #expect(fs.contents(of: segmentPath(1)) == before)
        #expect(try fileNames(fs, "quarantine").isEmpty)
    }

    @Test func anEmptyStateDirectoryStaysEmpty() throws {
        let fs = InMemoryFileSystem()
        var o = options()
        o.readOnlyReason = "testing"
        let journal = try openJournal(fs, options: o)
        #expect(journal.lastSeq == 0)
        #expect(try fileNames(fs, "journal").isEmpty)
    }
}

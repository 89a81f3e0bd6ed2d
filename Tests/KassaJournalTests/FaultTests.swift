import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import KassaJournal

@Suite struct FaultTests {
    @Test func fsyncFailureClosesTheWriterForGood() throws {
        let fs = InMemoryFileSystem()
        let log = WarningLog()
        let journal = try openJournal(fs, log)
        try journal.append(entries(1...2), durable: true)
        fs.injectFault(at: .sync, after: 0, code: EIO)
        #expect(throws: JournalError.self) { try journal.append(entries(3...3), durable: true) }
        guard case .readOnly(.writerFailed(let error)) = journal.mode else {
            Issue.record("expected a failed writer, got \(journal.mode)")
            return
        }
        #expect(error.code == EIO && error.operation == "fdatasync")
        fs.clearFaults()
        // No retry, even once the disk answers again: the failed fsync may have lost pages.
        #expect(throws: JournalError.writerClosed(error)) { try journal.append(entries(4...4), durable: false) }
        #expect(throws: JournalError.writerClosed(error)) { try journal.sync() }
        #expect(throws: JournalError.writerClosed(error)) { try journal.rotate() }
        #expect(journal.durableSeq == 2)
        #expect(log.lines.contains { $0.contains("writer closed") })
        #expect(try openJournal(fs).mode == .readWrite)
    }

    @Test func writeFailureClosesTheWriter() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...2), durable: true)
        fs.injectFault(at: .write, after: 0, code: EIO)
        #expect(throws: JournalError.self) { try journal.append(entries(3...3), durable: false) }
        #expect(journal.lastSeq == 2)
        fs.clearFaults()
        #expect(throws: JournalError.self) { try journal.append(entries(3...3), durable: false) }
    }

    @Test func fullDiskRaisesLowSpaceAndReservedSpaceLetsAStartedSaleFinish() throws {
        let chunk: Int64 = 4096
        let fs = InMemoryFileSystem(capacity: 80 + 2 * Int(chunk) + 100)
        let journal = try openJournal(fs, options: options(reservationChunk: chunk))
        var n = 0
        while !journal.lowSpace {
            n += 1
            try journal.append([entry(n)], durable: true)
        }
        // The register now refuses new sales; a sale already started still fits.
        let reserved = journal.reservedBytesRemaining
        #expect(reserved >= chunk / 2 - 400)
        var started: [JournalEntry] = []
        while started.reduce(0, { $0 + recordLength($1) }) + recordLength(entry(n + started.count + 1)) <= reserved {
            started.append(entry(n + started.count + 1))
        }
        #expect(!started.isEmpty)
        try journal.append(started, durable: true)
        n += started.count

        var refused: JournalError?
        while refused == nil {
            do throws(JournalError) {
                try journal.append([entry(n + 1)], durable: true)
                n += 1
            } catch {
                refused = error
            }
        }
        guard case .noSpace(let error) = refused else {
            Issue.record("expected noSpace, got \(String(describing: refused))")
            return
        }
        #expect(error.isNoSpace)
        #expect(journal.mode == .readWrite && journal.lastSeq == UInt64(n))
        let reopened = try openJournal(fs, options: options(reservationChunk: chunk))
        #expect(expectRecords(try reopened.records(fromSeq: 1), equal: entries(1...n)))
    }

    @Test func noSpaceForANewSegmentKeepsWritingTheCurrentOne() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs, options: options(segmentSizeLimit: 1000))
        try journal.append(entries(1...3), durable: true)
        fs.capacity = fs.bytesUsed + 100
        #expect(throws: JournalError.self) { try journal.rotate() }
        #expect(journal.lowSpace)
        #expect(try fileNames(fs, "journal") == ["seg-0000000000000001.kj"])
        // Past the size limit, with no room for a new segment: the reserved space is used.
        try journal.append(entries(4...5), durable: true)
        #expect(try fileNames(fs, "journal") == ["seg-0000000000000001.kj"])
        #expect(try openJournal(fs).lastSeq == 5)
    }
}

@Suite struct JournalReaderTests {
    private func everyFile(_ fs: InMemoryFileSystem) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for directory in ["journal", "snapshots", "quarantine"] {
            for name in try fileNames(fs, directory) {
                let path = stateDirectory + "/" + directory + "/" + name
                files[path] = fs.contents(of: path)
            }
        }
        return files
    }

    @Test func readerOfATornJournalReportsItAndChangesNothing() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...5), durable: true)
        try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(5) + 3] ^= 1 }
        let before = try everyFile(fs)

        let reader = try JournalReader(stateDirectory: stateDirectory, fileSystem: fs)
        #expect(reader.registerID == registerID)
        var seen: [UInt64] = []
        let fault = try reader.forEachRecord(fromSeq: 1) { seen.append($0.seq) }
        #expect(seen == [1, 2, 3, 4])
        #expect(fault?.seq == 5 && fault?.problem == .invalidLength(UInt32(recordLength(entry(5))) ^ (1 << 24)))
        #expect(try reader.verify(throughSeq: 4).isSound)
        #expect(try reader.verify().firstFault == fault)
        #expect(try reader.read(seq: 3).payload == entry(3).payload)
        let unchanged = try everyFile(fs) == before
        #expect(unchanged)
    }

    @Test func verifyNamesTheFirstBadRecordAcrossSegments() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...4), durable: true)
        try journal.rotate()
        try journal.append(entries(5...12), durable: true)
        let offsetOfSeven = segmentHeaderLength + (5..<7).reduce(0) { $0 + recordLength(entry($1)) }
        let offsetOfNine = offsetOfSeven + recordLength(entry(7)) + recordLength(entry(8))
        try rewrite(fs, segmentPath(5)) { bytes in
            bytes[offsetOfNine + 60] ^= 1
            bytes[offsetOfSeven + 60] ^= 1
        }
        let report = try journal.verifyAll()
        #expect(report.firstFault == JournalFault(segment: "seg-0000000000000005.kj", offset: Int64(offsetOfSeven),
                                                  seq: 7, problem: .checksumMismatch))
        #expect(report.records == 6 && report.segments == 2 && !report.isSound)
    }

    @Test func readerFromALaterSequenceStopsAtTheFirstFault() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...6), durable: true)
        let reader = try JournalReader(stateDirectory: stateDirectory, registerID: registerID, fileSystem: fs)
        var seen: [UInt64] = []
        #expect(try reader.forEachRecord(fromSeq: 4) { seen.append($0.seq) } == nil)
        #expect(seen == [4, 5, 6])
    }

    @Test func readerOfAnotherRegistersJournalFindsBadHeaders() throws {
        let fs = InMemoryFileSystem()
        try openJournal(fs).append(entries(1...2), durable: true)
        let reader = try JournalReader(stateDirectory: stateDirectory, registerID: registerID + 1, fileSystem: fs)
        #expect(try reader.verify().firstFault?.problem
            == .badSegmentHeader("belongs to register \(registerID), not \(registerID + 1)"))
    }
}

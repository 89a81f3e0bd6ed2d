import Testing
import KassaCore
@testable import KassaJournal

@Suite struct JournalWritingTests {
    @Test func roundTripReadsBackWhatWasAppended() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        #expect(try journal.append(entries(1...3), durable: false) == [1, 2, 3])
        #expect(try journal.append(entries(4...10), durable: true) == Array(4...10))
        #expect(journal.lastSeq == 10 && journal.durableSeq == 10 && journal.lastTime == entry(10).time)
        #expect(expectRecords(try journal.records(fromSeq: 1), equal: entries(1...10)))

        let reopened = try openJournal(fs)
        #expect(reopened.mode == .readWrite)
        #expect(reopened.lastSeq == 10 && reopened.lastHash == journal.lastHash && reopened.lastTime == journal.lastTime)
        #expect(expectRecords(try reopened.records(fromSeq: 4), equal: entries(4...10), from: 4))
        #expect(try reopened.read(seq: 7).payload == entry(7).payload)
    }

    @Test func emptyJournalStartsAtGenesis() throws {
        let journal = try openJournal(InMemoryFileSystem())
        #expect(journal.lastSeq == 0 && journal.lastHash == [UInt8](repeating: 0, count: 32) && journal.lastTime == 0)
        #expect(try journal.records(fromSeq: 1).isEmpty)
        #expect(throws: JournalError.noSuchRecord(1)) { try journal.read(seq: 1) }
    }

    @Test func chainHashIsSHA256OfPreviousHashAndRecordFields() throws {
        let journal = try openJournal(InMemoryFileSystem())
        try journal.append(entries(1...2), durable: true)
        let records = try journal.records(fromSeq: 1)
        for (index, record) in records.enumerated() {
            let previous = index == 0 ? [UInt8](repeating: 0, count: 32) : records[index - 1].chainHash
            var fields: [UInt8] = []
            withUnsafeBytes(of: record.seq.littleEndian) { fields += $0 }
            withUnsafeBytes(of: record.type.littleEndian) { fields += $0 }
            // Flag bit 0: more records of the same append group follow.
            fields += [index < records.count - 1 ? 1 : 0, 0]
            withUnsafeBytes(of: record.time.littleEndian) { fields += $0 }
            withUnsafeBytes(of: record.syncedThrough.littleEndian) { fields += $0 }
            #expect(record.chainHash == SHA256.hash(previous + fields + record.payload))
        }
        #expect(records[1].chainHash == journal.lastHash)
    }

    @Test func syncedThroughTellsWhatWasDurableWhenTheRecordWasWritten() throws {
        let journal = try openJournal(InMemoryFileSystem())
        try journal.append(entries(1...2), durable: true)
        try journal.append(entries(3...3), durable: false)
        try journal.append(entries(4...4), durable: false)
        try journal.sync()
        try journal.append(entries(5...5), durable: false)
        #expect(try journal.records(fromSeq: 1).map(\.syncedThrough) == [0, 0, 2, 2, 4])
    }

    @Test func sequenceNumbersAreGapFreeAcrossRotations() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs, options: options(segmentSizeLimit: 2000))
        var seqs: [UInt64] = []
        for n in stride(from: 1, through: 60, by: 3) {
            seqs += try journal.append(entries(n...(n + 2)), durable: n % 2 == 0)
            if n == 31 { try journal.rotate() }
        }
        #expect(seqs == Array(1...60))
        let segments = try fileNames(fs, "journal")
        #expect(segments.count > 5)
        let reopened = try openJournal(fs, options: options(segmentSizeLimit: 2000))
        #expect(reopened.lastSeq == 60)
        #expect(expectRecords(try reopened.records(fromSeq: 1), equal: entries(1...60)))
        #expect(try reopened.read(seq: 33).payload == entry(33).payload)
        #expect(try reopened.verifyAll() == JournalVerification(segments: segments.count, records: 60, lastSeq: 60))
    }

    @Test func rotationOfAnEmptySegmentDoesNothing() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.rotate()
        try journal.append(entries(1...1), durable: true)
        try journal.rotate()
        try journal.rotate()
        #expect(try fileNames(fs, "journal") == ["seg-0000000000000001.kj", "seg-0000000000000002.kj"])
    }

    @Test func segmentHeaderChainsFromThePreviousSegmentsLastRecord() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...4), durable: true)
        let hashOfFour = journal.lastHash
        try journal.rotate()
        try journal.append(entries(5...6), durable: true)
        let header = fs.contents(of: segmentPath(5))!
        #expect(Array(header[40..<72]) == hashOfFour)
        #expect(header[24] == 5)

        // A header rewritten with a consistent CRC but a foreign chain hash breaks the chain.
        try rewrite(fs, segmentPath(5)) { bytes in
            bytes[40] ^= 1
            let crc = CRC32C.checksum(Array(bytes[0..<76]))
            withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[76 + i] = $0[i] } }
        }
        let report = try JournalReader(stateDirectory: stateDirectory, fileSystem: fs).verify()
        #expect(report.firstFault == JournalFault(segment: "seg-0000000000000005.kj", offset: 0, seq: 5,
                                                  problem: .chainHashMismatch))
    }

    @Test func reopenContinuesTheChain() throws {
        let fs = InMemoryFileSystem()
        do {
            let journal = try openJournal(fs)
            try journal.append(entries(1...5), durable: true)
        }
        let journal = try openJournal(fs)
        #expect(try journal.append(entries(6...9), durable: true) == [6, 7, 8, 9])
        #expect(try journal.verifyAll() == JournalVerification(segments: 1, records: 9, lastSeq: 9))
        #expect(expectRecords(try journal.records(fromSeq: 1), equal: entries(1...9)))
    }

    @Test func zeroFilledPreallocationIsACleanEnd() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: true)
        // After the records, the sync mark that says they are durable, then zeros.
        let dataEnd = offsetOfRecord(4) + 68
        let bytes = fs.contents(of: segmentPath(1))!
        #expect(bytes.count >= dataEnd + 2048 && bytes[dataEnd...].allSatisfy { $0 == 0 })
        let log = WarningLog()
        let reopened = try openJournal(fs, log)
        #expect(reopened.mode == .readWrite && reopened.lastSeq == 3)
        #expect(log.lines.isEmpty)
        #expect(try fileNames(fs, "quarantine").isEmpty)
    }

    @Test func readingOldRecordsSkipsToThemAcrossSegmentsAndAnchors() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs, options: options(segmentSizeLimit: 400_000))
        for n in stride(from: 1, through: 9000, by: 100) { try journal.append(entries(n...(n + 99)), durable: false) }
        try journal.sync()
        let reopened = try openJournal(fs, options: options(segmentSizeLimit: 400_000))
        for seq in [1, 99, 4095, 4096, 4097, 5000, 8191, 8192, 9000] {
            #expect(try reopened.read(seq: UInt64(seq)).payload == entry(seq).payload)
        }
        #expect(expectRecords(try reopened.records(fromSeq: 8100), equal: entries(8100...9000), from: 8100))
    }

    @Test func oversizedPayloadIsRefusedAndNothingIsWritten() throws {
        let journal = try openJournal(InMemoryFileSystem())
        let huge = JournalEntry(type: 1, time: 0, payload: [UInt8](repeating: 1, count: (16 << 20) + 1))
        #expect(throws: JournalError.self) { try journal.append([entry(1), huge], durable: true) }
        #expect(journal.lastSeq == 0 && journal.mode == .readWrite)
    }
}

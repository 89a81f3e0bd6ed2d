import Testing
import KassaCore
@testable import KassaJournal

/// A journal of records 1…4 (1…3 durable, 4 written after them), and where record 4 lies.
private func journalWithFourRecords() throws -> (InMemoryFileSystem, lastRecord: Range<Int>) {
    let fs = InMemoryFileSystem()
    let journal = try openJournal(fs)
    try journal.append(entries(1...3), durable: true)
    try journal.append(entries(4...4), durable: false)
    let start = offsetOfRecord(4)
    return (fs, start..<(start + recordLength(entry(4))))
}

private func trimmingTrailingZeros(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    Array(bytes[..<(bytes.lastIndex { $0 != 0 }.map { $0 + 1 } ?? bytes.startIndex)])
}

@Suite struct RecoveryTests {
    @Test func tornLastRecordIsQuarantinedAndTruncatedAtEveryCut() throws {
        let (pristine, last) = try journalWithFourRecords()
        let original = pristine.contents(of: segmentPath(1))!
        for cut in last.lowerBound..<last.upperBound {
            let (fs, _) = try journalWithFourRecords()
            // Power cut: the record's bytes after `cut` never reached the disk; the reserved rest is zeros.
            try rewrite(fs, segmentPath(1)) { bytes in
                for i in cut..<bytes.count { bytes[i] = 0 }
            }
            let log = WarningLog()
            let journal = try openJournal(fs, log)
            #expect(journal.mode == .readWrite)
            #expect(journal.lastSeq == 3)
            let torn = trimmingTrailingZeros(original[last.lowerBound..<cut])
            let quarantined = try fileNames(fs, "quarantine")
            if torn.isEmpty {
                #expect(quarantined.isEmpty && log.lines.isEmpty)
            } else {
                #expect(quarantined == ["seg-0000000000000001.kj@000000000\(last.lowerBound).torn"])
                #expect(fs.contents(of: stateDirectory + "/quarantine/" + quarantined[0]) == torn)
                #expect(log.lines.count == 1 && log.lines[0].contains("torn write after record 3"))
            }
            #expect(try journal.append(entries(4...5), durable: true) == [4, 5])
            #expect(try journal.verifyAll().isSound)
        }
    }

    @Test func flippedBitAnywhereInTheLastRecordIsATornTail() throws {
        let (pristine, last) = try journalWithFourRecords()
        let original = pristine.contents(of: segmentPath(1))!
        for position in last {
            let (fs, _) = try journalWithFourRecords()
            try rewrite(fs, segmentPath(1)) { $0[position] ^= UInt8(1 << (position % 8)) }
            let journal = try openJournal(fs)
            #expect(journal.mode == .readWrite, "bit flipped at byte \(position)")
            #expect(journal.lastSeq == 3)
            var expected = Array(original[last])
            expected[position - last.lowerBound] ^= UInt8(1 << (position % 8))
            let quarantined = try fileNames(fs, "quarantine")
            #expect(quarantined.count == 1)
            #expect(quarantined.first.flatMap { fs.contents(of: stateDirectory + "/quarantine/" + $0) }
                == trimmingTrailingZeros(expected[...]))
        }
    }

    @Test func badRecordFollowedBySyncedRecordsIsDamageAndOpensReadOnly() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        for n in 1...6 { try journal.append([entry(n)], durable: true) }
        try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(3) + 40] ^= 0x04 }
        let before = fs.contents(of: segmentPath(1))

        let damaged = try openJournal(fs)
        let fault = JournalFault(segment: "seg-0000000000000001.kj", offset: Int64(offsetOfRecord(3)), seq: 3,
                                 problem: .checksumMismatch)
        #expect(damaged.mode == .readOnly(.damaged(fault)))
        #expect("\(fault)" == "seg-0000000000000001.kj at byte \(offsetOfRecord(3)), record 3: CRC32C mismatch")
        #expect(damaged.lastSeq == 2)
        #expect(throws: JournalError.readOnly(fault)) { try damaged.append([entry(3)], durable: true) }
        let unchanged = fs.contents(of: segmentPath(1)) == before
        #expect(unchanged)
        #expect(try fileNames(fs, "quarantine").isEmpty)
    }

    @Test func badLastRecordAtOrBelowTheCallersDurableSeqIsDamage() throws {
        let (fs, last) = try journalWithFourRecords()
        try rewrite(fs, segmentPath(1)) { $0[last.lowerBound + 50] ^= 1 }
        let journal = try openJournal(fs, options: options(minimumDurableSeq: 4))
        guard case .readOnly(.damaged(let fault)) = journal.mode else {
            Issue.record("expected damage, got \(journal.mode)")
            return
        }
        #expect(fault.seq == 4 && fault.problem == .checksumMismatch)
    }

    @Test func recordWithABrokenChainIsFoundEvenWhenItsCRCHolds() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        for n in 1...5 { try journal.append([entry(n)], durable: true) }
        // Rewrite record 2's payload and fix its CRC: only the chain can tell.
        try rewrite(fs, segmentPath(1)) { bytes in
            let start = offsetOfRecord(2), end = start + recordLength(entry(2))
            bytes[start + 40] ^= 0xFF
            let crc = CRC32C.checksum(Array(bytes[(start + 8)..<end]))
            withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[start + 4 + i] = $0[i] } }
        }
        let reopened = try openJournal(fs)
        #expect(reopened.mode == .readOnly(.damaged(JournalFault(
            segment: "seg-0000000000000001.kj", offset: Int64(offsetOfRecord(2)), seq: 2, problem: .chainHashMismatch))))
    }

    @Test func unsyncedTailLosingAnySubsetOfSectorsIsNeverDamage() throws {
        for seed in UInt64(0)..<300 {
            let fs = InMemoryFileSystem()
            let journalOptions = options(segmentSizeLimit: 6000, reservationChunk: 4096)
            let journal = try openJournal(fs, options: journalOptions)
            let durableThrough = 1 + Int(seed % 23)
            try journal.append(entries(1...durableThrough), durable: true)
            var next = durableThrough + 1
            for group in 0..<(1 + Int(seed % 5)) {
                let size = 1 + (Int(seed) + group * 7) % 9
                try journal.append(entries(next...(next + size - 1)), durable: false)
                next += size
            }
            fs.simulatePowerLoss(seed: seed)

            let recovered = try openJournal(fs, options: journalOptions)
            #expect(recovered.mode == .readWrite, "seed \(seed)")
            #expect(recovered.lastSeq >= UInt64(durableThrough), "seed \(seed)")
            let records = try recovered.records(fromSeq: 1)
            #expect(expectRecords(records, equal: entries(1...Int(max(recovered.lastSeq, 1))).prefix(records.count).map { $0 }),
                    "seed \(seed)")
            try recovered.append([entry(Int(recovered.lastSeq) + 1)], durable: true)
            #expect(try recovered.verifyAll().isSound, "seed \(seed)")
        }
    }

    @Test func powerLossRightAfterEachDurableAppendKeepsEveryReportedRecord() throws {
        for seed in UInt64(0)..<100 {
            let fs = InMemoryFileSystem()
            let journalOptions = options(segmentSizeLimit: 3000, reservationChunk: 2048)
            let journal = try openJournal(fs, options: journalOptions)
            var reported: UInt64 = 0
            for n in stride(from: 1, through: 40, by: 4) {
                let durable = (n + Int(seed)) % 3 == 0
                let seqs = try journal.append(entries(n...(n + 3)), durable: durable)
                if durable { reported = seqs.last! }
                if (n + Int(seed)) % 11 == 0 { try journal.rotate() }
            }
            fs.simulatePowerLoss(seed: seed &* 7919)
            let recovered = try openJournal(fs, options: journalOptions)
            #expect(recovered.mode == .readWrite, "seed \(seed)")
            #expect(recovered.lastSeq >= reported, "seed \(seed)")
            #expect(expectRecords(try recovered.records(fromSeq: 1), equal: entries(1...Int(max(recovered.lastSeq, 1)))
                .prefix(Int(recovered.lastSeq)).map { $0 }), "seed \(seed)")
        }
    }

    @Test func tornCreationOfANewSegmentIsSetAsideWhole() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: true)
        try journal.rotate()
        // As if the power went after the file name but before the header reached the disk.
        try rewrite(fs, segmentPath(4)) { bytes in bytes = Array(bytes[0..<30]) + [UInt8](repeating: 0, count: 50) }
        let log = WarningLog()
        let reopened = try openJournal(fs, log)
        #expect(reopened.mode == .readWrite && reopened.lastSeq == 3)
        #expect(try fileNames(fs, "journal") == ["seg-0000000000000001.kj"])
        #expect(try fileNames(fs, "quarantine") == ["seg-0000000000000004.kj@000000000000.torn"])
        #expect(try reopened.append(entries(4...4), durable: true) == [4])
        #expect(try reopened.verifyAll().isSound)
    }

    @Test func badHeaderOfASegmentHoldingRecordsIsDamage() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: true)
        try journal.rotate()
        try journal.append(entries(4...5), durable: true)
        try rewrite(fs, segmentPath(4)) { $0[20] ^= 1 }
        let reopened = try openJournal(fs)
        guard case .readOnly(.damaged(let fault)) = reopened.mode else {
            Issue.record("expected damage, got \(reopened.mode)")
            return
        }
        #expect(fault.segment == "seg-0000000000000004.kj" && fault.offset == 0)
        #expect(fault.problem == .badSegmentHeader("header CRC32C mismatch"))
    }

    @Test func badRecordInAnEarlierSegmentIsDamageEvenAtItsEnd() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...3), durable: false)
        try journal.rotate()
        try journal.append(entries(4...4), durable: false)
        try rewrite(fs, segmentPath(1)) { $0[offsetOfRecord(3) + 45] ^= 2 }
        let reopened = try openJournal(fs)
        #expect(reopened.mode == .readOnly(.damaged(JournalFault(
            segment: "seg-0000000000000001.kj", offset: Int64(offsetOfRecord(3)), seq: 3, problem: .checksumMismatch))))
    }

    @Test func garbageAfterTheEndOfDataMarkIsNotACleanEnd() throws {
        let (fs, last) = try journalWithFourRecords()
        // Record 4's first sector lost (zeros), a later part survived.
        try rewrite(fs, segmentPath(1)) { bytes in for i in last.lowerBound..<(last.lowerBound + 8) { bytes[i] = 0 } }
        let journal = try openJournal(fs)
        #expect(journal.mode == .readWrite && journal.lastSeq == 3)
        #expect(try fileNames(fs, "quarantine").count == 1)
    }
}

@Suite struct GroupAtomicityTests {
    /// Records 1…2 durable, then 3…5 appended as one group and not synced.
    func journalWithAnUnsyncedGroup() throws -> InMemoryFileSystem {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...2), durable: true)
        try journal.append(entries(3...5), durable: false)
        return fs
    }

    @Test func aGroupCutAnywhereIsDroppedWholeNeverKeptInPart() throws {
        let pristine = try journalWithAnUnsyncedGroup()
        let original = pristine.contents(of: segmentPath(1))!
        let groupStart = offsetOfRecord(3)
        let groupEnd = offsetOfRecord(5) + recordLength(entry(5))
        for cut in stride(from: groupStart + 1, to: groupEnd, by: 7) {
            let fs = try journalWithAnUnsyncedGroup()
            try rewrite(fs, segmentPath(1)) { bytes in
                for i in cut..<bytes.count { bytes[i] = 0 }
            }
            let journal = try openJournal(fs)
            #expect(journal.mode == .readWrite, "cut at \(cut)")
            #expect(journal.lastSeq == 2, "cut at \(cut): records of a torn group survived")
            let quarantined = try fileNames(fs, "quarantine")
            #expect(quarantined.count == 1)
            #expect(quarantined.first.flatMap { fs.contents(of: stateDirectory + "/quarantine/" + $0) }
                == Array(original[groupStart..<cut]).reversed().drop { $0 == 0 }.reversed())
            #expect(try journal.append(entries(3...3), durable: true) == [3])
            #expect(try journal.verifyAll().isSound)
        }
    }

    @Test func aWholeGroupSurvivesWhole() throws {
        let fs = try journalWithAnUnsyncedGroup()
        let journal = try openJournal(fs)
        #expect(journal.lastSeq == 5)
        #expect(try fileNames(fs, "quarantine").isEmpty)
    }
}

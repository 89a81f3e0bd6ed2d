import Testing
import KassaCore
@testable import KassaJournal

/// `kassa journal verify` on the state directory of a running register: a record caught half
/// written is no damage, damage that stays is.
@Suite struct LiveVerifyTests {
    let segment = segmentPath(1)

    /// Records 1 to 30 written durably in three groups, and the segment's bytes as they then are.
    func written() throws -> (InMemoryFileSystem, [UInt8]) {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...20), durable: true)
        try journal.append([entry(21)], durable: true)
        try journal.append(entries(22...30), durable: true)
        return (fs, fs.contents(of: segment)!)
    }

    /// The segment as a read could catch it while record 21 was being written: its first half there, nothing after.
    func caughtWriting21(_ full: [UInt8]) -> [UInt8] {
        var torn = full
        let cut = offsetOfRecord(21) + recordLength(entry(21)) / 2
        for i in cut..<torn.count { torn[i] = 0 }
        return torn
    }

    @Test func aRecordCaughtHalfWrittenIsNotTakenForDamage() throws {
        let (fs, full) = try written()
        try rewrite(fs, segment) { $0 = caughtWriting21(full) }
        // One look, and the writer's next records, would call it damage: they say record 21 was durable.
        let oneLook = try JournalReader(stateDirectory: stateDirectory, fileSystem: fs).verify()
        let fault = try #require(oneLook.firstFault)
        #expect(fault.seq == 21)
        try rewrite(fs, segment) { $0 = full }
        #expect(try JournalReader(stateDirectory: stateDirectory, fileSystem: fs).isUnfinishedTail(fault) == false)

        try rewrite(fs, segment) { $0 = caughtWriting21(full) }
        var pauses = 0
        let verdict = try JournalReader.verifyLive(stateDirectory: stateDirectory, fileSystem: fs) {
            pauses += 1
            try? rewrite(fs, segment) { $0 = full }  // the writer finishes meanwhile
        }
        guard case .sound(let v) = verdict else {
            Issue.record("a write in progress was judged: \(verdict)")
            return
        }
        #expect(v.lastSeq == 30 && pauses == 1)
    }

    @Test func damageThatStaysIsDamage() throws {
        let (fs, _) = try written()
        try rewrite(fs, segment) { $0[offsetOfRecord(5) + 40] ^= 0x01 }
        var pauses = 0
        let verdict = try JournalReader.verifyLive(stateDirectory: stateDirectory, fileSystem: fs) { pauses += 1 }
        guard case .damaged(let v, let fault) = verdict else {
            Issue.record("damage not reported: \(verdict)")
            return
        }
        #expect(fault.seq == 5 && v.lastSeq == 4 && pauses == 1)
    }

    @Test func aTornTailThatStaysIsAnUnfinishedWrite() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...20), durable: true)
        try journal.append([entry(21)], durable: false)
        let cut = offsetOfRecord(21) + recordLength(entry(21)) / 2
        try rewrite(fs, segment) { bytes in for i in cut..<bytes.count { bytes[i] = 0 } }
        let verdict = try JournalReader.verifyLive(stateDirectory: stateDirectory, fileSystem: fs) {}
        guard case .unfinishedTail(let v, let fault) = verdict else {
            Issue.record("a torn tail judged otherwise: \(verdict)")
            return
        }
        #expect(v.lastSeq == 20 && fault.seq == 21)
    }

    @Test func aJournalThatKeepsGrowingUnderEveryLookIsNotDamage() throws {
        let fs = InMemoryFileSystem()
        let journal = try openJournal(fs)
        try journal.append(entries(1...5), durable: true)
        var next = 6
        var whole = fs.contents(of: segment)!
        // Every look catches a new record half written; the one caught before is whole by then.
        func catchWriting() throws {
            try rewrite(fs, segment) { $0 = whole }
            let before = whole
            try journal.append([entry(next)], durable: true)
            whole = fs.contents(of: segment)!
            let cut = offsetOfRecord(next) + recordLength(entry(next)) / 2
            try rewrite(fs, segment) { bytes in
                bytes = whole
                for i in cut..<bytes.count { bytes[i] = i < before.count ? before[i] : 0 }
            }
            next += 1
        }
        try catchWriting()
        let verdict = try JournalReader.verifyLive(stateDirectory: stateDirectory, fileSystem: fs, reads: 4) { try? catchWriting() }
        guard case .stillBeingWritten(let v, let fault) = verdict else {
            Issue.record("judged while being written: \(verdict)")
            return
        }
        #expect(v.lastSeq == 8 && fault.seq == 9)
    }
}

import Glibc
import KassaSystem
import Testing
@testable import KassaCore
import KassaJournal
import KassaTestSupport
@testable import KassaRuntime

/// A journaled record the register cannot use (a bug, an older version's record, a journal made
/// by hand): opening stops the replay there and the register goes read-only naming the record,
/// at every start, never a crash; a recovery leaves the record out and selling goes on.
@Suite("The ledger's replay of records it cannot use")
struct LedgerReplayTests {
    func open(_ dir: TemporaryDirectory) throws -> Ledger {
        try Ledger(stateDirectory: dir.path, registerID: "R1", warning: { _ in })
    }

    /// Records that `decide` never makes, each journaled after a day with one sale and a sale
    /// left open with one line.
    static let unusable: [(String, JournalEntry)] = {
        func entry(_ e: RegisterEvent) -> JournalEntry { JournalEntry(type: e.recordType, time: 1_767_225_700_000, payload: EventCodec.encode(e)) }
        let by = OperatorID("sami")
        let at = Timestamp(milliseconds: 1_767_225_700_000)
        return [
            ("a void of a line the sale does not have", entry(.lineVoided(index: 7, by: by))),
            ("a price override of line -1", entry(.linePriceOverridden(index: -1, unitPrice: 100, authorisedBy: by))),
            ("a tender of Int64.max", entry(.tenderAdded(Tender(kind: .cash, amount: .max)))),
            ("a cash out of Int64.min", entry(.cashMoved(.cashOut, amount: .min, reason: "x", by: by))),
            ("a sale id at UInt64.max", entry(.saleOpened(id: .max, by: by, training: false, at: at))),
            ("a Z numbered UInt64.max", entry(.dayClosed(ZReport(number: .max, registerID: "R1", closedAt: at, closedBy: by,
                                                                 counters: ReportCounters(), grandTotalSales: 0, grandTotalRefunds: 0)))),
            ("a record of a type this version does not know", JournalEntry(type: 0xFFFE, time: 1_767_225_700_000, payload: [1, 2, 3])),
            ("a known type with a payload it cannot read", JournalEntry(type: RegisterEvent.loggedOut("sami").recordType, time: 1_767_225_700_000, payload: [0xFF, 0xFF])),
        ]
    }()

    @Test(arguments: 0..<8)
    func aRecordTheRegisterCannotUseMakesItReadOnlyNamingTheRecord(_ which: Int) throws {
        let (what, bad) = Self.unusable[which]
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        let before: RegisterState
        let badSeq: UInt64
        do {
            let ledger = try open(dir)
            try till.openDay(ledger)
            try till.sell(ledger)
            try till.run(.scan(code: "101", quantity: 1), ledger)
            before = ledger.state
            badSeq = try ledger.journal.append([bad], durable: true)[0]
            // A record after it: the state never takes it either, as it builds on the bad one.
            try ledger.journal.append([JournalEntry(type: RegisterEvent.totalled.recordType, time: 1_767_225_700_000,
                                                    payload: EventCodec.encode(.totalled))], durable: true)
        }
        for _ in 0..<2 {
            let ledger = try open(dir)
            guard case .readOnly(let reason) = ledger.journal.mode, case .unusableRecord(let seq, let why) = reason else {
                Issue.record("\(what): the journal is \(ledger.journal.mode)")
                return
            }
            #expect(seq == badSeq, "\(what)")
            #expect(reason.description.contains("record \(badSeq)"), "\(what): \(why)")
            #expect(ledger.state == before, "\(what): the state is the fold of the records before it")
            #expect(throws: JournalError.self) { try till.run(.logout, ledger) }
            #expect(throws: JournalError.self) { try ledger.snapshot() }
        }

        // A supervisor's recovery seals the chain, leaves the record out, and selling goes on.
        let ledger = try open(dir)
        let link = try ledger.recoverOntoNewChain(by: "sami", at: till.ctx.now)
        #expect(link.unreadable.contains { $0.contains(badSeq) }, "\(what)")
        #expect(ledger.journal.mode == .readWrite)
        #expect(ledger.state.lastReceipt == 1)
        _ = try? till.run(.cancel(override: nil), ledger)
        try till.sell(ledger)
        #expect(try open(dir).state.lastReceipt == 2)
    }

    @Test func aDecidedEventTheStateCannotTakeStopsRecordingInsteadOfTrapping() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        let ledger = try open(dir)
        try till.openDay(ledger)
        #expect(throws: JournalError.self) {
            try ledger.record([.cashMoved(.cashIn, amount: .max, reason: "a bug", by: "sami")], at: till.ctx.now)
        }
        guard case .readOnly(.unusableRecord(let seq, _)) = ledger.journal.mode else {
            Issue.record("the journal is \(ledger.journal.mode)")
            return
        }
        #expect(seq == ledger.journal.lastSeq)
        #expect(throws: JournalError.self) { try till.run(.logout, ledger) }
        guard case .readOnly(.unusableRecord(seq, _)) = try open(dir).journal.mode else {
            Issue.record("reopened, the same record stops it")
            return
        }
    }
}

/// The real disk, read by one thread at a time: the ledger then replays after the journal's
/// open, on its own thread, as it did before it could replay beside it.
final class OneReaderFileSystem: JournalFileSystem {
    let disk = PosixFileSystem()
    func open(_ path: String, _ mode: FileOpenMode) throws(FileSystemError) -> any JournalFile { try disk.open(path, mode) }
    func makeDirectory(_ path: String) throws(FileSystemError) { try disk.makeDirectory(path) }
    func listDirectory(_ path: String) throws(FileSystemError) -> [String] { try disk.listDirectory(path) }
    func syncDirectory(_ path: String) throws(FileSystemError) { try disk.syncDirectory(path) }
    func rename(_ from: String, to: String) throws(FileSystemError) { try disk.rename(from, to: to) }
    func unlink(_ path: String) throws(FileSystemError) { try disk.unlink(path) }
}

/// On the real disk the ledger decodes and folds the records on a second thread while the
/// journal's open checks their chain; it keeps that state only when it ends at the record where
/// the checked chain ends. Whatever the journal holds, the result is the one a replay after the
/// open gives: the same state, the same mode.
@Suite("The ledger's replay beside the journal's walk")
struct LedgerConcurrentReplayTests {
    func open(_ dir: TemporaryDirectory, alongside: Bool = true) throws -> Ledger {
        try Ledger(stateDirectory: dir.path, registerID: "R1", snapshotInterval: 25,
                   fileSystem: alongside ? PosixFileSystem() : OneReaderFileSystem(), warning: { _ in })
    }

    /// A day of sales with snapshots every 25 records, and a sale left open.
    func history(_ dir: TemporaryDirectory, sales: Int = 12) throws -> (LedgerTill, RegisterState) {
        var till = LedgerTill()
        let ledger = try open(dir)
        try till.openDay(ledger)
        for n in 0..<sales {
            try till.sell(ledger)
            if n % 5 == 4 { try ledger.snapshotIfDue() }
        }
        try till.run(.scan(code: "101", quantity: 1), ledger)
        return (till, ledger.state)
    }

    /// The segment, the offset and the bytes of record `seq`, found by its stored chain hash.
    func locate(_ dir: TemporaryDirectory, record seq: UInt64) throws -> (path: String, start: Int, end: Int) {
        let record = try JournalReader(stateDirectory: dir.path).read(seq: seq)
        let journal = dir.path + "/journal"
        for name in try PosixFileSystem().listDirectory(journal) {
            let bytes = try readWholeFile(journal + "/" + name)
            let hash = record.chainHash
            guard bytes.count >= hash.count,
                  let at = (0...(bytes.count - hash.count)).first(where: { bytes[$0..<($0 + hash.count)].elementsEqual(hash) }) else {
                continue
            }
            return (journal + "/" + name, at + hash.count - (68 + record.payload.count), at + hash.count)
        }
        throw JournalError.noSuchRecord(seq)
    }

    @Test func fromTheStartAndFromASnapshotTheStateIsTheOneAReplayAfterTheOpenGives() throws {
        let dir = TemporaryDirectory()
        let (_, before) = try history(dir)
        let alongside = try open(dir)
        #expect(alongside.journal.snapshot != nil)
        #expect(alongside.state == before)
        let after = try open(dir, alongside: false)
        #expect(alongside.state == after.state)
        #expect(alongside.recordsSinceSnapshot == after.recordsSinceSnapshot)
        #expect(try alongside.sale(receipt: 1).0 == after.sale(receipt: 1).0)
        #expect(try alongside.sale(receipt: 12).0 == after.sale(receipt: 12).0)

        // Without a snapshot, every record from the first.
        _ = system("rm -rf '\(dir.path)/snapshots'")
        let whole = try open(dir)
        #expect(whole.journal.snapshot == nil)
        #expect(whole.state == before)
        #expect(whole.recordsSinceSnapshot == whole.journal.lastSeq)
    }

    @Test func aTornGroupAtTheEndIsLeftOutOfTheStateThoughItsFirstRecordsRead() throws {
        let dir = TemporaryDirectory()
        var (till, _) = try history(dir)
        let before: RegisterState
        let lastSeqBefore: UInt64
        let groupLength: Int
        do {
            let ledger = try open(dir)
            try till.run(.scan(code: "102", quantity: 1), ledger)
            before = ledger.state
            lastSeqBefore = ledger.journal.lastSeq
            // A whole sale as one group never synced; then its last record is torn.
            let due = try ledger.state.openSale!.totals(.inclusive).total
            let d = ledger.state.decide(.tender(Tender(kind: .card, amount: due, reference: "T")), till.env, till.ctx)
            groupLength = d.events.count
            #expect(groupLength >= 2)
            try ledger.record(d.events, at: till.ctx.now, deferSync: true)
        }
        let last = try locate(dir, record: lastSeqBefore + UInt64(groupLength))
        var bytes = try readWholeFile(last.path)
        bytes[last.end - 3] ^= 0x10
        try writeFileAtomically(last.path, bytes)

        let ledger = try open(dir)
        #expect(ledger.journal.mode == .readWrite)
        #expect(ledger.journal.lastSeq == lastSeqBefore)
        #expect(ledger.state == before, "the first records of the torn group are not in the state")
    }

    @Test func aRecordWhoseCRCHoldsButNotItsChainEndsTheStateBeforeIt() throws {
        let dir = TemporaryDirectory()
        _ = try history(dir)
        _ = system("rm -rf '\(dir.path)/snapshots'")
        let damaged: UInt64 = 20
        let record = try locate(dir, record: damaged)
        var bytes = try readWholeFile(record.path)
        bytes[record.end - 5] ^= 0x08
        let crc = CRC32C.checksum(Array(bytes[(record.start + 8)..<record.end]))
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[record.start + 4 + i] = $0[i] } }
        try writeFileAtomically(record.path, bytes)

        let alongside = try open(dir)
        guard case .readOnly(.damaged(let fault)) = alongside.journal.mode else {
            Issue.record("the journal is \(alongside.journal.mode)")
            return
        }
        #expect(fault.seq == damaged && fault.problem == .chainHashMismatch)
        #expect(alongside.journal.lastSeq < damaged)
        let after = try open(dir, alongside: false)
        #expect(after.journal.mode == alongside.journal.mode)
        #expect(alongside.state == after.state, "only the records the chain proved are in the state")
    }
}

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

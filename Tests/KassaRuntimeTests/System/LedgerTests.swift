import KassaSystem
import Testing
import Glibc
@testable import KassaCore
import KassaJournal
import KassaTestSupport
@testable import KassaRuntime

/// A register driven through a ledger, as kassad drives it.
struct LedgerTill {
    var env: RegisterEnvironment
    var ctx = Context(now: Timestamp(milliseconds: 1_767_225_600_000), today: CivilDate(year: 2026, month: 1, day: 1))

    init() {
        var vault = PinVault(key: Array(repeating: 9, count: 32))
        try! vault.setPIN("1234", for: "sami")
        env = RegisterEnvironment(config: RegisterConfig(), catalog: DemoCatalog.catalog, pins: vault)
    }

    @discardableResult
    mutating func run(_ c: Command, _ ledger: Ledger) throws -> [RegisterEvent] {
        let d = ledger.state.decide(c, env, ctx)
        if let r = d.refusal { throw r }
        try ledger.record(d.events, at: ctx.now)
        ctx.now.milliseconds += 1000
        return d.events
    }

    mutating func openDay(_ ledger: Ledger) throws {
        try ledger.record([.operatorAdded(Operator(id: "sami", name: "Sami", role: .supervisor))], at: ctx.now)
        try run(.login(pin: "1234"), ledger)
        try run(.openShift(float: 10_000), ledger)
    }

    mutating func sell(_ ledger: Ledger, items: [String] = ["101", "102"]) throws {
        for code in items { try run(.scan(code: code, quantity: 1), ledger) }
        let due = try ledger.state.openSale!.totals(.inclusive).total
        try run(.tender(Tender(kind: .card, amount: due, reference: "T")), ledger)
    }
}

@Suite("The ledger: journal, state and receipts together")
struct LedgerTests {
    func open(_ dir: TemporaryDirectory, interval: UInt64 = 10_000) throws -> Ledger {
        try Ledger(stateDirectory: dir.path, registerID: "R1", snapshotInterval: interval, warning: { _ in })
    }

    @Test func reopeningRebuildsTheSameStateFromTheJournal() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        let before: RegisterState
        do {
            let ledger = try open(dir)
            try till.openDay(ledger)
            for _ in 0..<20 { try till.sell(ledger) }
            try till.run(.scan(code: "101", quantity: 2), ledger)
            before = ledger.state
        }
        let again = try open(dir)
        #expect(again.state == before)
        #expect(again.state.openSale?.lines.count == 1)
        #expect(again.state.lastReceipt == 20)
    }

    @Test func aSnapshotPlusTheTailEqualsAFullReplay() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        do {
            let ledger = try open(dir, interval: 25)
            try till.openDay(ledger)
            for _ in 0..<30 {
                try till.sell(ledger)
                try ledger.snapshotIfDue()
            }
        }
        let withSnapshot = try open(dir)
        #expect(withSnapshot.journal.snapshot != nil)
        _ = system("rm -rf '\(dir.path)/snapshots'")
        let fullReplay = try open(dir)
        #expect(fullReplay.journal.snapshot == nil)
        #expect(withSnapshot.state == fullReplay.state)
    }

    @Test func anyPastReceiptCanBeFoundForARefundAfterRestart() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        do {
            let ledger = try open(dir, interval: 7)
            try till.openDay(ledger)
            for i in 0..<15 {
                try till.sell(ledger, items: i == 0 ? ["101", "103", "105"] : ["102"])
                try ledger.snapshotIfDue()
            }
        }
        let ledger = try open(dir)
        let (first, hash) = try ledger.sale(receipt: 1)
        #expect(first.receiptNumber == 1)
        #expect(first.lines.count == 3)
        #expect(hash.count == 32)
        try till.run(.refund(original: first, lines: [RefundRequestLine(line: 2, quantity: 1)], tender: .card, override: nil), ledger)
        #expect(ledger.state.refunded[ReceiptKey(number: 1, training: false)]?[2]?.quantity == 1)
        #expect(throws: Ledger.LookupError.self) { try ledger.sale(receipt: 16) }
    }

    @Test func aZClosingStartsANewSegment() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        let ledger = try open(dir)
        try till.openDay(ledger)
        try till.sell(ledger)
        try till.run(.closeShift(counted: 10_000), ledger)
        let segmentsBefore = try PosixFileSystem().listDirectory(dir.path + "/journal").count
        try till.run(.closeDay, ledger)
        let segmentsAfter = try PosixFileSystem().listDirectory(dir.path + "/journal").count
        #expect(segmentsAfter == segmentsBefore + 1)
        #expect(ledger.state.lastZ == 1)
    }

    @Test func completedSalesAreDurableWhenRecordReturns() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        let ledger = try open(dir)
        try till.openDay(ledger)
        try till.run(.scan(code: "101", quantity: 1), ledger)
        #expect(ledger.journal.durableSeq < ledger.journal.lastSeq)
        try till.sell(ledger, items: [])
        #expect(ledger.journal.durableSeq == ledger.journal.lastSeq)
    }
}

/// Recovery from damage: the damaged chain is sealed, never changed, and the register goes on
/// from a new chain that starts with everything that could still be read.
@Suite struct ChainRecoveryTests {
    func open(_ dir: TemporaryDirectory) throws -> Ledger {
        try Ledger(stateDirectory: dir.path, registerID: "R1", warning: { _ in })
    }

    /// Six sales; the fourth's tender carries a mark to find its bytes by; a rotation after it
    /// makes its segment an old one.
    func sixSalesWithAMarkedOne(_ dir: TemporaryDirectory, _ till: inout LedgerTill) throws {
        let ledger = try open(dir)
        try till.openDay(ledger)
        for _ in 0..<3 { try till.sell(ledger) }
        try till.run(.scan(code: "101", quantity: 1), ledger)
        let due = try ledger.state.openSale!.totals(.inclusive).total
        try till.run(.tender(Tender(kind: .card, amount: due, reference: "DAMAGE-ME")), ledger)
        try ledger.journal.rotate()
        for _ in 0..<2 { try till.sell(ledger) }
        try ledger.journal.sync()
    }

    /// Flips one bit of the first occurrence of `mark` in the file.
    func flipBit(in path: String, at mark: String) throws {
        var bytes = try readWholeFile(path)
        let needle = Array(mark.utf8)
        let i = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
        bytes[i] ^= 0x01
        try writeFileAtomically(path, bytes)
    }

    @Test func aDamagedJournalIsSealedAndTheRegisterGoesOnFromEveryReadableRecord() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        try sixSalesWithAMarkedOne(dir, &till)
        let segment = dir.path + "/journal/seg-0000000000000001.kj"
        try flipBit(in: segment, at: "DAMAGE-ME")
        let damagedBytes = try readWholeFile(segment)

        let ledger = try open(dir)
        guard case .readOnly(.damaged(let fault)) = ledger.journal.mode else {
            Issue.record("a flipped bit must make the journal read-only, not \(ledger.journal.mode)")
            return
        }
        let link = try ledger.recoverOntoNewChain(by: "sami", at: till.ctx.now)
        #expect(link.fault == fault.description)
        #expect(link.unreadable == [fault.seq...fault.seq])
        #expect(link.by == "sami")
        #expect(ledger.journal.mode == .readWrite)
        #expect(ledger.state.lastReceipt == 6)
        #expect(ledger.state.sealedChains.map(\.name) == [link.sealed])
        // The sealed chain is the old journal, byte for byte.
        #expect(try readWholeFile(dir.path + "/sealed/\(link.sealed)/journal/seg-0000000000000001.kj") == damagedBytes)

        // Receipts from before the recovery, on either side of the damage, are still there.
        for n: UInt64 in [1, 4, 6] { #expect(try ledger.sale(receipt: n).0.receiptNumber == n) }
        // Selling goes on where it left off.
        try till.sell(ledger)
        #expect(ledger.state.lastReceipt == 7)
        #expect(try ledger.sale(receipt: 7).0.receiptNumber == 7)

        // Reopened, the new chain is sound and rebuilds the same register.
        let again = try open(dir)
        #expect(again.journal.mode == .readWrite)
        #expect(again.state == ledger.state)
        for n: UInt64 in [1, 6, 7] { #expect(try again.sale(receipt: n).0.receiptNumber == n) }
        #expect(try JournalReader(stateDirectory: dir.path).verify().isSound)
    }

    @Test func theNewChainStartsWithTheLinkAndASecondRecoveryChainsOn() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        try sixSalesWithAMarkedOne(dir, &till)
        try flipBit(in: dir.path + "/journal/seg-0000000000000001.kj", at: "DAMAGE-ME")
        let first = try open(dir).recoverOntoNewChain(by: "sami", at: till.ctx.now)
        let reader = try JournalReader(stateDirectory: dir.path)
        guard case .chainRestarted(let link)? = try? EventCodec.decode(reader.read(seq: 1).payload) else {
            Issue.record("the new chain must start with its link")
            return
        }
        #expect(link.sealed == first.sealed)

        // More sales on the new chain, then damage there too: recovery chains on.
        do {
            let ledger = try open(dir)
            try till.run(.scan(code: "101", quantity: 1), ledger)
            let due = try ledger.state.openSale!.totals(.inclusive).total
            try till.run(.tender(Tender(kind: .card, amount: due, reference: "AGAIN-ME")), ledger)
            try ledger.journal.rotate()
            try till.sell(ledger)
        }
        try flipBit(in: dir.path + "/journal/seg-0000000000000001.kj", at: "AGAIN-ME")
        till.ctx.now.milliseconds += 1000
        let ledger = try open(dir)
        let second = try ledger.recoverOntoNewChain(by: "sami", at: till.ctx.now)
        #expect(second.sealed != first.sealed)
        #expect(ledger.state.sealedChains.map(\.name) == [first.sealed, second.sealed])
        #expect(ledger.state.lastReceipt == 8)
        for n: UInt64 in [1, 6, 7, 8] { #expect(try ledger.sale(receipt: n).0.receiptNumber == n) }
    }

    @Test func aSoundJournalIsNotRecovered() throws {
        let dir = TemporaryDirectory()
        var till = LedgerTill()
        let ledger = try open(dir)
        try till.openDay(ledger)
        #expect(throws: Ledger.RecoveryError.self) { try ledger.recoverOntoNewChain(by: "sami", at: till.ctx.now) }
        #expect(try JournalReader(stateDirectory: dir.path).verify().records == 3)
    }
}

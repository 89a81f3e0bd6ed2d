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

import Glibc
import Testing
@testable import KassaCore
import KassaJournal
@testable import KassaRuntime

/// What the test itself knows was sold, kept apart from KassaCore: item prices it chose, its own
/// sums, and which receipts the register acknowledged (the durable `record` returned).
private struct ReferenceLedger {
    /// Every completed sale written, acknowledged or not: receipt number → total in cents.
    var written: [UInt64: Int64] = [:]
    var acknowledged: Set<UInt64> = []

    func expectedGross(through lastReceipt: UInt64) -> Int64 {
        (1...max(1, lastReceipt)).reduce(0) { $0 + (written[$1] ?? 0) }
    }
}

/// Fixed-price items so that the reference can add up totals without KassaCore's money code.
private let prices: [(plu: String, cents: Int64)] = [("1", 350), ("2", 295), ("3", 1290), ("4", 5)]

private func powerLossRegister() -> RegisterEnvironment {
    var vault = PinVault(key: Array(repeating: 4, count: 32))
    try! vault.setPIN("2222", for: "sami")
    let items = prices.map { p in
        Item(id: ItemID("i" + p.plu), name: "Item \(p.plu)", price: p.cents, taxClass: "A", plus: [p.plu])
    }
    var config = RegisterConfig()
    config.cashRounding = .none
    return RegisterEnvironment(config: config, catalog: try! Catalog(items), pins: vault)
}

@Suite("Power loss")
struct PowerLossTests {
    /// 8 × 250 seeded runs in CI; `KASSA_POWER_LOSS_RUNS=N` runs N per block for a deeper search.
    static let runsPerSeedBlock = getenv("KASSA_POWER_LOSS_RUNS").flatMap { Int(String(cString: $0)) } ?? 250

    /// Drives a busy register on a disk that loses power at a random moment, then checks the five
    /// promises of a reopened register.
    @Test(arguments: 0..<8)
    func aPowerCutNeverLosesAnAcknowledgedSaleNorLooksLikeDamage(block: Int) throws {
        var cuts = 0
        var checked = 0
        var lost = 0
        for run in 0..<Self.runsPerSeedBlock {
            let seed = UInt64(block * Self.runsPerSeedBlock + run)
            let (c, a, l) = try powerCutRun(seed: seed)
            cuts += c
            checked += a
            lost += l
        }
        #expect(cuts == Self.runsPerSeedBlock)
        #expect(checked > Self.runsPerSeedBlock)
        #expect(lost == 0)
        print("power loss, seeds \(block * Self.runsPerSeedBlock)…\((block + 1) * Self.runsPerSeedBlock - 1): runs \(Self.runsPerSeedBlock), "
              + "cuts \(cuts), acknowledged sales checked \(checked), lost \(lost)")
    }

    /// One run: returns (cuts, acknowledged sales checked, acknowledged sales lost).
    func powerCutRun(seed: UInt64) throws -> (Int, Int, Int) {
        var random = SplitMix64(seed: seed)
        let fs = InMemoryFileSystem()
        let env = powerLossRegister()
        var ctx = Context(now: Timestamp(milliseconds: 1_767_225_600_000), today: CivilDate(year: 2026, month: 1, day: 1))
        var reference = ReferenceLedger()
        let interval = UInt64(5 + random.next(below: 40))
        var ledger: Ledger? = try Ledger(stateDirectory: "/state", registerID: "R1", snapshotInterval: interval,
                                         fileSystem: fs, warning: { _ in })
        func run(_ c: Command) throws -> [RegisterEvent] {
            let d = ledger!.state.decide(c, env, ctx)
            if let r = d.refusal { throw r }
            try ledger!.record(d.events, at: ctx.now)
            ctx.now.milliseconds += 1000
            return d.events
        }
        try ledger!.record([.operatorAdded(Operator(id: "sami", name: "Sami", role: .supervisor))], at: ctx.now)
        _ = try run(.login(pin: "2222"))
        _ = try run(.openShift(float: 0))

        // Sell until the power goes, at a random operation.
        let cutAfter = 1 + random.next(below: 120)
        var operations = 0
        selling: while true {
            var expected: Int64 = 0
            for _ in 0..<(1 + random.next(below: 4)) {
                let p = prices[random.next(below: prices.count)]
                let qty = Int64(1 + random.next(below: 3))
                expected += p.cents * qty
                _ = try run(.scan(code: p.plu, quantity: qty))
                operations += 1
                if operations == cutAfter { break selling }
            }
            let events = try run(.tender(Tender(kind: random.next(below: 2) == 0 ? .cash : .card, amount: expected)))
            guard case .saleCompleted(let sale)? = events.last else {
                Issue.record("seed \(seed): the tender did not complete the sale")
                return (0, 0, 0)
            }
            #expect(sale.total == expected, "seed \(seed)")
            reference.written[sale.receiptNumber] = expected
            // `record` returned: the sale is durable, and the cashier was told so.
            reference.acknowledged.insert(sale.receiptNumber)
            let receipts = reference.written.keys.sorted()
            if random.next(below: 5) == 0, !receipts.isEmpty {
                let n = receipts[random.next(below: receipts.count)]
                let original = try ledger!.sale(receipt: n).0
                _ = try? run(.refund(original: original, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash,
                                     override: nil))
            }
            try ledger!.snapshotIfDue()
            operations += 1
            if operations >= cutAfter { break }
        }
        ledger = nil
        fs.simulatePowerLoss(seed: seed)

        let reopened = try Ledger(stateDirectory: "/state", registerID: "R1", fileSystem: fs, warning: { _ in })
        let state = reopened.state
        // (5, first half) a power cut alone is never damage.
        #expect(reopened.journal.mode == .readWrite, "seed \(seed): \(reopened.journal.mode)")
        // (1) no acknowledged sale is lost, and each reads back as sold.
        var lost = 0
        for n in reference.acknowledged where n > state.lastReceipt || (try? reopened.sale(receipt: n).0.total) != reference.written[n] {
            Issue.record("seed \(seed): acknowledged receipt \(n) lost or changed")
            lost += 1
        }
        // (2) no half sale: an open sale never holds tenders that already settle it.
        if let open = state.openSale {
            let paid = open.tenders.reduce(0) { $0 + $1.amount }
            #expect(paid < (try open.totals(.inclusive).total) || open.tenders.isEmpty, "seed \(seed): half sale")
        }
        // (3) the chain verifies.
        #expect(try reopened.journal.verifyAll().isSound, "seed \(seed)")
        // (4) the register's figures equal the reference's own sums for what survived.
        #expect(state.day.salesCount == Int64(state.lastReceipt), "seed \(seed)")
        #expect(state.day.salesGross == reference.expectedGross(through: state.lastReceipt), "seed \(seed)")
        // (5) it sells again.
        var again = ctx
        again.now.milliseconds += 60_000
        let d1 = state.decide(state.openSale == nil ? .scan(code: "1", quantity: 1) : .voidLine(0), env, again)
        #expect(d1.refusal == nil, "seed \(seed): \(String(describing: d1.refusal))")
        try reopened.record(d1.events, at: again.now)
        return (1, reference.acknowledged.count, lost)
    }
}

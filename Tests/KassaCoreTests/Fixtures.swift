import Testing
@testable import KassaCore

/// A small register for tests: a few items in two VAT classes, three operators, a fixed day.
struct Till {
    static let cashierPIN = "1111"
    static let supervisorPIN = "2222"
    static let technicianPIN = "3333"

    var state = RegisterState()
    var env: RegisterEnvironment
    var ctx = Context(now: Timestamp(milliseconds: 1_767_000_000_000), today: CivilDate(year: 2026, month: 2, day: 2))
    var journal: [RegisterEvent] = []

    static let coffee = Item(id: "coffee", name: "Kahvi", department: "Café", price: 350, taxClass: "B",
                             barcodes: ["6400000000019"], plus: ["1"])
    static let bun = Item(id: "bun", name: "Korvapuusti", department: "Café", price: 295, taxClass: "B",
                          barcodes: ["6400000000026"], plus: ["2"])
    static let mug = Item(id: "mug", name: "Muki", department: "Gifts", price: 1290, taxClass: "A",
                          barcodes: ["6400000000033"], plus: ["3"])
    static let candy = Item(id: "candy", name: "Irtokarkki", department: "Candy", price: 1590, taxClass: "B",
                            unit: .weight, plus: ["10001"])

    init(config: RegisterConfig = RegisterConfig()) {
        var vault = PinVault(key: Array(repeating: 7, count: 32))
        try! vault.setPIN(Till.cashierPIN, for: "anna")
        try! vault.setPIN(Till.supervisorPIN, for: "sami")
        try! vault.setPIN(Till.technicianPIN, for: "tero")
        let catalog = try! Catalog([Till.coffee, Till.bun, Till.mug, Till.candy],
                                   embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
        env = RegisterEnvironment(config: config, catalog: catalog, pins: vault)
        for op in [Operator(id: "anna", name: "Anna", role: .cashier),
                   Operator(id: "sami", name: "Sami", role: .supervisor),
                   Operator(id: "tero", name: "Tero", role: .technician)] {
            record([.operatorAdded(op)])
        }
    }

    mutating func record(_ events: [RegisterEvent]) {
        for e in events { try! state.apply(e) }
        journal += events
    }

    /// Runs a command; returns its refusal, recording whatever the register decided to record.
    @discardableResult
    mutating func run(_ command: Command, by caller: Caller = .register) -> Refusal? {
        let d = state.decide(command, env, ctx, by: caller)
        record(d.events)
        ctx.now.milliseconds += 1000
        return d.refusal
    }

    /// Runs a command that must succeed; returns its events.
    @discardableResult
    mutating func must(_ command: Command, by caller: Caller = .register,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [RegisterEvent] {
        let d = state.decide(command, env, ctx, by: caller)
        if let r = d.refusal { Issue.record("refused \(command): \(r)", sourceLocation: sourceLocation) }
        record(d.events)
        ctx.now.milliseconds += 1000
        return d.events
    }

    mutating func cashierWithOpenShift(float: Int64 = 10_000) {
        must(.login(pin: Till.cashierPIN))
        must(.openShift(float: float))
    }

    var lastSale: CompletedSale? {
        for e in journal.reversed() { if case .saleCompleted(let s) = e { return s } }
        return nil
    }

    var lastRefund: CompletedRefund? {
        for e in journal.reversed() { if case .refundCompleted(let r) = e { return r } }
        return nil
    }
}

import Testing
import Glibc
import KassaCore
import KassaJournal
import KassaTestSupport
@testable import KassaRuntime

/// The golden journal: a state directory written by version 1 of Kassa (Golden/v1), with a record
/// of every event type, a sealed chain, two segments and a snapshot part way with a tail after
/// it. Every later version must open, replay and verify it unchanged: the journal format is a
/// promise to every register in the field, and this is what keeps it.
@Suite("The golden journal of version 1")
struct GoldenJournalTests {
    static let directory = String(#filePath.dropLast("GoldenJournalTests.swift".count)) + "Golden/v1"
    static let registerID = "golden-1"
    static let snapshotSeq: UInt64 = 81

    /// Version 1's record types and the names its events had: a record must still decode to the
    /// event of its name, so no tag is ever renumbered.
    static let version1Types: [UInt16: String] = [
        1: "operator_added", 2: "operator_removed", 3: "logged_in", 4: "logged_out", 5: "pin_rejected",
        6: "pin_lockout", 7: "training_mode", 10: "shift_opened", 11: "cash_moved", 12: "no_sale",
        13: "shift_closed", 20: "sale_opened", 21: "line_added", 22: "line_voided", 23: "line_discounted",
        24: "price_overridden", 25: "receipt_discounted", 26: "totalled", 27: "tender_added", 28: "sale_completed",
        29: "sale_cancelled", 30: "sale_parked", 31: "sale_resumed", 40: "refund_completed", 50: "day_closed",
        60: "setting_changed", 61: "catalog_imported", 62: "request_completed", 63: "operator_disabled",
        64: "pin_reset", 65: "technician_recovered", 70: "output_queued", 71: "output_sent", 72: "output_done",
        80: "card_authorisation_requested", 81: "card_authorisation_resolved", 91: "chain_restarted",
        100: "time_punched", 101: "time_corrected", 110: "stock_received", 111: "stock_counted",
        112: "stock_adjusted", 113: "reorder_set", 120: "promotion_set", 121: "promotion_removed",
        122: "line_offers", 130: "voucher_issued", 131: "voucher_voided", 140: "customer_added",
        141: "customer_updated", 142: "customer_removed", 143: "sale_customer", 144: "points_redemption",
    ]

    /// The tags a version-1 register never writes: the older form it only reads, and the events
    /// added since (each a line here, with the version that added it, until a golden journal of
    /// that version holds it).
    static let notWrittenByVersion1: Set<EventTag> = [
        .chainRestartedWithStateInside,
        .requestCompletedForDigest,  // wave 2: idempotency keys carry their request's digest
        .pinRefused, .recoveryCodePrinted,  // wave 2: PIN delays per source, the recovery code's reason
        .lineQuantityChanged,  // a line's quantity changed after it was rung up
        .cardRefundRequested, .cardRefundResolved, .saleCardDetails,  // card refunds through the terminal, card receipts
    ]

    /// A copy to open: opening may write (reservations, quarantine), and the golden files must
    /// stay as version 1 wrote them.
    func copy() -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        _ = system("cp -R '\(Self.directory)/.' '\(dir.path)'")
        return dir
    }

    @Test func goldenJournalFromVersion1OpensReplaysAndVerifies() throws {
        let dir = copy()
        let reader = try JournalReader(stateDirectory: dir.path, registerID: Ledger.journalKey(Self.registerID))
        let verification = try reader.verify()
        #expect(verification.isSound)
        #expect(verification.segments == 2)
        #expect(verification.records == 119)

        // Replayed from the first record, without the snapshot.
        var replayed = RegisterState()
        var atSnapshot = RegisterState()
        var counts: [UInt16: Int] = [:]
        let fault = try reader.forEachRecord(fromSeq: 1) { record in
            let event = try EventCodec.decode(record.payload)
            #expect(record.type == event.recordType, "record \(record.seq)")
            #expect(Self.version1Types[record.type] == event.name, "record \(record.seq)")
            counts[record.type, default: 0] += 1
            try replayed.apply(event)
            if record.seq == Self.snapshotSeq { atSnapshot = replayed }
        }
        #expect(fault == nil)
        #expect(Set(counts.keys) == Set(Self.version1Types.keys))
        #expect(Set(counts.keys.compactMap(EventTag.init(rawValue:))) == Set(EventTag.allCases).subtracting(Self.notWrittenByVersion1))

        // Opened as kassad opens it: the snapshot, then the tail after it.
        var warnings: [String] = []
        let ledger = try Ledger(stateDirectory: dir.path, registerID: Self.registerID, warning: { warnings.append($0) })
        #expect(warnings == [])
        #expect(ledger.journal.mode == .readWrite)
        let snapshot = try #require(ledger.journal.snapshot)
        #expect(snapshot.throughSeq == Self.snapshotSeq)
        // Taken with a card payment asked for, a sale parked with its offers and one open with a customer.
        let (snapshotState, _) = try LedgerSnapshot.decode(snapshot.state)
        #expect(snapshotState == atSnapshot)
        #expect(snapshotState.pendingCardAuthorisation != nil)
        #expect(snapshotState.parked.values.map { $0.offers.count } == [1])
        #expect(snapshotState.saleCustomers.count == 1)
        #expect(ledger.journal.lastSeq == 119)
        #expect(ledger.state == replayed)
        Self.expectKeyFigures(ledger.state)

        // Receipts are found where they are: in the sealed chain and in this one.
        #expect(try ledger.sale(receipt: 1).0.total == 700)
        #expect(try ledger.sale(receipt: 3).0.tenders.map(\.kind) == [.card])
        #expect(try ledger.sale(receipt: 1, training: true).0.training)
    }

    static func expectKeyFigures(_ s: RegisterState) {
        #expect(s.operators.keys.sorted() == ["anna", "mika", "sami", "tero"])
        #expect(s.disabledOperators.isEmpty)
        #expect(s.currentOperator == "anna")
        #expect(s.sealedChains.map(\.name) == ["chain-1767600006000"])
        #expect(s.lastReceipt == 5)
        #expect(s.lastTrainingReceipt == 1)
        #expect(s.lastRefund == 1)
        #expect(s.lastZ == 1)
        #expect(s.grandTotalSales == 3_370)
        #expect(s.grandTotalRefunds == 1_190)
        #expect(s.shiftsOpened == 2)
        #expect(s.day.salesCount == 1)
        #expect(s.settings == ["receipt_footer": "Kiitos ja tervetuloa!"])
        #expect(s.stock["coffee"] == 95)
        #expect(s.reorderRules["coffee"] == ReorderRule(point: 20, quantity: 100))
        #expect(s.promotions.keys.sorted() == ["bun-10"])
        #expect(s.customers.keys.map(\.rawValue) == [1])
        #expect(s.customers[CustomerID(1)]?.points == 865)
        #expect(s.vouchers.count == 2)
        #expect(s.timeCards.keys.sorted() == ["anna", "mika"])
        #expect(s.pendingOutputs.isEmpty)
    }
}

// MARK: Writing it

/// Writes the golden journal with the code of the day: `KASSA_WRITE_GOLDEN=DIR swift test --filter
/// writeTheGoldenJournal`, then commit DIR as `Golden/vN` beside this file. Version 1's is
/// committed; a new one is written only for a new format, and the old ones stay.
@Suite("Writing the golden journal")
struct GoldenJournalWriter {
    static let target = getenv("KASSA_WRITE_GOLDEN").map { String(cString: $0) }

    @Test(.enabled(if: target != nil)) func writeTheGoldenJournal() throws {
        try GoldenRegister.write(to: Self.target!)
    }
}

/// A register driven as kassad drives it (decisions of `RegisterState.decide`, journaled through
/// a `Ledger`), with the events only the runtime makes (outputs, settings, technician actions)
/// recorded as the runtime records them.
struct GoldenRegister {
    static let items = [
        Item(id: "coffee", name: "Kahvi", department: "Café", price: 350, taxClass: "B", plus: ["1"]),
        Item(id: "bun", name: "Korvapuusti", department: "Café", price: 295, taxClass: "B", plus: ["2"]),
        Item(id: "mug", name: "Muki", department: "Gifts", price: 1290, taxClass: "A", plus: ["3"]),
    ]
    static let pins: [OperatorID: String] = ["anna": "1111", "sami": "2222", "tero": "3333", "mika": "4444"]

    let directory: String
    var ledger: Ledger
    var env: RegisterEnvironment
    // Monday 5 January 2026, 08:00 UTC.
    var ctx = Context(now: Timestamp(milliseconds: 1_767_600_000_000), today: CivilDate(year: 2026, month: 1, day: 5),
                      minuteOfDay: 10 * 60)
    var nextOutput: UInt64 = 1

    init(stateDirectory: String) throws {
        directory = stateDirectory
        var vault = PinVault(key: Array(repeating: 5, count: 32))
        for (id, pin) in Self.pins { try vault.setPIN(pin, for: id) }
        let config = RegisterConfig(registerID: GoldenJournalTests.registerID,
                                    loyalty: LoyaltyRules(pointsPerUnit: 100, pointValue: 1, minimumRedemption: 100))
        env = RegisterEnvironment(config: config, catalog: try Catalog(Self.items), pins: vault)
        ledger = try Ledger(stateDirectory: stateDirectory, registerID: GoldenJournalTests.registerID, warning: { _ in })
    }

    mutating func record(_ events: [RegisterEvent]) throws {
        try ledger.record(events, at: ctx.now)
        ctx.now.milliseconds += 1000
    }

    /// Runs a command, recording what it decided (a wrong PIN records its rejection); returns its refusal.
    @discardableResult
    mutating func run(_ command: Command, with extra: [RegisterEvent] = []) throws -> (Refusal?, [RegisterEvent]) {
        let d = ledger.state.decide(command, env, ctx)
        try record(d.events + (d.refusal == nil ? extra : []))
        return (d.refusal, d.events)
    }

    @discardableResult
    mutating func must(_ command: Command, with extra: [RegisterEvent] = []) throws -> [RegisterEvent] {
        let (refusal, events) = try run(command, with: extra)
        if let refusal { throw refusal }
        return events
    }

    /// Pays the open sale, queueing its receipt in the same group as kassad does.
    mutating func pay(_ kind: TenderKind, _ amount: Int64? = nil, reference: String? = nil) throws {
        let due = try ledger.state.totals(of: ledger.state.openSale!, env.config.priceMode).total
        try must(.tender(Tender(kind: kind, amount: amount ?? due, reference: reference)), with: owedReceipt())
    }

    /// The receipt of the sale the next events complete.
    mutating func owedReceipt() -> [RegisterEvent] {
        let training = ledger.state.openSale?.training ?? false
        let number = (training ? ledger.state.lastTrainingReceipt : ledger.state.lastReceipt) + 1
        defer { nextOutput += 1 }
        return [.outputQueued(id: nextOutput, .receipt(number: number, training: training))]
    }

    mutating func askCard(_ amount: Int64, key: String?) throws -> CardAuthorisation {
        guard case .cardAuthorisationRequested(let a)? = try must(.requestCardAuthorisation(amount: amount, requestKey: key)).first else {
            throw GoldenProblem("no card authorisation requested")
        }
        return a
    }

    mutating func printed(_ id: UInt64, bytes: Int) throws {
        try record([.outputSent(id: id, bytes: bytes, copy: false)])
        try record([.outputDone(id: id, confirmedByPrinter: true)])
    }

    static func write(to directory: String) throws {
        _ = system("rm -rf '\(directory)' && mkdir -p '\(directory)'")
        var r = try GoldenRegister(stateDirectory: directory)
        try r.firstChain()
        try r.recover()
        try r.staff()
        try r.backOffice()
        try r.selling()
        try r.closingAndNextDay()
        // The writer reserves disk ahead with zeros; cut them off as rotation does, so the
        // committed files hold only what was written.
        try trimReservation(directory + "/journal", keep: r.ledger.journal.reservedBytesRemaining)
    }

    /// A day's first sale on a chain that is then sealed by a recovery.
    mutating func firstChain() throws {
        try record([Operator(id: "anna", name: "Anna", role: .cashier), Operator(id: "sami", name: "Sami", role: .supervisor),
                    Operator(id: "tero", name: "Tero", role: .technician)].map { .operatorAdded($0) })
        try must(.login(pin: "1111"))
        try must(.openShift(float: 10_000))
        try must(.scan(code: "1", quantity: 2))
        try pay(.cash, 1_000)
        try must(.logout)
    }

    /// The background verification found damage; a technician started a new chain.
    mutating func recover() throws {
        try Self.trimReservation(directory + "/journal", keep: ledger.journal.reservedBytesRemaining)
        _ = try ledger.recoverOntoNewChain(by: "tero", at: ctx.now, damage: "golden journal: a recovery on record")
        ctx.now.milliseconds += 1000
    }

    mutating func staff() throws {
        for _ in 0..<5 { try run(.login(pin: "9999")) }
        // The technician regained access with a printed code (TechnicianService).
        try record([.pinReset("tero", by: "tero"), .technicianRecovered("tero", at: ctx.now)])
        try must(.login(pin: "3333"))
        try must(.addOperator(Operator(id: "mika", name: "Mika", role: .cashier)))
        try must(.addOperator(Operator(id: "ville", name: "Ville", role: .cashier)))
        try must(.removeOperator("ville"))
        try record([.operatorDisabled("mika", true, by: "tero"),
                    .requestCompleted(key: "console-1", digest: nil, result: #"{"disabled":true,"operator":"mika"}"#)])
        try record([.operatorDisabled("mika", false, by: "tero")])
        try record([.pinReset("mika", by: "tero")])
        try record([.settingChanged(key: "receipt_footer", old: "Kiitos käynnistä! Thank you!", new: "Kiitos ja tervetuloa!",
                                    by: "tero")])
        let csv = "id,name,price\ncoffee,Kahvi,3.50\nbun,Korvapuusti,2.95\nmug,Muki,12.90\n"
        try record([.catalogImported(items: 3, sha256: Hex.encode(SHA256.hash(Array(csv.utf8))), by: "tero")])
        let page = nextOutput
        nextOutput += 1
        try record([.outputQueued(id: page, .document(kind: "test_page", lines: [
            PrintedLine("Kassa test page", .strong), PrintedLine("Total 0,00", .total), PrintedLine("0123456789", .barcode),
            PrintedLine("€ ä ö å", .normal),
        ]))])
        try printed(page, bytes: 120)
        try must(.logout)
    }

    mutating func backOffice() throws {
        try must(.clock(.clockIn, pin: "1111"))
        try must(.clock(.clockIn, pin: "4444"))
        try must(.login(pin: "2222"))
        try must(.setPromotion(Promotion(id: "bun-10", name: "Pulla -10%", target: .items(["bun"]), rule: .percentOff(1000)),
                               override: nil))
        try must(.setPromotion(Promotion(id: "mugs", name: "Muki -1 €", window: PromotionWindow(weekdays: [1, 2]),
                                         target: .department("Gifts"), rule: .amountOff(100)), override: nil))
        try must(.removePromotion(id: "mugs", override: nil))
        try must(.receiveStock("coffee", quantity: 100, unitCost: 120, reason: "delivery"))
        try must(.receiveStock("bun", quantity: 40, unitCost: nil, reason: "bakery"))
        try must(.countStock("coffee", counted: 98, override: nil))
        try must(.adjustStock("bun", delta: -2, reason: "dropped", override: nil))
        try must(.setReorder("coffee", ReorderRule(point: 20, quantity: 100), override: nil))
        try must(.addCustomer(CustomerChanges(name: "Liisa Laine", phone: "0401234567", marketing: true, addCards: ["LOY-1001"])))
        try must(.addCustomer(CustomerChanges(name: "Olli")))
        try must(.updateCustomer(CustomerID(2), CustomerChanges(email: "olli@example.fi")))
        try must(.removeCustomer(CustomerID(2), override: nil))
        let mika = ledger.state.timeCards["mika"]!.last!
        try must(.correctTime("mika", remove: mika, add: TimePunch(.clockIn, at: Timestamp(milliseconds: mika.at.milliseconds - 600_000)),
                              reason: "forgot to clock in", override: nil))
        try must(.logout)
    }

    mutating func selling() throws {
        try must(.login(pin: "1111"))
        try must(.moveCash(.cashIn, amount: 5_000, reason: "change from the bank"))
        try must(.moveCash(.cashOut, amount: 2_000, reason: "to the safe"))
        try must(.noSale(override: "2222"))
        // Receipt 2: a customer, a promotion, a voided line, discounts and an overridden price.
        try must(.scan(code: "LOY-1001", quantity: nil))
        try must(.scan(code: "2", quantity: nil))
        try must(.scan(code: "1", quantity: 2))
        try must(.scan(code: "3", quantity: nil))
        try must(.voidLine(2))
        try must(.discountLine(1, .percent(500), override: nil))
        try must(.overridePrice(line: 0, unitPrice: 250, override: "2222"))
        try must(.discountReceipt(.amount(50), override: nil))
        try must(.total)
        try pay(.cash, 2_000)
        try printed(nextOutput - 1, bytes: 812)
        // Receipt 3: two gift vouchers and a mug, points redeemed, paid by card.
        try must(.scan(code: "LOY-1001", quantity: nil))
        try must(.scan(code: "3", quantity: nil))
        try must(.sellVoucher(amount: 5_000))
        try must(.sellVoucher(amount: 2_000))
        try must(.redeemPoints(100))
        let due = try ledger.state.totals(of: ledger.state.openSale!, env.config.priceMode).total
        let authorisation = try askCard(due, key: "pay-3")
        try must(.resolveCardAuthorisation(reference: authorisation.reference, .approved(CardApproval(
            authorisationCode: "123456", maskedPAN: "************1234", scheme: "VISA"))), with: owedReceipt())
        // Receipt 4: a bun parked while another sale waits for a card that is declined, then
        // paid with the first voucher. The snapshot is taken while the card is asked for: a sale
        // parked with its offers, one open with a customer, a receipt owed.
        try must(.scan(code: "2", quantity: nil))
        try must(.park)
        let parked = ledger.state.parked.keys.first!
        try must(.scan(code: "LOY-1001", quantity: nil))
        try must(.scan(code: "3", quantity: nil))
        let pending = try askCard(1_290, key: nil)
        try ledger.snapshot()
        try must(.resolveCardAuthorisation(reference: pending.reference, .declined(reason: "insufficient funds")))
        try must(.cancel(override: "2222"))
        try must(.resume(parkID: parked))
        let vouchers = ledger.state.vouchers.values.sorted { $0.issue.number < $1.issue.number }
        try must(.tenderVoucher(code: vouchers[0].code, amount: nil), with: owedReceipt())
        // Refund 1: the second voucher, unspent, and the mug of receipt 3.
        let receipt3 = try ledger.sale(receipt: 3).0
        try must(.refund(original: receipt3, lines: [RefundRequestLine(line: 0, quantity: 1), RefundRequestLine(line: 2, quantity: 1)],
                         tender: .card, override: "2222"))
        // A training sale.
        try must(.setTraining(true, override: "2222"))
        try must(.scan(code: "1", quantity: nil))
        try pay(.cash, 500)
        try must(.setTraining(false, override: "2222"))
    }

    mutating func closingAndNextDay() throws {
        let expected = ledger.state.shift!.expectedCash
        try must(.closeShift(counted: expected - 10))
        try must(.login(pin: "2222"))
        try must(.closeDay)
        try must(.openShift(float: 10_000))
        try must(.login(pin: "1111"))
        try must(.clock(.breakStart, pin: "1111"))
        try must(.scan(code: "1", quantity: nil))
        try pay(.card, reference: "T-9")
        for id in ledger.state.pendingOutputs.keys.sorted() { try printed(id, bytes: 640) }
    }

    /// Cuts a journal's last segment back to the end of its records.
    static func trimReservation(_ journal: String, keep reserved: Int64) throws {
        let fs = PosixFileSystem()
        let last = try fs.listDirectory(journal).sorted().last!
        let file = try fs.open(journal + "/" + last, .readWrite)
        try file.truncate(to: try file.size() - reserved)
        try file.dataSync()
    }
}

struct GoldenProblem: Error {
    var why: String
    init(_ why: String) { self.why = why }
}

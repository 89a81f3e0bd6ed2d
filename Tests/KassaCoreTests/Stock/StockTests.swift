import Testing
@testable import KassaCore

@Suite("Stock")
struct StockTests {
    /// A till with the cashier logged in, a shift open, and goods on the shelf.
    func stockedTill(coffee: Int64 = 10, candyGrams: Int64 = 1000) -> Till {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.receiveStock("coffee", quantity: coffee, unitCost: 120, reason: "delivery 1"))
        t.must(.receiveStock("candy", quantity: candyGrams, unitCost: nil, reason: nil))
        return t
    }

    @Test func aSaleTakesPiecesAndGramsOffTheShelf() {
        var t = stockedTill()
        t.must(.addItem("coffee", quantity: 2))
        t.must(.addItem("candy", quantity: 123))
        #expect(t.state.stock["coffee"] == 10)  // not until the sale is completed
        t.must(.tender(Tender(kind: .card, amount: 700 + 196)))
        #expect(t.state.stock["coffee"] == 8)
        #expect(t.state.stock["candy"] == 877)
    }

    @Test func aVoidedLineTakesNothing() {
        var t = stockedTill()
        t.must(.addItem("coffee", quantity: 3))
        t.must(.addItem("coffee", quantity: 1))
        t.must(.voidLine(0))
        t.must(.tender(Tender(kind: .card, amount: 350)))
        #expect(t.state.stock["coffee"] == 9)
    }

    @Test func stockAfterARefundIsBackOnTheShelf() {
        var t = stockedTill()
        t.must(.addItem("coffee", quantity: 3))
        t.must(.addItem("candy", quantity: 200))
        t.must(.tender(Tender(kind: .cash, amount: 5000)))
        #expect(t.state.stock["coffee"] == 7)
        t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 2), RefundRequestLine(line: 1, quantity: 200)],
                       tender: .cash, override: Till.supervisorPIN))
        #expect(t.state.stock["coffee"] == 9)
        #expect(t.state.stock["candy"] == 1000)
    }

    @Test func aWeighedPriceLabelTakesItsGramsAndItsRefundPutsThemBack() throws {
        var t = stockedTill()
        // 3.18 of candy at 15.90/kg: 200 g.
        t.must(.scan(code: Barcode.withCheckDigit("241000100318"), quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 318)))
        #expect(t.state.stock["candy"] == 800)
        // The label's line is its 200 g, so its refund puts them back itself.
        let events = t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 200)], tender: .card,
                                    override: Till.supervisorPIN))
        #expect(t.state.stock["candy"] == 1000)
        #expect(events.count == 1)
        #expect(try RegisterState.replay(t.journal).stock["candy"] == 1000)
    }

    @Test func trainingSalesAndRefundsMoveNoStock() {
        var t = stockedTill()
        t.must(.setTraining(true, override: Till.supervisorPIN))
        t.must(.addItem("coffee", quantity: 4))
        t.must(.tender(Tender(kind: .cash, amount: 1400)))
        #expect(t.state.stock["coffee"] == 10)
        t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 4)], tender: .cash,
                       override: Till.supervisorPIN))
        #expect(t.state.stock["coffee"] == 10)
    }

    @Test func aWeighedItemOnAPriceLabelCountsTheGramsThePriceStandsFor() {
        // 3.18 at 15.90/kg is 200 g.
        let line = SaleLine(itemID: "candy", name: "Irtokarkki", department: "", unit: .weight, quantity: 1, unitPrice: 1590,
                            catalogPrice: 1590, taxClass: "B", taxBasisPoints: 1350, fixedAmount: 318)
        #expect(line.stockQuantity == 200)
        var piece = line
        piece.unit = .piece
        #expect(piece.stockQuantity == 1)
    }

    @Test func aCountSetsTheLevelAndRecordsTheDifference() {
        var t = stockedTill()
        t.must(.addItem("coffee", quantity: 2))
        t.must(.tender(Tender(kind: .card, amount: 700)))
        #expect(t.run(.countStock("coffee", counted: 5, override: nil)) == .supervisorRequired(.adjustStock))
        let events = t.must(.countStock("coffee", counted: 5, override: Till.supervisorPIN))
        #expect(events == [.stockCounted("coffee", counted: 5, difference: -3, by: "sami")])
        #expect(t.state.stock["coffee"] == 5)
        #expect(t.run(.countStock("coffee", counted: -1, override: Till.supervisorPIN)) == .invalidQuantity(-1))
    }

    @Test func anAdjustmentNeedsASupervisorAndAReason() {
        var t = stockedTill()
        #expect(t.run(.adjustStock("coffee", delta: -2, reason: "broken", override: nil)) == .supervisorRequired(.adjustStock))
        #expect(t.run(.adjustStock("coffee", delta: -2, reason: "broken", override: Till.cashierPIN)) == .wrongPIN)
        #expect(t.run(.adjustStock("coffee", delta: -2, reason: "  ", override: Till.supervisorPIN)) == .reasonRequired)
        #expect(t.state.stock["coffee"] == 10)
        t.must(.adjustStock("coffee", delta: -2, reason: "broken", override: Till.supervisorPIN))
        #expect(t.state.stock["coffee"] == 8)
        #expect(t.run(.adjustStock("coffee", delta: 0, reason: "nothing", override: Till.supervisorPIN)) == .invalidQuantity(0))
    }

    @Test func onlyCatalogItemsTakeStockAndReceivingNeedsAQuantity() {
        var t = stockedTill()
        #expect(t.run(.receiveStock("nosuch", quantity: 1, unitCost: nil, reason: nil)) == .unknownItem("nosuch"))
        #expect(t.run(.receiveStock("coffee", quantity: 0, unitCost: nil, reason: nil)) == .invalidQuantity(0))
        #expect(t.run(.receiveStock("coffee", quantity: 1, unitCost: -1, reason: nil)) == .invalidAmount("a cost cannot be negative"))
        t.must(.logout)
        #expect(t.run(.receiveStock("coffee", quantity: 1, unitCost: nil, reason: nil)) == .notLoggedIn)
    }

    @Test func anItemAtItsReorderPointIsLowAndOnTheReorderList() {
        var t = stockedTill(coffee: 5)
        #expect(t.run(.setReorder("coffee", ReorderRule(point: 3, quantity: 12), override: nil)) == .supervisorRequired(.stockSettings))
        t.must(.setReorder("coffee", ReorderRule(point: 3, quantity: 12), override: Till.supervisorPIN))
        #expect(t.state.lowStockItems.isEmpty)
        t.must(.addItem("coffee", quantity: 2))
        t.must(.tender(Tender(kind: .card, amount: 700)))
        #expect(t.state.stock["coffee"] == 3)
        #expect(t.state.lowStockItems == ["coffee"])
        let list = StockReport.reorderList(t.state, t.env.catalog)
        #expect(list.map(\.itemID) == ["coffee"])
        #expect(list.first?.reorder?.quantity == 12)
        t.must(.receiveStock("coffee", quantity: 12, unitCost: nil, reason: nil))
        #expect(t.state.lowStockItems.isEmpty)
        t.must(.setReorder("coffee", nil, override: Till.supervisorPIN))
        #expect(t.state.reorderRules.isEmpty)
        #expect(t.run(.setReorder("coffee", ReorderRule(point: 1, quantity: 0), override: Till.supervisorPIN))
                == .invalidAmount("a reorder quantity must be more than zero"))
    }

    @Test func theStockValueIsAtRetailPriceAndAtTheNewestCost() {
        var t = stockedTill(coffee: 10, candyGrams: 500)
        t.must(.addItem("mug", quantity: 1))  // sold before any was received: −1, worth nothing
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        let lines = StockReport.lines(t.state, t.env.catalog)
        #expect(lines.first { $0.itemID == "mug" }?.level == -1)
        let v = StockReport.value(lines)
        #expect(v.retail == 10 * 350 + 795)  // 500 g at 15.90/kg
        #expect(v.cost == 10 * 120)
        #expect(v.itemsWithoutCost == 1)  // the candy
    }

    @Test func aReplayThroughTheCodecArrivesAtTheSameLevels() throws {
        var t = stockedTill()
        t.must(.setReorder("coffee", ReorderRule(point: 4, quantity: 10), override: Till.supervisorPIN))
        t.must(.addItem("coffee", quantity: 3))
        t.must(.addItem("candy", quantity: 250))
        t.must(.tender(Tender(kind: .cash, amount: 5000)))
        t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash,
                       override: Till.supervisorPIN))
        t.must(.countStock("candy", counted: 700, override: Till.supervisorPIN))
        t.must(.adjustStock("coffee", delta: -1, reason: "dropped", override: Till.supervisorPIN))
        let replayed = try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) })
        #expect(replayed.stock == ["coffee": 7, "candy": 700])
        #expect(replayed == t.state)
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
    }

    @Test func aSnapshotWrittenBeforeStockAndTheTimeClockStillReads() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.addItem("mug", quantity: 1))
        t.must(.tender(Tender(kind: .card, amount: 1290)))
        var before = t.state
        before.stock = [:]  // what a register of that time had: no stock at all
        let current = EventCodec.encodeFormat1(before)
        // The four new maps (time cards, levels, reorder rules, costs), all empty, end it, but for
        // the vouchers' section after them (none, number 0, four zero day figures), the
        // promotions and sale offers (none) and the customers (none).
        #expect(Array(current.suffix(15)) == [UInt8](repeating: 0, count: 15))
        let old = try EventCodec.decodeState(Array(current.dropLast(15)))
        #expect(old == before)
        #expect(old.stock.isEmpty && old.timeCards.isEmpty && old.reorderRules.isEmpty && old.unitCosts.isEmpty)
    }

    @Test(arguments: [
        RegisterEvent.stockReceived("coffee", quantity: 12, unitCost: 120, reason: "delivery", by: "anna"),
        .stockReceived("candy", quantity: 1500, unitCost: nil, reason: "", by: "anna"),
        .stockCounted("coffee", counted: 4, difference: -2, by: "sami"),
        .stockAdjusted("coffee", delta: -1, reason: "broken", by: "sami"),
        .reorderSet("coffee", ReorderRule(point: 3, quantity: 12), by: "sami"),
        .reorderSet("coffee", nil, by: "tero"),
    ])
    func stockEventsSurviveTheCodecAndAreDurable(event: RegisterEvent) throws {
        #expect(try EventCodec.decode(EventCodec.encode(event)) == event)
        #expect(event.isDurable)
    }

    @Test func stockEventTagsAreStable() {
        #expect(RegisterEvent.stockReceived("a", quantity: 1, unitCost: nil, reason: "", by: "x").recordType == 110)
        #expect(RegisterEvent.stockCounted("a", counted: 1, difference: 0, by: "x").recordType == 111)
        #expect(RegisterEvent.stockAdjusted("a", delta: 1, reason: "r", by: "x").recordType == 112)
        #expect(RegisterEvent.reorderSet("a", nil, by: "x").recordType == 113)
    }
}

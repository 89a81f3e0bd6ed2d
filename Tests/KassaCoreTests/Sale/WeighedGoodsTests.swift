import Testing
@testable import KassaCore

/// Weighed goods: a line always holds the weight it was sold by, whether typed, read from a
/// weight label (`23…`) or worked out from a price label (`24…`), and a scan that makes no sense
/// for the item (pieces of a weighed item, a weight for a piece, a quantity before a label) is
/// refused rather than read some other way.
@Suite("Weighed goods")
struct WeighedGoodsTests {
    /// 3.18 of candy at 15.90/kg: the label of 200 g.
    static let priceLabel = Barcode.withCheckDigit("241000100318")
    /// 250 g of candy.
    static let weightLabel = Barcode.withCheckDigit("231000100250")

    @Test func aPriceLabelRecordsTheWeightItStandsFor() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: Self.priceLabel, quantity: nil))
        let line = t.state.openSale!.lines[0]
        #expect(line.unit == .weight)
        #expect(line.quantity == 200)
        #expect(line.unitPrice == 1590)
        #expect(try line.baseAmount() == 318)
        // Quantity × unit price is the amount, as for a weighed line typed by hand.
        #expect(try Checked.mulDiv(line.unitPrice, line.quantity, 1000) == 318)
        #expect(line.stockQuantity == 200)
    }

    @Test func aPriceLabelsWeightIsTheNearestGramWhenThePriceDoesNotDivide() throws {
        var t = Till()
        t.cashierWithOpenShift()
        // 1.00 at 15.90/kg is 62.89 g: 63 g.
        t.must(.scan(code: Barcode.withCheckDigit("241000100100"), quantity: nil))
        #expect(t.state.openSale!.lines[0].quantity == 63)
        #expect(try t.state.openSale!.lines[0].baseAmount() == 100)
    }

    @Test func aPriceLabelCountsItsGramsInTheSalesReportAndItsRefund() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: Self.priceLabel, quantity: nil))
        t.must(.tender(Tender(kind: .card, amount: 318)))
        var builder = SalesReportBuilder(grouping: .item, from: nil, to: nil, utcOffsetSeconds: { _ in 0 })
        for e in t.journal { builder.add(e, recordTime: t.ctx.now) }
        let candy = builder.report().rows.first { $0.key == "candy" }
        #expect(candy?.figures.quantity == 200)

        // The whole line is its 200 g; half of it is half the money.
        let events = t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 100)], tender: .card,
                                    override: Till.supervisorPIN))
        guard case .refundCompleted(let refund)? = events.first else { Issue.record("no refund"); return }
        #expect(refund.lines[0].quantity == 100)
        #expect(refund.total == 159)
        #expect(t.run(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 101)], tender: .card,
                              override: Till.supervisorPIN)) == .refundExceedsSale(line: 0, refundable: 100))
    }

    @Test func aPriceLabelOfAnItemWithoutAPricePerKilogramIsRefused() {
        var t = Till()
        t.env.catalog = try! Catalog([Item(id: "free", name: "Maistiainen", price: 0, taxClass: "B", unit: .weight, plus: ["10002"])],
                                     embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
        t.cashierWithOpenShift()
        if case .invalidAmount? = t.run(.scan(code: Barcode.withCheckDigit("241000200250"), quantity: nil)) {} else {
            Issue.record("a label whose weight cannot be worked out was not refused")
        }
        #expect(t.state.openSale == nil)
    }

    @Test func aWeighedPLUWithAWeightSellsThatWeight() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "10001", quantity: nil, grams: 250))
        #expect(t.state.openSale!.lines[0].quantity == 250)
        #expect(try t.state.openSale!.lines[0].baseAmount() == 398)
    }

    @Test func aWeighedPLUWithANumberOfPiecesAsksForTheWeight() {
        var t = Till()
        t.cashierWithOpenShift()
        // `2*10001` on the keypad: two of something sold by the kilogram.
        #expect(t.run(.scan(code: "10001", quantity: 2)) == .weightRequired("candy"))
        #expect(t.run(.scan(code: "10001", quantity: 2, grams: 250)) == .weightRequired("candy"))
        #expect(t.state.openSale == nil)
    }

    @Test func aQuantityBeforeALabelIsRefused() {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.scan(code: Self.weightLabel, quantity: 3)) == .quantityNotAllowed(Self.weightLabel))
        #expect(t.run(.scan(code: Self.priceLabel, quantity: 3)) == .quantityNotAllowed(Self.priceLabel))
        #expect(t.run(.scan(code: Self.weightLabel, quantity: nil, grams: 100)) == .quantityNotAllowed(Self.weightLabel))
        #expect(t.state.openSale == nil)
        t.must(.scan(code: Self.weightLabel, quantity: nil))
        #expect(t.state.openSale!.lines[0].quantity == 250)
    }

    @Test func aWeightForAPieceItemIsRefused() {
        var t = Till()
        t.cashierWithOpenShift()
        #expect(t.run(.scan(code: "1", quantity: nil, grams: 250)) == .quantityNotAllowed("1"))
        #expect(t.state.openSale == nil)
        t.must(.scan(code: "1", quantity: 2))
        #expect(t.state.openSale!.lines[0].quantity == 2)
    }
}

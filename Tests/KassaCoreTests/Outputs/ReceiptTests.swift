import Testing
@testable import KassaCore

@Suite("Receipts")
struct ReceiptTests {
    func sampleSale() -> (Till, CompletedSale) {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.addItem("candy", quantity: 250))
        t.must(.scan(code: "3", quantity: 1))
        t.must(.discountLine(2, .percent(1000), override: nil))
        t.must(.tender(Tender(kind: .card, amount: 1000, reference: "A1B2")))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        return (t, t.lastSale!)
    }

    @Test(arguments: [32, 42, 48])
    func everyLineFitsTheWidth(columns: Int) {
        let (t, sale) = sampleSale()
        let receipt = Receipt.sale(sale, config: t.env.config, operatorName: "Anna Esimerkkinen-Pitkänimi",
                                   localTime: "2026-02-02 14:05", chainHash: "9f86d081884c7d65")
        let text = receipt.render(columns: columns, format: .finnish, currency: .EUR, words: .finnish)
        for line in text { #expect(TextLayout.width(line) <= columns, "\(line)") }
        #expect(text.contains { $0.hasPrefix("YHTEENSÄ") && $0.hasSuffix("22,59 €") })
    }

    @Test func aCardThatPaidThroughTheTerminalShowsItsBrandMaskedNumberAndAuthorisationCode() {
        let (t, sale) = sampleSale()
        let slip = CardSlip(reference: "A1B2", approval: CardApproval(authorisationCode: "007919", maskedPAN: "************1111",
                                                                      scheme: "VISA", trace: "12"))
        let text = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "2026-02-02 14:05", cardSlips: [slip])
            .render(columns: 32, format: .finnish, currency: .EUR, words: .english)
        let joined = text.joined(separator: "\n")
        #expect(joined.contains("VISA ************1111"))
        #expect(joined.contains("Auth 007919  Trace 12"))
        #expect(!joined.contains("A1B2"), "the register's own reference is no use to the customer")
        for line in text { #expect(TextLayout.width(line) <= 32, "\(line)") }
    }

    @Test func aRefundCreditedToACardShowsTheCardAsTheTerminalNamedIt() {
        var t = Till()
        let (_, sale) = sampleSale()
        t = sampleSale().0
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: Till.supervisorPIN))
        let card = CardApproval(authorisationCode: "123456", maskedPAN: "************4444", scheme: "Mastercard")
        let text = Receipt.refund(t.lastRefund!, config: t.env.config, operatorName: "Anna", localTime: "", card: card)
            .render(columns: 42, format: .finnish, currency: .EUR, words: .english).joined(separator: "\n")
        #expect(text.contains("Mastercard ************4444"))
        #expect(text.contains("Auth 123456"))
    }

    @Test func theReceiptShowsLinesDiscountsTaxTendersChangeAndTheChainHash() {
        let (t, sale) = sampleSale()
        let text = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "2026-02-02 14:05",
                                chainHash: "9f86d081").render(columns: 42, format: .finnish, currency: .EUR, words: .english)
        let joined = text.joined(separator: "\n")
        #expect(joined.contains("Receipt R1-1"))
        #expect(joined.contains("2 x 3,50 €"))
        #expect(joined.contains("0,250 kg x 15,90 €/kg"))
        #expect(joined.contains("Discount 10 %"))
        #expect(joined.contains("-1,29 €"))
        #expect(joined.contains("Card A1B2"))
        #expect(joined.contains("Change"))
        #expect(joined.contains("25.5%"))
        #expect(joined.contains("13.5%"))
        #expect(joined.contains("# 9f86d081"))
        #expect(!joined.contains("COPY"))
    }

    @Test func aReprintIsMarkedAsACopyAndTrainingOnEveryReceipt() {
        let (t, sale) = sampleSale()
        var training = sale
        training.training = true
        let text = Receipt.sale(training, config: t.env.config, operatorName: "Anna", localTime: "", copy: true)
            .render(columns: 32, format: .finnish, currency: .EUR, words: .english)
        #expect(text.contains { $0.contains("*** COPY ***") })
        #expect(text.filter { $0.contains("TRAINING") }.count >= 2)
    }

    @Test func aRefundReceiptNamesTheOriginalAndShowsNegativeAmounts() {
        var (t, sale) = sampleSale()
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
        let text = Receipt.refund(t.lastRefund!, config: t.env.config, operatorName: "Anna", localTime: "", approvedBy: "Sami")
            .render(columns: 42, format: .finnish, currency: .EUR, words: .english).joined(separator: "\n")
        // Numbered apart from the receipts, and naming who approved it.
        #expect(text.contains("REFUND R1-R1"))
        #expect(text.contains("Cashier: Anna\nApproved by: Sami"))
        #expect(text.contains("Original receipt R1-1"))
        #expect(text.contains("-3,50 €"))
    }

    @Test func basisPointsAreWrittenAsPercentages() {
        #expect(Receipt.basisPointsText(2550) == "25.5")
        #expect(Receipt.basisPointsText(1000) == "10")
        #expect(Receipt.basisPointsText(1350) == "13.5")
        #expect(Receipt.basisPointsText(5) == "0.05")
    }
}


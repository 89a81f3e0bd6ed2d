import Testing
@testable import KassaCore

@Suite("Vouchers")
struct VoucherTests {
    /// A cashier at an open shift who sold a gift voucher of `value` for cash; its code.
    func tillWithVoucher(_ value: Int64 = 5000) -> (Till, String) {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.sellVoucher(amount: value))
        t.must(.tender(Tender(kind: .cash, amount: value)))
        return (t, t.state.vouchers.values.first!.code)
    }

    func issued(_ events: [RegisterEvent]) -> [VoucherIssue] {
        events.compactMap { if case .voucherIssued(let v) = $0 { return v }; return nil }
    }

    // MARK: Codes

    @Test func aCodeCarriesThePrefixTheRegisterTheNumberAndACheckCharacter() throws {
        let code = VoucherCode.make(registerID: "till-1", number: 7)
        #expect(code.hasPrefix("V-TILL-1-0007-"))
        #expect(code.count == "V-TILL-1-0007-".count + 1)
        let parsed = try #require(VoucherCode.parse(code))
        #expect(parsed.register == "TILL-1" && parsed.number == 7)
        // Typed in small letters or with spaces around, it is the same code.
        #expect(VoucherCode.parse("  " + code.lowercased() + " ")?.number == 7)
        #expect(VoucherCode.make(registerID: "kassa_2.b", number: 123_456) .hasPrefix("V-KASSA-2-B-123456-"))
        // Never a catalog code: barcodes and PLUs are digits.
        #expect(Barcode.classify(code) != .ean13 && !code.allSatisfy(\.isNumber))
    }

    @Test func everyMistypedCharacterAndEverySwapOfNeighboursIsCaught() {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for number: UInt64 in [1, 42, 999, 12_345] {
            let code = Array(VoucherCode.make(registerID: "R1", number: number))
            for i in code.indices where code[i] != "-" && i >= 2 {
                for c in alphabet where c != code[i] {
                    var typo = code
                    typo[i] = c
                    #expect(VoucherCode.parse(String(typo)) == nil, "\(String(typo)) should be caught")
                }
                if i + 1 < code.count, code[i + 1] != "-", code[i + 1] != code[i] {
                    var swapped = code
                    swapped.swapAt(i, i + 1)
                    #expect(VoucherCode.parse(String(swapped)) == nil, "\(String(swapped)) should be caught")
                }
            }
        }
        #expect(VoucherCode.parse("V-R1-0001") == nil)
        #expect(VoucherCode.parse("V--0001-K") == nil)
        #expect(VoucherCode.parse("V-R1-00X1-K") == nil)
    }

    // MARK: Selling

    @Test func aGiftVoucherComesIntoBeingOnlyWithTheCompletedSale() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.sellVoucher(amount: 2500))
        #expect(t.state.vouchers.isEmpty)
        let events = t.must(.tender(Tender(kind: .cash, amount: 3000)))
        // In the same decision (one journal group) as the completed sale, after it.
        guard case .saleCompleted(let sale)? = events.dropFirst().first else { Issue.record("no sale"); return }
        let v = try #require(issued(events).first)
        #expect(v.code == VoucherCode.make(registerID: "R1", number: 1))
        #expect(v.amount == 2500 && v.kind == .gift && v.source == .sale(receipt: sale.receiptNumber, line: 0))
        #expect(t.state.vouchers[v.code]?.balance == 2500)
        #expect(t.state.lastVoucherNumber == 1)
        #expect(sale.change == 500)
        #expect(RegisterEvent.voucherIssued(v).isDurable)
    }

    @Test func aVoidedVoucherLineIssuesNothingAndEachLiveLineItsOwnVoucher() {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.sellVoucher(amount: 1000))
        t.must(.sellVoucher(amount: 2000))
        t.must(.sellVoucher(amount: 3000))
        t.must(.voidLine(1))
        let events = t.must(.tender(Tender(kind: .card, amount: 4000)))
        #expect(issued(events).map(\.amount) == [1000, 3000])
        #expect(issued(events).map(\.number) == [1, 2])
        #expect(Set(issued(events).map(\.code)).count == 2)
    }

    @Test func aVoucherIsSoldAtItsValueWithoutVATDiscountsOrRevenue() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.addItem("mug", quantity: 1))
        t.must(.sellVoucher(amount: 5000))
        #expect(t.run(.discountLine(1, .percent(500), override: nil)) == .voucher(.fixedValue(line: 1)))
        #expect(t.run(.overridePrice(line: 1, unitPrice: 10, override: Till.supervisorPIN)) == .voucher(.fixedValue(line: 1)))
        // A receipt discount is on the goods alone: 10 % of the mug, not of the voucher.
        t.must(.discountReceipt(.percent(1000), override: nil))
        t.must(.tender(Tender(kind: .card, amount: 1161 + 5000)))
        let sale = try #require(t.lastSale)
        #expect(sale.total == 6161)
        #expect(sale.vouchersSold == 5000)
        #expect(sale.priced[1] == PricedLine(lineDiscount: 0, receiptDiscount: 0, gross: 5000, tax: 0))
        #expect(sale.breakdown.count == 1 && sale.breakdown[0].gross == 1161)
        // The day: the mug is revenue, the voucher money in the tenders but no sale and no VAT.
        #expect(t.state.day.salesGross == 1161)
        #expect(t.state.day.salesByTax.values.reduce(0) { $0 + $1.gross } == 1161)
        #expect(t.state.day.vouchersSold == 5000 && t.state.day.vouchersSoldCount == 1)
        #expect(t.state.day.tenders[.card] == 6161)
        #expect(t.state.grandTotalSales == 1161)
        #expect(t.state.stock["#voucher"] == nil)
        // A receipt of vouchers alone is no sale at all.
        t.must(.sellVoucher(amount: 2000))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        #expect(t.state.day.salesCount == 1)
        #expect(t.state.day.vouchersSoldCount == 2)
        let z = t.state.xReport(registerID: "R1").counters
        #expect(z.netTotal == 1161)
    }

    @Test func theCatalogCannotTakeTheVoucherLinesItemID() {
        let csv = "id,name,price,tax_class\n#voucher,Fake,1.00,A\n"
        #expect(throws: CatalogImportError.self) { try CatalogCSV.parse(Array(csv.utf8), currency: .EUR, taxClasses: ["A"]) }
    }

    // MARK: Redeeming

    @Test func aVoucherPaysItsBalanceUpToWhatIsDueUnlessToldAnAmount() throws {
        var (t, code) = tillWithVoucher(5000)
        t.must(.addItem("mug", quantity: 1))  // 12.90
        let events = t.must(.tenderVoucher(code: code, amount: nil))
        #expect(events.first == .tenderAdded(Tender(kind: .voucher, amount: 1290, reference: code)))
        #expect(t.state.vouchers[code]?.balance == 3710)
        // More than is left on it: refused, with the balance in the refusal.
        t.must(.addItem("mug", quantity: 4))  // 51.60
        #expect(t.run(.tenderVoucher(code: code, amount: 4000)) == .voucher(.exceedsBalance(code, balance: 3710)))
        t.must(.tenderVoucher(code: code, amount: 1000))
        #expect(t.state.vouchers[code]?.balance == 2710)
        // A voucher tender as any tender, with the code as its reference, pays the same way.
        t.must(.tender(Tender(kind: .voucher, amount: 2710, reference: code.lowercased())))
        #expect(t.state.vouchers[code]?.balance == 0)
        #expect(t.state.openSale?.tenders.map(\.reference) == [code, code])
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        let sale = try #require(t.lastSale)
        // The history names the receipts once their sales completed.
        let history = try #require(t.state.vouchers[code]?.redemptions)
        #expect(history.map(\.receipt) == [2, 3, 3])
        #expect(history.map(\.amount) == [1290, 1000, 2710])
        #expect(history.map(\.balanceAfter) == [3710, 2710, 0])
        #expect(history[1].at == sale.time && history[2].at == sale.time && history[0].at! < sale.time)
        #expect(t.state.day.tenders[.voucher] == 5000)
    }

    @Test func theBalanceGoesDownWithTheTenderSoAVoucherCannotPayTwice() {
        var (t, code) = tillWithVoucher(1000)
        t.must(.addItem("mug", quantity: 2))  // 25.80
        t.must(.tenderVoucher(code: code, amount: nil))
        // Still the same open sale, not yet completed: the voucher is spent already.
        #expect(t.state.openSale != nil)
        #expect(t.state.vouchers[code]?.balance == 0)
        #expect(t.run(.tenderVoucher(code: code, amount: nil)) == .voucher(.usedUp(code)))
        #expect(t.run(.tenderVoucher(code: code, amount: 1)) == .voucher(.usedUp(code)))
        #expect(t.run(.scan(code: code, quantity: nil)) == .voucher(.usedUp(code)))
        // Nor can the sale be cancelled to get it back: a non-cash tender keeps it.
        #expect(t.run(.cancel(override: Till.supervisorPIN)) == .tendersPresent)
        #expect(t.run(.park) == .tendersPresent)
        t.must(.tender(Tender(kind: .card, amount: 1580)))
        t.must(.addItem("coffee", quantity: 1))
        #expect(t.run(.tenderVoucher(code: code, amount: nil)) == .voucher(.usedUp(code)))
        #expect(t.state.vouchers[code]?.balance == 0)
        #expect(t.state.vouchers[code]?.redemptions.count == 1)
    }

    @Test func scanningAVoucherWhileASaleIsOpenTendersIt() {
        var (t, code) = tillWithVoucher(5000)
        #expect(t.run(.scan(code: code, quantity: nil)) == .voucher(.noSaleToPay))
        t.must(.scan(code: "1", quantity: 2))  // two coffees, 7.00
        #expect(t.run(.scan(code: code, quantity: 3)) == .voucher(.quantityGiven))
        let events = t.must(.scan(code: code.lowercased(), quantity: nil))
        #expect(events.first == .tenderAdded(Tender(kind: .voucher, amount: 700, reference: code)))
        guard case .saleCompleted? = events.dropFirst().first else { Issue.record("the voucher settled it"); return }
        #expect(t.state.vouchers[code]?.balance == 4300)
    }

    @Test func eachWayAVoucherCanBeWrongHasItsOwnRefusal() {
        var (t, code) = tillWithVoucher(5000)
        t.must(.addItem("mug", quantity: 1))
        var typo = Array(code)
        typo[typo.count - 1] = typo.last == "A" ? "B" : "A"
        #expect(t.run(.tenderVoucher(code: String(typo), amount: nil)) == .voucher(.mistyped(String(typo))))
        let unknown = VoucherCode.make(registerID: "R1", number: 99)
        #expect(t.run(.tenderVoucher(code: unknown, amount: nil)) == .voucher(.unknown(unknown)))
        let elsewhere = VoucherCode.make(registerID: "R2", number: 1)
        #expect(t.run(.tenderVoucher(code: elsewhere, amount: nil)) == .voucher(.otherRegister(elsewhere, register: "R2")))
        #expect(t.run(.tender(Tender(kind: .voucher, amount: 100))) == .voucher(.codeRequired))
        #expect(t.run(.tenderVoucher(code: code, amount: 0)) == .invalidAmount("a tender must be more than zero"))
        #expect(t.run(.sellVoucher(amount: 0)) == .invalidAmount("a voucher must be worth more than zero"))
        #expect(t.state.vouchers[code]?.balance == 5000)
    }

    @Test func trainingVouchersNeverTouchRealOnes() throws {
        var (t, real) = tillWithVoucher(5000)
        t.must(.setTraining(true, override: Till.supervisorPIN))
        t.must(.addItem("mug", quantity: 1))
        #expect(t.run(.tenderVoucher(code: real, amount: nil)) == .voucher(.otherMode(real, training: false)))
        #expect(t.state.vouchers[real]?.balance == 5000)
        t.must(.tender(Tender(kind: .cash, amount: 1290)))
        // A training sale of a voucher issues a training voucher, spent in training only.
        t.must(.sellVoucher(amount: 3000))
        let events = t.must(.tender(Tender(kind: .cash, amount: 3000)))
        let training = try #require(issued(events).first)
        #expect(training.training)
        t.must(.addItem("coffee", quantity: 1))
        t.must(.tenderVoucher(code: training.code, amount: nil))
        #expect(t.state.vouchers[training.code]?.balance == 2650)
        #expect(t.state.voucherLiability.total == 5000 && t.state.voucherLiability.count == 1)
        #expect(t.state.day.vouchersSold == 5000)
        t.must(.setTraining(false, override: Till.supervisorPIN))
        t.must(.addItem("coffee", quantity: 1))
        #expect(t.run(.tenderVoucher(code: training.code, amount: nil)) == .voucher(.otherMode(training.code, training: true)))
    }

    // MARK: Refunds

    @Test func aGiftVoucherRefundedUnspentIsVoidedAndASpentOneIsNotRefunded() throws {
        var (t, code) = tillWithVoucher(5000)
        let sold = try #require(t.lastSale)
        let events = t.must(.refund(original: sold, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash,
                                    override: Till.supervisorPIN))
        #expect(events.contains(.voucherVoided(code: code, refund: 1, by: "anna")))
        #expect(t.state.vouchers[code]?.balance == 0 && t.state.vouchers[code]?.voidedByRefund == 1)
        #expect(t.state.voucherLiability.total == 0)
        // Paid back, but neither a refund of revenue nor of VAT.
        let refund = try #require(t.lastRefund)
        #expect(refund.total == 5000 && refund.breakdown.isEmpty)
        #expect(t.state.day.refundsGross == 0 && t.state.day.refundsCount == 0)
        #expect(t.state.day.vouchersRefunded == 5000 && t.state.day.refundTenders[.cash] == 5000)
        t.must(.addItem("coffee", quantity: 1))
        #expect(t.run(.tenderVoucher(code: code, amount: nil)) == .voucher(.voided(code, refund: 1)))
        t.must(.tender(Tender(kind: .cash, amount: 350)))

        // Another, spent in part: its refund is refused and nothing is recorded.
        t.must(.sellVoucher(amount: 2000))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        let second = try #require(t.lastSale)
        let other = try #require(t.state.voucher(soldOn: second.receiptNumber, line: 0, training: false)).code
        t.must(.addItem("coffee", quantity: 1))
        t.must(.tenderVoucher(code: other, amount: nil))
        let before = t.journal.count
        #expect(t.run(.refund(original: second, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash,
                              override: Till.supervisorPIN)) == .voucher(.spent(other, balance: 1650, issued: 2000)))
        #expect(t.journal.count == before)
    }

    @Test func aRefundToVoucherGivesStoreCreditOfWhatItPaysOut() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.addItem("coffee", quantity: 1))
        t.must(.addItem("mug", quantity: 1))
        t.must(.tender(Tender(kind: .cash, amount: 2000)))
        let events = t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 1, quantity: 1)], tender: .voucher,
                                    override: Till.supervisorPIN))
        guard case .refundCompleted(let refund)? = events.first else { Issue.record("no refund"); return }
        let credit = try #require(issued(events).first)
        // Exactly what was paid for the line: a voucher is never cash-rounded.
        #expect(refund.paidOut == 1290 && credit.amount == 1290)
        #expect(credit.kind == .storeCredit && credit.source == .refund(refund.refundNumber))
        #expect(t.state.vouchers[credit.code]?.balance == 1290)
        #expect(t.state.storeCredit(of: refund)?.code == credit.code)
        #expect(t.state.day.refundTenders[.voucher] == 1290)
        let expected: Int64 = 10_000 + 1640  // the float and the sale: no cash went back
        #expect(t.state.shift?.expectedCash == expected)
        // It pays like a gift voucher.
        t.must(.addItem("mug", quantity: 1))
        t.must(.scan(code: credit.code, quantity: nil))
        #expect(t.state.vouchers[credit.code]?.balance == 0)
    }

    // MARK: Records

    @Test func vouchersSurviveTheCodecASnapshotAndAZClosing() throws {
        var (t, code) = tillWithVoucher(5000)
        t.must(.addItem("mug", quantity: 1))
        t.must(.tenderVoucher(code: code, amount: 1000))  // the sale stays open: a pending redemption
        let decoded = try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) }
        #expect(decoded == t.journal)
        #expect(try RegisterState.replay(decoded) == t.state)
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
        t.must(.tender(Tender(kind: .cash, amount: 290)))
        t.must(.logout)
        t.must(.login(pin: Till.supervisorPIN))
        let z = t.must(.closeDay)
        guard case .dayClosed(let report)? = z.first else { Issue.record("no Z"); return }
        #expect(report.counters.vouchersSold == 5000 && report.counters.vouchersSoldCount == 1)
        #expect(try EventCodec.decode(EventCodec.encode(.dayClosed(report))) == .dayClosed(report))
        // A Z closing recorded before vouchers (no trailing figures) still reads, with none.
        var old = report
        old.counters.vouchersSold = 0
        old.counters.vouchersSoldCount = 0
        let bytes = EventCodec.encode(.dayClosed(old))
        #expect(Array(bytes.suffix(4)) == [0, 0, 0, 0])
        #expect(try EventCodec.decode(Array(bytes.dropLast(4))) == .dayClosed(old))
    }

    @Test func aSnapshotWrittenBeforeVouchersStillReads() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.addItem("mug", quantity: 1))
        let current = EventCodec.encodeFormat1(t.state)
        // The voucher section (no vouchers, number 0, four zero day figures) and the promotions'
        // and the customers' after it (none) end it.
        #expect(Array(current.suffix(11)) == [UInt8](repeating: 0, count: 11))
        #expect(try EventCodec.decodeState(Array(current.dropLast(11))) == t.state)
    }

    @Test func voucherEventTagsAreStable() throws {
        let issue = VoucherIssue(number: 1, code: "V-R1-0001-X", amount: 1, training: false, source: .refund(1), by: "a",
                                 at: Timestamp(milliseconds: 0))
        #expect(RegisterEvent.voucherIssued(issue).recordType == 130)
        #expect(RegisterEvent.voucherVoided(code: "V", refund: 1, by: "a").recordType == 131)
        #expect(RegisterEvent.voucherVoided(code: "V", refund: 1, by: "a").isDurable)
        for e in [RegisterEvent.voucherIssued(issue), .voucherVoided(code: "V", refund: 1, by: "a")] {
            #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
        }
    }

    // MARK: Paper and reports

    @Test func theReceiptPrintsTheCodeTheBalanceAndWhatIsLeft() throws {
        var (t, code) = tillWithVoucher(5000)
        func printed(_ words: ReceiptWords) throws -> [String] {
            let sale = try #require(t.lastSale)
            return Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "", vouchers: t.state.vouchers(of: sale))
                .render(columns: 32, format: .finnish, currency: .EUR, words: words)
        }
        let receipt = try printed(.english)
        #expect(receipt.contains { $0.hasPrefix("Gift voucher") && $0.hasSuffix("50,00 €") })
        #expect(receipt.contains { $0.trimmingSpaces() == code })
        #expect(receipt.contains { $0.hasPrefix("Balance") && $0.hasSuffix("50,00 €") })
        #expect(receipt.contains { $0.hasPrefix("Gift voucher, no VAT") })
        #expect(receipt.allSatisfy { $0.count <= 32 })
        // The code goes to the printer as a barcode line (CODE128 with the code under it).
        let sale = try #require(t.lastSale)
        let lines = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "", vouchers: t.state.vouchers(of: sale))
            .renderLines(columns: 32, format: .finnish, currency: .EUR, words: .english)
        #expect(lines.filter { $0.emphasis == .barcode }.map { $0.text.trimmingSpaces() } == [code])

        t.must(.addItem("mug", quantity: 1))
        t.must(.tenderVoucher(code: code, amount: nil))
        let text = try printed(.finnish)
        #expect(text.contains { $0.hasPrefix("Lahjakortti") && $0.hasSuffix("12,90 €") })
        #expect(text.contains { $0.trimmingSpaces() == code })
        #expect(text.contains { $0.hasPrefix("  Saldoa jäljellä") && $0.hasSuffix("37,10 €") })
    }

    @Test func salesReportsCountVouchersAsMoneyTakenNeverAsRevenue() throws {
        var (t, code) = tillWithVoucher(5000)
        t.must(.addItem("mug", quantity: 1))
        t.must(.sellVoucher(amount: 2000))
        t.must(.tender(Tender(kind: .card, amount: 3290)))
        t.must(.addItem("coffee", quantity: 1))
        t.must(.tenderVoucher(code: code, amount: nil))
        func report(_ by: SalesGrouping) -> SalesReport {
            var b = SalesReportBuilder(grouping: by, from: nil, to: nil) { _ in 0 }
            for e in t.journal { b.add(e, recordTime: t.ctx.now) }
            return b.report()
        }
        let day = report(.day)
        #expect(day.total.sales == 2)  // the receipt of the voucher alone is none
        #expect(day.total.gross == 1290 + 350)
        #expect(day.total.items == 2)
        #expect(report(.item).rows.map(\.key).sorted() == ["coffee", "mug"])
        #expect(report(.tax).rows.reduce(0) { $0 + $1.figures.gross } == 1640)
        // The tenders hold every cent taken, the vouchers' too.
        let tenders = Dictionary(uniqueKeysWithValues: report(.tender).rows.map { ($0.key, $0.figures.gross) })
        #expect(tenders == ["cash": 5000, "card": 3290, "voucher": 350])
    }
}

import Testing
@testable import KassaCore

/// Printouts are owed from the moment the event that causes them is journaled until the printer
/// is done with them; the state, replayed or restored from a snapshot, knows what is still owed.
@Suite struct OutputTests {
    static let document = Output.document(kind: "refund", lines: [PrintedLine("REFUND", .strong), PrintedLine("TOTAL 3,00", .total),
                                                                    PrintedLine("V-R1-0001-X", .barcode), PrintedLine("thanks")])

    @Test func queuedIsOwedSentMarksItPartlyPrintedDoneSettlesIt() throws {
        var s = RegisterState()
        try s.apply(.outputQueued(id: 1, .receipt(number: 5, training: false)))
        try s.apply(.outputQueued(id: 2, Self.document))
        #expect(s.pendingOutputs[1] == PendingOutput(output: .receipt(number: 5, training: false)))
        #expect(s.lastOutputID == 2)
        try s.apply(.outputSent(id: 1, bytes: 812, copy: false))
        #expect(s.pendingOutputs[1]?.sent == true)
        try s.apply(.outputDone(id: 1, confirmedByPrinter: true))
        #expect(s.pendingOutputs[1] == nil)
        #expect(s.pendingOutputs.keys.sorted() == [2])
        #expect(s.lastOutputID == 2)
    }

    @Test func outputEventsAndOwedOutputsSurviveTheCodec() throws {
        let events: [RegisterEvent] = [
            .outputQueued(id: 1, .receipt(number: 5, training: true)), .outputQueued(id: 2, Self.document),
            .outputSent(id: 2, bytes: 100, copy: true), .outputDone(id: 1, confirmedByPrinter: false),
        ]
        var s = RegisterState()
        for e in events {
            #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
            try s.apply(e)
        }
        let restored = try EventCodec.decodeState(EventCodec.encode(s))
        #expect(restored == s)
        #expect(restored.pendingOutputs[2] == PendingOutput(output: Self.document, sent: true))
    }

    @Test func onlyTheOwedRecordIsDurable() {
        #expect(RegisterEvent.outputQueued(id: 1, Self.document).isDurable)
        #expect(!RegisterEvent.outputSent(id: 1, bytes: 1, copy: false).isDurable)
        #expect(!RegisterEvent.outputDone(id: 1, confirmedByPrinter: true).isDurable)
    }

    @Test func aReceiptsTotalIsEmphasisedAndItsCopyMarkStrong() throws {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.tender(Tender(kind: .cash, amount: 500)))
        let sale = try #require(t.lastSale)
        let receipt = Receipt.sale(sale, config: t.env.config, operatorName: "Anna", localTime: "2026-11-28 12:00", copy: true)
        let lines = receipt.renderLines(columns: 42, format: .finnish, currency: .EUR, words: .english)
        #expect(lines.first == PrintedLine(TextLayout.center("*** COPY ***", in: 42), .strong))
        let totals = lines.filter { $0.emphasis == .total }
        #expect(totals.count == 1)
        #expect(totals[0].text.hasPrefix("TOTAL"))
        #expect(lines.map(\.text) == receipt.render(columns: 42, format: .finnish, currency: .EUR, words: .english))
    }
}

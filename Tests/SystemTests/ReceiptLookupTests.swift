import Foundation
import KassaIPC
import Testing

/// `receipt.get`: a register reads a past sale (to pick the lines of a refund) without printing.
@Suite struct ReceiptLookupTests {
    @Test func aCompletedSaleCanBeReadBackWithoutPrintingAnything() throws {
        let daemon = Daemon()
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101", "quantity": 2])
        _ = try c.call(.saleScan, args: ["code": "103"])
        _ = try c.call(.saleVoidLine, args: ["line": 1])
        let done = try c.call(.saleTender, args: ["kind": "cash", "amount": 1000])
        let number = try #require(done["completed"]?["receipt"]?.intValue)
        let printed = (try? Data(contentsOf: URL(fileURLWithPath: daemon.stateDirectory + "/printer.out")).count) ?? 0

        let receipt = try c.call(.receiptGet, args: ["receipt": .int(number)])
        #expect(receipt["receipt"]?.intValue == number)
        #expect(receipt["total"]?.intValue == 580)
        let lines = receipt["lines"]?.arrayValue ?? []
        #expect(lines.map { $0["name"]?.stringValue } == ["Kahvi", "Tee"])
        #expect(lines.map { $0["voided"]?.boolValue } == [false, true])
        #expect(receipt["priced"]?.arrayValue?.first?["gross"]?.intValue == 580)
        #expect(receipt["priced"]?.arrayValue?.last == .null)
        #expect(((try? Data(contentsOf: URL(fileURLWithPath: daemon.stateDirectory + "/printer.out")).count) ?? 0) == printed)
        #expect(c.errorCode(.receiptGet, ["receipt": 999]) == .notFound)
    }

    /// Training receipts are numbered from 1 too: "reprint last" in training once printed a copy
    /// of the real receipt 1. Each mode reaches only its own receipts, and a training receipt
    /// reads T1 on paper.
    @Test func inTrainingOnlyTrainingReceiptsAreReadReprintedOrRefunded() throws {
        let daemon = Daemon()
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        _ = try c.call(.saleTender, args: ["kind": "cash", "amount": 1000])
        _ = try c.call(.trainingSet, args: ["on": true, "override_pin": "2222"])
        _ = try c.call(.saleScan, args: ["code": "103"])
        let training = try c.call(.saleTender, args: ["kind": "cash", "amount": 1000])
        #expect(training["completed"]?["receipt"]?.intValue == 1)
        #expect(training["completed"]?["text"]?.arrayValue?.contains { $0.stringValue?.contains("demo-1-T1") == true } == true)

        // Receipt 1 in training is the training one, whatever the client asks.
        #expect(try c.call(.receiptGet, args: ["receipt": 1])["lines"]?.arrayValue?.first?["name"]?.stringValue == "Tee")
        #expect(c.errorCode(.receiptGet, ["receipt": 1, "training": false]) == .conflict)
        #expect(c.errorCode(.receiptReprint, ["receipt": 1, "training": false]) == .conflict)
        let copy = try c.call(.receiptReprint, args: ["receipt": 1])["text"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(copy.contains { $0.contains("Tee") } && !copy.contains { $0.contains("Kahvi") })

        // And the other way round once training ends.
        _ = try c.call(.trainingSet, args: ["on": false, "override_pin": "2222"])
        #expect(try c.call(.receiptGet, args: ["receipt": 1])["lines"]?.arrayValue?.first?["name"]?.stringValue == "Kahvi")
        #expect(c.errorCode(.receiptGet, ["receipt": 1, "training": true]) == .conflict)
    }
}

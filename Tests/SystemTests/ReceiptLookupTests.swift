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
}

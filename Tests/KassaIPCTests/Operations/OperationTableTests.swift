import Testing
@testable import KassaIPC
import KassaSystem

private func check(_ op: Op, _ args: JSONObject) -> IPCError? {
    do throws(IPCError) {
        try op.spec.check(args, op: op)
        return nil
    } catch {
        return error
    }
}

@Suite struct OperationTable {
    @Test func everyOperationHasOneNameThatReadsBack() {
        let names = Op.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        for op in Op.allCases { #expect(Op(name: op.name) == op) }
        #expect(Op(name: "sale.sell_twice") == nil)
    }

    @Test func anArgumentTheOperationDoesNotTakeIsRefused() {
        for op in Op.allCases {
            #expect(check(op, ["no_such_argument": 1])?.code == .badArgs, "\(op.name)")
        }
    }

    @Test func aMissingRequiredArgumentIsNamed() {
        #expect(check(.saleScan, [:]) == IPCError(.badArgs, "sale.scan: 'code' is required"))
        #expect(check(.shiftOpen, ["float": .null]) == IPCError(.badArgs, "shift.open: 'float' is required"))
    }

    @Test func amountsAreWholeNumbersWithinTheirBounds() {
        #expect(check(.shiftOpen, ["float": 0]) == nil)
        #expect(check(.shiftOpen, ["float": .int(Bounds.amount.upperBound)]) == nil)
        #expect(check(.shiftOpen, ["float": .int(Bounds.amount.upperBound + 1)])?.code == .badArgs)
        #expect(check(.shiftOpen, ["float": .int(Int64.max)])?.code == .badArgs)
        #expect(check(.shiftOpen, ["float": -1])?.code == .badArgs)
        #expect(check(.shiftOpen, ["float": .decimal("12.5")])
                == IPCError(.badArgs, "shift.open: 'float' must be a whole number (amounts are in minor units), not 12.5"))
        #expect(check(.saleOverridePrice, ["line": 0, "unit_price": .int(Int64.max)])?.code == .badArgs)
        #expect(check(.saleTender, ["kind": "cash", "amount": .int(Int64.min)])?.code == .badArgs)
    }

    @Test func stringsHaveAMaximumLengthAndChoicesAreClosed() {
        #expect(check(.login, ["pin": .string(String(repeating: "1", count: Bounds.pinBytes + 1))])?.code == .badArgs)
        #expect(check(.saleTender, ["kind": "gold", "amount": 1])
                == IPCError(.badArgs, "sale.tender: 'kind' must be one of cash, card, voucher"))
        #expect(check(.reportSales, ["by": "fortnight"])?.code == .badArgs)
        #expect(check(.reportSales, ["by": "day", "from": "2026-1-1"])?.code == .badArgs)
        #expect(check(.reportSales, ["by": "day", "from": "2026-01-01"]) == nil)
    }

    @Test func nestedRecordsAreCheckedFieldByField() {
        #expect(check(.refund, ["receipt": 1, "tender": "cash", "lines": [["line": 0, "quantity": 1]]]) == nil)
        #expect(check(.refund, ["receipt": 1, "tender": "cash", "lines": [["line": 0]]])
                == IPCError(.badArgs, "refund: 'lines[0].quantity' is required"))
        #expect(check(.refund, ["receipt": 1, "tender": "cash", "lines": [["line": 0, "quantity": 1, "price": 5]]])
                == IPCError(.badArgs, "refund: unknown argument 'lines[0].price'"))
        #expect(check(.refund, ["receipt": 1, "tender": "cash", "lines": "all"])?.code == .badArgs)
        let tooMany = JSONValue.array(Array(repeating: ["line": 0, "quantity": 1], count: 1001))
        #expect(check(.refund, ["receipt": 1, "tender": "cash", "lines": tooMany])?.code == .badArgs)
    }

    @Test func whatWritesTakesAnIdempotencyKeyAndWhatReadsDoesNot() {
        #expect(Op.saleScan.spec.effect == .write)
        #expect(Op.refund.spec.effect == .durable)
        #expect(Op.technicianRecover.spec.effect.writes, "recovering a technician journals it")
        #expect(!Op.status.spec.effect.writes)
        #expect(Op.journalRecover.spec.whileReadOnly && Op.journalRecover.spec.effect.writes)
        #expect(Op.allCases.filter(\.spec.whileReadOnly) == [.journalRecover])
    }

    @Test func technicianToolsNeedATechnicianSession() {
        for op in [Op.configSet, .operatorAdd, .backupRead, .restoreCommit, .logTail, .catalogImport, .devicesOpenDrawer] {
            #expect(op.spec.access == .technician, "\(op.name)")
        }
    }

    /// PROTOCOL.md carries the table as generated: an operation added, renamed or given other
    /// rights without the document following fails here.
    @Test func protocolDocumentListsTheTableAsItIs() throws {
        let path = String(#filePath.prefix(upTo: #filePath.firstRange(of: "/Tests/")!.lowerBound)) + "/Sources/KassaIPC/PROTOCOL.md"
        let text = String(decoding: try readWholeFile(path), as: UTF8.self)
        let begin = "<!-- operation table: generated from Op.markdownTable(), checked by a test -->\n"
        let end = "\n<!-- end of operation table -->"
        guard let b = text.firstRange(of: begin), let e = text[b.upperBound...].firstRange(of: end) else {
            Issue.record("PROTOCOL.md has no operation table between its markers")
            return
        }
        let documented = String(text[b.upperBound..<e.lowerBound])
        #expect(documented == Op.markdownTable(), "PROTOCOL.md's operation table differs; it should read:\n\(Op.markdownTable())")
        // Every operation the detailed sections describe is one of the table's.
        let operations = text.split(separator: "\n").drop { $0 != "## Operations" }.prefix { $0 != "### Events" }
        for line in operations where line.hasPrefix("| `") && !documented.contains(line) {
            let name = line.dropFirst(3).prefix { $0 != "`" }
            #expect(Op(name: String(name)) != nil || eventNames.contains(String(name)), "PROTOCOL.md describes '\(name)', which is no operation")
        }
    }
}

private let eventNames: Set<String> = [
    "sale.changed", "sale.completed", "refund.completed", "operator.changed", "shift.changed", "day.closed", "promotion.changed",
    "timeclock.punched", "device.status", "scan", "scanner.error", "card.swiped", "output.done", "output.stalled", "scan.test",
    "alarm", "gap",
]

@Suite("The digest an idempotency key is journaled with")
struct RequestDigestTests {
    let spec = Op.saleTender.spec

    @Test func theSameRequestInAnotherKeyOrderHasTheSameDigest() {
        let a = spec.digest(of: .saleTender, ["kind": "cash", "amount": 500])
        let b = spec.digest(of: .saleTender, ["amount": 500, "kind": "cash"])
        #expect(a == b)
        #expect(a.count == 32)
    }

    @Test func otherArgumentsOrAnotherOperationHaveAnotherDigest() {
        let a = spec.digest(of: .saleTender, ["kind": "cash", "amount": 500])
        #expect(a != spec.digest(of: .saleTender, ["kind": "cash", "amount": 501]))
        #expect(a != spec.digest(of: .saleTender, ["kind": "cash"]))
        #expect(a != Op.shiftCashIn.spec.digest(of: .shiftCashIn, ["kind": "cash", "amount": 500]))
        // Nested objects are compared by content, not by their keys' order.
        let refund = Op.refund.spec
        #expect(refund.digest(of: .refund, ["lines": [["line": 0, "quantity": 1]]])
                == refund.digest(of: .refund, ["lines": [["quantity": 1, "line": 0]]]))
        #expect(refund.digest(of: .refund, ["lines": [["line": 0, "quantity": 1]]])
                != refund.digest(of: .refund, ["lines": [["line": 0, "quantity": 2]]]))
    }

    @Test func secretsAreLeftOutSoTheJournalCannotTestAPIN() {
        let cancel = Op.saleCancel.spec
        #expect(cancel.digest(of: .saleCancel, ["override_pin": "2222"]) == cancel.digest(of: .saleCancel, ["override_pin": "9999"]))
        let recover = Op.technicianRecover.spec
        #expect(recover.digest(of: .technicianRecover, ["code": "12345678", "id": "t", "pin": "1234"])
                == recover.digest(of: .technicianRecover, ["code": "87654321", "id": "t", "pin": "4321"]))
    }
}

import Foundation
import KassaIPC
import Testing

/// Card payments through the demo's simulated terminal, whose behaviour the amount's last two
/// digits choose (13 declines, 77 charges and loses the answer, 88 answers after 2 s). The
/// terminal keeps its transactions in STATE/card-terminal-sim.log, one line each, tab-separated.
@Suite struct CardPaymentSystemTests {
    func daemon() throws -> Daemon {
        let d = Daemon()
        let config = d.directory + "/kassa.conf"
        try "[card_terminal]\ntype = simulator\ntimeout = 1s\n".write(toFile: config, atomically: true, encoding: .utf8)
        d.setArguments(["--demo", "--config", config])
        return d
    }

    /// The terminal's charges under `reference` that still stand.
    func charges(_ d: Daemon, _ reference: String) -> [String] {
        let text = (try? String(contentsOfFile: d.stateDirectory + "/card-terminal-sim.log", encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").filter { $0.hasPrefix(reference + "\t") }
        // The file keeps every change of a transaction; its last line is where it stands.
        guard let last = lines.last, last.split(separator: "\t")[3] == "approved" else { return [] }
        return [String(last)]
    }

    func cardTenders(_ c: IPCClient) throws -> [JSONValue] {
        (try c.call(.saleGet)["tenders"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == "card" }
    }

    @Test func anApprovedCardPaysItsPartAndTheReferenceIsTheTerminals() throws {
        let d = try daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        let r = try c.call(.saleTender, args: ["kind": "card", "amount": 100])
        let tender = try #require(r["sale"]?["tenders"]?.arrayValue?.first)
        let reference = try #require(tender["reference"]?.stringValue)
        #expect(tender["amount"]?.intValue == 100)
        #expect(charges(d, reference).count == 1)
        #expect(try !d.log.contains("4111111111111111"))
        let due = try c.call(.saleGet)["cash_due"]?.intValue ?? 0
        let done = try c.call(.saleTender, args: ["kind": "cash", "amount": .int(due)])
        #expect(done["completed"]?["receipt"]?.intValue == 1)
    }

    @Test func aDeclinedCardLeavesTheSaleOpenAndUnpaid() throws {
        let d = try daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(c.errorCode(.saleTender, ["kind": "card", "amount": 113]) == .cardDeclined)
        #expect(try cardTenders(c).isEmpty)
        #expect(try c.call(.saleGet) != .null)
        // And selling goes on: the next card is approved.
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": 100])
        #expect(try cardTenders(c).count == 1)
    }

    @Test func aLostAnswerIsSettledFromTheTerminalsMemoryAndChargedOnce() throws {
        let d = try daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        let r = try c.call(.saleTender, args: ["kind": "card", "amount": 177])
        let reference = try #require(r["sale"]?["tenders"]?.arrayValue?.first?["reference"]?.stringValue)
        #expect(charges(d, reference).count == 1)
        #expect(try cardTenders(c).count == 1)
        #expect(d.log.contains("outcome unknown"))
    }

    @Test func aPendingCardPaymentAndItsRetryUnderTheSameKeyBothGetTheAnswer() throws {
        let d = try daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        // The terminal takes 2 s to answer (amount ending 88); the retry comes meanwhile.
        let first = try IPCClient(path: d.socket, timeoutMilliseconds: 30_000)
        try first.send(Request(id: .int(1), op: .saleTender, args: ["kind": "card", "amount": 188], idempotencyKey: "card-1"))
        let deadline = Date().addingTimeInterval(10)
        while !d.log.contains("card authorisation requested"), Date() < deadline { usleep(20_000) }
        let retry = try IPCClient(path: d.socket, timeoutMilliseconds: 30_000)
        // A different request under the pending payment's key is not a retry.
        #expect(retry.errorCode(.saleTender, ["kind": "card", "amount": 100], key: "card-1") == .conflict)
        let retried = try retry.call(.saleTender, args: ["kind": "card", "amount": 188], idempotencyKey: "card-1")
        let original = try first.awaitReply(.int(1))
        guard case .success(let answer) = original.outcome else {
            Issue.record("the original request got \(original.outcome)")
            return
        }
        #expect(answer == retried)
        #expect(try cardTenders(c).count == 1)
    }

    @Test func killedWhileTheTerminalWorksTheRestartAsksItFirstAndTheCardIsChargedOnce() throws {
        let d = try daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        // The terminal takes 2 s to answer; kassad is killed while it waits.
        let socket = d.socket
        Thread.detachNewThread {
            let paying = try? IPCClient(path: socket, timeoutMilliseconds: 5000)
            _ = paying?.attempt(.saleTender, ["kind": "card", "amount": 188])
        }
        var requested = false
        let deadline = Date().addingTimeInterval(5)
        while !requested, Date() < deadline {
            requested = d.log.contains("card authorisation requested")
            usleep(20_000)
        }
        try #require(requested)
        // Until it knows, nothing else is sold.
        #expect(c.errorCode(.saleScan, ["code": "101"]) == .cardPaymentPending)
        d.kill9()

        try d.start()
        let again = try d.client()
        var tenders: [JSONValue] = []
        let settled = Date().addingTimeInterval(10)
        while tenders.isEmpty, Date() < settled {
            tenders = (try? cardTenders(again)) ?? []
            if tenders.isEmpty { usleep(50_000) }
        }
        let reference = try #require(tenders.first?["reference"]?.stringValue)
        #expect(tenders.count == 1)
        #expect(charges(d, reference).count == 1)
        #expect(d.log.contains("left unresolved; asking the terminal"))
        // Selling resumes once it is settled: the rest of the sale is paid.
        let due = try again.call(.saleGet)["cash_due"]?.intValue ?? 0
        #expect(try again.call(.saleTender, args: ["kind": "cash", "amount": .int(due)])["completed"] != nil)
    }
}

/// No full card number reaches the journal, the log or a receipt, wherever it is typed.
@Suite struct CardNumberExposureTests {
    @Test func aCardNumberTypedAsAReferenceOrReasonIsMaskedInJournalLogAndReceipt() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let pan = "4111 1111 1111 1111"
        _ = try c.call(.saleScan, args: ["code": "101"])
        let r = try c.call(.saleTender, args: ["kind": "card", "amount": 290, "reference": .string(pan)])
        let text = r["completed"]?["text"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? ""
        #expect(text.contains("**** **** **** 1111"), "\(text)")
        _ = try c.call(.shiftCashOut, args: ["amount": 100, "reason": .string("refund to card 4111111111111111")])
        _ = c.attempt(.saleScan, ["code": "4111111111111111"])
        #expect(d.stop() == 0)
        let dump = try d.kassa(["journal", "dump", "--state-dir", d.stateDirectory]).out
        for form in [pan, "4111111111111111"] {
            #expect(!dump.contains(form))
            #expect(!d.log.contains(form))
            #expect(!text.contains(form))
        }
        let printed = printedText(d.stateDirectory + "/printer.out")
        #expect(!printed.isEmpty && !printed.contains(pan))
    }
}

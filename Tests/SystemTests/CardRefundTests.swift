import Foundation
import KassaIPC
import Testing

/// Refunds to card, cancelling a waiting card payment, declines and card receipts, through the
/// real kassad and the demo's simulated terminal (amounts ending 13 decline, 66 wait for a card
/// that never comes, 77 are charged but the answer is lost, 88 answer after 2 s).
@Suite struct CardRefundSystemTests {
    let cards = CardPaymentSystemTests()

    /// A sale of one item at `price`, paid as `kind` (through the terminal for a card).
    func sold(_ c: IPCClient, price: Int64, kind: String = "cash") throws -> Int64 {
        _ = try c.call(.saleScan, args: ["code": "101"])
        _ = try c.call(.saleOverridePrice, args: ["line": 0, "unit_price": .int(price), "override_pin": "2222"])
        // Cash is rounded to 5 cents: a note above the price pays it.
        let done = try c.call(.saleTender, args: ["kind": .string(kind), "amount": .int(kind == "cash" ? price + 1000 : price)])
        return try #require(done["completed"]?["receipt"]?.intValue)
    }

    func refund(_ c: IPCClient, _ receipt: Int64, tender: String? = nil) -> Result<JSONValue, IPCError> {
        var args: JSONObject = ["receipt": .int(receipt), "lines": [["line": 0, "quantity": 1]], "override_pin": "2222"]
        if let tender { args["tender"] = .string(tender) }
        return c.attempt(.refund, args)
    }

    /// The simulator's lines for refunds, as it wrote them.
    func terminalRefunds(_ d: Daemon) -> [[Substring]] {
        let text = (try? String(contentsOfFile: d.stateDirectory + "/card-terminal-sim.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: "\t") }.filter { $0.last == "refund" }
    }

    func text(_ v: JSONValue?) -> String {
        v?["text"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? ""
    }

    @Test func aRefundOfACardSaleGoesBackToTheCardThroughTheTerminalAndItsSlipNamesTheCard() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        let paid = try c.call(.saleTender, args: ["kind": "card", "amount": .int(try c.call(.saleGet)["due"]?.intValue ?? 0)])
        let receipt = try #require(paid["completed"]?["receipt"]?.intValue)
        let reference = try #require(paid["completed"]?["tenders"]?.arrayValue?.first?["reference"]?.stringValue)
        // The sale's receipt names the card as the terminal did, not the register's reference.
        let saleText = text(paid["completed"])
        #expect(saleText.contains("************1111") && saleText.contains("Auth "), "\(saleText)")
        #expect(!saleText.contains(reference))

        guard case .success(let r) = refund(c, receipt) else {
            Issue.record("the refund was refused: \(refund(c, receipt))")
            return
        }
        #expect(r["tender"]?.stringValue == "card")
        #expect(r["card"]?["masked_pan"]?.stringValue?.hasSuffix("4444") == true)
        let slip = text(r)
        #expect(slip.contains("Mastercard ************4444") && slip.contains("Auth "), "\(slip)")
        let credited = terminalRefunds(d)
        #expect(credited.count == 1)
        #expect(credited.first?[3] == "approved")
        #expect(credited.first.map { Int64($0[1]) } == r["paid_out"]?.intValue)
        // A reprint of the sale's receipt still names the card.
        let copy = try c.call(.receiptReprint, args: ["receipt": .int(receipt)])
        #expect(text(copy).contains("************1111"))
    }

    @Test func aDeclinedCardRefundIsNotDoneSaysWhyInOneSentenceAndStaysRefundable() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let receipt = try sold(c, price: 213)
        // Paid in cash: the card is another tender, which the supervisor's PIN allows.
        guard case .failure(let e) = refund(c, receipt, tender: "card") else {
            Issue.record("a declined refund must not be done")
            return
        }
        #expect(e.code == .cardDeclined)
        #expect(e.message == "The card was declined by the card's bank. The refund is not done.")
        // Still refundable, in cash as it was paid.
        guard case .success(let r) = refund(c, receipt) else {
            Issue.record("the line should still be refundable")
            return
        }
        #expect(r["tender"]?.stringValue == "cash")
    }

    @Test func aCardRefundWhoseAnswerIsLostIsSettledFromTheTerminalsMemoryAndCreditedOnce() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let receipt = try sold(c, price: 177)
        guard case .success(let r) = refund(c, receipt, tender: "card") else {
            Issue.record("the refund was refused: \(refund(c, receipt, tender: "card"))")
            return
        }
        #expect(r["tender"]?.stringValue == "card")
        #expect(r["paid_out"]?.intValue == 177)
        #expect(d.log.contains("card refund outcome unknown"))
        #expect(terminalRefunds(d).count == 1)
        // Done once: the line is refunded.
        guard case .failure(let again) = refund(c, receipt, tender: "card") else {
            Issue.record("a second refund of the line must be refused")
            return
        }
        #expect(again.code == .refused)
    }

    @Test func killedWhileTheTerminalCreditsTheRestartAsksItFirstAndTheRefundIsDoneOnce() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let receipt = try sold(c, price: 188)
        // The terminal takes 2 s to answer (amount ending 88); kassad is killed while it waits.
        let socket = d.socket
        Thread.detachNewThread {
            let refunding = try? IPCClient(path: socket, timeoutMilliseconds: 5000)
            _ = refunding?.attempt(.refund, ["receipt": .int(receipt), "lines": [["line": 0, "quantity": 1]], "tender": "card",
                                             "override_pin": "2222"])
        }
        try #require(d.waitForLog("card refund requested"))
        // Until it knows, nothing else is sold.
        #expect(c.errorCode(.saleScan, ["code": "101"]) == .cardPaymentPending)
        d.kill9()

        try d.start()
        let again = try d.client()
        _ = try again.call(.login, args: ["pin": "1111"])
        var refused: IPCError?
        let settled = Date().addingTimeInterval(60)
        repeat {
            // Once settled, the line is refunded: a second refund of it is refused as done.
            if case .failure(let e) = refund(again, receipt, tender: "card"), e.code != .cardPaymentPending { refused = e }
            if refused == nil { usleep(100_000) }
        } while refused == nil && Date() < settled
        #expect(refused?.code == .refused, "\(String(describing: refused))")
        #expect(d.log.contains("card refund was left unresolved; asking the terminal"))
        #expect(terminalRefunds(d).count == 1)
    }

    @Test func aWaitingCardPaymentIsCancelledByTheCashierAndNothingIsCharged() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        // The terminal waits for a card that never comes (amount ending 66).
        let paying = try IPCClient(path: d.socket, timeoutMilliseconds: 30_000)
        try paying.send(Request(id: .int(1), op: .saleTender, args: ["kind": "card", "amount": 166]))
        d.waitForLog("card authorisation requested")
        let cancelled = c.attempt(.cardCancel)
        let payment = try paying.awaitReply(.int(1))
        for outcome in [cancelled, payment.outcome] {
            guard case .failure(let e) = outcome else {
                Issue.record("a cancelled payment must not be charged: \(outcome)")
                continue
            }
            #expect(e.code == .cardNotCharged)
            #expect(e.message.contains("cancelled at the register"))
        }
        #expect(try cards.cardTenders(c).isEmpty)
        // And selling goes on: another card is approved.
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": 100])
        #expect(try cards.cardTenders(c).count == 1)
        #expect(c.errorCode(.cardCancel) == .notFound)
    }

    @Test func aCancelThatComesAfterTheCardWasChargedKeepsTheApproval() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        // The card is charged at once, the answer takes 2 s (amount ending 88).
        let paying = try IPCClient(path: d.socket, timeoutMilliseconds: 30_000)
        try paying.send(Request(id: .int(1), op: .saleTender, args: ["kind": "card", "amount": 188]))
        d.waitForLog("card authorisation requested")
        let cancelled = c.attempt(.cardCancel)
        guard case .success = cancelled, case .success = try paying.awaitReply(.int(1)).outcome else {
            Issue.record("the approval must not be lost: \(cancelled)")
            return
        }
        #expect(try cards.cardTenders(c).count == 1)
        #expect(d.log.contains("too late to cancel"))
    }

    @Test func aDeclinedCardPaymentReadsAsOneSentence() throws {
        let d = try cards.daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        guard case .failure(let e) = c.attempt(.saleTender, ["kind": "card", "amount": 114]) else {
            Issue.record("expected a decline")
            return
        }
        #expect(e.code == .cardDeclined)
        #expect(e.message == "The card was declined: there is not enough money on the account.")
    }
}

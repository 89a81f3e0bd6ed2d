import Foundation
import KassaCore
import KassaIPC
import Testing

/// Vouchers over the socket, against the real kassad (demo: cashier anna 1111, supervisor sami
/// 2222, technician tero 3333; PLU 101 is a coffee at 2.90).
@Suite struct VoucherSystemTests {
    /// Sells a gift voucher of `amount` for cash; its code, from the completed sale's reply.
    func sellVoucher(_ c: IPCClient, _ amount: Int64) throws -> String {
        _ = try c.call(.saleSellVoucher, args: ["amount": .int(amount)])
        let paid = try c.call(.saleTender, args: ["kind": "cash", "amount": .int(amount)])
        let vouchers = try #require(paid["completed"]?["vouchers"]?.arrayValue)
        #expect(vouchers.count == 1 && vouchers.first?["balance"]?.intValue == amount)
        return try #require(vouchers.first?["code"]?.stringValue)
    }

    @Test func aVoucherCannotBeSpentTwiceAlsoNotByTwoRequestsRacing() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let socket = d.socket
        for round in 0..<6 {
            let code = try sellVoucher(c, 1000)
            // 29.00 due: more than the voucher holds, so each request alone would be taken.
            _ = try c.call(.saleScan, args: ["code": "101", "quantity": 10])
            // Odd rounds ask for the balance (the default), even ones for 6.00 each: either way
            // two payments of it do not fit.
            var args: JSONObject = ["kind": "voucher", "reference": .string(code)]
            if round % 2 == 0 { args["amount"] = 600 }
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            let outcomes = Outcomes()
            let ready = DispatchSemaphore(value: 0)
            for i in 0..<2 {
                // Two clients of their own, connected first, then let go at once.
                let request = Request(id: .int(Int64(round * 10 + i)), op: "sale.tender", args: args)
                done.enter()
                Thread.detachNewThread {
                    defer { done.leave() }
                    let racer = try? IPCClient(path: socket, timeoutMilliseconds: 5000)
                    ready.signal()
                    start.wait()
                    do {
                        guard let racer else { throw IPCClientError.protocolViolation("no connection") }
                        try racer.send(request)
                        outcomes.add(try racer.awaitReply(request.id))
                    } catch {
                        outcomes.add(.error(request.id, IPCError(.internal, "\(error)")))
                    }
                }
            }
            ready.wait()
            ready.wait()
            start.signal()
            start.signal()
            done.wait()
            let replies = outcomes.all
            #expect(replies.count == 2)
            let accepted = replies.filter { if case .success = $0.outcome { return true }; return false }
            let refused = replies.compactMap { r -> IPCError? in if case .failure(let e) = r.outcome { return e }; return nil }
            #expect(accepted.count == 1, "round \(round): exactly one of the two is taken")
            #expect(refused.count == 1)
            if round % 2 == 0 {
                #expect(refused.first?.code == .refused)
                #expect(refused.first?.message.contains("only 4,00") == true, "\(refused.first?.message ?? "")")
            } else {
                #expect(refused.first?.code == .conflict)
                #expect(refused.first?.message.contains("used up") == true, "\(refused.first?.message ?? "")")
            }
            // The sale holds one voucher payment, the voucher one redemption.
            let sale = try c.call(.saleGet)
            #expect(sale["tenders"]?.arrayValue?.count == 1)
            let voucher = try c.call(.voucherGet, args: ["code": .string(code)])
            #expect(voucher["balance"]?.intValue == (round % 2 == 0 ? 400 : 0))
            #expect(voucher["redemptions"]?.arrayValue?.count == 1)
            _ = try c.call(.saleTender, args: ["kind": "cash", "amount": 3000])
            let receipt = try c.call(.voucherGet, args: ["code": .string(code)])["redemptions"]?.arrayValue?.first?["receipt"]
            #expect(receipt?.intValue != nil, "the redemption names its receipt once the sale is done")
        }
    }

    @Test func giftVoucherAndStoreCreditFromSaleAndRefundToScanReportAndRestart() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()

        // Sold: the code and its balance are on the receipt, and no VAT is.
        _ = try c.call(.saleScan, args: ["code": "101"])
        _ = try c.call(.saleSellVoucher, args: ["amount": 5000])
        #expect(c.errorCode(.saleDiscountLine, ["line": 1, "percent_bp": 1000]) == .refused)
        let paid = try c.call(.saleTender, args: ["kind": "card", "amount": 5290])
        let completed = try #require(paid["completed"])
        let gift = try #require(completed["vouchers"]?.arrayValue?.first?["code"]?.stringValue)
        let text = (completed["text"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(text.contains { $0.trimmingCharacters(in: .whitespaces) == gift })
        #expect(text.contains { $0.hasPrefix("Gift voucher, no VAT") })
        #expect(completed["breakdown"]?.arrayValue?.map { $0["gross"]?.intValue } == [290])

        // Spent by a scan, as a scanner or the register's screen sends it.
        _ = try c.call(.saleScan, args: ["code": "101", "quantity": 2])
        let scanned = try c.call(.saleScan, args: ["code": .string(gift.lowercased())])
        #expect(scanned == .null, "the voucher paid the sale, so none is open")
        let after = try c.call(.voucherGet, args: ["code": .string(gift)])
        #expect(after["balance"]?.intValue == 4420)
        #expect(after["redemptions"]?.arrayValue?.first?["receipt"]?.intValue == 2)
        #expect(c.errorCode(.saleScan, ["code": .string(gift)]) == .conflict)  // no sale open to pay

        // The wrong ones, each with its own words.
        _ = try c.call(.saleScan, args: ["code": "101"])
        var typo = Array(gift)
        typo[typo.count - 1] = typo.last == "A" ? "B" : "A"
        let mistyped = c.attempt(.saleTender, ["kind": "voucher", "reference": .string(String(typo))])
        if case .failure(let e) = mistyped { #expect(e.code == .badArgs && e.message.contains("mistyped")) } else { Issue.record("taken") }
        let register = try #require(try c.call(.status)["register"]?.stringValue)
        let elsewhere = VoucherCode.make(registerID: "elsewhere", number: 1)
        if case .failure(let e) = c.attempt(.voucherGet, ["code": .string(elsewhere)]) {
            #expect(e.code == .notFound && e.message.contains("register ELSEWHERE"))
        } else { Issue.record("another register's voucher was found") }
        #expect(c.errorCode(.saleTender, ["kind": "voucher"]) == .badArgs)
        if case .failure(let e) = c.attempt(.saleTender, ["kind": "voucher", "reference": .string(gift), "amount": 5000]) {
            #expect(e.code == .refused && e.message.contains("44,20"), "\(e.message)")
        } else { Issue.record("more than the balance was taken") }
        _ = try c.call(.saleTender, args: ["kind": "cash", "amount": 290])

        // Refunded to a voucher: store credit of what was paid, its code on the slip.
        let refund = try c.call(.refund, args: ["receipt": 2, "lines": [["line": 0, "quantity": 2]], "tender": "voucher",
                                                 "override_pin": "2222"])
        let credit = try #require(refund["voucher"]?["code"]?.stringValue)
        #expect(refund["voucher"]?["balance"]?.intValue == 580 && refund["paid_out"]?.intValue == 580)
        #expect(refund["text"]?.arrayValue?.contains { $0.stringValue?.contains(credit) == true } == true)
        #expect(credit != gift && credit.hasPrefix("V-\(register.uppercased())-"))

        // What the shop owes: both, for a supervisor or technician.
        #expect(c.errorCode(.voucherList) == .forbidden)
        _ = try c.call(.login, args: ["pin": "2222"])
        let list = try c.call(.voucherList)
        #expect(list["outstanding_total"]?.intValue == 5000)  // 44.20 + 5.80
        #expect(list["vouchers"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == [gift, credit])

        // The Z closing: the voucher is money taken, no sale.
        let z = try c.call(.reportZ)
        #expect(z["report"]?["sales_gross"]?.intValue == 1160)  // three receipts of coffee: 2.90, 5.80, 2.90
        #expect(z["report"]?["vouchers_sold"]?.intValue == 5000)
        #expect(z["text"]?.arrayValue?.contains { $0.stringValue?.hasPrefix("Vouchers sold") == true } == true)

        // After a restart from the journal, the same balances.
        try d.restart()
        let again = try d.client()
        #expect(try again.call(.voucherGet, args: ["code": .string(gift)])["balance"]?.intValue == 4420)
        #expect(try again.call(.voucherGet, args: ["code": .string(credit)])["kind"]?.stringValue == "store_credit")

        // The CLI: pay with one, show it, list them.
        _ = try again.call(.login, args: ["pin": "1111"])
        _ = try again.call(.saleScan, args: ["code": "101"])
        let pay = try d.kassa(["pay", "voucher", "--ref", credit])
        #expect(pay.status == 0, "\(pay.err)")
        let show = try d.kassa(["voucher", "show", credit])
        #expect(show.status == 0 && show.out.contains(credit) && show.out.contains("2,90 €"), "\(show.out)")
        _ = try again.call(.login, args: ["pin": "2222"])
        let cli = try d.kassa(["voucher", "list"])
        #expect(cli.status == 0 && cli.out.contains("outstanding: 2 vouchers, 47,10 € owed"), "\(cli.out)")
    }

    @Test func theConsoleShowsWhatIsOwedAndOneVouchersHistory() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let code = try sellVoucher(c, 2000)
        let console = try ConsoleLine(d)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("kassa> ")
        console.send("voucher\r")
        let list = console.expect("owed.")
        #expect(list.contains(code) && list.contains("1 vouchers, 20.00 EUR owed"), "\(list)")
        console.send("voucher \(code)\r")
        let one = console.expect("by Anna: 20.00 EUR")
        #expect(one.contains("outstanding") && one.contains("on receipt 1"), "\(one)")
    }
}

/// Replies gathered from several threads.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [Reply] = []
    func add(_ r: Reply) { lock.lock(); replies.append(r); lock.unlock() }
    var all: [Reply] { lock.lock(); defer { lock.unlock() }; return replies }
}

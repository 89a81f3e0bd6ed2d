import KassaCore
import KassaIPC

/// The console's `voucher`: what the shop owes on vouchers, and one voucher's history.
enum VoucherConsole {
    static let command = ConsoleCommand(
        usage: "voucher [all] | voucher CODE",
        help: """
            Without a word: every voucher still worth something (gift vouchers
            sold, store credit given on refunds) and the total owed on them.
            all: used-up and void ones too. CODE: one voucher, where it came
            from and each receipt it paid.
            """,
        run: voucher)

    static func voucher(_ c: Console, _ args: [String]) throws(ConsoleError) {
        try ConsoleCommands.expect(args, 0...1, "voucher, voucher all or voucher CODE")
        let money = MoneyFormat.plain(c.link.currency)
        func amount(_ minor: Int64) -> String { money.format(minor, currency: c.link.currency) }
        if let code = args.first, code != "all" {
            let reply = try c.call(.voucherGet, ["code": .string(code)], as: VoucherReply.self)
            let v = reply.voucher
            c.say(line(v, amount))
            let origin: String
            switch v.issue.source {
            case .sale(let receipt, _): origin = "receipt \(receipt)"
            case .refund(let refund): origin = "refund \(refund)"
            }
            c.say("issued \(reply.issuedLocalTime) on \(origin) by \(reply.issuedByName): \(amount(v.issue.amount))")
            for (r, local) in zip(v.redemptions, reply.redemptionLocalTimes) {
                let receipt = r.receipt.map { "receipt \($0)" } ?? "sale in progress"
                c.say("  \(local ?? "-")  \(receipt): \(amount(r.amount)), \(amount(r.balanceAfter)) left")
            }
            return
        }
        var a: JSONObject = args.first == "all" ? ["all": true] : [:]
        while true {
            let page = try c.call(.voucherList, a, as: VoucherListReply.self)
            for v in page.vouchers { c.say(line(v.voucher, amount)) }
            guard let next = page.next else {
                c.say("Outstanding: \(page.outstandingCount) vouchers, \(amount(page.outstandingTotal)) owed.")
                return
            }
            a["offset"] = .int(next)
        }
    }

    private static func line(_ v: Voucher, _ amount: (Int64) -> String) -> String {
        let kind = v.issue.kind == .storeCredit ? "store credit" : "gift voucher"
        return Wrap.clip(ConsoleCommands.pad(v.code, 24) + " " + ConsoleCommands.pad(kind, 13) + " "
                         + ConsoleCommands.pad(v.stateName, 12) + " "
                         + TextLayout.pad(amount(v.balance), to: 12, alignment: .right), width: 80)
    }
}

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
        func amount(_ v: JSONValue?) -> String { money.format(v?.intValue ?? 0, currency: c.link.currency) }
        if let code = args.first, code != "all" {
            let v = try c.call(.voucherGet, ["code": .string(code)])
            c.say(line(v, amount))
            let issued = v["issued"] ?? .null
            let origin = issued["receipt"]?.intValue.map { "receipt \($0)" } ?? issued["refund"]?.intValue.map { "refund \($0)" } ?? "?"
            c.say("issued \(v["issued_local_time"]?.stringValue ?? "?") on \(origin) by \(v["issued_by_name"]?.stringValue ?? "?"): \(amount(issued["amount"]))")
            for r in v["redemptions"]?.arrayValue ?? [] {
                let receipt = r["receipt"]?.intValue.map { "receipt \($0)" } ?? "sale in progress"
                c.say("  \(r["local_time"]?.stringValue ?? "-")  \(receipt): \(amount(r["amount"])), \(amount(r["balance_after"])) left")
            }
            return
        }
        var a: JSONObject = args.first == "all" ? ["all": true] : [:]
        var summary = JSONValue.null
        while true {
            let page = try c.call(.voucherList, a)
            for v in page["vouchers"]?.arrayValue ?? [] { c.say(line(v, amount)) }
            summary = page
            guard let next = page["next"]?.intValue else { break }
            a["offset"] = .int(next)
        }
        c.say("Outstanding: \(summary["outstanding_count"]?.intValue ?? 0) vouchers, \(amount(summary["outstanding_total"])) owed.")
    }

    private static func line(_ v: JSONValue, _ amount: (JSONValue?) -> String) -> String {
        let kind = v["kind"]?.stringValue == "store_credit" ? "store credit" : "gift voucher"
        return Wrap.clip(ConsoleCommands.pad(v["code"]?.stringValue ?? "?", 24) + " " + ConsoleCommands.pad(kind, 13) + " "
                         + ConsoleCommands.pad(v["state"]?.stringValue ?? "?", 12) + " "
                         + TextLayout.pad(amount(v["balance"]), to: 12, alignment: .right), width: 80)
    }
}

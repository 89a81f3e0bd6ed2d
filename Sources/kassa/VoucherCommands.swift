import KassaCore
import KassaIPC

/// `kassa voucher …`: sell a gift voucher, look one up by its code, list what is outstanding.
/// Spending one is `kassa pay voucher --ref CODE` (or scanning its code).
enum VoucherCommands {
    static let usage = """
          voucher sell AMOUNT            a gift voucher on the open sale (its code comes with the receipt)
          voucher show CODE              a voucher's balance, where it came from and where it was spent
          voucher list [--all] [--training]   vouchers still worth something, and the total owed on them
        """

    static func voucher(_ args: inout Arguments, _ s: Session) throws -> (op: String, result: JSONValue) {
        let sub = try args.positional("voucher command (sell, show, list)")
        switch sub {
        case "sell":
            let amount = try s.amount(try args.positional("amount"))
            try args.finish()
            return ("sale", try s.call(.saleSellVoucher, ["amount": .int(amount)]))
        case "show":
            let code = try args.positional("voucher code")
            try args.finish()
            return ("voucher", try s.call(.voucherGet, ["code": .string(code)]))
        case "list":
            var a: JSONObject = [:]
            if args.flag("--all") { a["all"] = true }
            if args.flag("--training") { a["training"] = true }
            try args.finish()
            var vouchers: [JSONValue] = []
            while true {
                let page = try s.call(.voucherList, a)
                vouchers += page["vouchers"]?.arrayValue ?? []
                guard let next = page["next"]?.intValue else {
                    var all = page.objectValue ?? [:]
                    all["vouchers"] = .array(vouchers)
                    all["next"] = nil
                    return ("vouchers", .object(all))
                }
                a["offset"] = .int(next)
            }
        default:
            throw UsageError("voucher sell, show or list, not '\(sub)'")
        }
    }

    /// Prints the results of these commands; false when `op` is not one of theirs.
    static func show(_ op: String, _ r: JSONValue, _ s: Session) -> Bool {
        switch op {
        case "voucher":
            print(summary(r, s))
            let issued = r["issued"] ?? .null
            let origin = issued["receipt"]?.intValue.map { "receipt \($0)" } ?? issued["refund"]?.intValue.map { "refund \($0)" } ?? "?"
            print("issued \(r["issued_local_time"]?.stringValue ?? "?") by \(r["issued_by_name"]?.stringValue ?? "?") on \(origin): \(s.money(issued["amount"]?.intValue))")
            for p in r["redemptions"]?.arrayValue ?? [] {
                let receipt = p["receipt"]?.intValue.map { "receipt \($0)" } ?? "open sale \(p["sale"]?.intValue ?? 0)"
                print("  " + TextLayout.leftRight("\(p["local_time"]?.stringValue ?? "-") \(receipt)",
                                                  "\(s.money(-(p["amount"]?.intValue ?? 0))) -> \(s.money(p["balance_after"]?.intValue))", columns: 60))
            }
        case "vouchers":
            for v in r["vouchers"]?.arrayValue ?? [] { print(summary(v, s)) }
            print("outstanding: \(r["outstanding_count"]?.intValue ?? 0) vouchers, \(s.money(r["outstanding_total"]?.intValue)) owed")
        default:
            return false
        }
        return true
    }

    private static func summary(_ v: JSONValue, _ s: Session) -> String {
        let kind = v["kind"]?.stringValue == "store_credit" ? "store credit" : "gift voucher"
        let training = v["training"]?.boolValue == true ? ", training" : ""
        return TextLayout.pad(v["code"]?.stringValue ?? "?", to: 22) + " " + TextLayout.pad("\(kind)\(training)", to: 24) + " "
            + TextLayout.pad(v["state"]?.stringValue ?? "?", to: 12) + " " + TextLayout.pad(s.money(v["balance"]?.intValue), to: 12, alignment: .right)
    }
}

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
            var vouchers: [VoucherReply] = []
            while true {
                var page = try Session.read(try s.call(.voucherList, a), as: VoucherListReply.self)
                vouchers += page.vouchers
                guard let next = page.next else {
                    page.vouchers = vouchers
                    return ("vouchers", page.json)
                }
                a["offset"] = .int(next)
            }
        default:
            throw UsageError("voucher sell, show or list, not '\(sub)'")
        }
    }

    /// Prints the results of these commands; false when `op` is not one of theirs.
    static func show(_ op: String, _ r: JSONValue, _ s: Session) throws(CommandFailure) -> Bool {
        switch op {
        case "voucher":
            let reply = try Session.read(r, as: VoucherReply.self)
            let v = reply.voucher
            print(summary(v, s))
            let origin: String
            switch v.issue.source {
            case .sale(let receipt, _): origin = "receipt \(receipt)"
            case .refund(let refund): origin = "refund \(refund)"
            }
            print("issued \(reply.issuedLocalTime) by \(reply.issuedByName) on \(origin): \(s.money(v.issue.amount))")
            for (p, local) in zip(v.redemptions, reply.redemptionLocalTimes) {
                let receipt = p.receipt.map { "receipt \($0)" } ?? "open sale \(p.saleID)"
                print("  " + TextLayout.leftRight("\(local ?? "-") \(receipt)",
                                                  "\(s.money(-p.amount)) -> \(s.money(p.balanceAfter))", columns: 60))
            }
        case "vouchers":
            let list = try Session.read(r, as: VoucherListReply.self)
            for v in list.vouchers { print(summary(v.voucher, s)) }
            print("outstanding: \(list.outstandingCount) vouchers, \(s.money(list.outstandingTotal)) owed")
        default:
            return false
        }
        return true
    }

    private static func summary(_ v: Voucher, _ s: Session) -> String {
        let kind = v.issue.kind == .storeCredit ? "store credit" : "gift voucher"
        let training = v.issue.training ? ", training" : ""
        return TextLayout.pad(v.code, to: 22) + " " + TextLayout.pad("\(kind)\(training)", to: 24) + " "
            + TextLayout.pad(v.stateName, to: 12) + " " + TextLayout.pad(s.money(v.balance), to: 12, alignment: .right)
    }
}

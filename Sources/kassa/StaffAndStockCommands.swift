import KassaCore
import KassaIPC

/// `kassa clock …` (the time clock) and `kassa stock …`.
enum StaffAndStockCommands {
    static let usage = """
          clock in|out|break|back [--card CARD]   clock in or out, start or end a break (asks the
                                        employee's PIN, or swipe: --card with the badge's number)
          clock status | clock hours FROM [TO]    who is at work; hours per day and ISO week
          clock fix OPERATOR [--remove 'ACTION DATE HH:MM'] [--add 'ACTION DATE HH:MM'] REASON…
                          [--override]  a supervisor's correction (in, out, break_start, break_end)
          stock levels [ITEM] | stock reorder-list | stock value
          stock receive ITEM QTY [--cost AMOUNT] [REASON…]   goods in (pieces, or grams if weighed)
          stock count ITEM COUNTED [--override]   set the level to what was counted
          stock adjust ITEM DELTA REASON… [--override]   e.g. stock adjust mug -2 broken
          stock reorder ITEM POINT QTY [--override] | stock reorder ITEM --remove
        """

    static func clock(_ sub: String, _ args: inout Arguments, _ s: Session) throws -> (op: String, result: JSONValue) {
        let actions = ["in": Op.timeclockIn, "out": Op.timeclockOut, "break": Op.timeclockBreakStart, "back": Op.timeclockBreakEnd]
        if let op = actions[sub] {
            let card = try args.option("--card")
            try args.finish()
            var credential: JSONObject = [:]
            if let card { credential["card"] = .string(card) } else { credential["pin"] = .string(try PinPrompt.read("Your PIN")) }
            return ("punch", try s.call(op, credential))
        }
        switch sub {
        case "status":
            try args.finish()
            return ("clock-status", try s.call(.timeclockStatus))
        case "hours":
            let from = try args.positional("first day (YYYY-MM-DD)")
            let to = args.optionalPositional() ?? from
            try args.finish()
            return ("hours", try s.call(.timeclockHours, ["from": .string(from), "to": .string(to)]))
        case "fix":
            let who = try args.positional("operator")
            var a: JSONObject = ["operator": .string(who)]
            for (option, key) in [("--remove", "remove"), ("--add", "add")] {
                guard let text = try args.option(option) else { continue }
                guard let space = text.firstIndex(of: " ") else {
                    throw UsageError("\(option) takes 'ACTION YYYY-MM-DD HH:MM', e.g. 'out 2026-12-05 17:00'")
                }
                a[key] = ["action": .string(String(text[..<space])), "at": .string(String(text[text.index(after: space)...]))]
            }
            guard a["remove"] != nil || a["add"] != nil else { throw UsageError("clock fix needs --remove or --add (or both)") }
            if args.flag("--override") { a["override_pin"] = .string(try PinPrompt.read("Supervisor PIN")) }
            a["reason"] = .string(args.rest())
            try args.finish()
            return ("clock-fix", try s.call(.timeclockCorrect, a))
        default:
            throw UsageError("clock in, out, break, back, status, hours, fix or check, not '\(sub)'")
        }
    }

    static func stock(_ args: inout Arguments, _ s: Session) throws -> (op: String, result: JSONValue) {
        let sub = try args.positional("stock command (levels, receive, count, adjust, reorder, reorder-list, value)")
        func quantity(_ what: String) throws -> Int64 { try args.integer(what) }
        func overridden(_ a: JSONObject) throws -> JSONObject {
            var a = a
            if args.flag("--override") { a["override_pin"] = .string(try PinPrompt.read("Supervisor PIN")) }
            return a
        }
        switch sub {
        case "levels":
            let item = args.optionalPositional()
            try args.finish()
            return ("stock", try allPages(s, .stockLevels, item.map { ["item": .string($0)] } ?? [:]))
        case "reorder-list":
            try args.finish()
            return ("stock", try allPages(s, .stockReorderList, [:]))
        case "value":
            try args.finish()
            return ("stock-value", try s.call(.stockValue))
        case "receive":
            let item = try args.positional("item")
            let qty = try quantity("quantity")
            var a: JSONObject = ["item": .string(item), "quantity": .int(qty)]
            if let cost = try args.option("--cost") { a["unit_cost"] = .int(try s.amount(cost)) }
            let reason = args.rest()
            try args.finish()
            if !reason.isEmpty { a["reason"] = .string(reason) }
            return ("stock-line", try s.call(.stockReceive, a))
        case "count":
            let item = try args.positional("item")
            let counted = try quantity("counted quantity")
            let a = try overridden(["item": .string(item), "counted": .int(counted)])
            try args.finish()
            return ("stock-line", try s.call(.stockCount, a))
        case "adjust":
            let item = try args.positional("item")
            let delta = try quantity("change (e.g. -2)")
            var a = try overridden(["item": .string(item), "delta": .int(delta)])
            a["reason"] = .string(args.rest())
            try args.finish()
            return ("stock-line", try s.call(.stockAdjust, a))
        case "reorder":
            let item = try args.positional("item")
            var a: JSONObject = ["item": .string(item)]
            if args.flag("--remove") {
                a["remove"] = true
            } else {
                a["point"] = .int(try quantity("reorder point"))
                a["quantity"] = .int(try quantity("reorder quantity"))
            }
            a = try overridden(a)
            try args.finish()
            return ("stock-line", try s.call(.stockSetReorder, a))
        default:
            throw UsageError("unknown stock command '\(sub)'")
        }
    }

    /// Every page of a stock list, as one `{items}`.
    static func allPages(_ s: Session, _ op: Op, _ args: JSONObject) throws -> JSONValue {
        var items: [JSONValue] = []
        var a = args
        while true {
            let page = try s.call(op, a)
            items += page["items"]?.arrayValue ?? []
            guard let next = page["next"]?.intValue else { return ["items": .array(items)] }
            a["offset"] = .int(next)
        }
    }

    /// Prints the results of these commands; false when `op` is not one of theirs.
    static func show(_ op: String, _ r: JSONValue, _ s: Session) -> Bool {
        switch op {
        case "punch":
            print("\(r["name"]?.stringValue ?? "?"): \(r["action"]?.stringValue ?? "?") at \(r["local_time"]?.stringValue ?? "?") (now \(r["status"]?.stringValue ?? "?"))")
        case "clock-status":
            for e in r.arrayValue ?? [] {
                print(TextLayout.pad(e["operator"]?.stringValue ?? "?", to: 12) + " " + (e["status"]?.stringValue ?? "?"))
            }
        case "hours":
            for e in r["employees"]?.arrayValue ?? [] {
                print("\(e["name"]?.stringValue ?? "?") (\(e["operator"]?.stringValue ?? "?")): \(duration(e["total_seconds"]?.intValue))")
                for d in e["days"]?.arrayValue ?? [] {
                    print("  " + TextLayout.leftRight(d["date"]?.stringValue ?? "", duration(d["seconds"]?.intValue), columns: 30))
                }
                for w in e["weeks"]?.arrayValue ?? [] {
                    print("  " + TextLayout.leftRight("week " + (w["week"]?.stringValue ?? ""), duration(w["seconds"]?.intValue), columns: 30))
                }
            }
        case "stock":
            for l in r["items"]?.arrayValue ?? [] { print(stockLine(l)) }
        case "stock-line":
            print(stockLine(r))
        case "stock-value":
            print("at retail price (\(r["price_mode"]?.stringValue ?? "?") VAT): \(s.money(r["retail_value"]?.intValue))")
            let missing = r["items_without_cost"]?.intValue ?? 0
            print("at cost: \(s.money(r["cost_value"]?.intValue))" + (missing > 0 ? " (\(missing) items without a cost left out)" : ""))
        default:
            return false
        }
        return true
    }

    static func stockLine(_ l: JSONValue) -> String {
        let unit = l["unit"]?.stringValue == "weight" ? " g" : ""
        let level = "\(l["level"]?.intValue ?? 0)\(unit)"
        var text = TextLayout.pad(l["item"]?.stringValue ?? "?", to: 12) + " " + TextLayout.pad(l["name"]?.stringValue ?? "", to: 24)
            + " " + TextLayout.pad(level, to: 10, alignment: .right)
        if let point = l["reorder_point"]?.intValue { text += "  reorder at \(point)\(unit): \(l["reorder_quantity"]?.intValue ?? 0)\(unit)" }
        if l["low"]?.boolValue == true { text += "  LOW" }
        return text
    }

    static func duration(_ seconds: Int64?) -> String {
        let minutes = (seconds ?? 0) / 60
        let m = minutes % 60
        return "\(minutes / 60):\(m < 10 ? "0" : "")\(m)"
    }
}

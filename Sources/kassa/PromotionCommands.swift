import KassaCore
import KassaIPC

/// `kassa promotion …`: scheduled promotions.
enum PromotionCommands {
    static let usage = """
          promotion list                 every promotion, and whether it is in force now
          promotion set ID NAME… (--items ID,ID… | --department DEPT)
                          (--percent P | --off AMOUNT | --buy X --free Y | --bundle N --price AMOUNT)
                          [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--days mon-fri|sat,sun|1,3]
                          [--hours HH:MM-HH:MM] [--override]   set up or change a promotion
          promotion remove ID [--override]
        """

    static let dayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    static func run(_ args: inout Arguments, _ s: Session) throws -> (op: String, result: JSONValue) {
        let sub = try args.positional("promotion command (list, set, remove)")
        switch sub {
        case "list":
            try args.finish()
            return ("promotions", try s.call(.promotionList))
        case "remove":
            var a: JSONObject = ["id": .string(try args.positional("promotion id"))]
            if args.flag("--override") { a["override_pin"] = .string(try PinPrompt.read("Supervisor PIN")) }
            try args.finish()
            return ("promotion-removed", try s.call(.promotionRemove, a))
        case "set":
            var a = try definition(&args, s)
            if args.flag("--override") { a["override_pin"] = .string(try PinPrompt.read("Supervisor PIN")) }
            try args.finish()
            return ("promotion", try s.call(.promotionSet, a))
        default:
            throw UsageError("promotion list, set or remove, not '\(sub)'")
        }
    }

    static func definition(_ args: inout Arguments, _ s: Session) throws -> JSONObject {
        var a: JSONObject = [:]
        if let items = try args.option("--items") {
            a["items"] = .array(items.split(separator: ",").map { .string(String($0)) })
        }
        if let department = try args.option("--department") { a["department"] = .string(department) }
        if let percent = try args.option("--percent") { a["percent_bp"] = .int(try basisPoints(percent)) }
        if let off = try args.option("--off") { a["amount_off"] = .int(try s.amount(off)) }
        if let buy = try args.option("--buy") { a["buy"] = .int(try count(buy, "--buy")) }
        if let free = try args.option("--free") { a["free"] = .int(try count(free, "--free")) }
        if let bundle = try args.option("--bundle") { a["bundle_count"] = .int(try count(bundle, "--bundle")) }
        if let price = try args.option("--price") { a["bundle_price"] = .int(try s.amount(price)) }
        if let from = try args.option("--from") { a["from"] = .string(from) }
        if let until = try args.option("--until") { a["until"] = .string(until) }
        if let days = try args.option("--days") { a["weekdays"] = .array(try weekdays(days).map { .int(Int64($0)) }) }
        if let hours = try args.option("--hours") {
            let parts = hours.split(separator: "-")
            guard parts.count == 2 else { throw UsageError("--hours takes HH:MM-HH:MM, e.g. 16:00-17:00") }
            a["start"] = .string(String(parts[0]))
            a["end"] = .string(String(parts[1]))
        }
        a["id"] = .string(try args.positional("promotion id"))
        let name = args.rest()
        guard !name.isEmpty else { throw UsageError("give the promotion a name for the receipt") }
        a["name"] = .string(name)
        return a
    }

    /// "20" → 2000, "12.5" → 1250.
    static func basisPoints(_ text: String) throws -> Int64 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, whole <= 100,
              parts.count == 1 || (1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber) else {
            throw UsageError("--percent takes a percentage such as 20 or 12.5, not '\(text)'")
        }
        var fraction: Int64 = 0
        if parts.count == 2 { fraction = Int64(parts[1])! * (parts[1].count == 1 ? 10 : 1) }
        return whole * 100 + fraction
    }

    static func count(_ text: String, _ option: String) throws -> Int64 {
        guard let n = Int64(text), n > 0 else { throw UsageError("\(option) takes a whole number above zero, not '\(text)'") }
        return n
    }

    /// "mon-fri", "sat,sun", "1,3,5" → ISO weekdays.
    static func weekdays(_ text: String) throws -> [Int] {
        func day(_ s: Substring) throws -> Int {
            if let n = Int(s), (1...7).contains(n) { return n }
            if let n = dayNames[s.lowercased()] { return n }
            throw UsageError("--days takes weekdays such as mon-fri, sat,sun or 1,3 (1 is Monday), not '\(s)'")
        }
        var days: Set<Int> = []
        for part in text.split(separator: ",") {
            let range = part.split(separator: "-")
            switch range.count {
            case 1: days.insert(try day(range[0]))
            case 2:
                let a = try day(range[0]), b = try day(range[1])
                guard a <= b else { throw UsageError("--days: \(part) runs backwards") }
                days.formUnion(a...b)
            default: throw UsageError("--days: '\(part)' is not a day or a range of days")
            }
        }
        return days.sorted()
    }

    /// Prints the results of these commands; false when `op` is not one of theirs.
    static func show(_ op: String, _ r: JSONValue, _ s: Session) -> Bool {
        switch op {
        case "promotions":
            let all = r.arrayValue ?? []
            if all.isEmpty { print("no promotions") }
            for p in all { print(line(p, s)) }
        case "promotion":
            print(line(r, s))
        default:
            return false
        }
        return true
    }

    static func line(_ p: JSONValue, _ s: Session) -> String {
        TextLayout.pad(p["id"]?.stringValue ?? "?", to: 14) + " " + (p["summary"]?.stringValue ?? "")
            + (p["in_force_now"]?.boolValue == true ? "  IN FORCE" : "")
    }
}

import KassaCore
import KassaIPC

/// Promotions over the socket: set up, changed and removed by a supervisor (logged in, or their
/// PIN as `override_pin`) or the console's technician, journaled before the reply.
extension RegisterService {

    /// The result of a promotion operation, or nil when `op` is none of them.
    func performPromotion(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID,
                          key: RequestKey?) throws(IPCError) -> JSONValue? {
        switch op {
        case .promotionSet:
            var promotion = try Self.promotion(&args)
            if case .items(let codes) = promotion.target {
                // An item id, or what the cashier would scan or type for it (barcode, PLU).
                promotion.target = .items(codes.map { code in
                    if env.catalog.item(code) != nil { return code }
                    if case .item(let item)? = try? env.catalog.resolve(code.rawValue) { return item.id }
                    return code
                })
            }
            let pin = try args.optionalString("override_pin")
            let result = try run(.setPromotion(promotion, override: pin), key: key,
                                 caller: pin == nil ? consoleCaller(connection) : .register) { [self] s, _ in
                s.promotions[promotion.id].map(promotionView) ?? .null
            }
            broadcast("promotion.changed", result)
            return result
        case .promotionRemove:
            let id = try args.string("id")
            let pin = try args.optionalString("override_pin")
            let result = try run(.removePromotion(id: id, override: pin), key: key,
                                 caller: pin == nil ? consoleCaller(connection) : .register) { _, _ in ["removed": .string(id)] }
            broadcast("promotion.changed", result)
            return result
        case .promotionList:
            let s = ledger.state
            return .array(s.promotions.keys.sorted().map { promotionView(s.promotions[$0]!) })
        default:
            return nil
        }
    }

    /// A promotion as listed: its definition, whether it is in force at this moment, and a line
    /// for people with amounts written the register's way.
    func promotionView(_ p: Promotion) -> JSONValue {
        let ctx = context()
        var o = p.json.objectValue ?? [:]
        o["in_force_now"] = .bool(p.window.contains(date: ctx.today, minute: ctx.minuteOfDay))
        o["summary"] = .string(p.summary(money: config.format))
        return .object(o)
    }

    /// Reads `promotion.set`'s arguments; what is wrong with the promotion as a whole is the
    /// register's to say (`Promotion.problem`).
    static func promotion(_ args: inout RequestArguments) throws(IPCError) -> Promotion {
        func bad(_ m: String) -> IPCError { IPCError(.badArgs, "promotion.set: \(m)") }
        func clock(_ key: String) throws(IPCError) -> Int? {
            guard let text = try args.optionalString(key) else { return nil }
            guard let m = PromotionWindow.minute(text) else { throw bad("'\(key)' must be a time of day HH:MM, not '\(text)'") }
            return m
        }
        func small(_ key: String) throws(IPCError) -> Int? {
            guard let v = try args.optionalInt(key) else { return nil }
            guard let i = Int(exactly: v), (-1_000_000...1_000_000).contains(i) else { throw bad("'\(key)' is out of range") }
            return i
        }
        let id = try args.string("id")
        let name = try args.string("name")
        let from = try args.optionalDate("from"), until = try args.optionalDate("until")
        var weekdays = Set<Int>()
        if args.object["weekdays"] != nil {
            for v in try args.array("weekdays") {
                guard let d = v.intValue, let day = Int(exactly: d) else { throw bad("'weekdays' must be numbers 1 (Monday) to 7 (Sunday)") }
                weekdays.insert(day)
            }
        }
        let start = try clock("start"), end = try clock("end")
        let department = try args.optionalString("department")
        var items: [ItemID]?
        if args.object["items"] != nil {
            items = try args.array("items").map { v throws(IPCError) -> ItemID in
                guard let s = v.stringValue else { throw bad("'items' must be a list of item ids") }
                return ItemID(s)
            }
        }
        let target: PromotionTarget
        switch (items, department) {
        case (let ids?, nil): target = .items(ids)
        case (nil, let d?): target = .department(d)
        default: throw bad("give either 'items' or 'department'")
        }
        let percent = try small("percent_bp"), amount = try args.optionalInt("amount_off")
        let buy = try small("buy"), free = try small("free")
        let count = try small("bundle_count"), price = try args.optionalInt("bundle_price")
        let rule: PromotionRule
        switch (percent, amount, buy, free, count, price) {
        case (let bp?, nil, nil, nil, nil, nil): rule = .percentOff(bp)
        case (nil, let a?, nil, nil, nil, nil): rule = .amountOff(a)
        case (nil, nil, let b?, let f?, nil, nil): rule = .buyGetFree(buy: b, free: f)
        case (nil, nil, nil, nil, let n?, let p?): rule = .bundlePrice(count: n, price: p)
        default:
            throw bad("give one rule: 'percent_bp', 'amount_off', 'buy' with 'free', or 'bundle_count' with 'bundle_price'")
        }
        return Promotion(id: id, name: name,
                         window: PromotionWindow(from: from, until: until, weekdays: weekdays, startMinute: start, endMinute: end),
                         target: target, rule: rule)
    }
}

import KassaCore
import KassaIPC

/// The time clock and stock over the socket. Every change is decided by `RegisterState.decide`
/// and journaled before the reply; the reports read the register's state.
///
/// Rights: clocking needs only the employee's own PIN or badge (nobody need be logged in);
/// correcting a time card, counting and adjusting stock need a supervisor (logged in, or their
/// PIN as `override_pin`); goods may be received by anyone logged in; reorder settings need a
/// supervisor, or a technician's session (the console).
extension RegisterService {

    /// The result of a time clock or stock operation, or nil when `op` is none of them.
    func performStaffAndStock(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID,
                              key: RequestKey?) throws(IPCError) -> JSONValue? {
        switch op {
        case .timeclockIn, .timeclockOut, .timeclockBreakStart, .timeclockBreakEnd:
            let action = ClockAction(rawValue: String(op.name.dropFirst("timeclock.".count)))!
            let pin = try args.optionalString("pin")
            let card = try args.optionalString("card")
            try refuseWhenClockBehind()
            let command: Command
            switch (pin, card) {
            case (let pin?, nil): command = .clock(action, pin: pin)
            case (nil, let card?): command = .clockWithBadge(action, card: card)
            default: throw IPCError(.badArgs, "\(op): give either 'pin' or 'card'")
            }
            let result = try run(command, key: key) { [self] s, events in
                for e in events {
                    if case .timePunched(let id, let punch) = e {
                        return ["operator": .string(id.rawValue), "name": .string(s.operators[id]?.name ?? id.rawValue),
                                "action": .string(punch.action.rawValue), "at": punch.at.json,
                                "local_time": .string(localTimeText(punch.at)),
                                "status": .string(TimeClock.status(s.timeCards[id] ?? []).rawValue),
                                "week": weekHours(id, at: punch.at, s)]
                    }
                }
                return [:]
            }
            // Everyone's screen hears of the punch; only the one who punched sees the hours.
            var event = result.objectValue ?? [:]
            event["week"] = nil
            broadcast("timeclock.punched", .object(event))
            return result
        case .timeclockCorrect:
            let id = OperatorID(try args.string("operator"))
            let remove = try punch(&args, "remove")
            let add = try punch(&args, "add")
            let reason = try args.string("reason")
            let pin = try args.optionalString("override_pin")
            try refuseWhenClockBehind()
            return try run(.correctTime(id, remove: remove, add: add, reason: reason, override: pin), key: key) { s, _ in
                ["operator": .string(id.rawValue), "card": .array((s.timeCards[id] ?? []).map(\.json)),
                 "status": .string(TimeClock.status(s.timeCards[id] ?? []).rawValue)]
            }
        case .timeclockStatus:
            let s = ledger.state
            return .array(s.operators.keys.sorted().map { id in
                let card = s.timeCards[id] ?? []
                return ["operator": .string(id.rawValue), "name": .string(s.operators[id]!.name),
                        "status": .string(TimeClock.status(card).rawValue), "since": card.last?.at.json ?? .null]
            })
        case .timeclockHours:
            let from = try args.date("from")
            let to = try args.date("to")
            var only = try args.optionalString("operator").map { OperatorID($0) }
            // A cashier sees their own hours; a supervisor or a technician's session everyone's.
            if technicianSession(connection) == nil, let me = ledger.state.currentOperator,
               ledger.state.operators[me]?.role.allows(.salesReports) != true {
                if let only, only != me { throw IPCError(.forbidden, "timeclock.hours: a cashier sees only their own hours") }
                only = me
            }
            // Six weeks of days for a whole staff still fit in one reply line.
            guard from <= to, to.daysSinceEpoch - from.daysSinceEpoch < 42 else {
                throw IPCError(.badArgs, "timeclock.hours: 'from' must not be after 'to', and at most 42 days apart")
            }
            return hours(from: from, to: to, only: only)

        case .stockReceive:
            let item = ItemID(try args.string("item"))
            let quantity = try args.int("quantity")
            let cost = try args.optionalInt("unit_cost")
            let reason = try args.optionalString("reason")
            return try runStock(.receiveStock(item, quantity: quantity, unitCost: cost, reason: reason), item, key: key)
        case .stockCount:
            let item = ItemID(try args.string("item"))
            let counted = try args.int("counted")
            let pin = try args.optionalString("override_pin")
            return try runStock(.countStock(item, counted: counted, override: pin), item, key: key)
        case .stockAdjust:
            let item = ItemID(try args.string("item"))
            let delta = try args.int("delta")
            let reason = try args.string("reason")
            let pin = try args.optionalString("override_pin")
            return try runStock(.adjustStock(item, delta: delta, reason: reason, override: pin), item, key: key)
        case .stockSetReorder:
            let item = ItemID(try args.string("item"))
            let point = try args.optionalInt("point")
            let quantity = try args.optionalInt("quantity")
            let remove = try args.optionalBool("remove") ?? false
            let pin = try args.optionalString("override_pin")
            let rule: ReorderRule?
            switch (point, quantity, remove) {
            case (let p?, let q?, false): rule = ReorderRule(point: p, quantity: q)
            case (nil, nil, true): rule = nil
            default: throw IPCError(.badArgs, "stock.set_reorder: give 'point' and 'quantity', or 'remove': true")
            }
            return try runStock(.setReorder(item, rule, override: pin), item, key: key,
                                caller: pin == nil ? consoleCaller(connection) : .register)
        case .stockLevels:
            let only = try args.optionalString("item")
            let page = try stockPage(&args)
            var lines = StockReport.lines(ledger.state, env.catalog)
            if let only {
                lines = lines.filter { $0.itemID.rawValue == only }
                guard !lines.isEmpty else { throw Refusal.unknownItem(ItemID(only)).ipcError }
            }
            return page(lines, nil).json
        case .stockReorderList:
            let page = try stockPage(&args)
            return page(StockReport.reorderList(ledger.state, env.catalog), nil).json
        case .stockValue:
            let page = try stockPage(&args)
            let lines = StockReport.lines(ledger.state, env.catalog).filter { $0.level != 0 }
            let value = StockReport.value(lines)
            return page(lines, StockPageReply.Valuation(
                retailValue: value.retail, costValue: value.cost, itemsWithoutCost: Int64(value.itemsWithoutCost),
                priceMode: config.priceMode == .inclusive ? "inclusive" : "exclusive",
                basis: "retail: stock on hand at the catalog's selling price; cost: at the newest unit cost given with goods received, for the items that have one"
            )).json
        default:
            return nil
        }
    }

    /// Raises or clears the `low_stock` alarm: items at or below their reorder point.
    func refreshStockAlarm() {
        let low = ledger.state.lowStockItems
        guard !low.isEmpty else {
            setAlarm("low_stock", nil)
            return
        }
        let names = low.prefix(5).map { id in env.catalog.item(id)?.name ?? id.rawValue }
        let more = low.count > 5 ? " and \(low.count - 5) more" : ""
        setAlarm("low_stock", "\(low.count) item\(low.count == 1 ? "" : "s") at or below the reorder point: "
                 + names.joined(separator: ", ") + more + " (see the reorder list)")
    }

    private func runStock(_ command: Command, _ item: ItemID, key: RequestKey?, caller: Caller = .register) throws(IPCError) -> JSONValue {
        let result = try run(command, key: key, caller: caller) { [self] s, _ in stockResult(item, s) }
        refreshStockAlarm()
        return result
    }

    /// Who a request without an override PIN comes from: a technician's session on this
    /// connection acts as that technician (settings such as reorder levels and promotions are
    /// theirs to change without logging in to the register); any other, the register's session.
    func consoleCaller(_ connection: ConnectionID) -> Caller {
        technicianSession(connection).map(Caller.technician) ?? .register
    }

    private func stockResult(_ item: ItemID, _ s: RegisterState) -> JSONValue {
        StockReport.lines(s, env.catalog).first { $0.itemID == item }.map { StockLineReply($0) }.json
    }

    /// A page of stock lines (`offset`, `limit`): a large catalog's report would not fit in one
    /// reply line. `next` is the offset of the following page, or null after the last.
    private func stockPage(_ args: inout RequestArguments) throws(IPCError) -> ([StockLine], StockPageReply.Valuation?) -> StockPageReply {
        let offset = try args.optionalInt("offset") ?? 0
        let limit = try args.optionalInt("limit") ?? 200
        guard offset >= 0, (1...500).contains(limit) else { throw IPCError(.badArgs, "'offset' must be 0 or more and 'limit' 1 to 500") }
        return { lines, valuation in
            let start = Int(min(offset, Int64(lines.count)))
            let end = min(lines.count, start + Int(limit))
            return StockPageReply(valuation: valuation,
                                  items: lines[start..<end].map { l in StockLineReply(l, order: l.isLow ? l.reorder?.quantity ?? 0 : nil) },
                                  totalItems: Int64(lines.count), next: end < lines.count ? Int64(end) : nil)
        }
    }

    /// An employee's hours in the ISO week of `moment`: the time clock shows them after a punch,
    /// with nobody logged in, to the one who gave the PIN.
    private func weekHours(_ id: OperatorID, at moment: Timestamp, _ s: RegisterState) -> JSONValue {
        let today = fileConfig.timeZone.localTime(moment).date
        let monday = CivilDate(daysSinceEpoch: today.daysSinceEpoch - Int64(today.isoWeekday - 1))
        return hours(from: monday, to: CivilDate(daysSinceEpoch: monday.daysSinceEpoch + 6), only: id, s)
    }

    private func hours(from: CivilDate, to: CivilDate, only: OperatorID?, _ s: RegisterState? = nil) -> JSONValue {
        let s = s ?? ledger.state
        let now = context().now
        let zone = fileConfig.timeZone
        var employees: [JSONValue] = []
        for id in s.timeCards.keys.sorted() where only == nil || only == id {
            let days = TimeClock.workedPerDay(s.timeCards[id] ?? [], now: now) { t in
                let l = zone.localTime(t)
                return (l.date, Int64(((l.hour * 60 + l.minute) * 60 + l.second) * 1000 + l.millisecond))
            }.filter { from <= $0.key && $0.key <= to }
            guard !days.isEmpty else { continue }
            let weeks = TimeClock.perWeek(days)
            let total = days.values.reduce(0, +)
            employees.append([
                "operator": .string(id.rawValue), "name": .string(s.operators[id]?.name ?? id.rawValue),
                "status": .string(TimeClock.status(s.timeCards[id] ?? []).rawValue),
                "days": .array(days.keys.sorted().map { ["date": .string($0.description), "seconds": .int(days[$0]! / 1000)] }),
                "weeks": .array(weeks.keys.sorted().map { ["week": .string($0.description), "seconds": .int(weeks[$0]! / 1000)] }),
                "total_seconds": .int(total / 1000),
            ])
        }
        return ["from": .string(from.description), "to": .string(to.description), "time_zone": .string(zone.name),
                "employees": .array(employees)]
    }

    private func refuseWhenClockBehind() throws(IPCError) {
        if let behind = clockBehindBy {
            throw IPCError(.clockBehind, "the clock is \(behind / 1000) s behind the newest journaled time: set the time before clocking")
        }
    }

    /// `{action, at}`, `at` in milliseconds or as the register's local time `YYYY-MM-DD HH:MM`.
    private func punch(_ args: inout RequestArguments, _ key: String) throws(IPCError) -> TimePunch? {
        guard let v = args.value(key), v != .null else { return nil }
        guard let name = v["action"]?.stringValue, let action = ClockAction(rawValue: name), let at = v["at"],
              v.objectValue?.count == 2 else {
            throw IPCError(.badArgs, "timeclock.correct: '\(key)' must be {\"action\": \"in\"|\"out\"|\"break_start\"|\"break_end\", \"at\": MILLISECONDS or \"YYYY-MM-DD HH:MM\"}")
        }
        if let ms = at.intValue { return TimePunch(action, at: Timestamp(milliseconds: ms)) }
        let parts = (at.stringValue ?? "").split(separator: " ")
        let clock = parts.count == 2 ? parts[1].split(separator: ":") : []
        guard parts.count == 2, let date = CivilDate(String(parts[0])), clock.count == 2, clock.allSatisfy({ $0.count == 2 }),
              let hour = Int(clock[0]), let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute) else {
            throw IPCError(.badArgs, "timeclock.correct: '\(key).at' must be milliseconds or a local time YYYY-MM-DD HH:MM")
        }
        switch fileConfig.timeZone.resolve(date, hour: hour, minute: minute, second: 0) {
        case .unique(let t): return TimePunch(action, at: t)
        case .ambiguous:
            throw IPCError(.badArgs, "timeclock.correct: \(date) \(clock[0]):\(clock[1]) happened twice (the clocks went back): give 'at' in milliseconds")
        case .skipped:
            throw IPCError(.badArgs, "timeclock.correct: \(date) \(clock[0]):\(clock[1]) never happened (the clocks went forward)")
        }
    }

}

import KassaCore

extension PromotionWindow {
    /// "16:30" → 990; nil for anything that is not a time of day.
    public static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}

extension Promotion: JSONRepresentable {
    /// `{"id","name","from","until","weekdays","start","end", "items" | "department", and the rule:
    /// "percent_bp" | "amount_off" | "buy"+"free" | "bundle_count"+"bundle_price"}`.
    public var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "name": .string(name)]
        if let f = window.from { o["from"] = .string(f.description) }
        if let u = window.until { o["until"] = .string(u.description) }
        if !window.weekdays.isEmpty { o["weekdays"] = .array(window.weekdays.sorted().map { .int(Int64($0)) }) }
        if let s = window.startMinute { o["start"] = .string(PromotionWindow.clockText(s)) }
        if let e = window.endMinute { o["end"] = .string(PromotionWindow.clockText(e)) }
        switch target {
        case .items(let ids): o["items"] = .array(ids.map { .string($0.rawValue) })
        case .department(let d): o["department"] = .string(d)
        }
        switch rule {
        case .percentOff(let bp): o["percent_bp"] = .int(Int64(bp))
        case .amountOff(let a): o["amount_off"] = .int(a)
        case .buyGetFree(let buy, let free):
            o["buy"] = .int(Int64(buy))
            o["free"] = .int(Int64(free))
        case .bundlePrice(let count, let price):
            o["bundle_count"] = .int(Int64(count))
            o["bundle_price"] = .int(price)
        }
        return .object(o)
    }
}

extension AppliedPromotion: JSONRepresentable {
    public var json: JSONValue {
        ["id": .string(id), "name": .string(name), "amount": .int(amount),
         "lines": .array(lines.map { ["line": .int(Int64($0.line)), "amount": .int($0.amount)] })]
    }
}

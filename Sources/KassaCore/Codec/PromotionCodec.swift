/// The binary form of promotions: set up and removed, the offers a line was rung up with, and
/// what they took off a completed sale.
extension ByteWriter {
    mutating func promotionSet(_ p: Promotion, by: OperatorID) { promotion(p); id(by) }
    mutating func promotionRemoved(_ promotion: String, by: OperatorID) { string(promotion); id(by) }
    mutating func lineOffers(_ index: Int, _ offers: [Promotion]) { int(index); array(offers) { $0.promotion($1) } }

    mutating func promotion(_ p: Promotion) {
        string(p.id)
        string(p.name)
        optional(p.window.from) { $0.zigzag($1.daysSinceEpoch) }
        optional(p.window.until) { $0.zigzag($1.daysSinceEpoch) }
        array(p.window.weekdays.sorted()) { $0.int($1) }
        optional(p.window.startMinute) { $0.int($1) }
        optional(p.window.endMinute) { $0.int($1) }
        switch p.target {
        case .items(let ids): u8(0); array(ids) { $0.string($1.rawValue) }
        case .department(let d): u8(1); string(d)
        }
        switch p.rule {
        case .percentOff(let bp): u8(0); int(bp)
        case .amountOff(let a): u8(1); zigzag(a)
        case .buyGetFree(let buy, let free): u8(2); int(buy); int(free)
        case .bundlePrice(let count, let price): u8(3); int(count); zigzag(price)
        }
    }

    mutating func appliedPromotion(_ a: AppliedPromotion) {
        string(a.id)
        string(a.name)
        zigzag(a.amount)
        array(a.lines) { w, s in w.int(s.line); w.zigzag(s.amount) }
    }

    /// A sale's offers: line index and the promotions it was rung up with.
    mutating func offers(_ o: [Int: [Promotion]]) {
        array(o.keys.sorted()) { w, i in w.int(i); w.array(o[i]!) { $0.promotion($1) } }
    }

    /// In a snapshot: the promotions set up.
    mutating func promotionsState(_ s: PromotionState) {
        array(s.promotions.keys.sorted()) { w, k in w.promotion(s.promotions[k]!) }
    }
}

extension ByteReader {
    mutating func promotionSet() throws(CodecError) -> RegisterEvent { .promotionSet(try promotion(), by: try id()) }
    mutating func promotionRemoved() throws(CodecError) -> RegisterEvent { .promotionRemoved(id: try string(), by: try id()) }

    mutating func lineOffers() throws(CodecError) -> RegisterEvent {
        .lineOffers(index: try int(), try array { r throws(CodecError) in try r.promotion() })
    }

    mutating func promotion() throws(CodecError) -> Promotion {
        let id = try string(), name = try string()
        let window = PromotionWindow(
            from: try optional { r throws(CodecError) in CivilDate(daysSinceEpoch: try r.zigzag()) },
            until: try optional { r throws(CodecError) in CivilDate(daysSinceEpoch: try r.zigzag()) },
            weekdays: Set(try array { r throws(CodecError) in try r.int() }),
            startMinute: try optional { r throws(CodecError) in try r.int() },
            endMinute: try optional { r throws(CodecError) in try r.int() })
        let targetAt = offset
        let target: PromotionTarget
        switch try u8() {
        case 0: target = .items(try array { r throws(CodecError) in ItemID(try r.string()) })
        case 1: target = .department(try string())
        case let t: throw .badTag("promotion target", t, at: targetAt)
        }
        let ruleAt = offset
        let rule: PromotionRule
        switch try u8() {
        case 0: rule = .percentOff(try int())
        case 1: rule = .amountOff(try zigzag())
        case 2: rule = .buyGetFree(buy: try int(), free: try int())
        case 3: rule = .bundlePrice(count: try int(), price: try zigzag())
        case let t: throw .badTag("promotion rule", t, at: ruleAt)
        }
        return Promotion(id: id, name: name, window: window, target: target, rule: rule)
    }

    mutating func appliedPromotion() throws(CodecError) -> AppliedPromotion {
        AppliedPromotion(id: try string(), name: try string(), amount: try zigzag(),
                         lines: try array { r throws(CodecError) in
                             AppliedPromotion.LineShare(line: try r.int(), amount: try r.zigzag())
                         })
    }

    mutating func offers() throws(CodecError) -> [Int: [Promotion]] {
        var o: [Int: [Promotion]] = [:]
        for _ in 0..<(try count()) {
            let i = try int()
            o[i] = try array { r throws(CodecError) in try r.promotion() }
        }
        return o
    }

    mutating func promotionsState(into s: inout PromotionState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let p = try promotion()
            s.promotions[p.id] = p
        }
    }
}

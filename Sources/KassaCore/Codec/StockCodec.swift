/// The binary form of stock: goods received, counted and adjusted, and reorder rules.
extension ByteWriter {
    mutating func stockReceived(_ item: ItemID, quantity: Int64, unitCost: Int64?, reason: String, by: OperatorID) {
        string(item.rawValue); zigzag(quantity); optional(unitCost) { $0.zigzag($1) }; string(reason); id(by)
    }

    mutating func stockCounted(_ item: ItemID, counted: Int64, difference: Int64, by: OperatorID) {
        string(item.rawValue); zigzag(counted); zigzag(difference); id(by)
    }

    mutating func stockAdjusted(_ item: ItemID, delta: Int64, reason: String, by: OperatorID) {
        string(item.rawValue); zigzag(delta); string(reason); id(by)
    }

    mutating func reorderSet(_ item: ItemID, _ rule: ReorderRule?, by: OperatorID) {
        string(item.rawValue); optional(rule) { $0.reorderRule($1) }; id(by)
    }

    mutating func reorderRule(_ r: ReorderRule) { zigzag(r.point); zigzag(r.quantity) }

    /// In a snapshot: stock levels, reorder rules and unit costs.
    mutating func stockState(_ s: StockState) {
        array(s.stock.keys.sorted()) { w, k in w.string(k.rawValue); w.zigzag(s.stock[k]!) }
        array(s.reorderRules.keys.sorted()) { w, k in w.string(k.rawValue); w.reorderRule(s.reorderRules[k]!) }
        array(s.unitCosts.keys.sorted()) { w, k in w.string(k.rawValue); w.zigzag(s.unitCosts[k]!) }
    }
}

extension ByteReader {
    mutating func stockReceived() throws(CodecError) -> RegisterEvent {
        .stockReceived(ItemID(try string()), quantity: try zigzag(),
                       unitCost: try optional { r throws(CodecError) in try r.zigzag() }, reason: try string(), by: try id())
    }

    mutating func stockCounted() throws(CodecError) -> RegisterEvent {
        .stockCounted(ItemID(try string()), counted: try zigzag(), difference: try zigzag(), by: try id())
    }

    mutating func stockAdjusted() throws(CodecError) -> RegisterEvent {
        .stockAdjusted(ItemID(try string()), delta: try zigzag(), reason: try string(), by: try id())
    }

    mutating func reorderSet() throws(CodecError) -> RegisterEvent {
        .reorderSet(ItemID(try string()), try optional { r throws(CodecError) in try r.reorderRule() }, by: try id())
    }

    mutating func reorderRule() throws(CodecError) -> ReorderRule {
        ReorderRule(point: try zigzag(), quantity: try zigzag())
    }

    mutating func stockState(into s: inout StockState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let item = ItemID(try string())
            s.stock[item] = try zigzag()
        }
        for _ in 0..<(try count()) {
            let item = ItemID(try string())
            s.reorderRules[item] = try reorderRule()
        }
        for _ in 0..<(try count()) {
            let item = ItemID(try string())
            s.unitCosts[item] = try zigzag()
        }
    }
}

/// Goods received, counted and adjusted, and reorder rules.
extension RegisterState {
    func receiveStock(_ item: ItemID, quantity: Int64, unitCost cost: Int64?, reason: String?,
                      _ env: RegisterEnvironment) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.receiveStock)
        try stockItem(item, env)
        guard quantity > 0 else { throw .invalidQuantity(quantity) }
        if let cost, cost < 0 { throw .invalidAmount("a cost cannot be negative") }
        return [.stockReceived(item, quantity: quantity, unitCost: cost,
                               reason: CardNumberMasker.maskAll(in: reason ?? ""), by: me)]
    }

    func countStock(_ item: ItemID, counted: Int64, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                    pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let by = try authorise(.adjustStock, override: override, env, ctx, &pinEvents)
        try stockItem(item, env)
        guard counted >= 0 else { throw .invalidQuantity(counted) }
        return [.stockCounted(item, counted: counted, difference: counted &- (stockState.stock[item] ?? 0), by: by)]
    }

    func adjustStock(_ item: ItemID, delta: Int64, reason: String, override: String?, _ env: RegisterEnvironment,
                     _ ctx: Context, pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let by = try authorise(.adjustStock, override: override, env, ctx, &pinEvents)
        try stockItem(item, env)
        guard delta != 0 else { throw .invalidQuantity(delta) }
        guard !reason.trimmingSpaces().isEmpty else { throw .reasonRequired }
        return [.stockAdjusted(item, delta: delta, reason: CardNumberMasker.maskAll(in: reason), by: by)]
    }

    func setReorder(_ item: ItemID, _ rule: ReorderRule?, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                    pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let by = try authorise(.stockSettings, override: override, env, ctx, &pinEvents)
        try stockItem(item, env)
        if let rule {
            guard rule.point >= 0 else { throw .invalidAmount("a reorder point cannot be negative") }
            guard rule.quantity > 0 else { throw .invalidAmount("a reorder quantity must be more than zero") }
        }
        return [.reorderSet(item, rule, by: by)]
    }

    /// Stock is kept only for items of the catalog.
    func stockItem(_ id: ItemID, _ env: RegisterEnvironment) throws(Refusal) {
        guard env.catalog.item(id) != nil else { throw .unknownItem(id) }
    }
}

/// Setting up and removing promotions.
extension RegisterState {
    /// Sets up a promotion, or changes the one with its id; the same promotion again records nothing.
    func setPromotion(_ promotion: Promotion, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                      pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let by = try authorise(.promotions, override: override, env, ctx, &pinEvents)
        var promotion = promotion
        promotion.name = promotion.name.trimmingSpaces()
        if let problem = promotion.problem { throw .invalidPromotion(problem) }
        if case .items(let ids) = promotion.target {
            for id in ids { try stockItem(id, env) }
        }
        guard promotionState.promotions[promotion.id] != promotion else { return [] }
        return [.promotionSet(promotion, by: by)]
    }

    func removePromotion(id: String, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                         pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let by = try authorise(.promotions, override: override, env, ctx, &pinEvents)
        guard promotionState.promotions[id] != nil else { throw .unknownPromotion(id) }
        return [.promotionRemoved(id: id, by: by)]
    }
}

/// Who is logged in at the register, and training mode: the commands of the register's session.
extension RegisterState {
    func login(pin: String, _ env: RegisterEnvironment, _ ctx: Context,
               pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        if let until = staffState.pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
        guard let id = env.pins.owner(of: pin), staffState.operators[id] != nil else {
            pinEvents = rejectedPIN(env, ctx)
            throw .wrongPIN
        }
        return try logIn(id, ctx)
    }

    /// Unknown cards are no login attempt at all (they may be loyalty or gift cards), so they count
    /// nothing towards the lockout.
    func login(badge card: String, _ env: RegisterEnvironment, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        if let until = staffState.pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
        guard let id = env.pins.badgeOwner(of: card), staffState.operators[id] != nil else { throw .unknownBadge }
        return try logIn(id, ctx)
    }

    /// Whoever was logged in is logged out first.
    private func logIn(_ id: OperatorID, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        guard !staffState.disabledOperators.contains(id) else { throw .operatorDisabled(id) }
        var events: [RegisterEvent] = []
        if let current = staffState.currentOperator, current != id { events.append(.loggedOut(current)) }
        events.append(.loggedIn(id, at: ctx.now))
        return events
    }

    func logout() throws(Refusal) -> [RegisterEvent] {
        guard let id = staffState.currentOperator else { throw .notLoggedIn }
        return [.loggedOut(id)]
    }

    func setTraining(_ on: Bool, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                     pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        guard saleState.openSale == nil else { throw .saleInProgress }
        let by = try authorise(.trainingMode, override: override, env, ctx, &pinEvents)
        return [.trainingModeChanged(on, by: by)]
    }
}

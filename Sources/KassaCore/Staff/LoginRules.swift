/// Who is logged in at the register, and training mode: the commands of the register's session.
extension RegisterState {
    func login(pin: String, _ env: RegisterEnvironment, _ ctx: Context,
               pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        try logIn(pinOwner(pin, env, ctx, &pinEvents), ctx)
    }

    /// Unknown cards are no login attempt at all (they may be loyalty or gift cards), so they count
    /// nothing towards a delay; nor does a source's delay hold a badge up, so staff whose register
    /// a guesser has slowed still log in by badge.
    func login(badge card: String, _ env: RegisterEnvironment, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        try logIn(badgeOwner(card, env), ctx)
    }

    /// The enabled operator whose badge this card is: a disabled operator's badge is nobody's.
    func badgeOwner(_ card: String, _ env: RegisterEnvironment) throws(Refusal) -> OperatorID {
        guard let id = env.pins.badgeOwner(of: card), staffState.operators[id] != nil,
              !staffState.disabledOperators.contains(id) else { throw .unknownBadge }
        return id
    }

    /// Whoever was logged in is logged out first.
    private func logIn(_ id: OperatorID, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
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

/// Punching the time clock, by PIN or badge, and a supervisor's corrections of a time card.
extension RegisterState {
    /// Nobody needs to be logged in; a wrong PIN, or a disabled operator's, counts like any other.
    func clock(_ action: ClockAction, pin: String, _ env: RegisterEnvironment, _ ctx: Context,
               pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        try punch(action, by: pinOwner(pin, env, ctx, &pinEvents), ctx)
    }

    func clock(_ action: ClockAction, badge card: String, _ env: RegisterEnvironment, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        try punch(action, by: badgeOwner(card, env), ctx)
    }

    func correctTime(_ id: OperatorID, remove: TimePunch?, add: TimePunch?, reason: String, override: String?,
                     _ env: RegisterEnvironment, _ ctx: Context, pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let by = try authorise(.correctTime, override: override, env, ctx, &pinEvents)
        guard staffState.operators[id] != nil else { throw .unknownOperator(id) }
        guard !reason.trimmingSpaces().isEmpty else { throw .reasonRequired }
        guard remove != nil || add != nil else { throw .timeClock(.invalidCorrection("name a punch to remove or to add")) }
        var card = timeClockState.timeCards[id] ?? []
        if let remove {
            guard let i = card.firstIndex(of: remove) else {
                throw .timeClock(.invalidCorrection("\(id) has no such punch to remove"))
            }
            card.remove(at: i)
        }
        if let add {
            guard add.at <= ctx.now else { throw .timeClock(.invalidCorrection("a punch cannot be in the future")) }
            card.insertInOrder(add)
        }
        if let problem = TimeClock.problem(in: card, of: id) { throw .timeClock(problem) }
        return [.timeCorrected(TimeCorrection(operatorID: id, removed: remove, added: add,
                                              reason: CardNumberMasker.maskAll(in: reason), by: by, at: ctx.now))]
    }

    private func punch(_ action: ClockAction, by id: OperatorID, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let card = timeClockState.timeCards[id] ?? []
        if let problem = TimeClock.check(action, after: TimeClock.status(card), id) { throw .timeClock(problem) }
        // The card must stay in time order; a clock set back must not write hours backwards.
        if let last = card.last, ctx.now <= last.at { throw .timeClock(.punchNotAfterLast(id)) }
        return [.timePunched(id, TimePunch(action, at: ctx.now))]
    }
}

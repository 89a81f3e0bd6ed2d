/// The drawer's shift, cash in and out, no-sales, and the day's Z closing.
extension RegisterState {
    func openShift(float: Int64, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.shift)
        guard shiftAndDayState.shift == nil else { throw .shiftAlreadyOpen }
        guard float >= 0 else { throw .invalidAmount("the float cannot be negative") }
        try config.limits.check(float, .float)
        return [.shiftOpened(number: shiftAndDayState.shiftsOpened + 1, by: me, float: float, at: ctx.now)]
    }

    func moveCash(_ kind: CashMovement, amount: Int64, reason: String, _ config: RegisterConfig) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.cashInOut)
        guard shiftAndDayState.shift != nil else { throw .shiftNotOpen }
        guard saleState.openSale == nil else { throw .saleInProgress }
        guard amount > 0 else { throw .invalidAmount("cash in or out must be more than zero") }
        try config.limits.check(amount, .cashMovement)
        guard !reason.trimmingSpaces().isEmpty else { throw .reasonRequired }
        return [.cashMoved(kind, amount: amount, reason: CardNumberMasker.maskAll(in: reason), by: me)]
    }

    func noSale(override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        guard shiftAndDayState.shift != nil else { throw .shiftNotOpen }
        guard saleState.openSale == nil else { throw .saleInProgress }
        let by = try authorise(.noSale, override: override, env, ctx, &pinEvents)
        return [.noSale(by: me, authorisedBy: by)]
    }

    func closeShift(counted: Int64, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.shift)
        guard let s = shiftAndDayState.shift else { throw .shiftNotOpen }
        guard saleState.openSale == nil else { throw .saleInProgress }
        guard counted >= 0 else { throw .invalidAmount("the counted cash cannot be negative") }
        guard counted <= AmountLimits.ceiling else { throw .invalidAmount("the counted cash is more than any drawer holds") }
        return [.shiftClosed(number: s.number, counted: counted, expected: s.expectedCash, by: me, at: ctx.now)]
    }

    func closeDay(_ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.zReport)
        guard saleState.openSale == nil else { throw .saleInProgress }
        guard !staffState.training else { throw .trainingModeMismatch }
        let d = shiftAndDayState
        let z = ZReport(number: d.lastZ + 1, registerID: config.registerID, closedAt: ctx.now, closedBy: me,
                        counters: d.day, grandTotalSales: d.grandTotalSales, grandTotalRefunds: d.grandTotalRefunds)
        return [.dayClosed(z)]
    }
}

/// Who may do what: the logged-in operator's role, or a supervisor's override PIN.
extension RegisterState {
    /// The logged-in operator, if the role has the right.
    @discardableResult
    func require(_ permission: Permission) throws(Refusal) -> OperatorID {
        guard let me = staffState.currentOperator, let op = staffState.operators[me] else { throw .notLoggedIn }
        if permission == .sell || op.role.allows(permission) { return me }
        throw .permissionDenied(permission)
    }

    /// Who authorises an operation: the operator if the role allows it, else the owner of the
    /// override PIN if theirs does. A wrong override PIN counts towards the lockout.
    func authorise(_ permission: Permission, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                   _ pinEvents: inout [RegisterEvent]) throws(Refusal) -> OperatorID {
        guard let me = staffState.currentOperator, let op = staffState.operators[me] else { throw .notLoggedIn }
        if op.role.allows(permission) { return me }
        guard let pin = override else { throw .supervisorRequired(permission) }
        if let until = staffState.pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
        guard let id = env.pins.owner(of: pin), let other = staffState.operators[id] else {
            pinEvents = rejectedPIN(env, ctx)
            throw .wrongPIN
        }
        guard other.role.allows(permission) else { throw .overrideRejected(permission) }
        return id
    }

    func rejectedPIN(_ env: RegisterEnvironment, _ ctx: Context) -> [RegisterEvent] {
        var events: [RegisterEvent] = [.pinRejected(at: ctx.now)]
        if staffState.pinFailures + 1 >= env.config.maxPinFailures {
            events.append(.pinLockout(until: Timestamp(milliseconds: ctx.now.milliseconds + env.config.pinLockoutMilliseconds)))
        }
        return events
    }
}

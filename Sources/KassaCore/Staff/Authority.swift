/// Who may do what: the logged-in operator's role, or a supervisor's override PIN.
extension RegisterState {
    /// The logged-in operator, if the role has the right.
    @discardableResult
    func require(_ permission: Permission) throws(Refusal) -> OperatorID {
        guard let me = staffState.currentOperator, let op = staffState.operators[me] else { throw .notLoggedIn }
        if permission == .sell || op.role.allows(permission) { return me }
        throw .permissionDenied(permission)
    }

    /// Who authorises an operation: the operator if the role allows it, else the enabled owner of
    /// the override PIN if theirs does. Any other override PIN is a wrong one, and counts.
    func authorise(_ permission: Permission, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                   _ pinEvents: inout [RegisterEvent]) throws(Refusal) -> OperatorID {
        guard let me = staffState.currentOperator, let op = staffState.operators[me] else { throw .notLoggedIn }
        if op.role.allows(permission) { return me }
        guard let pin = override else { throw .supervisorRequired(permission) }
        return try pinOwner(pin, env, ctx, &pinEvents) { $0.role.allows(permission) }
    }
}

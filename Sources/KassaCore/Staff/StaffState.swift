/// The register's staff: who works here, who is logged in, the PIN pad's lockout and training
/// mode. A snapshot keeps it in its `staff` section.
public struct StaffState: Hashable, Sendable {
    public var operators: [OperatorID: Operator] = [:]
    public var currentOperator: OperatorID?
    public var pinFailures = 0
    public var pinLockedUntil: Timestamp?
    public var training = false
    /// Operators a technician disabled: they cannot log in.
    public var disabledOperators: Set<OperatorID> = []

    public init() {}

    /// Applies the staff's events; the others change nothing here.
    mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .operatorAdded(let op):
            operators[op.id] = op
        case .operatorRemoved(let id):
            operators[id] = nil
            disabledOperators.remove(id)
            if currentOperator == id { currentOperator = nil }
        case .operatorDisabled(let id, let disabled, _):
            if disabled {
                disabledOperators.insert(id)
                if currentOperator == id { currentOperator = nil }
            } else {
                disabledOperators.remove(id)
            }
        case .technicianRecovered:
            // Physical access outranks the PIN pad's lockout.
            pinFailures = 0
            pinLockedUntil = nil
        case .loggedIn(let id, _):
            currentOperator = id
            pinFailures = 0
            pinLockedUntil = nil
        case .loggedOut:
            currentOperator = nil
        case .pinRejected:
            pinFailures += 1
        case .pinLockout(let until):
            pinLockedUntil = until
            pinFailures = 0
        case .trainingModeChanged(let on, _):
            training = on
        default:
            break
        }
    }
}

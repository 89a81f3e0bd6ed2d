/// The register's staff: who works here, who is logged in, wrong PINs from each source and
/// training mode. A snapshot keeps it in its `staff` and `pinAttempts` sections.
public struct StaffState: Hashable, Sendable {
    public var operators: [OperatorID: Operator] = [:]
    public var currentOperator: OperatorID?
    public var pinAttempts = PinAttempts()
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
        case .loggedIn(let id, _):
            currentOperator = id
            pinAttempts.apply(event, operators: operators)
        case .loggedOut:
            currentOperator = nil
        case .pinRefused:
            pinAttempts.apply(event, operators: operators)
        case .pinRejected, .pinLockout:
            // Older journals' count of wrong PINs with no source, and their lock of the whole pad:
            // neither counts towards a delay now.
            break
        case .trainingModeChanged(let on, _):
            training = on
        default:
            break
        }
    }
}

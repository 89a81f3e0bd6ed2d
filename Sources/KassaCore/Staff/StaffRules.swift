/// Who asks the register to do something. `decide` takes it with every command, so that who may
/// do what is answered by one set of rules, here in the core, whoever the caller is.
public enum Caller: Hashable, Sendable {
    /// The register's own session: whoever is logged in at it (or nobody).
    case register
    /// A technician whose PIN was entered on a connection (the console): acts as that technician
    /// whoever is logged in at the register.
    case technician(OperatorID)
    /// A new register with no operators at all, being set up.
    case firstBoot
    /// Someone holding the one-time code the receipt printer printed while no technician could
    /// log in: the box is in their hands.
    case recoveryCode
}

/// Why a recovery code was allowed, journaled with it.
public enum RecoveryGround: String, Hashable, Sendable, CaseIterable {
    /// No technician is enabled: none was ever added, or every one is disabled.
    case noEnabledTechnician = "no_enabled_technician"
    /// No enabled technician has a PIN on this box (its PIN store was lost, or it was restored
    /// from a backup without one).
    case noTechnicianPIN = "no_technician_pin"
}

extension Caller: CustomStringConvertible {
    public var description: String {
        switch self {
        case .register: return "register"
        case .technician(let id): return id.rawValue
        case .firstBoot: return "first-boot"
        case .recoveryCode: return "recovery-code"
        }
    }
}

extension RegisterState {
    /// The state as the caller acts on it: a technician's session acts as that technician.
    func acting(as caller: Caller) throws(Refusal) -> RegisterState {
        guard case .technician(let id) = caller else { return self }
        guard let op = staffState.operators[id] else { throw .unknownOperator(id) }
        guard op.role == .technician else { throw .notATechnician(id, op.role) }
        guard !staffState.disabledOperators.contains(id) else { throw .operatorDisabled(id) }
        var acting = self
        acting.staffState.currentOperator = id
        return acting
    }

    /// An operator's id: 1 to 32 printable characters without spaces (it names them in the
    /// journal, on receipts and in file names of exports).
    public static func isValidOperatorID(_ id: OperatorID) -> Bool {
        !id.rawValue.isEmpty && id.rawValue.utf8.count <= 32 && id.rawValue.utf8.allSatisfy { $0 > 32 && $0 < 127 }
    }

    /// Who does an administrative change: on a new register being set up nobody yet, else the
    /// acting operator if their role has the right.
    @discardableResult
    private func administrator(_ caller: Caller, _ permission: Permission) throws(Refusal) -> OperatorID {
        if caller == .firstBoot {
            guard staffState.operators.isEmpty else { throw .permissionDenied(permission) }
            return OperatorID("first-boot")
        }
        return try require(permission)
    }

    func addOperator(_ op: Operator, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        guard Self.isValidOperatorID(op.id) else { throw .invalidOperatorID }
        if staffState.operators.isEmpty {
            guard caller == .firstBoot || caller == .register else { throw .permissionDenied(.manageOperators) }
            guard op.role == .technician else { throw .firstOperatorMustBeTechnician }
        } else {
            try administrator(caller, .manageOperators)
        }
        guard staffState.operators[op.id] == nil else { throw .operatorExists(op.id) }
        return [.operatorAdded(op)]
    }

    func setUpOperators(_ ops: [Operator], _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        guard caller == .firstBoot, staffState.operators.isEmpty else { throw .permissionDenied(.manageOperators) }
        guard ops.contains(where: { $0.role == .technician }) else { throw .firstOperatorMustBeTechnician }
        guard ops.allSatisfy({ Self.isValidOperatorID($0.id) }) else { throw .invalidOperatorID }
        var seen = Set<OperatorID>()
        for op in ops where !seen.insert(op.id).inserted { throw .operatorExists(op.id) }
        return ops.map { .operatorAdded($0) }
    }

    func removeOperator(_ id: OperatorID, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        let me = try administrator(caller, .manageOperators)
        guard staffState.operators[id] != nil else { throw .unknownOperator(id) }
        guard id != me else { throw .cannotRemoveSelf }
        return [.operatorRemoved(id)]
    }

    func setOperatorDisabled(_ id: OperatorID, _ disable: Bool, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        let me = try administrator(caller, .manageOperators)
        guard staffState.operators[id] != nil else { throw .unknownOperator(id) }
        guard !(disable && id == me) else { throw .cannotDisableSelf }
        return [.operatorDisabled(id, disable, by: me)]
    }

    func resetPIN(_ id: OperatorID, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        let me = try administrator(caller, .manageOperators)
        guard staffState.operators[id] != nil else { throw .unknownOperator(id) }
        return [.pinReset(id, by: me)]
    }

    /// A badge is kept beside the PINs and never journaled: this decides only whether it may be.
    func enrolBadge(_ id: OperatorID, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        try administrator(caller, .manageOperators)
        guard staffState.operators[id] != nil else { throw .unknownOperator(id) }
        return []
    }

    /// A technician's PIN opens a session; any other PIN is a wrong one, and counts.
    func openTechnicianSession(pin: String, _ env: RegisterEnvironment, _ ctx: Context,
                               pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        _ = try pinOwner(pin, env, ctx, &pinEvents) { $0.role == .technician }
        return []
    }

    /// A damaged journal is recovered with a supervisor's or a technician's PIN; any other PIN is a
    /// wrong one, and counts (in memory when the damaged journal cannot record it).
    func confirmJournalRecovery(pin: String, _ env: RegisterEnvironment, _ ctx: Context,
                                pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        _ = try pinOwner(pin, env, ctx, &pinEvents) { $0.role >= .supervisor }
        return []
    }

    /// Why a recovery code may be printed and used: no technician can log in. While one can, the
    /// code is refused, for whoever holds the receipt printer's paper (a cashier) is not a technician.
    func recoveryGround(_ env: RegisterEnvironment) throws(Refusal) -> RecoveryGround {
        let enabled = staffState.operators.values.filter { $0.role == .technician && !staffState.disabledOperators.contains($0.id) }
        if enabled.isEmpty { return .noEnabledTechnician }
        if !enabled.contains(where: { env.pins.macs[$0.id] != nil }) { return .noTechnicianPIN }
        throw .recoveryNotNeeded
    }

    func recoverTechnician(_ id: OperatorID, name: String?, _ caller: Caller, _ env: RegisterEnvironment,
                           _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        guard caller == .recoveryCode else { throw .permissionDenied(.manageOperators) }
        _ = try recoveryGround(env)
        var events: [RegisterEvent] = []
        if let existing = staffState.operators[id] {
            guard existing.role == .technician else { throw .notATechnician(id, existing.role) }
            if staffState.disabledOperators.contains(id) { events.append(.operatorDisabled(id, false, by: id)) }
            events.append(.pinReset(id, by: id))
        } else {
            guard Self.isValidOperatorID(id) else { throw .invalidOperatorID }
            events.append(.operatorAdded(Operator(id: id, name: name ?? id.rawValue, role: .technician)))
        }
        return events + [.technicianRecovered(id, at: ctx.now)]
    }

    func changeSetting(key: String, old: String?, new: String, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        [.settingChanged(key: key, old: old, new: new, by: try administrator(caller, .configure))]
    }

    func importCatalog(items: Int, sha256: String, _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        [.catalogImported(items: items, sha256: sha256, by: try administrator(caller, .configure))]
    }

    /// The technician opens the drawer to test it: journaled as their no-sale.
    func testDrawer(_ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        let me = try administrator(caller, .testDevices)
        return [.noSale(by: me, authorisedBy: me)]
    }

    func printTestPage(_ lines: [PrintedLine], _ caller: Caller) throws(Refusal) -> [RegisterEvent] {
        try administrator(caller, .testDevices)
        return [.outputQueued(id: outputState.lastOutputID + 1, .document(kind: "test_page", lines: lines))]
    }
}

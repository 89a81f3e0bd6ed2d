/// The binary form of operators, logging in and out, wrong PINs, training mode and the
/// technician's actions on operators.
extension ByteWriter {
    mutating func operatorRecord(_ op: Operator) { id(op.id); string(op.name); string(op.role.rawValue) }
    mutating func operatorRemoved(_ who: OperatorID) { id(who) }
    mutating func operatorDisabled(_ who: OperatorID, _ disabled: Bool, by: OperatorID) { id(who); bool(disabled); id(by) }
    mutating func pinReset(_ who: OperatorID, by: OperatorID) { id(who); id(by) }
    mutating func technicianRecovered(_ who: OperatorID, at: Timestamp) { id(who); time(at) }
    mutating func loggedIn(_ who: OperatorID, at: Timestamp) { id(who); time(at) }
    mutating func loggedOut(_ who: OperatorID) { id(who) }
    mutating func pinRejected(at: Timestamp) { time(at) }
    mutating func pinLockout(until: Timestamp) { time(until) }
    mutating func pinRefused(_ source: PinSource, failures: Int, at: Timestamp) { string(source.rawValue); int(failures); time(at) }
    mutating func recoveryCodePrinted(_ ground: RecoveryGround, at: Timestamp) { string(ground.rawValue); time(at) }
    mutating func trainingModeChanged(_ on: Bool, by: OperatorID) { bool(on); id(by) }

    /// In a snapshot: operators, who is logged in and training mode. The PIN pad's count and lock
    /// that stood between them are retired: always 0 and none now.
    mutating func operatorsState(_ s: StaffState) {
        array(s.operators.keys.sorted()) { w, k in w.operatorRecord(s.operators[k]!) }
        optional(s.currentOperator) { $0.id($1) }
        int(0)
        optional(Timestamp?.none) { $0.time($1) }
        bool(s.training)
    }

    /// In a snapshot: wrong PINs in a row from each source, and when a supervisor last saw them.
    mutating func pinAttemptsState(_ a: PinAttempts) {
        array(a.sources.keys.sorted()) { w, source in
            w.string(source.rawValue)
            w.int(a.sources[source]!.count)
            w.time(a.sources[source]!.last)
        }
        optional(a.seenBySupervisor) { $0.time($1) }
    }

    mutating func disabledOperatorsState(_ s: StaffState) { array(s.disabledOperators.sorted()) { w, o in w.id(o) } }
}

extension ByteReader {
    mutating func role() throws(CodecError) -> Role {
        let at = offset
        guard let r = Role(rawValue: try string()) else { throw .badValue("role", at: at) }
        return r
    }

    mutating func operatorRecord() throws(CodecError) -> Operator { Operator(id: try id(), name: try string(), role: try role()) }
    mutating func operatorRemoved() throws(CodecError) -> RegisterEvent { .operatorRemoved(try id()) }
    mutating func operatorDisabled() throws(CodecError) -> RegisterEvent { .operatorDisabled(try id(), try bool(), by: try id()) }
    mutating func pinReset() throws(CodecError) -> RegisterEvent { .pinReset(try id(), by: try id()) }
    mutating func technicianRecovered() throws(CodecError) -> RegisterEvent { .technicianRecovered(try id(), at: try time()) }
    mutating func loggedIn() throws(CodecError) -> RegisterEvent { .loggedIn(try id(), at: try time()) }
    mutating func loggedOut() throws(CodecError) -> RegisterEvent { .loggedOut(try id()) }
    mutating func pinRejected() throws(CodecError) -> RegisterEvent { .pinRejected(at: try time()) }
    mutating func pinLockout() throws(CodecError) -> RegisterEvent { .pinLockout(until: try time()) }
    mutating func pinRefused() throws(CodecError) -> RegisterEvent {
        .pinRefused(PinSource(try string()), failures: try int(), at: try time())
    }
    mutating func recoveryCodePrinted() throws(CodecError) -> RegisterEvent {
        let at = offset
        guard let ground = RecoveryGround(rawValue: try string()) else { throw .badValue("recovery ground", at: at) }
        return .recoveryCodePrinted(ground, at: try time())
    }
    mutating func trainingModeChanged() throws(CodecError) -> RegisterEvent { .trainingModeChanged(try bool(), by: try id()) }

    mutating func operatorsState(into s: inout StaffState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let op = try operatorRecord()
            s.operators[op.id] = op
        }
        s.currentOperator = try optional { r throws(CodecError) in try r.id() }
        _ = try int()
        _ = try optional { r throws(CodecError) in try r.time() }
        s.training = try bool()
    }

    mutating func pinAttemptsState(into a: inout PinAttempts) throws(CodecError) {
        for _ in 0..<(try count()) {
            let source = PinSource(try string())
            a.sources[source] = PinAttempts.Failures(count: try int(), last: try time())
        }
        a.seenBySupervisor = try optional { r throws(CodecError) in try r.time() }
    }

    mutating func disabledOperatorsState(into s: inout StaffState) throws(CodecError) {
        s.disabledOperators = Set(try array { r throws(CodecError) in try r.id() })
    }
}

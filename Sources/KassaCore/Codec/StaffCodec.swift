/// The binary form of operators, logging in and out, the PIN pad, training mode and the
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
    mutating func trainingModeChanged(_ on: Bool, by: OperatorID) { bool(on); id(by) }

    /// In a snapshot: operators, who is logged in, the PIN pad and training mode.
    mutating func operatorsState(_ s: StaffState) {
        array(s.operators.keys.sorted()) { w, k in w.operatorRecord(s.operators[k]!) }
        optional(s.currentOperator) { $0.id($1) }
        int(s.pinFailures)
        optional(s.pinLockedUntil) { $0.time($1) }
        bool(s.training)
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
    mutating func trainingModeChanged() throws(CodecError) -> RegisterEvent { .trainingModeChanged(try bool(), by: try id()) }

    mutating func operatorsState(into s: inout StaffState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let op = try operatorRecord()
            s.operators[op.id] = op
        }
        s.currentOperator = try optional { r throws(CodecError) in try r.id() }
        s.pinFailures = try int()
        s.pinLockedUntil = try optional { r throws(CodecError) in try r.time() }
        s.training = try bool()
    }

    mutating func disabledOperatorsState(into s: inout StaffState) throws(CodecError) {
        s.disabledOperators = Set(try array { r throws(CodecError) in try r.id() })
    }
}

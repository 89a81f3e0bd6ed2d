/// The binary form of the time clock: punches and a supervisor's corrections.
extension ByteWriter {
    mutating func timePunched(_ who: OperatorID, _ p: TimePunch) { id(who); punch(p) }

    mutating func timeCorrected(_ c: TimeCorrection) {
        id(c.operatorID); optional(c.removed) { $0.punch($1) }; optional(c.added) { $0.punch($1) }
        string(c.reason); id(c.by); time(c.at)
    }

    mutating func punch(_ p: TimePunch) { u8(p.action.code); time(p.at) }

    /// In a snapshot: every employee's time card.
    mutating func timeCardsState(_ s: TimeClockState) {
        array(s.timeCards.keys.sorted()) { w, k in w.id(k); w.array(s.timeCards[k]!) { $0.punch($1) } }
    }
}

extension ByteReader {
    mutating func timePunched() throws(CodecError) -> RegisterEvent { .timePunched(try id(), try punch()) }

    mutating func timeCorrected() throws(CodecError) -> RegisterEvent {
        .timeCorrected(TimeCorrection(
            operatorID: try id(), removed: try optional { r throws(CodecError) in try r.punch() },
            added: try optional { r throws(CodecError) in try r.punch() }, reason: try string(), by: try id(), at: try time()))
    }

    mutating func punch() throws(CodecError) -> TimePunch {
        let at = offset
        guard let action = ClockAction(code: try u8()) else { throw .badValue("clock action", at: at) }
        return TimePunch(action, at: try time())
    }

    mutating func timeCardsState(into s: inout TimeClockState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let who = try id()
            s.timeCards[who] = try array { r throws(CodecError) in try r.punch() }
        }
    }
}

import KassaCore

/// `journal.verify` and `journal.verify_status`, and the `verification` part of the journal in
/// `status`: how far the verification of the whole journal has come.
///
/// A pass checks records 1 through `through_seq`; it may be carried on by several runs of kassad
/// (a register in a crash or power-cut loop), each going on after the last record an earlier run
/// checked (`resumed_after`). A pass that reaches its end is remembered as `sound_through` and
/// `sound_at`, and the next one starts from record 1 again.
public struct JournalVerificationReply: ReplyValue, Hashable {
    public var running: Bool
    /// The last record of the pass under way (the journal's newest when this run's verification began).
    public var throughSeq: Int64?
    /// Records 1 through this are verified, by this run and earlier ones.
    public var checked: Int64?
    /// This run went on after this record, checked by earlier runs of kassad (0: from record 1).
    public var resumedAfter: Int64?
    /// When the pass under way began (milliseconds since the epoch), perhaps in an earlier run.
    public var passStartedAt: Int64?
    /// The newest whole pass found records 1 through this sound, at `soundAt` (ms).
    public var soundThrough: Int64?
    public var soundAt: Int64?
    public var result: Verdict?

    /// The verdict of this run's verification once it has one.
    public struct Verdict: ReplyValue, Hashable {
        public var sound: Bool
        public var records: Int64?
        public var segments: Int64?
        public var fault: String?
        public var error: String?

        public init(sound: Bool, records: Int64? = nil, segments: Int64? = nil, fault: String? = nil, error: String? = nil) {
            self.sound = sound
            self.records = records
            self.segments = segments
            self.fault = fault
            self.error = error
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(sound: try f.bool("sound"), records: try f.optionalInt("records"), segments: try f.optionalInt("segments"),
                      fault: try f.optionalString("fault"), error: try f.optionalString("error"))
        }

        public var json: JSONValue {
            var o: JSONObject = ["sound": .bool(sound)]
            if let records { o["records"] = .int(records) }
            if let segments { o["segments"] = .int(segments) }
            if let fault { o["fault"] = .string(fault) }
            if let error { o["error"] = .string(error) }
            return .object(o)
        }
    }

    public init(running: Bool, throughSeq: Int64? = nil, checked: Int64? = nil, resumedAfter: Int64? = nil,
                passStartedAt: Int64? = nil, soundThrough: Int64? = nil, soundAt: Int64? = nil, result: Verdict? = nil) {
        self.running = running
        self.throughSeq = throughSeq
        self.checked = checked
        self.resumedAfter = resumedAfter
        self.passStartedAt = passStartedAt
        self.soundThrough = soundThrough
        self.soundAt = soundAt
        self.result = result
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(running: try f.bool("running"), throughSeq: try f.optionalInt("through_seq"), checked: try f.optionalInt("checked"),
                  resumedAfter: try f.optionalInt("resumed_after"), passStartedAt: try f.optionalInt("pass_started"),
                  soundThrough: try f.optionalInt("sound_through"), soundAt: try f.optionalInt("sound_at"),
                  result: try f.optionalValue("result"))
    }

    public var json: JSONValue {
        var o: JSONObject = ["running": .bool(running)]
        if let throughSeq { o["through_seq"] = .int(throughSeq) }
        if let checked { o["checked"] = .int(checked) }
        if let resumedAfter { o["resumed_after"] = .int(resumedAfter) }
        if let passStartedAt { o["pass_started"] = .int(passStartedAt) }
        if let soundThrough { o["sound_through"] = .int(soundThrough) }
        if let soundAt { o["sound_at"] = .int(soundAt) }
        if let result { o["result"] = result.json }
        return .object(o)
    }

    /// One line for people: `verified 40000 of 100000 records (…)`, or the verdict.
    public var summary: String {
        var text: String
        if running {
            text = "verifying: \(checked ?? 0) of \(throughSeq ?? 0) records checked"
            if let after = resumedAfter, after > 0 { text += " (this run went on after record \(after))" }
        } else if let result {
            if result.sound {
                text = "sound through record \(result.records ?? 0)"
                if let after = resumedAfter, after > 0 { text += " (records 1–\(after) by earlier runs)" }
            } else if let fault = result.fault {
                text = "DAMAGED: \(fault)"
            } else {
                text = "failed: \(result.error ?? "?")"
            }
        } else {
            text = "not run"
        }
        if running || result?.sound != true, let through = soundThrough, through > 0 {
            text += "; last whole pass sound through record \(through)"
        }
        return text
    }
}

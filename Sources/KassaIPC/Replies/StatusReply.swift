import KassaCore

/// `status`: the register at a glance, enough for a client to draw itself from nothing (at start
/// and after a gap in the events).
public struct StatusReply: ReplyValue, Hashable {
    public var register: String
    public var store: String
    public var version: String
    public var uptimeSeconds: Int64
    /// Milliseconds since the epoch, by kassad's clock.
    public var time: Int64
    public var timeZone: String
    public var localTime: String
    public var `operator`: OperatorReply?
    public var training: Bool
    public var shift: ShiftReply?
    public var sale: SaleReply?
    public var parked: [ParkedSaleReply]
    public var journal: JournalStatusReply
    public var alarms: [AlarmReply]
    public var technicianSession: Bool
    /// Output ids of printouts still owed.
    public var printoutsOwed: [Int64]
    public var devices: [DeviceReply]
    /// True on a new box with no operators yet: the first technician is set up without a PIN.
    public var needsSetUp: Bool
    /// The settings a client's screen needs before anyone logs in (`SettingKey.screen`: language,
    /// money format, idle lock), by key. Everything else of the configuration is behind a log-in.
    public var screen: [String: String]

    public init(register: String, store: String, version: String, uptimeSeconds: Int64, time: Int64, timeZone: String,
                localTime: String, operator: OperatorReply?, training: Bool, shift: ShiftReply?, sale: SaleReply?,
                parked: [ParkedSaleReply], journal: JournalStatusReply, alarms: [AlarmReply], technicianSession: Bool,
                printoutsOwed: [Int64], devices: [DeviceReply], needsSetUp: Bool, screen: [String: String]) {
        self.register = register
        self.store = store
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.time = time
        self.timeZone = timeZone
        self.localTime = localTime
        self.operator = `operator`
        self.training = training
        self.shift = shift
        self.sale = sale
        self.parked = parked
        self.journal = journal
        self.alarms = alarms
        self.technicianSession = technicianSession
        self.printoutsOwed = printoutsOwed
        self.devices = devices
        self.needsSetUp = needsSetUp
        self.screen = screen
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(register: try f.string("register"), store: try f.string("store"), version: try f.string("version"),
                  uptimeSeconds: try f.int("uptime_s"), time: try f.int("time"), timeZone: try f.string("time_zone"),
                  localTime: try f.string("local_time"), operator: try f.value("operator"), training: try f.bool("training"),
                  shift: try f.value("shift"), sale: try f.value("sale"), parked: try f.values("parked"),
                  journal: try f.value("journal"), alarms: try f.values("alarms"),
                  technicianSession: try f.bool("technician_session"), printoutsOwed: try f.ints("printouts_owed"),
                  devices: try f.values("devices"), needsSetUp: try f.bool("needs_set_up"), screen: try f.stringMap("screen"))
    }

    public var json: JSONValue {
        ["register": .string(register), "store": .string(store), "version": .string(version),
         "uptime_s": .int(uptimeSeconds), "time": .int(time), "time_zone": .string(timeZone), "local_time": .string(localTime),
         "operator": `operator`.json, "training": .bool(training), "shift": shift.json, "sale": sale.json,
         "parked": parked.json, "journal": journal.json, "alarms": alarms.json,
         "technician_session": .bool(technicianSession), "printouts_owed": .array(printoutsOwed.map(JSONValue.int)),
         "devices": devices.json, "needs_set_up": .bool(needsSetUp),
         "screen": .object(screenObject)]
    }

    private var screenObject: JSONObject {
        var o = JSONObject()
        for key in screen.keys.sorted() { o[key] = .string(screen[key]!) }
        return o
    }
}

/// A device as `status`, `device.list` and the `device.status` event show it. Its kind, state,
/// power and status words are KassaDevices' names, kept as text here (KassaIPC does not import it).
public struct DeviceReply: ReplyValue, Hashable {
    public var id: String
    /// `printer`, `drawer`, `display`, `scanner`, …
    public var kind: String
    public var state: String
    public var power: String
    /// What the device reports besides its state (`paper_out`, `cover_open`, …).
    public var status: [String]
    /// How it is attached, for people.
    public var via: String
    public var model: String?
    /// Why a device is `ignored`: USB devices discovery left alone are listed too, never silently.
    public var reason: String?

    public init(id: String, kind: String, state: String, power: String, status: [String], via: String, model: String?,
                reason: String? = nil) {
        self.id = id
        self.kind = kind
        self.state = state
        self.power = power
        self.status = status
        self.via = via
        self.model = model
        self.reason = reason
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(id: try f.string("id"), kind: try f.string("kind"), state: try f.string("state"), power: try f.string("power"),
                  status: try f.strings("status"), via: try f.string("via"), model: try f.optionalString("model"),
                  reason: try f.optionalString("reason"))
    }

    public var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "kind": .string(kind), "state": .string(state), "power": .string(power),
                             "status": .array(status.map(JSONValue.string)), "via": .string(via), "model": model.map(JSONValue.string) ?? .null]
        if let reason { o["reason"] = .string(reason) }
        return .object(o)
    }
}

/// An alarm raised (`active`) or cleared, in `status` and as the `alarm` event.
public struct AlarmReply: ReplyValue, Hashable {
    public var code: String
    /// Empty when the alarm is cleared.
    public var message: String
    public var active: Bool

    public init(code: String, message: String, active: Bool) {
        self.code = code
        self.message = message
        self.active = active
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(code: try f.string("code"), message: try f.string("message"), active: try f.bool("active"))
    }

    public var json: JSONValue { ["code": .string(code), "message": .string(message), "active": .bool(active)] }
}

/// `journal.status`, and the `journal` part of `status`.
public struct JournalStatusReply: ReplyValue, Hashable {
    public var lastSeq: Int64
    public var durableSeq: Int64
    public var headHash: String
    /// `read_write`, or `read_only` with its `reason`.
    public var mode: String
    public var reason: String?
    /// Nil (unknown) when the state directory's file system could not be asked or gave a figure
    /// that cannot be trusted.
    public var freeBytes: Int64?
    /// How far the verification of the whole journal has come.
    public var verification: JournalVerificationReply?

    public init(lastSeq: Int64, durableSeq: Int64, headHash: String, mode: String, reason: String? = nil, freeBytes: Int64? = nil,
                verification: JournalVerificationReply? = nil) {
        self.lastSeq = lastSeq
        self.durableSeq = durableSeq
        self.headHash = headHash
        self.mode = mode
        self.reason = reason
        self.freeBytes = freeBytes
        self.verification = verification
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(lastSeq: try f.int("last_seq"), durableSeq: try f.int("durable_seq"), headHash: try f.string("head_hash"),
                  mode: try f.string("mode"), reason: try f.optionalString("reason"), freeBytes: try f.optionalInt("free_bytes"),
                  verification: try f.optionalValue("verification"))
    }

    public var json: JSONValue {
        var o: JSONObject = ["last_seq": .int(lastSeq), "durable_seq": .int(durableSeq), "head_hash": .string(headHash),
                             "mode": .string(mode)]
        if let reason { o["reason"] = .string(reason) }
        if let freeBytes { o["free_bytes"] = .int(freeBytes) }
        if let verification { o["verification"] = verification.json }
        return .object(o)
    }
}

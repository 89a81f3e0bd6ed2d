import KassaCore

/// An operator as the session and `operator.list` show them.
public struct OperatorReply: ReplyValue, Hashable {
    public var id: OperatorID
    public var name: String
    public var role: Role
    /// Only `operator.list` says so, and only when true.
    public var disabled: Bool?

    public init(id: OperatorID, name: String, role: Role, disabled: Bool? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.disabled = disabled
    }

    public init(_ op: Operator, disabled: Bool? = nil) {
        self.init(id: op.id, name: op.name, role: op.role, disabled: disabled)
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(id: OperatorID(try f.string("id")), name: try f.string("name"), role: try f.named("role"),
                  disabled: try f.optionalBool("disabled"))
    }

    public var json: JSONValue {
        var o: JSONObject = ["id": id.json, "name": .string(name), "role": .string(role.rawValue)]
        if let disabled { o["disabled"] = .bool(disabled) }
        return .object(o)
    }
}

/// `{"operator": …}`: who is logged in (`login`, `technician`, the `operator.changed` event), or
/// the operator a technician just added or changed.
public struct OperatorResultReply: ReplyValue, Hashable {
    /// Nil when nobody is logged in.
    public var `operator`: OperatorReply?

    public init(operator: OperatorReply?) {
        self.operator = `operator`
    }

    public init(json: JSONValue) throws(IPCError) {
        self.init(operator: try ReplyFields(json).value("operator"))
    }

    public var json: JSONValue { ["operator": `operator`.json] }
}

/// The open shift: who opened it, when, with what float. The expected cash is left out on
/// purpose: the close is blind.
public struct ShiftReply: ReplyValue, Hashable {
    public var number: Int64
    public var openedBy: OperatorID
    /// Milliseconds since the epoch.
    public var openedAt: Int64
    public var float: Int64

    public init(number: Int64, openedBy: OperatorID, openedAt: Int64, float: Int64) {
        self.number = number
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.float = float
    }

    public init(_ shift: ShiftState) {
        self.init(number: Int64(clamping: shift.number), openedBy: shift.openedBy, openedAt: shift.openedAt.milliseconds,
                  float: shift.float)
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(number: try f.int("number"), openedBy: OperatorID(try f.string("opened_by")), openedAt: try f.int("opened_at"),
                  float: try f.int("float"))
    }

    public var json: JSONValue {
        ["number": .int(number), "opened_by": openedBy.json, "opened_at": .int(openedAt), "float": .int(float)]
    }
}

/// `{"shift": …}`: the reply to `shift.open` and the `shift.changed` event.
public struct ShiftResultReply: ReplyValue, Hashable {
    /// Nil when no shift is open.
    public var shift: ShiftReply?

    public init(shift: ShiftReply?) {
        self.shift = shift
    }

    public init(json: JSONValue) throws(IPCError) {
        self.init(shift: try ReplyFields(json).value("shift"))
    }

    public var json: JSONValue { ["shift": shift.json] }
}

import KassaCore

/// Stable machine error codes. Clients branch on these, so a code is never renamed or reused;
/// new failures get new cases. The raw value is what travels on the wire.
public enum ErrorCode: String, Sendable, Hashable, CaseIterable {
    // Framing and syntax: the line never became a request.
    case badJSON = "bad_json"
    case lineTooLong = "line_too_long"
    case invalidUTF8 = "invalid_utf8"
    // Envelope: the line was JSON but not a well-formed request.
    case badRequest = "bad_request"
    case unknownField = "unknown_field"
    case unknownOp = "unknown_op"
    case badArgs = "bad_args"
    // Authority.
    case notLoggedIn = "not_logged_in"
    case forbidden = "forbidden"
    case pinRequired = "pin_required"
    case wrongPin = "wrong_pin"
    /// Wrong PINs in a row from this client's source: no PIN is looked at before `retry_after_ms`.
    case pinDelayed = "pin_delayed"
    // Register state.
    case conflict = "conflict"
    case notFound = "not_found"
    case refused = "refused"
    case overLimit = "over_limit"
    /// A weighed item needs its weight (`grams`), not a number of pieces.
    case weightRequired = "weight_required"
    /// A quantity or weight that makes no sense for the code: a label carries its own.
    case quantityNotAllowed = "quantity_not_allowed"
    case clockBehind = "clock_behind"
    case readOnly = "read_only"
    case deviceUnavailable = "device_unavailable"
    // Card payments through the terminal.
    case cardPaymentPending = "card_payment_pending"
    case cardDeclined = "card_declined"
    case cardNotCharged = "card_not_charged"
    // Server.
    case busy = "busy"
    case tooManyConnections = "too_many_connections"
    case shuttingDown = "shutting_down"
    case `internal` = "internal"
}

/// An error as sent to a client: a stable code and a message for people.
public struct IPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// When trying again is pointless sooner (`pin_delayed`): `retry_after_ms` on the wire.
    public var retryAfterMilliseconds: Int64?

    public init(_ code: ErrorCode, _ message: String, retryAfterMilliseconds: Int64? = nil) {
        self.code = code
        self.message = message
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Maps a JSON parse failure to the code a client can act on.
    public init(parseError: JSONParseError) {
        switch parseError.reason {
        case .invalidUTF8: self.init(.invalidUTF8, parseError.description)
        default: self.init(.badJSON, parseError.description)
        }
    }
}

/// A request id: clients choose a string or an integer, and get it back unchanged.
public enum RequestID: Hashable, Sendable {
    case int(Int64)
    case string(String)

    public var json: JSONValue {
        switch self {
        case .int(let v): return .int(v)
        case .string(let s): return .string(s)
        }
    }

    public init?(_ json: JSONValue) {
        switch json {
        case .int(let v): self = .int(v)
        case .string(let s): self = .string(s)
        default: return nil
        }
    }
}

/// `{"id":…,"op":"…","args":{…},"idempotency_key":"…"}`
public struct Request: Hashable, Sendable {
    public var id: RequestID
    public var op: String
    public var args: JSONObject
    /// Present on mutating requests a client may retry; the register answers a repeat from its record.
    public var idempotencyKey: String?

    public init(id: RequestID, op: String, args: JSONObject = [:], idempotencyKey: String? = nil) {
        self.id = id
        self.op = op
        self.args = args
        self.idempotencyKey = idempotencyKey
    }

    static let fields: Set<String> = ["id", "op", "args", "idempotency_key"]

    /// Decodes the envelope. The error carries the id when one could be read, so even a malformed
    /// request is answered under its own id.
    public init(json: JSONValue) throws(RequestDecodingError) {
        guard case .object(let object) = json else {
            throw RequestDecodingError(id: nil, error: IPCError(.badRequest, "a request must be a JSON object"))
        }
        let id = object["id"].flatMap(RequestID.init)
        func reject(_ code: ErrorCode, _ message: String) -> RequestDecodingError {
            RequestDecodingError(id: id, error: IPCError(code, message))
        }
        guard let id else { throw reject(.badRequest, "\"id\" must be a string or an integer") }
        if let unknown = object.keys.first(where: { !Request.fields.contains($0) }) {
            throw reject(.unknownField, "unknown request field \"\(unknown)\"")
        }
        guard let op = object["op"]?.stringValue, !op.isEmpty else {
            throw reject(.badRequest, "\"op\" must be a non-empty string")
        }
        var args = JSONObject()
        if let a = object["args"] {
            guard case .object(let o) = a else { throw reject(.badArgs, "\"args\" must be an object") }
            args = o
        }
        var key: String?
        if let k = object["idempotency_key"] {
            guard case .string(let s) = k, !s.isEmpty, s.utf8.count <= 128 else {
                throw reject(.badRequest, "\"idempotency_key\" must be a string of 1 to 128 bytes")
            }
            key = s
        }
        self.init(id: id, op: op, args: args, idempotencyKey: key)
    }

    public var json: JSONValue {
        var o: JSONObject = ["id": id.json, "op": .string(op)]
        if !args.isEmpty { o["args"] = .object(args) }
        if let idempotencyKey { o["idempotency_key"] = .string(idempotencyKey) }
        return .object(o)
    }
}

/// A request that could not be decoded, with its id when it had a readable one.
public struct RequestDecodingError: Error, Hashable, Sendable {
    public var id: RequestID?
    public var error: IPCError
}

/// Exactly one per request: `{"id":…,"ok":true,"result":…}` or
/// `{"id":…,"ok":false,"error":{"code":"…","message":"…"}}`. The id is null only when the request
/// line was unreadable.
public struct Reply: Hashable, Sendable {
    public var id: RequestID?
    public var outcome: Result<JSONValue, IPCError>

    public init(id: RequestID?, outcome: Result<JSONValue, IPCError>) {
        self.id = id
        self.outcome = outcome
    }

    public static func ok(_ id: RequestID, _ result: JSONValue = .null) -> Reply {
        Reply(id: id, outcome: .success(result))
    }

    public static func error(_ id: RequestID?, _ error: IPCError) -> Reply {
        Reply(id: id, outcome: .failure(error))
    }

    public var json: JSONValue {
        let idJSON = id?.json ?? .null
        switch outcome {
        case .success(let result):
            return ["id": idJSON, "ok": true, "result": result]
        case .failure(let e):
            var error: JSONObject = ["code": .string(e.code.rawValue), "message": .string(e.message)]
            if let ms = e.retryAfterMilliseconds { error["retry_after_ms"] = .int(ms) }
            return ["id": idJSON, "ok": false, "error": .object(error)]
        }
    }
}

/// `{"event":"…","seq":N,"data":…}`, numbered per server so a subscriber can see what it missed.
public struct Event: Hashable, Sendable {
    public var name: String
    public var seq: UInt64
    public var data: JSONValue

    public init(name: String, seq: UInt64, data: JSONValue) {
        self.name = name
        self.seq = seq
        self.data = data
    }

    public var json: JSONValue {
        ["event": .string(name), "seq": .int(Int64(seq)), "data": data]
    }
}

/// `{"event":"gap","first":A,"last":B}`: events A…B were dropped because the client read too slowly.
public struct Gap: Hashable, Sendable {
    public var first: UInt64
    public var last: UInt64

    public init(first: UInt64, last: UInt64) {
        self.first = first
        self.last = last
    }

    public var json: JSONValue {
        ["event": "gap", "first": .int(Int64(first)), "last": .int(Int64(last))]
    }
}

/// The first line the server sends: `{"kassa":"0.1.0","protocol":1,"capabilities":[…]}`.
public struct Greeting: Hashable, Sendable {
    public var serverVersion: String
    public var protocolVersion: Int64
    public var capabilities: [String]
    /// What a client needs to read and write amounts: `currency` (`code`, `decimals`) and the like.
    public var register: JSONObject

    public init(serverVersion: String, protocolVersion: Int64 = KassaIPC.protocolVersion, capabilities: [String],
                register: JSONObject = [:]) {
        self.serverVersion = serverVersion
        self.protocolVersion = protocolVersion
        self.capabilities = capabilities
        self.register = register
    }

    /// The register's currency (`register.currency`), if the server named a sound one.
    public var currency: Currency? {
        let c = register["currency"]
        guard let code = c?["code"]?.stringValue, let decimals = c?["decimals"]?.intValue, (0...4).contains(decimals) else { return nil }
        return Currency(code: code, minorUnits: Int(decimals))
    }

    public var json: JSONValue {
        var o: JSONObject = ["kassa": .string(serverVersion), "protocol": .int(protocolVersion),
                             "capabilities": .array(capabilities.map(JSONValue.string))]
        for (k, v) in register { o[k] = v }
        return .object(o)
    }
}

/// Anything a server sends, as a client decodes it.
public enum ServerMessage: Hashable, Sendable {
    case greeting(Greeting)
    case reply(Reply)
    case event(Event)
    case gap(Gap)

    /// Reads one server line; codes a newer server may add come through as `.internal` with the
    /// unknown code kept in the message.
    public init(json: JSONValue) throws(IPCError) {
        guard case .object(let o) = json else { throw IPCError(.badJSON, "server sent a non-object") }
        if let version = o["kassa"]?.stringValue {
            guard let proto = o["protocol"]?.intValue,
                  let caps = o["capabilities"]?.arrayValue?.compactMap(\.stringValue) else {
                throw IPCError(.badJSON, "malformed greeting")
            }
            var register = JSONObject()
            for (k, v) in o where k != "kassa" && k != "protocol" && k != "capabilities" { register[k] = v }
            self = .greeting(Greeting(serverVersion: version, protocolVersion: proto, capabilities: caps, register: register))
        } else if let name = o["event"]?.stringValue {
            if name == "gap" {
                guard let first = o["first"]?.intValue, let last = o["last"]?.intValue else {
                    throw IPCError(.badJSON, "malformed gap marker")
                }
                self = .gap(Gap(first: UInt64(max(0, first)), last: UInt64(max(0, last))))
            } else {
                guard let seq = o["seq"]?.intValue else { throw IPCError(.badJSON, "event without seq") }
                self = .event(Event(name: name, seq: UInt64(max(0, seq)), data: o["data"] ?? .null))
            }
        } else if let ok = o["ok"]?.boolValue {
            let id = o["id"].flatMap(RequestID.init)
            if ok {
                self = .reply(Reply(id: id, outcome: .success(o["result"] ?? .null)))
            } else {
                let raw = o["error"]?["code"]?.stringValue ?? ""
                let message = o["error"]?["message"]?.stringValue ?? ""
                let retry = o["error"]?["retry_after_ms"]?.intValue
                let error = ErrorCode(rawValue: raw).map { IPCError($0, message, retryAfterMilliseconds: retry) }
                    ?? IPCError(.internal, "[\(raw)] \(message)")
                self = .reply(.error(id, error))
            }
        } else {
            throw IPCError(.badJSON, "unrecognised server message")
        }
    }
}

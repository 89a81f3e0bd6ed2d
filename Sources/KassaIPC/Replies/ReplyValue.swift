import KassaCore

/// A reply's or an event's shape, declared once: kassad builds it and sends `json`, clients read
/// it back with `init(json:)`.
///
/// Reading is strict about the fields kassad always sends (one that is missing or of another type
/// is an error naming it) and ignores fields it does not know, so a newer kassad can add some.
public protocol ReplyValue: JSONRepresentable, Sendable {
    init(json: JSONValue) throws(IPCError)
}

extension Optional: ReplyValue where Wrapped: ReplyValue {
    /// `null` reads as nil: no open sale, nobody logged in.
    public init(json: JSONValue) throws(IPCError) {
        if json == .null { self = nil } else { self = try Wrapped(json: json) }
    }
}

/// An object's fields as a reply type reads them. Errors name the field by its path in the reply
/// (`lines[2].quantity`), so a client can say exactly what did not fit.
public struct ReplyFields {
    private let object: JSONObject

    public init(_ json: JSONValue) throws(IPCError) {
        guard case .object(let o) = json else { throw ReplyFields.mismatch("the reply", "is not an object") }
        object = o
    }

    static func mismatch(_ path: String, _ problem: String) -> IPCError {
        IPCError(.internal, "\(path) \(problem)")
    }

    private func present(_ key: String) -> JSONValue? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    private func required<T>(_ key: String, _ kind: String, _ read: (JSONValue) -> T?) throws(IPCError) -> T {
        guard let v = object[key] else { throw ReplyFields.mismatch(key, "is missing") }
        guard let value = read(v) else { throw ReplyFields.mismatch(key, "is not \(kind)") }
        return value
    }

    private func optional<T>(_ key: String, _ kind: String, _ read: (JSONValue) -> T?) throws(IPCError) -> T? {
        guard let v = present(key) else { return nil }
        guard let value = read(v) else { throw ReplyFields.mismatch(key, "is not \(kind)") }
        return value
    }

    public func int(_ key: String) throws(IPCError) -> Int64 { try required(key, "an integer", \.intValue) }
    public func string(_ key: String) throws(IPCError) -> String { try required(key, "a string", \.stringValue) }
    public func bool(_ key: String) throws(IPCError) -> Bool { try required(key, "true or false", \.boolValue) }
    public func optionalInt(_ key: String) throws(IPCError) -> Int64? { try optional(key, "an integer", \.intValue) }
    public func optionalString(_ key: String) throws(IPCError) -> String? { try optional(key, "a string", \.stringValue) }
    public func optionalBool(_ key: String) throws(IPCError) -> Bool? { try optional(key, "true or false", \.boolValue) }

    public func strings(_ key: String) throws(IPCError) -> [String] { try elements(key, "a string", \.stringValue) }
    public func ints(_ key: String) throws(IPCError) -> [Int64] { try elements(key, "an integer", \.intValue) }

    private func elements<T>(_ key: String, _ kind: String, _ read: (JSONValue) -> T?) throws(IPCError) -> [T] {
        let values = try required(key, "an array", \.arrayValue)
        var out: [T] = []
        for (i, v) in values.enumerated() {
            guard let element = read(v) else { throw ReplyFields.mismatch("\(key)[\(i)]", "is not \(kind)") }
            out.append(element)
        }
        return out
    }

    /// An object of strings, by key.
    public func stringMap(_ key: String) throws(IPCError) -> [String: String] {
        let o = try required(key, "an object", \.objectValue)
        var out: [String: String] = [:]
        for (k, v) in o {
            guard let text = v.stringValue else { throw ReplyFields.mismatch("\(key).\(k)", "is not a string") }
            out[k] = text
        }
        return out
    }

    /// A string naming one of a closed set (a role, a tender kind).
    public func named<T: RawRepresentable>(_ key: String) throws(IPCError) -> T where T.RawValue == String {
        try required(key, "one of its known names") { $0.stringValue.flatMap(T.init(rawValue:)) }
    }

    public func value<T: ReplyValue>(_ key: String) throws(IPCError) -> T {
        guard let v = object[key] else { throw ReplyFields.mismatch(key, "is missing") }
        return try ReplyFields.within(key) { () throws(IPCError) in try T(json: v) }
    }

    /// Absent or `null` is nil.
    public func optionalValue<T: ReplyValue>(_ key: String) throws(IPCError) -> T? {
        guard let v = present(key) else { return nil }
        return try ReplyFields.within(key) { () throws(IPCError) in try T(json: v) }
    }

    public func values<T: ReplyValue>(_ key: String) throws(IPCError) -> [T] {
        let values = try required(key, "an array", \.arrayValue)
        var out: [T] = []
        for (i, v) in values.enumerated() {
            out.append(try ReplyFields.within("\(key)[\(i)]") { () throws(IPCError) in try T(json: v) })
        }
        return out
    }

    public func optionalValues<T: ReplyValue>(_ key: String) throws(IPCError) -> [T]? {
        guard present(key) != nil else { return nil }
        return try values(key) as [T]
    }

    /// Runs a nested read, putting `path` in front of the field its error names.
    private static func within<T>(_ path: String, _ read: () throws(IPCError) -> T) throws(IPCError) -> T {
        do throws(IPCError) { return try read() } catch {
            let inner = error.message
            throw IPCError(error.code, inner.hasPrefix("the reply ") ? "\(path) \(inner.dropFirst("the reply ".count))" : "\(path).\(inner)")
        }
    }
}

extension IPCClient {
    /// Calls `op` and reads its result as `Reply`; a result of another shape is a protocol violation
    /// naming the field.
    public func call<Reply: ReplyValue>(_ op: Op, args: JSONObject = [:], idempotencyKey: String? = nil,
                                        as _: Reply.Type) throws(IPCClientError) -> Reply {
        let result = try call(op, args: args, idempotencyKey: idempotencyKey)
        do throws(IPCError) { return try Reply(json: result) } catch {
            throw .protocolViolation("\(op.name) replied with \(error.message)")
        }
    }
}

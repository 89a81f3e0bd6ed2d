extension OperationSpec {
    /// Checks `args` against the table: every required argument present, each of its kind and
    /// within its bounds, no argument the operation does not take. `null` counts as absent.
    public func check(_ args: JSONObject, op: Op) throws(IPCError) {
        try Self.check(args, against: arguments, path: "", op: op.name)
    }

    static func check(_ object: JSONObject, against fields: [Argument], path: String, op: String) throws(IPCError) {
        for (key, _) in object where !fields.contains(where: { $0.name == key }) {
            throw IPCError(.badArgs, "\(op): unknown argument '\(path)\(key)'")
        }
        for field in fields {
            let name = path + field.name
            guard let value = object[field.name], value != .null else {
                if field.required { throw IPCError(.badArgs, "\(op): '\(name)' is required") }
                continue
            }
            try check(value, field.kind, name: name, op: op)
        }
    }

    private static func check(_ value: JSONValue, _ kind: ArgumentKind, name: String, op: String) throws(IPCError) {
        func bad(_ message: String) -> IPCError { IPCError(.badArgs, "\(op): '\(name)' \(message)") }
        switch kind {
        case .integer(let bounds):
            switch value {
            case .int(let i):
                guard bounds.contains(i) else { throw bad("must be \(bounds.lowerBound) to \(bounds.upperBound), not \(i)") }
            case .decimal(let d): throw bad("must be a whole number (amounts are in minor units), not \(d)")
            default: throw bad("must be a number")
            }
        case .text(let maxBytes):
            guard case .string(let s) = value else { throw bad("must be a string") }
            guard s.utf8.count <= maxBytes else { throw bad("is longer than \(maxBytes) bytes") }
        case .choice(let options):
            guard case .string(let s) = value, options.contains(s) else {
                throw bad("must be one of \(options.joined(separator: ", "))")
            }
        case .flag:
            guard case .bool = value else { throw bad("must be true or false") }
        case .date:
            guard case .string(let s) = value, s.utf8.count == 10, isDate(s) else { throw bad("must be a date YYYY-MM-DD") }
        case .moment:
            switch value {
            case .int: break
            case .string(let s) where s.utf8.count <= 32: break
            default: throw bad("must be milliseconds or a local time YYYY-MM-DD HH:MM")
            }
        case .list(let element, let maxCount):
            guard case .array(let items) = value else { throw bad("must be a list") }
            guard items.count <= maxCount else { throw bad("has more than \(maxCount) entries") }
            for (i, item) in items.enumerated() { try check(item, element, name: "\(name)[\(i)]", op: op) }
        case .record(let fields):
            guard case .object(let o) = value else { throw bad("must be an object") }
            try check(o, against: fields, path: name + ".", op: op)
        }
    }

    /// The shape `YYYY-MM-DD`; whether the day exists is the reader's to say.
    private static func isDate(_ s: String) -> Bool {
        for (i, c) in s.utf8.enumerated() {
            let isDash = i == 4 || i == 7
            guard isDash ? c == UInt8(ascii: "-") : (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else { return false }
        }
        return true
    }
}

import KassaCore

extension OperationSpec {
    /// What an idempotency key is journaled with, so that the key answers only the request it was
    /// first used for: the SHA-256 (first 128 bits, in hex) of the operation's name and its
    /// arguments in a canonical form (object keys sorted, at every depth). Secret arguments
    /// (PINs, badges, recovery codes) are left out: a digest must not let anyone test PINs
    /// against the journal.
    public func digest(of op: Op, _ args: JSONObject) -> String {
        var bytes = Array(op.name.utf8)
        let secrets = Set(arguments.filter(\.secret).map(\.name))
        for key in args.keys.sorted() where !secrets.contains(key) {
            bytes.append(0)
            JSONValue.writeString(key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            args[key]!.canonical.write(to: &bytes)
        }
        return Hex.encode(Array(SHA256.hash(bytes).prefix(16)))
    }
}

extension JSONValue {
    /// The same value with every object's keys in sorted order: equal values serialize equally.
    var canonical: JSONValue {
        switch self {
        case .object(let o):
            var sorted = JSONObject()
            for key in o.keys.sorted() { sorted[key] = o[key]!.canonical }
            return .object(sorted)
        case .array(let elements):
            return .array(elements.map(\.canonical))
        default:
            return self
        }
    }
}

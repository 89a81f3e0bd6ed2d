import KassaCore
import KassaIPC

/// A request's `args` as a handler reads them, after the operation table has checked them
/// (required keys present, kinds and bounds right, no key the operation does not take). What
/// the table cannot say (a PIN's shape, a date that does not exist) is still refused here.
struct RequestArguments {
    let op: String
    let object: JSONObject

    init(_ op: Op, _ request: Request) {
        self.op = op.name
        object = request.args
    }

    private func bad(_ message: String) -> IPCError { IPCError(.badArgs, "\(op): \(message)") }

    func value(_ key: String) -> JSONValue? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    mutating func string(_ key: String) throws(IPCError) -> String {
        guard let s = try optionalString(key) else { throw bad("'\(key)' is required") }
        return s
    }

    mutating func optionalString(_ key: String) throws(IPCError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw bad("'\(key)' must be a string") }
        return s
    }

    mutating func int(_ key: String) throws(IPCError) -> Int64 {
        guard let i = try optionalInt(key) else { throw bad("'\(key)' is required") }
        return i
    }

    /// Integers only: amounts are minor units, so `12.5` is a mistake to report, not to round.
    mutating func optionalInt(_ key: String) throws(IPCError) -> Int64? {
        guard let v = value(key) else { return nil }
        switch v {
        case .int(let i): return i
        case .decimal(let d): throw bad("'\(key)' must be a whole number (amounts are in minor units), not \(d)")
        default: throw bad("'\(key)' must be a number")
        }
    }

    mutating func bool(_ key: String) throws(IPCError) -> Bool {
        guard let b = try optionalBool(key) else { throw bad("'\(key)' is required") }
        return b
    }

    mutating func optionalBool(_ key: String) throws(IPCError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw bad("'\(key)' must be true or false") }
        return b
    }

    mutating func array(_ key: String) throws(IPCError) -> [JSONValue] {
        guard let v = value(key) else { throw bad("'\(key)' is required") }
        guard case .array(let a) = v else { throw bad("'\(key)' must be a list") }
        return a
    }

    mutating func discount() throws(IPCError) -> Discount? {
        let percent = try optionalInt("percent_bp")
        let amount = try optionalInt("amount")
        switch (percent, amount) {
        case (nil, nil): return nil
        case (let p?, nil):
            guard let bp = Int(exactly: p) else { throw bad("'percent_bp' is out of range") }
            return .percent(bp)
        case (nil, let a?): return .amount(a)
        default: throw bad("give either 'percent_bp' or 'amount', not both")
        }
    }

    mutating func tenderKind(_ key: String) throws(IPCError) -> TenderKind {
        let s = try string(key)
        guard let k = TenderKind(rawValue: s) else { throw bad("'\(key)' must be cash, card or voucher, not '\(s)'") }
        return k
    }

    /// A local date `YYYY-MM-DD`.
    mutating func date(_ key: String) throws(IPCError) -> CivilDate {
        guard let d = try optionalDate(key) else { throw bad("'\(key)' is required") }
        return d
    }

    mutating func optionalDate(_ key: String) throws(IPCError) -> CivilDate? {
        guard let text = try optionalString(key) else { return nil }
        guard let d = CivilDate(text) else { throw bad("'\(key)' must be a date YYYY-MM-DD, not '\(text)'") }
        return d
    }
}

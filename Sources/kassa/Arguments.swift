/// A command line being taken apart: options and flags anywhere, positionals in order.
/// Anything left over at the end is an error, so a typo never silently does something else.
struct Arguments {
    private(set) var words: [String]

    init(_ words: [String]) { self.words = words }

    var isEmpty: Bool { words.isEmpty }

    /// `--name VALUE` or `--name=VALUE`, removed from the words.
    mutating func option(_ name: String) throws(UsageError) -> String? {
        for (i, w) in words.enumerated() {
            if w == name {
                guard i + 1 < words.count else { throw UsageError("\(name) needs a value") }
                let v = words[i + 1]
                words.removeSubrange(i...(i + 1))
                return v
            }
            if w.hasPrefix(name + "=") {
                words.remove(at: i)
                return String(w.dropFirst(name.count + 1))
            }
        }
        return nil
    }

    mutating func flag(_ name: String) -> Bool {
        guard let i = words.firstIndex(of: name) else { return false }
        words.remove(at: i)
        return true
    }

    /// The next word that is not an option.
    mutating func positional(_ what: String) throws(UsageError) -> String {
        guard let v = optionalPositional() else { throw UsageError("missing \(what)") }
        return v
    }

    mutating func optionalPositional() -> String? {
        guard let i = words.firstIndex(where: { !$0.hasPrefix("--") || $0 == "--" }) else { return nil }
        if words[i] == "--" {
            words.remove(at: i)
            return words.isEmpty || i >= words.count ? nil : words.remove(at: i)
        }
        return words.remove(at: i)
    }

    /// The next positional, a whole number.
    mutating func integer(_ what: String) throws(UsageError) -> Int64 {
        let text = try positional(what)
        guard let v = Int64(text) else { throw UsageError("\(what) must be a whole number, not '\(text)'") }
        return v
    }

    /// Every positional left, joined by spaces: a reason or a name of several words.
    mutating func rest() -> String {
        var words: [String] = []
        while let w = optionalPositional() { words.append(w) }
        return words.joined(separator: " ")
    }

    func finish() throws(UsageError) {
        if let w = words.first {
            throw UsageError(w.hasPrefix("-") ? "unknown option \(w)" : "unexpected argument '\(w)'")
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Exit codes scripts can rely on (README documents them).
enum ExitCode: Int32 {
    case ok = 0
    /// The command ran and the answer is "no": a journal that does not verify, a refused request.
    case failure = 1
    case usage = 2
    /// kassad could not be reached.
    case unavailable = 3
}

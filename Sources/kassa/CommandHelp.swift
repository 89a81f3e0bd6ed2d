/// `kassa COMMAND [SUBCOMMAND] --help`: the entries of the command list that are about that
/// command, taken from the one usage text so that the two never disagree.
enum CommandHelp {
    /// The options every command that talks to kassad takes.
    static let common = """
          --socket PATH (or KASSA_SOCKET)  kassad's socket;  --json  the raw result, for scripts
        """

    /// The usage of `words` (`["sale"]`, `["config", "set"]`), or nil when no entry names it.
    static func usage(for words: [String], in text: String) -> String? {
        guard let command = words.first else { return nil }
        let sub = words.dropFirst().first
        let picked = entries(text).filter { entry in
            alternatives(entry[0]).contains { names($0, command: command, sub: sub) }
        }
        // A subcommand no entry names has the command's whole entry list.
        if picked.isEmpty, sub != nil { return usage(for: [command], in: text) }
        guard !picked.isEmpty else { return nil }
        return "usage: kassa [--socket PATH] [--json] " + words.joined(separator: " ") + " …\n"
            + picked.map { $0.joined(separator: "\n") }.joined(separator: "\n") + "\n" + common
    }

    /// The text's entries: a line indented by two spaces, with the lines indented deeper that
    /// go on with it.
    static func entries(_ text: String) -> [[String]] {
        var out: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            let indent = line.prefix { $0 == " " }.count
            if indent == 2 {
                out.append([line])
            } else if indent > 2, !out.isEmpty {
                out[out.count - 1].append(line)
            }
        }
        return out
    }

    /// `total | sale | complete` → its three commands; the description after a wide gap is left out.
    static func alternatives(_ line: String) -> [[Substring]] {
        var head = Substring(line.drop { $0 == " " })
        if let gap = head.firstRange(of: "   ") { head = head[..<gap.lowerBound] }
        return head.split(separator: " | ").map { $0.split(separator: " ") }
    }

    /// Whether `words` (one alternative) is the command, and its subcommand when one is asked
    /// for: `clock in|out|break|back` is `clock` and `clock break`.
    static func names(_ words: [Substring], command: String, sub: String?) -> Bool {
        guard words.first.map(String.init) == command else { return false }
        guard let sub else { return true }
        guard words.count > 1 else { return false }
        return words[1].split(separator: "|").contains { String($0) == sub }
    }
}

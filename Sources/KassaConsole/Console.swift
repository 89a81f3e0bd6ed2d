import Glibc
import KassaCore
import KassaIPC

/// The technician's console: a client of kassad's socket on a serial line or standard input. It
/// holds nothing that matters: every change goes to kassad, which journals it.
public final class Console {
    public struct Options {
        public var socket: String
        /// Columns of output; dumb terminals have 80.
        public var width = 80
        /// Environment for the system tools the console runs (timedatectl, systemctl, networkctl).
        public var system = SystemTools()

        public init(socket: String) { self.socket = socket }
    }

    let terminal: Terminal
    let options: Options
    var editor = LineEditor()
    var link: Link
    /// The technician logged in on this console, and their PIN for re-opening the session
    /// after kassad restarts (kept in this process only).
    var technician: (id: String, name: String, pin: String)?
    private var finished = false
    /// Bytes read but not yet edited: a paste or a fast terminal sends several lines at once.
    private var pendingInput: ArraySlice<UInt8> = []

    public init(terminal: Terminal, options: Options) {
        self.terminal = terminal
        self.options = options
        link = Link(path: options.socket)
    }

    /// Runs until the technician logs out or the line goes away. Returns the exit status.
    public func run() -> Int32 {
        say("Kassa technician console (kassa \(KassaCore.version)). Type help for commands.")
        guard connectWaiting() else { return 0 }
        while !finished {
            if technician == nil {
                guard login() else { break }
                continue
            }
            guard let line = ask("kassa> ") else { break }
            execute(line)
        }
        say("Logged out.")
        return 0
    }

    // MARK: Output

    /// Writes text, each line wrapped to the console's width, with CRLF line ends.
    func say(_ text: String = "") {
        var out: [UInt8] = []
        for line in Wrap.lines(text, width: options.width) { out += Array(line.utf8) + [0x0D, 0x0A] }
        terminal.write(out)
    }

    /// A line that overwrites itself (progress); CR only, which dumb terminals honour too.
    func progress(_ text: String) {
        terminal.write(Array(("\r" + Wrap.clip(text, width: options.width - 1)).utf8))
    }

    // MARK: Input

    /// Prompts and returns the next line; nil when the technician logs out (Ctrl-D) or the line
    /// is gone. Ctrl-C and overlong lines give an empty line after saying so.
    func ask(_ prompt: String, secret: Bool = false) -> String? {
        terminal.write(Array(prompt.utf8))
        editor.secret = secret
        defer { editor.secret = false }
        while true {
            if pendingInput.isEmpty {
                guard let bytes = terminal.read() else { return nil }
                pendingInput = bytes[...]
            }
            while let b = pendingInput.popFirst() {
                let event = editor.feed(b)
                if terminal.echoes {
                    terminal.write(editor.takeEcho())
                } else {
                    _ = editor.takeEcho()
                }
                switch event {
                case .line(let text)?:
                    if !terminal.echoes { terminal.write([0x0D, 0x0A]) }
                    return text
                case .abandoned?:
                    return ""
                case .endOfInput?:
                    terminal.write([0x0D, 0x0A])
                    return nil
                case .tooLong?:
                    say("error: line too long (at most \(editor.maximumLength) characters); nothing was done")
                    return ""
                case nil:
                    continue
                }
            }
        }
    }

    // MARK: kassad

    /// Connects, retrying every 2 s while kassad is not there; false if the technician leaves.
    func connectWaiting() -> Bool {
        var told = false
        while true {
            do {
                try link.connect()
                return true
            } catch {
                if !told { say("kassad is not reachable (\(error)); retrying every 2 s, Ctrl-D to leave") }
                told = true
            }
            if terminal.hasInput(within: 2000), let bytes = terminal.read(), bytes.contains(0x04) { return false }
        }
    }

    /// Calls kassad; after a lost connection it reconnects once, re-opens the technician
    /// session and tries again (calls that write keep their idempotency key, so nothing happens twice).
    func call(_ op: Op, _ args: JSONObject = [:]) throws(ConsoleError) -> JSONValue {
        let key = op.spec.effect.writes ? IdempotencyKey.random() : nil
        do {
            return try link.call(op, args, key: key)
        } catch {
            guard case .lost = error else { throw error }
            say("connection to kassad lost; reconnecting")
            try link.connect()
            if let t = technician { _ = try link.call(.technician, ["pin": .string(t.pin)], key: nil) }
            return try link.call(op, args, key: key)
        }
    }

    /// `call`, with the result read as its reply type.
    func call<Reply: ReplyValue>(_ op: Op, _ args: JSONObject = [:], as _: Reply.Type) throws(ConsoleError) -> Reply {
        let result = try call(op, args)
        do throws(IPCError) { return try Reply(json: result) } catch {
            throw .failed("kassad's reply to \(op.name) does not fit this console: \(error.message)")
        }
    }

    // MARK: Log-in

    /// Asks for a technician's PIN (or runs first-boot set-up); false when the technician leaves.
    private func login() -> Bool {
        let needsSetUp: Bool
        do { needsSetUp = try call(.status, as: StatusReply.self).needsSetUp } catch {
            say("error: \(error)")
            if case .lost = error { return connectWaiting() }
            // kassad said no (this console's user is not a client of it, say): ask again in a
            // while instead of filling the line; Ctrl-D leaves.
            if terminal.hasInput(within: 10_000), let bytes = terminal.read(), bytes.contains(0x04) { return false }
            return true
        }
        if needsSetUp { return firstBoot() }
        guard let pin = ask("Technician PIN (or 'recover'): ", secret: true) else { return false }
        if pin.isEmpty { return true }
        if pin == "recover" { return recover() }
        do {
            let who = try call(.technician, ["pin": .string(pin)], as: OperatorResultReply.self).operator
            let id = who?.id.rawValue ?? "?"
            let name = who?.name ?? id
            technician = (id, name, pin)
            say("Logged in as \(name) (\(id)).")
            showAlarms()
        } catch {
            // One answer for every PIN that does not open a session, whoever's it is.
            say("error: \(error)")
        }
        return true
    }

    /// A box with no operators: the first technician and the register's identity, before anything else.
    private func firstBoot() -> Bool {
        say("This register has no operators yet: first-time set-up.")
        guard let store = askNonEmpty("Store name: "),
              let register = askNonEmpty("Register id (e.g. till-1): "),
              let zone = askNonEmpty("Time zone (e.g. Europe/Helsinki): "),
              let id = askNonEmpty("Technician id: "),
              let name = askNonEmpty("Technician name: ") else { return false }
        do {
            guard let pin = try withNewPIN({ pin throws(ConsoleError) in
                _ = try call(.operatorAdd, ["id": .string(id), "name": .string(name), "role": "technician", "pin": .string(pin)])
            }) else { return false }
            _ = try call(.technician, ["pin": .string(pin)])
            technician = (id, name, pin)
            for (key, value) in [(SettingKey.storeName, store), (SettingKey.registerID, register), (SettingKey.timeZone, zone)] {
                do {
                    _ = try call(.configSet, ["key": .string(key), "value": .string(value)])
                } catch {
                    say("error: \(error) (set it later with config set \(key) VALUE)")
                }
            }
            say("Set-up done. Logged in as \(name) (\(id)). Type help for commands.")
        } catch {
            say("error: \(error)")
        }
        return true
    }

    /// Physical-access recovery: kassad prints a one-time code on the receipt printer.
    private func recover() -> Bool {
        do {
            _ = try call(.technicianRecoveryCode)
        } catch {
            say("error: \(error)")
            return true
        }
        say("A one-time code is being printed on the receipt printer (valid 5 minutes).")
        guard let code = ask("Code from the printout: "), !code.isEmpty,
              let id = askNonEmpty("Technician id (existing or new): ") else { return true }
        do {
            var who: OperatorReply?
            guard let pin = try withNewPIN({ pin throws(ConsoleError) in
                who = try call(.technicianRecover, ["code": .string(code), "id": .string(id), "pin": .string(pin)],
                               as: OperatorResultReply.self).operator
            }) else { return true }
            let name = who?.name ?? id
            technician = (id, name, pin)
            say("Access recovered; the recovery is journaled. Logged in as \(name) (\(id)).")
        } catch {
            say("error: \(error)")
        }
        return true
    }

    func askNonEmpty(_ prompt: String) -> String? {
        while true {
            guard let answer = ask(prompt) else { return nil }
            let trimmed = String(answer.trimmingSpaces)
            if !trimmed.isEmpty { return trimmed }
        }
    }

    /// Asks for a new PIN until kassad takes it (a technician's is longer than a cashier's, as
    /// long as kassad's configuration says); nil when the technician leaves.
    private func withNewPIN(_ use: (String) throws(ConsoleError) -> Void) throws(ConsoleError) -> String? {
        while true {
            guard let pin = askNewPIN() else { return nil }
            do {
                try use(pin)
                return pin
            } catch {
                guard case .remote(let e) = error, e.code == .badArgs else { throw error }
                say("error: \(e.message)")
            }
        }
    }

    /// A new PIN, typed twice without echo.
    func askNewPIN() -> String? {
        while true {
            guard let first = ask("New PIN (4 to 8 digits): ", secret: true) else { return nil }
            guard (4...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                say("error: a PIN has 4 to 8 digits")
                continue
            }
            guard let second = ask("Same PIN again: ", secret: true) else { return nil }
            if first == second { return first }
            say("error: the two PINs differ")
        }
    }

    func showAlarms() {
        guard let alarms = (try? call(.status, as: StatusReply.self))?.alarms else { return }
        for a in alarms { say("ALARM \(a.code): \(a.message)") }
    }

    // MARK: Commands

    func execute(_ line: String) {
        let words: [String]
        do { words = try Words.split(line) } catch {
            say("error: \(error)")
            return
        }
        guard let name = words.first else { return }
        if ["logout", "exit", "quit"].contains(name) {
            finished = true
            return
        }
        guard let command = ConsoleCommands.table[name] else {
            say("error: unknown command '\(Wrap.clip(name, width: 40))'; type help for the list")
            return
        }
        do {
            try command.run(self, Array(words.dropFirst()))
        } catch {
            switch error {
            case .usage(let why):
                say("error: \(why)")
                say("usage: \(command.usage) (help \(name) for more)")
            default:
                say("error: \(error)")
            }
        }
    }
}

/// What went wrong with a console command.
public enum ConsoleError: Error, CustomStringConvertible {
    /// Bad arguments: the usage line follows.
    case usage(String)
    /// The console said no.
    case refused(String)
    /// kassad said no.
    case remote(IPCError)
    /// The connection to kassad is gone.
    case lost(String)
    case failed(String)

    public var description: String {
        switch self {
        case .usage(let s), .refused(let s), .failed(let s): return s
        case .remote(let e): return e.message
        case .lost(let s): return "kassad is not reachable: \(s)"
        }
    }
}

/// The console's connection to kassad.
final class Link {
    let path: String
    private var client: IPCClient?

    init(path: String) { self.path = path }

    /// The register's currency, from the greeting.
    var currency: Currency { client?.greeting.currency ?? .EUR }

    func connect() throws(ConsoleError) {
        client = nil
        do { client = try IPCClient(path: path, timeoutMilliseconds: 15_000) } catch {
            throw .lost("\(path): \(error)")
        }
    }

    func call(_ op: Op, _ args: JSONObject, key: String?) throws(ConsoleError) -> JSONValue {
        guard let client else { throw .lost("not connected") }
        do {
            return try client.call(op, args: args, idempotencyKey: key)
        } catch {
            switch error {
            case .remote(let e): throw .remote(e)
            default:
                self.client = nil
                throw .lost("\(error)")
            }
        }
    }

    /// A fresh connection of its own, for waiting on events (the scan test).
    func separateClient(timeoutMilliseconds: Int64) throws(ConsoleError) -> IPCClient {
        do { return try IPCClient(path: path, timeoutMilliseconds: timeoutMilliseconds) } catch { throw .lost("\(error)") }
    }
}

/// Splitting a command line into words: spaces separate, double quotes group.
enum Words {
    struct Unbalanced: Error, CustomStringConvertible {
        var description: String { "a quote is never closed" }
    }

    static func split(_ line: String) throws(Unbalanced) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        for c in line {
            if c == "\"" {
                quoted.toggle()
                inWord = true
            } else if (c == " " || c == "\t") && !quoted {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        guard !quoted else { throw Unbalanced() }
        if inWord { words.append(current) }
        return words
    }
}

/// Text within the console's width: words wrap, overlong words are cut into pieces.
public enum Wrap {
    public static func lines(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            // Continuation lines keep the first line's indent, so lists stay readable.
            let indent = String(raw.prefix(while: { $0 == " " }).prefix(width / 2))
            var rest = String(raw)
            while rest.count > width {
                let window = rest.prefix(width + 1)
                let cut: String.Index
                if let space = window.lastIndex(of: " "), window[..<space].contains(where: { $0 != " " }) {
                    out.append(String(rest[..<space]))
                    cut = rest.index(after: space)
                } else {
                    out.append(String(rest.prefix(width)))
                    cut = rest.index(rest.startIndex, offsetBy: width)
                }
                rest = indent + rest[cut...]
            }
            out.append(rest)
        }
        return out
    }

    /// One line cut to `width` characters.
    public static func clip(_ text: String, width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "~"
    }
}

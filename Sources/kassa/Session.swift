#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaRuntime
import KassaSystem

/// One connection to kassad for one command: the socket from `--socket`, `KASSA_SOCKET` or the
/// default, the register's currency from the greeting, and calls that turn refusals into exit codes.
final class Session {
    let path: String
    let json: Bool
    let idempotencyKey: String?
    let timeoutMilliseconds: Int64
    private var connection: IPCClient?
    private var moneyFormat: MoneyFormat?

    static func socketPath(_ given: String?, _ args: inout Arguments) throws(UsageError) -> String {
        if let given { return given }
        if let path = try args.option("--socket") { return path }
        if let env = getenv("KASSA_SOCKET"), env.pointee != 0 { return String(cString: env) }
        return "/run/kassa/kassad.sock"
    }

    /// Connects on first use, so that a mistyped command is a usage error before any connection.
    init(path: String, json: Bool, idempotencyKey: String?, timeoutMilliseconds: Int64 = 10_000) {
        self.path = path
        self.json = json
        self.idempotencyKey = idempotencyKey
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    var client: IPCClient {
        get throws(CommandFailure) {
            if let connection { return connection }
            do {
                let c = try IPCClient(path: path, timeoutMilliseconds: timeoutMilliseconds)
                connection = c
                return c
            } catch {
                throw CommandFailure(.unavailable, "kassad is not reachable at \(path): \(error)")
            }
        }
    }

    /// The register's currency, from the greeting.
    var currency: Currency {
        get throws(CommandFailure) { try client.greeting.currency ?? .EUR }
    }

    /// Calls an operation; one that writes carries an idempotency key so a retry never sells twice.
    func call(_ op: Op, _ args: JSONObject = [:]) throws(CommandFailure) -> JSONValue {
        let key = op.spec.effect.writes ? (idempotencyKey ?? IdempotencyKey.random()) : nil
        let c = try client
        do {
            return try c.call(op, args: args, idempotencyKey: key)
        } catch {
            switch error {
            case .remote(let e): throw CommandFailure(.failure, "\(e.message) [\(e.code.rawValue)]")
            default: throw CommandFailure(.unavailable, "kassad: \(error)")
            }
        }
    }

    /// Reads a result as its reply type; one of another shape means this kassa and kassad disagree.
    static func read<Reply: ReplyValue>(_ result: JSONValue, as _: Reply.Type) throws(CommandFailure) -> Reply {
        do throws(IPCError) { return try Reply(json: result) } catch {
            throw CommandFailure(.unavailable, "kassad: a reply this kassa cannot read: \(error.message)")
        }
    }

    /// Parses an amount a person typed (`20`, `20.5`, `20,50`) into minor units.
    func amount(_ text: String) throws -> Int64 {
        let currency = try self.currency
        do { return try Money.parse(text, currency: currency).minor } catch {
            throw UsageError("'\(text)' is not an amount in \(currency.code) (at most \(currency.minorUnits) decimals)")
        }
    }

    /// The register's money format (`money_format`), as its screen and receipts write money;
    /// the currency's default when kassad does not say (nobody logged in).
    var format: MoneyFormat {
        if let moneyFormat { return moneyFormat }
        let currency = (try? self.currency) ?? .EUR
        var format = currency == .EUR ? MoneyFormat.finnish : .plain(currency)
        if let name = (try? call(.configGet, ["key": .string(SettingKey.moneyFormat)]))?[SettingKey.moneyFormat]?.stringValue {
            format = name == "plain" ? .plain(currency) : KassaConfig.moneyFormats[name] ?? format
        }
        moneyFormat = format
        return format
    }

    func money(_ minor: Int64?) -> String {
        let currency = (try? self.currency) ?? .EUR
        return format.format(minor ?? 0, currency: currency)
    }
}

/// A command that ran and failed, with the exit code scripts see.
struct CommandFailure: Error, CustomStringConvertible {
    var code: ExitCode
    var description: String
    init(_ code: ExitCode, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// PINs are asked for, never taken from the command line: from the terminal with echo off, or
/// one line of standard input when it is not a terminal (scripts, tests).
enum PinPrompt {
    static func read(_ prompt: String) throws(CommandFailure) -> String {
        if isatty(0) == 1 {
            _ = try? writeAll(2, Array((prompt + ": ").utf8))
            let echo = try? TerminalMode(0)
            _ = try? echo?.set { $0.c_lflag &= ~tcflag_t(ECHO) }
            defer {
                echo?.restore()
                _ = try? writeAll(2, [10])
            }
            guard let line = readLine(strippingNewline: true) else { throw CommandFailure(.usage, "no PIN entered") }
            return line
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandFailure(.usage, "expected the PIN on standard input")
        }
        return line.trimmingSpaces()
    }
}

#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaSystem

/// A payment terminal with no hardware, for the demo, tests and CI, behaving like the separate
/// box a real terminal is: it answers after a delay through the loop's timers, and it keeps its
/// transactions in a file of its own (appended and fdatasync'd as it acts), so that after kassad
/// is killed and restarted it still answers "last transaction" truthfully.
///
/// What it does, for a payment or a refund alike, is chosen by the last two digits of the amount
/// in minor units, the way acquirers' test hosts choose by amount:
///
/// | amount ends in | the terminal |
/// |---|---|
/// | `13` | declines (the issuer refuses) |
/// | `14` | declines (not enough money on the account) |
/// | `66` | waits for a card that never comes: no answer, the driver times out, nothing is charged (a reversal or an abort ends the wait) |
/// | `77` | approves and charges the card, but the answer is lost: the driver times out |
/// | `88` | approves, answering only after `Timing.slowAnswer` |
/// | `99` | cannot be reached: `offline` at once, nothing charged |
/// | anything else | approves after `Timing.answer` |
///
/// An abort while the answer is on its way (the card is charged at once) is too late: the
/// approval still comes. Setting `reachable` to false makes every request fail as `offline`, as a pulled cable would.
/// Card numbers are test cards, and only their masked form is logged or written.
public final class SimulatedPaymentTerminal: PaymentTerminal {
    public struct Timing: Sendable, Hashable {
        /// How long an answer takes: card presented, PIN typed, host asked.
        public var answer: Int64
        /// How long the answer to an amount ending in 88 takes.
        public var slowAnswer: Int64
        /// The driver's timeout: how long an authorisation waits for its answer.
        public var timeout: Int64

        public init(answer: Int64 = 100, slowAnswer: Int64 = 2_000, timeout: Int64 = 60_000) {
            self.answer = answer
            self.slowAnswer = slowAnswer
            self.timeout = timeout
        }
    }

    /// What an amount makes the simulator do (see the table above).
    public enum Behaviour: Hashable, Sendable {
        case approve, decline, declineForFunds, noAnswer, loseAnswer, answerSlowly, unreachable

        public init(amount: Int64) {
            switch amount % 100 {
            case 13: self = .decline
            case 14: self = .declineForFunds
            case 66: self = .noAnswer
            case 77: self = .loseAnswer
            case 88: self = .answerSlowly
            case 99: self = .unreachable
            default: self = .approve
            }
        }
    }

    public let id: String
    public let kind = DeviceKind.paymentTerminal
    public var state: DeviceState { !reachable ? .offline : (waitingForCard != nil || outstanding != nil ? .busy : .idle) }
    public var power: PowerState { reachable ? .online : .offline }
    public var detail: String { "simulated" }
    public let status: [DeviceStatus] = []
    /// False: the terminal cannot be reached, and every request fails as `offline`.
    public var reachable = true
    /// Every transaction the terminal remembers, oldest first, each in its latest state.
    public private(set) var transactions: [TerminalTransaction] = []
    public let logPath: String
    public let timing: Timing

    private let loop: any DeviceLoop
    private let log: (String) -> Void
    /// An authorisation waiting for a card that will not come (amount ending in 66); its outcome
    /// is what it becomes when given up.
    private var waitingForCard: TerminalTransaction?
    /// The authorisation the driver is waiting on: its completion and timers.
    private var outstanding: Outstanding?
    private var fileExists = false

    private struct Outstanding {
        var completion: (Result<AuthorisationAnswer, PaymentTerminalError>) -> Void
        var answerTimer: LoopTimer?
        var timeoutTimer: LoopTimer
    }

    /// Test cards: the terminal reads one of these from the "card". Only masked ones leave it.
    private static let testCards: [(number: String, scheme: String)] = [
        ("4111111111111111", "VISA"), ("5555555555554444", "Mastercard"),
    ]

    /// Opens the simulator and reads what it remembers from `logPath`.
    public init(id: String = "card-terminal-sim", loop: any DeviceLoop, logPath: String, timing: Timing = Timing(),
                log: @escaping (String) -> Void) {
        self.id = id
        self.loop = loop
        self.logPath = logPath
        self.timing = timing
        self.log = log
        load()
    }

    // MARK: PaymentTerminal

    public func transact(_ request: CardRequest, completion: @escaping (Result<AuthorisationAnswer, PaymentTerminalError>) -> Void) {
        let (reference, amount, currency) = (request.reference, request.amount, request.currency)
        let behaviour = Behaviour(amount: amount)
        guard reachable, behaviour != .unreachable else {
            later(0) { [id] in completion(.failure(.offline("no answer from \(id)"))) }
            return
        }
        guard outstanding == nil, waitingForCard == nil else {
            later(timing.answer) { completion(.failure(.busy)) }
            return
        }
        guard Self.isAcceptable(reference), amount > 0 else {
            later(timing.answer) { completion(.failure(.rejected("reference or amount not accepted"))) }
            return
        }
        let timeout = loop.schedule(after: timing.timeout) { [weak self] in self?.finish(firing: .timeout, .failure(.timeout)) }
        outstanding = Outstanding(completion: completion, answerTimer: nil, timeoutTimer: timeout)
        let answer: AuthorisationAnswer
        switch behaviour {
        case .decline, .declineForFunds:
            let decline = CardDecline(behaviour == .decline ? .declinedByIssuer : .insufficientFunds,
                                      terminalCode: behaviour == .decline ? "05" : "51")
            remember(TerminalTransaction(request.kind, reference: reference, amount: amount, currency: currency.code,
                                         outcome: .declined(decline)))
            answer = .declined(decline)
        case .noAnswer:
            waitingForCard = TerminalTransaction(request.kind, reference: reference, amount: amount, currency: currency.code,
                                                 outcome: .aborted)
            log("card terminal \(id): \(reference) waits for a card that does not come")
            return
        case .approve, .loseAnswer, .answerSlowly, .unreachable:
            let card = Self.testCards[transactions.count % Self.testCards.count]
            let approval = CardApproval(authorisationCode: Self.authorisationCode(transactions.count + 1),
                                        cardNumber: card.number, scheme: card.scheme, trace: String(transactions.count + 1))
            // The card is charged (or credited) now, whatever becomes of the answer.
            remember(TerminalTransaction(request.kind, reference: reference, amount: amount, currency: currency.code,
                                         outcome: .approved(approval)))
            answer = .approved(approval)
        }
        if behaviour == .loseAnswer {
            log("card terminal \(id): the answer for \(reference) is lost on the way")
            return
        }
        let delay = behaviour == .answerSlowly ? timing.slowAnswer : timing.answer
        outstanding?.answerTimer = loop.schedule(after: delay) { [weak self] in self?.finish(firing: .answer, .success(answer)) }
    }

    public func lastTransaction(completion: @escaping (Result<TerminalTransaction?, PaymentTerminalError>) -> Void) {
        guard reachable else {
            later(0) { [id] in completion(.failure(.offline("no answer from \(id)"))) }
            return
        }
        later(timing.answer) { [weak self] in
            guard let self else { return }
            completion(.success(self.transactions.last))
        }
    }

    public func reverse(reference: String, completion: @escaping (Result<ReversalAnswer, PaymentTerminalError>) -> Void) {
        guard reachable else {
            later(0) { [id] in completion(.failure(.offline("no answer from \(id)"))) }
            return
        }
        later(timing.answer) { [weak self] in
            guard let self else { return }
            completion(.success(self.reversing(reference)))
        }
    }

    public func abort(completion: @escaping (Result<AbortAnswer, PaymentTerminalError>) -> Void) {
        guard reachable else {
            later(0) { [id] in completion(.failure(.offline("no answer from \(id)"))) }
            return
        }
        let answer: AbortAnswer
        if let waiting = waitingForCard {
            waitingForCard = nil
            remember(waiting)
            log("card terminal \(id): \(waiting.reference) aborted at the register's request")
            later(0) { [weak self] in self?.finish(firing: .answer, .success(.aborted)) }
            answer = .aborting
        } else {
            answer = outstanding != nil ? .tooLate : .nothingToAbort
        }
        later(0) { completion(.success(answer)) }
    }

    // MARK: The terminal's own work

    private func reversing(_ reference: String) -> ReversalAnswer {
        if let waiting = waitingForCard, waiting.reference == reference {
            waitingForCard = nil
            // The attempt never charged anything; the terminal remembers it as aborted.
            remember(waiting)
            return .nothingCharged
        }
        guard let index = transactions.lastIndex(where: { $0.reference == reference }),
              case .approved = transactions[index].outcome else { return .nothingCharged }
        var reversed = transactions[index]
        reversed.outcome = .reversed
        remember(reversed)
        return .reversed
    }

    private enum Firing { case answer, timeout }

    /// Completes the outstanding authorisation once, cancelling the timer that did not fire.
    private func finish(firing: Firing, _ result: Result<AuthorisationAnswer, PaymentTerminalError>) {
        guard let o = outstanding else { return }
        outstanding = nil
        if firing == .answer { loop.cancel(o.timeoutTimer) } else if let t = o.answerTimer { loop.cancel(t) }
        o.completion(result)
    }

    private func later(_ milliseconds: Int64, _ body: @escaping () -> Void) {
        loop.schedule(after: milliseconds, body)
    }

    private static func authorisationCode(_ n: Int) -> String {
        let digits = String((n * 7919) % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// A reference goes into the simulator's file as one field: printable, no tabs, at most 64 bytes.
    private static func isAcceptable(_ reference: String) -> Bool {
        !reference.isEmpty && reference.utf8.count <= 64 && reference.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    }

    // MARK: The terminal's memory

    /// Records a transaction (or its new state) in memory and in the file, durably.
    private func remember(_ t: TerminalTransaction) {
        if let index = transactions.firstIndex(where: { $0.reference == t.reference }) {
            transactions[index].outcome = t.outcome
        } else {
            transactions.append(t)
        }
        log("card terminal \(id): \(t.kind.rawValue) \(t.reference) \(t.amount) \(t.currency) \(Self.fields(t.outcome).joined(separator: " "))")
        var fields = [t.reference, String(t.amount), t.currency]
        fields += Self.fields(t.outcome)
        // A refund says so in a last field; a payment's line is as it always was.
        if t.kind == .refund { fields.append(CardRequest.Kind.refund.rawValue) }
        append(Array((fields.joined(separator: "\t") + "\n").utf8))
    }

    private static func fields(_ outcome: TerminalTransaction.Outcome) -> [String] {
        switch outcome {
        case .approved(let a): return ["approved", a.authorisationCode, a.maskedPAN, a.scheme] + (a.trace.map { [$0] } ?? [])
        case .declined(let decline): return ["declined", decline.code.rawValue] + (decline.terminalCode.map { [$0] } ?? [])
        case .reversed: return ["reversed"]
        case .aborted: return ["aborted"]
        }
    }

    private static func outcome(_ fields: ArraySlice<Substring>) -> TerminalTransaction.Outcome? {
        let f = fields.map(String.init)
        switch (f.first, f.count) {
        case ("approved", 4): return .approved(CardApproval(authorisationCode: f[1], maskedPAN: f[2], scheme: f[3]))
        case ("approved", 5): return .approved(CardApproval(authorisationCode: f[1], maskedPAN: f[2], scheme: f[3], trace: f[4]))
        // Older files wrote the reason as text: any reason not a code is the issuer's.
        case ("declined", 2): return .declined(CardDecline(CardDecline.Code(rawValue: f[1]) ?? .declinedByIssuer))
        case ("declined", 3): return .declined(CardDecline(CardDecline.Code(rawValue: f[1]) ?? .declinedByIssuer, terminalCode: f[2]))
        case ("reversed", 1): return .reversed
        case ("aborted", 1): return .aborted
        default: return nil
        }
    }

    private func load() {
        let bytes: [UInt8]
        do throws(SystemError) { bytes = try readWholeFile(logPath) } catch {
            if error.errno != ENOENT { log("card terminal \(id): cannot read \(logPath): errno \(error.errno)") }
            return
        }
        fileExists = true
        // A line without its newline is a write that a crash cut short: it never happened.
        for line in bytes.split(separator: 10, omittingEmptySubsequences: true).dropLast(bytes.last == 10 ? 0 : 1) {
            var fields = String(decoding: line, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
            let kind: CardRequest.Kind = fields.last == "refund" ? .refund : .payment
            if kind == .refund { fields.removeLast() }
            guard fields.count >= 4, let amount = Int64(fields[1]), let outcome = Self.outcome(fields[3...]) else {
                log("card terminal \(id): unreadable line in \(logPath) skipped")
                continue
            }
            let t = TerminalTransaction(kind, reference: String(fields[0]), amount: amount, currency: String(fields[2]), outcome: outcome)
            if let index = transactions.firstIndex(where: { $0.reference == t.reference }) {
                transactions[index].outcome = outcome
            } else {
                transactions.append(t)
            }
        }
    }

    private func append(_ bytes: [UInt8]) {
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            log("card terminal \(id): cannot write \(logPath): errno \(errno)")
            return
        }
        defer { close(fd) }
        guard (try? writeAll(fd, bytes)) != nil, fdatasync(fd) == 0 else {
            log("card terminal \(id): short or unsynced write to \(logPath)")
            return
        }
        if !fileExists {
            fileExists = true
            // A new file's name is durable only once its directory is synced.
            _ = try? syncDirectory(parentDirectory(of: logPath))
        }
    }
}

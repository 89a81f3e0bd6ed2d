/// Where a PIN was typed: the register screen, the console, another client of the socket. The
/// runtime names each by what the kernel vouches for (the peer's user), never by what a client
/// says of itself, so a guesser cannot become a new source by reconnecting or by claiming to be one.
public struct PinSource: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: PinSource, b: PinSource) -> Bool { a.rawValue < b.rawValue }
}

/// How fast PINs may be tried from one source. After `freeFailures` wrong PINs in a row the next
/// PIN from that source is looked at only after a delay, which doubles with every further wrong
/// PIN up to `longestDelayMilliseconds`. Only time forgets: a source that typed no wrong PIN for
/// `forgetAfterMilliseconds` starts again from nothing. A right PIN forgets nothing, whoever's it
/// is, so a cashier cannot clear the count by logging in between guesses.
public struct PinDelayPolicy: Hashable, Sendable {
    public var freeFailures: Int
    public var firstDelayMilliseconds: Int64
    public var longestDelayMilliseconds: Int64
    public var forgetAfterMilliseconds: Int64

    public init(freeFailures: Int = 3, firstDelayMilliseconds: Int64 = 1_000,
                longestDelayMilliseconds: Int64 = 5 * 60_000, forgetAfterMilliseconds: Int64 = 60 * 60_000) {
        self.freeFailures = freeFailures
        self.firstDelayMilliseconds = firstDelayMilliseconds
        self.longestDelayMilliseconds = longestDelayMilliseconds
        self.forgetAfterMilliseconds = forgetAfterMilliseconds
    }

    /// How long the next PIN waits after `failures` wrong ones in a row.
    public func delay(afterFailures failures: Int) -> Int64 {
        guard failures >= freeFailures else { return 0 }
        var delay = firstDelayMilliseconds
        var doublings = failures - freeFailures
        while doublings > 0, delay < longestDelayMilliseconds {
            delay *= 2
            doublings -= 1
        }
        return min(delay, longestDelayMilliseconds)
    }

    /// The least time in which one source can type `guesses` PINs that are all wrong, waiting out
    /// every delay and never letting the count be forgotten (waiting for that is slower still).
    public func shortestTime(toTry guesses: Int) -> Int64 {
        var total: Int64 = 0
        for failures in 0..<max(0, guesses) { total += delay(afterFailures: failures) }
        return total
    }
}

/// Wrong PINs in a row from each source, as journaled: what the delay before a source's next PIN
/// is worked out from. A snapshot keeps it in its `pinAttempts` section.
public struct PinAttempts: Hashable, Sendable {
    public struct Failures: Hashable, Sendable {
        public var count: Int
        public var last: Timestamp

        public init(count: Int, last: Timestamp) {
            self.count = count
            self.last = last
        }
    }

    public internal(set) var sources: [PinSource: Failures] = [:]
    /// When a supervisor or technician last logged in at the register: they have seen the alarm
    /// of every wrong PIN before it.
    public internal(set) var seenBySupervisor: Timestamp?

    public init() {}

    /// Wrong PINs in a row from `source` that still count at `now`.
    public func failures(from source: PinSource, at now: Timestamp, _ policy: PinDelayPolicy) -> Int {
        guard let f = sources[source], now.milliseconds - f.last.milliseconds < policy.forgetAfterMilliseconds else { return 0 }
        return f.count
    }

    /// Milliseconds before `source` may try a PIN again; nil when it may now. A clock set back
    /// never makes the wait longer than the delay itself.
    public func retryAfter(from source: PinSource, at now: Timestamp, _ policy: PinDelayPolicy) -> Int64? {
        guard let f = sources[source] else { return nil }
        let delay = policy.delay(afterFailures: failures(from: source, at: now, policy))
        let wait = min(delay, f.last.milliseconds + delay - now.milliseconds)
        return wait > 0 ? wait : nil
    }

    /// Sources with at least `count` wrong PINs in a row since a supervisor last logged in.
    public func unseen(atLeast count: Int) -> [(PinSource, Failures)] {
        sources.filter { $0.value.count >= count && $0.value.last > (seenBySupervisor ?? Timestamp(milliseconds: .min)) }
            .sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    mutating func apply(_ event: RegisterEvent, operators: [OperatorID: Operator]) {
        switch event {
        case .pinRefused(let source, let count, let at):
            sources[source] = Failures(count: count, last: at)
        case .loggedIn(let id, let at):
            // With no wrong PIN on record there is nothing to have seen (and a journal from before
            // wrong PINs had sources folds to the same state as its snapshot).
            if !sources.isEmpty, let role = operators[id]?.role, role >= .supervisor { seenBySupervisor = at }
        default:
            break
        }
    }
}

extension RegisterState {
    /// The one door of every PIN: who typed it, if this source may try one now and the PIN belongs
    /// to an enabled operator for whom `suits` holds. A PIN that is wrong, a disabled operator's or
    /// one that does not suit gets the same refusal and counts the same, so that nobody learns
    /// whose a PIN is by trying it; while the source waits, the PIN is not looked at at all.
    func pinOwner(_ pin: String, _ env: RegisterEnvironment, _ ctx: Context, _ pinEvents: inout [RegisterEvent],
                  suits: (Operator) -> Bool = { _ in true }) throws(Refusal) -> OperatorID {
        let policy = env.config.pinDelays
        let attempts = staffState.pinAttempts
        if let wait = attempts.retryAfter(from: ctx.source, at: ctx.now, policy) { throw .pinDelayed(milliseconds: wait) }
        if let id = env.pins.owner(of: pin), let op = staffState.operators[id], !staffState.disabledOperators.contains(id), suits(op) {
            return id
        }
        let count = attempts.failures(from: ctx.source, at: ctx.now, policy) + 1
        pinEvents = [.pinRefused(ctx.source, failures: count, at: ctx.now)]
        throw .wrongPIN
    }
}

import Testing
@testable import KassaCore

/// Guessing PINs: every wrong PIN counts towards a delay for the source it was typed at, a right
/// PIN (anyone's) forgets nothing, other sources go on as before, and the whole till never locks.
@Suite struct PinAttemptsTests {
    static let counter: PinSource = "uid:1001"
    static let console: PinSource = "uid:1002"
    var policy: PinDelayPolicy { PinDelayPolicy() }

    /// A till whose requests come from `source`, at a time that moves only when told.
    func till(at source: PinSource = counter, supervisorPIN: String? = nil) -> Till {
        var t = Till()
        t.ctx.source = source
        if let supervisorPIN { try! t.env.pins.setPIN(supervisorPIN, for: "sami") }
        return t
    }

    func decide(_ t: inout Till, _ command: Command) -> Refusal? {
        let d = t.state.decide(command, t.env, t.ctx)
        t.record(d.events)
        return d.refusal
    }

    @Test func theDelayDoublesAfterThreeWrongPinsUpToFiveMinutes() {
        #expect((0...13).map(policy.delay(afterFailures:)) ==
                [0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000])
        #expect(policy.delay(afterFailures: 1_000_000) == 300_000)
    }

    @Test func aCashiersOwnLogInBetweenGuessesForgetsNothing() {
        var t = till()
        for round in 1...3 {
            for _ in 1...2 {
                if let wait = t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) { t.ctx.now.milliseconds += wait }
                #expect(decide(&t, .login(pin: "9876")) == .wrongPIN)
            }
            if let wait = t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) { t.ctx.now.milliseconds += wait }
            #expect(decide(&t, .login(pin: Till.cashierPIN)) == nil)
            #expect(t.state.pinAttempts.failures(from: Self.counter, at: t.ctx.now, policy) == 2 * round)
        }
        // Her log-in took a turn of its own; the next wrong PIN is the seventh, and waits longer.
        #expect(decide(&t, .login(pin: "9876")) == .wrongPIN)
        #expect(t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) == policy.delay(afterFailures: 7))
        #expect(decide(&t, .login(pin: Till.supervisorPIN)) == .pinDelayed(milliseconds: policy.delay(afterFailures: 7)))
        #expect(t.state.currentOperator == "anna", "a PIN typed while the source waits is not looked at")
    }

    @Test func aWaitingSourceHoldsUpNoOtherSourceAndNoBadge() {
        var t = till()
        for _ in 1...policy.freeFailures { #expect(decide(&t, .login(pin: "9876")) == .wrongPIN) }
        #expect(decide(&t, .login(pin: Till.supervisorPIN)) == .pinDelayed(milliseconds: 1_000))
        // The technician at the console, and the supervisor's badge at the counter, go on.
        t.ctx.source = Self.console
        #expect(decide(&t, .openTechnicianSession(pin: Till.technicianPIN)) == nil)
        t.ctx.source = Self.counter
        try! t.env.pins.setBadge("SAMI-BADGE", for: "sami")
        #expect(decide(&t, .loginWithBadge(card: "SAMI-BADGE")) == nil)
        #expect(t.state.currentOperator == "sami")
    }

    @Test func aLongQuietForgetsTheCountAndTheClockSetBackWaitsNoLonger() {
        var t = till()
        for _ in 1...5 {
            if let wait = t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) { t.ctx.now.milliseconds += wait }
            decide(&t, .login(pin: "9876"))
        }
        let last = t.ctx.now
        t.ctx.now.milliseconds = last.milliseconds - 86_400_000
        #expect(t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) == policy.delay(afterFailures: 5))
        t.ctx.now.milliseconds = last.milliseconds + policy.forgetAfterMilliseconds
        #expect(t.state.pinAttempts.failures(from: Self.counter, at: t.ctx.now, policy) == 0)
        decide(&t, .login(pin: "9876"))
        #expect(t.journal.last == .pinRefused(Self.counter, failures: 1, at: t.ctx.now))
    }

    @Test func everyPinThatDoesNotServeGetsTheSameAnswerAndCounts() {
        var t = till()
        t.must(.login(pin: Till.cashierPIN))
        t.must(.openShift(float: 0))
        t.must(.scan(code: "1", quantity: 1))
        t.ctx.source = Self.counter
        let before = t.journal.count
        // A cashier's PIN for an override, a supervisor's for a technician's session, a wrong one.
        #expect(decide(&t, .overridePrice(line: 0, unitPrice: 100, override: Till.cashierPIN)) == .wrongPIN)
        #expect(decide(&t, .openTechnicianSession(pin: Till.supervisorPIN)) == .wrongPIN)
        #expect(decide(&t, .confirmJournalRecovery(pin: Till.cashierPIN)) == .wrongPIN)
        #expect(t.journal.dropFirst(before).map(\.tag) == [.pinRefused, .pinRefused, .pinRefused])
    }

    @Test func aDisabledOperatorsPinAuthorisesNothing() throws {
        var t = till()
        t.must(.login(pin: Till.cashierPIN))
        t.must(.openShift(float: 0))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.total)
        t.must(.tender(Tender(kind: .cash, amount: 350)))
        let sale = try #require(t.lastSale)
        t.record([.operatorDisabled("sami", true, by: "tero"), .operatorDisabled("tero", true, by: "tero")])
        var refused: [Refusal?] = []
        func attempt(_ command: Command) {
            // Each waited out, so that every one is looked at.
            t.ctx.now.milliseconds += policy.longestDelayMilliseconds
            refused.append(decide(&t, command))
        }
        attempt(.refund(original: sale, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
        attempt(.noSale(override: Till.supervisorPIN))
        attempt(.clock(.clockIn, pin: Till.supervisorPIN))
        attempt(.confirmJournalRecovery(pin: Till.supervisorPIN))
        attempt(.openTechnicianSession(pin: Till.technicianPIN))
        t.must(.scan(code: "1", quantity: 1))
        attempt(.overridePrice(line: 0, unitPrice: 100, override: Till.supervisorPIN))
        attempt(.discountLine(0, .percent(5_000), override: Till.supervisorPIN))
        t.must(.total)
        attempt(.cancel(override: Till.supervisorPIN))
        #expect(refused == Array(repeating: .wrongPIN, count: 8))
        #expect(t.state.openSale?.lines.first?.unitPrice == 350)
        try t.env.pins.setBadge("SAMI-BADGE", for: "sami")
        #expect(decide(&t, .clockWithBadge(.clockIn, card: "SAMI-BADGE")) == .unknownBadge)
        #expect(t.state.timeCards["sami"] == nil)
    }

    @Test func theSupervisorSeesTheAlarmAndOnlyTheirLogInClearsIt() {
        var t = till()
        for _ in 1...policy.freeFailures { decide(&t, .login(pin: "9876")) }
        #expect(t.state.pinAttempts.unseen(atLeast: policy.freeFailures).map(\.0) == [Self.counter])
        t.ctx.now.milliseconds += 1_000
        #expect(decide(&t, .login(pin: Till.cashierPIN)) == nil)
        #expect(t.state.pinAttempts.unseen(atLeast: policy.freeFailures).count == 1, "a cashier's log-in does not clear it")
        t.ctx.now.milliseconds += 1_000
        #expect(decide(&t, .login(pin: Till.supervisorPIN)) == nil)
        #expect(t.state.pinAttempts.unseen(atLeast: policy.freeFailures).isEmpty)
    }

    /// The figures the README gives: a guesser at the counter who tries one PIN after another,
    /// each the moment it may, logging in with their own PIN in between.
    @Test func guessingAFourDigitPinAtTheCounterTakesWeeksAndSixDigitsYears() {
        var t = till(supervisorPIN: "7531")
        let start = t.ctx.now
        var wrong = 0
        var found: OperatorID?
        for n in 0..<10_000 {
            let digits = String(n)
            let pin = String(repeating: "0", count: 4 - digits.count) + digits
            guard pin != Till.cashierPIN else { continue }
            if let wait = t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) { t.ctx.now.milliseconds += wait }
            let refusal = decide(&t, .login(pin: pin))
            if refusal == nil, t.state.currentOperator != "anna", t.state.currentOperator != "tero" {
                found = t.state.currentOperator
                break
            }
            if refusal == nil { continue }
            #expect(refusal == .wrongPIN, "PIN \(pin) was not looked at")
            wrong += 1
            if wrong % 4 == 0 {
                if let wait = t.state.pinAttempts.retryAfter(from: Self.counter, at: t.ctx.now, policy) { t.ctx.now.milliseconds += wait }
                #expect(decide(&t, .login(pin: Till.cashierPIN)) == nil)
            }
        }
        #expect(found == "sami")
        // 7,529 wrong PINs: every one of the cashier's own log-ins took a slot of its own.
        let elapsed = t.ctx.now.milliseconds - start.milliseconds
        #expect(wrong == 7_529)
        #expect(elapsed >= policy.shortestTime(toTry: wrong + 1))
        #expect(elapsed >= 26 * 86_400_000, "over 26 days for this one")

        // Every 4-digit PIN at the counter: 34.7 days; every 6-digit one: 9.5 years.
        #expect(policy.shortestTime(toTry: 10_000) == 2_996_911_000)
        #expect(policy.shortestTime(toTry: 1_000_000) == 299_996_911_000)
        #expect(policy.shortestTime(toTry: 10_000) / 86_400_000 == 34)
        #expect(policy.shortestTime(toTry: 1_000_000) / (365 * 86_400_000) == 9)
    }

    @Test func theCountSurvivesASnapshotAndItsEventsRoundTrip() throws {
        var t = till()
        for _ in 1...4 { decide(&t, .login(pin: "9876")); t.ctx.now.milliseconds += 10_000 }
        t.ctx.now.milliseconds += 10_000
        t.must(.login(pin: Till.supervisorPIN))
        let restored = try EventCodec.decodeState(EventCodec.encode(t.state))
        #expect(restored.pinAttempts == t.state.pinAttempts)
        #expect(restored.pinAttempts.sources[Self.counter]?.count == 4)
        let events: [RegisterEvent] = [.pinRefused(Self.counter, failures: 7, at: Timestamp(milliseconds: 42)),
                                       .recoveryCodePrinted(.noTechnicianPIN, at: Timestamp(milliseconds: 43))]
        for e in events {
            #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
            #expect(e.isDurable)
        }
        #expect(events.map(\.recordType) == [8, 66])
    }

    @Test func aSupervisorsOrTechniciansNewPinIsLonger() throws {
        let config = RegisterConfig()
        #expect(config.minimumPinLength(for: .cashier) == 4)
        #expect(config.minimumPinLength(for: .supervisor) == 6)
        #expect(config.minimumPinLength(for: .technician) == 6)
        var vault = PinVault(key: Array(repeating: 1, count: 32))
        #expect(throws: PinVault.PinError.shorterThan(6)) {
            try vault.setPIN("4821", for: "sami", minimumLength: config.minimumPinLength(for: .supervisor))
        }
        try vault.setPIN("482193", for: "sami", minimumLength: config.minimumPinLength(for: .supervisor))
        #expect(vault.owner(of: "482193") == "sami")
    }
}

import Testing
@testable import KassaCore

@Suite("The time clock")
struct TimeClockTests {
    /// 2026-12-05 (a Saturday) at `hour`:`minute` in a register two hours ahead of UTC.
    static func local(_ day: Int, _ hour: Int, _ minute: Int = 0, month: Int = 12) -> Timestamp {
        let days = CivilDate(year: 2026, month: month, day: day).daysSinceEpoch
        return Timestamp(milliseconds: days * 86_400_000 + Int64((hour - 2) * 3600 + minute * 60) * 1000)
    }

    static func utcPlus2(_ t: Timestamp) -> (date: CivilDate, millisecondsIntoDay: Int64) {
        let l = t.milliseconds + 7_200_000
        let day = l >= 0 ? l / 86_400_000 : (l - 86_399_999) / 86_400_000
        return (CivilDate(daysSinceEpoch: day), l - day * 86_400_000)
    }

    /// Runs a time clock command at a given moment.
    @discardableResult
    func at(_ t: inout Till, _ time: Timestamp, _ command: Command) -> Refusal? {
        t.ctx.now = time
        return t.run(command)
    }

    func hours(_ t: Till, _ who: OperatorID, now: Timestamp) -> [CivilDate: Int64] {
        TimeClock.workedPerDay(t.state.timeCards[who] ?? [], now: now, local: Self.utcPlus2)
    }

    @Test func clockingInIsNotLoggingIn() {
        var t = Till()
        t.must(.clock(.clockIn, pin: Till.cashierPIN))
        #expect(t.state.currentOperator == nil)
        #expect(TimeClock.status(t.state.timeCards["anna"]!) == .working)
        #expect(t.journal.last == .timePunched("anna", TimePunch(.clockIn, at: Timestamp(milliseconds: t.ctx.now.milliseconds - 1000))))
    }

    @Test func clockingOutWithoutClockingInIsRefused() {
        var t = Till()
        #expect(t.run(.clock(.clockOut, pin: Till.cashierPIN)) == .timeClock(.notClockedIn("anna")))
        #expect(t.run(.clock(.breakStart, pin: Till.cashierPIN)) == .timeClock(.notClockedIn("anna")))
        #expect(t.state.timeCards.isEmpty)
    }

    @Test func breaksFollowTheirOrder() {
        var t = Till()
        t.must(.clock(.clockIn, pin: Till.cashierPIN))
        #expect(t.run(.clock(.clockIn, pin: Till.cashierPIN)) == .timeClock(.alreadyClockedIn("anna")))
        #expect(t.run(.clock(.breakEnd, pin: Till.cashierPIN)) == .timeClock(.notOnBreak("anna")))
        t.must(.clock(.breakStart, pin: Till.cashierPIN))
        #expect(t.run(.clock(.clockOut, pin: Till.cashierPIN)) == .timeClock(.onBreak("anna")))
        t.must(.clock(.breakEnd, pin: Till.cashierPIN))
        t.must(.clock(.clockOut, pin: Till.cashierPIN))
        #expect(TimeClock.status(t.state.timeCards["anna"]!) == .off)
    }

    @Test func aDisabledOperatorCannotClockIn() {
        var t = Till()
        t.record([.operatorDisabled("anna", true, by: "tero")])
        #expect(t.run(.clock(.clockIn, pin: Till.cashierPIN)) == .wrongPIN)
        #expect(t.state.timeCards.isEmpty)
    }

    @Test func clockingGoesOnWhileACardPaymentIsPending() {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 1))
        t.must(.requestCardAuthorisation(amount: 350, requestKey: nil))
        t.must(.clock(.clockIn, pin: Till.supervisorPIN))
        #expect(TimeClock.status(t.state.timeCards["sami"]!) == .working)
    }

    @Test func aWrongPINCountsTowardsTheDelay() {
        var t = Till()
        #expect(t.run(.clock(.clockIn, pin: "9999")) == .wrongPIN)
        #expect(t.state.pinAttempts.sources["register"]?.count == 1)
    }

    @Test func aBadgeClocksItsOwnerAndAStrangeCardNobody() throws {
        var t = Till()
        try t.env.pins.setBadge("6390001234", for: "anna")
        t.must(.clockWithBadge(.clockIn, card: "6390001234"))
        #expect(TimeClock.status(t.state.timeCards["anna"]!) == .working)
        #expect(t.run(.clockWithBadge(.clockIn, card: "1234")) == .unknownBadge)
        #expect(t.state.pinAttempts.sources.isEmpty)
    }

    @Test func aClockSetBackCannotPunchBeforeTheLastPunch() {
        var t = Till()
        at(&t, Self.local(5, 9), .clock(.clockIn, pin: Till.cashierPIN))
        #expect(at(&t, Self.local(5, 8), .clock(.clockOut, pin: Till.cashierPIN)) == .timeClock(.punchNotAfterLast("anna")))
    }

    @Test func breaksAreNotWorkedTime() {
        var t = Till()
        at(&t, Self.local(5, 8), .clock(.clockIn, pin: Till.cashierPIN))
        at(&t, Self.local(5, 12), .clock(.breakStart, pin: Till.cashierPIN))
        at(&t, Self.local(5, 12, 30), .clock(.breakEnd, pin: Till.cashierPIN))
        at(&t, Self.local(5, 16, 30), .clock(.clockOut, pin: Till.cashierPIN))
        #expect(hours(t, "anna", now: Self.local(5, 20)) == [CivilDate(year: 2026, month: 12, day: 5): 8 * 3_600_000])
    }

    @Test func aShiftAcrossMidnightCountsOnBothDaysAndInBothWeeks() {
        var t = Till()
        // Sunday 6 December 22:00 to Monday 7 December 02:00, local time: ISO weeks 49 and 50.
        at(&t, Self.local(6, 22), .clock(.clockIn, pin: Till.cashierPIN))
        at(&t, Self.local(7, 2), .clock(.clockOut, pin: Till.cashierPIN))
        let days = hours(t, "anna", now: Self.local(7, 12))
        #expect(days == [CivilDate(year: 2026, month: 12, day: 6): 2 * 3_600_000,
                         CivilDate(year: 2026, month: 12, day: 7): 2 * 3_600_000])
        #expect(TimeClock.perWeek(days) == [ISOWeek(year: 2026, week: 49): 2 * 3_600_000,
                                            ISOWeek(year: 2026, week: 50): 2 * 3_600_000])
    }

    @Test func someoneStillAtWorkCountsUntilNow() {
        var t = Till()
        at(&t, Self.local(5, 9), .clock(.clockIn, pin: Till.cashierPIN))
        #expect(hours(t, "anna", now: Self.local(5, 10, 15)) == [CivilDate(year: 2026, month: 12, day: 5): 75 * 60_000])
    }

    @Test func aCorrectionNeedsASupervisorAndAReason() {
        var t = Till()
        at(&t, Self.local(5, 9), .clock(.clockIn, pin: Till.cashierPIN))
        let out = TimePunch(.clockOut, at: Self.local(5, 17))
        t.ctx.now = Self.local(6, 8)
        #expect(t.run(.correctTime("anna", remove: nil, add: out, reason: "forgot", override: Till.supervisorPIN)) == .notLoggedIn)
        t.must(.login(pin: Till.cashierPIN))
        #expect(t.run(.correctTime("anna", remove: nil, add: out, reason: "forgot", override: nil)) == .supervisorRequired(.correctTime))
        #expect(t.run(.correctTime("anna", remove: nil, add: out, reason: "forgot", override: Till.cashierPIN))
                == .wrongPIN)
        #expect(t.run(.correctTime("anna", remove: nil, add: out, reason: " ", override: Till.supervisorPIN)) == .reasonRequired)
        #expect(t.state.timeCards["anna"]!.count == 1)
        let events = t.must(.correctTime("anna", remove: nil, add: out, reason: "forgot to clock out", override: Till.supervisorPIN))
        guard case .timeCorrected(let c)? = events.first else {
            Issue.record("no correction recorded")
            return
        }
        #expect(c.by == "sami")
        #expect(c.reason == "forgot to clock out")
        #expect(hours(t, "anna", now: Self.local(6, 12)) == [CivilDate(year: 2026, month: 12, day: 5): 8 * 3_600_000])
    }

    @Test func aCorrectionReplacesAWrongPunch() {
        var t = Till()
        at(&t, Self.local(5, 9, 40), .clock(.clockIn, pin: Till.cashierPIN))
        at(&t, Self.local(5, 17), .clock(.clockOut, pin: Till.cashierPIN))
        t.ctx.now = Self.local(5, 18)
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.correctTime("anna", remove: TimePunch(.clockIn, at: Self.local(5, 9, 40)), add: TimePunch(.clockIn, at: Self.local(5, 9)),
                            reason: "was at the door at nine", override: nil))
        #expect(hours(t, "anna", now: Self.local(5, 20)) == [CivilDate(year: 2026, month: 12, day: 5): 8 * 3_600_000])
    }

    @Test func aCorrectionMustLeaveAWellFormedCard() {
        var t = Till()
        at(&t, Self.local(5, 9), .clock(.clockIn, pin: Till.cashierPIN))
        t.ctx.now = Self.local(5, 10)
        t.must(.login(pin: Till.supervisorPIN))
        // An out before the in, a punch that is not there, one in the future, nothing at all.
        #expect(t.run(.correctTime("anna", remove: nil, add: TimePunch(.clockOut, at: Self.local(5, 8)), reason: "r", override: nil))
                == .timeClock(.notClockedIn("anna")))
        #expect(t.run(.correctTime("anna", remove: TimePunch(.clockIn, at: Self.local(5, 7)), add: nil, reason: "r", override: nil))
                == .timeClock(.invalidCorrection("anna has no such punch to remove")))
        #expect(t.run(.correctTime("anna", remove: nil, add: TimePunch(.clockOut, at: Self.local(5, 23)), reason: "r", override: nil))
                == .timeClock(.invalidCorrection("a punch cannot be in the future")))
        #expect(t.run(.correctTime("anna", remove: nil, add: nil, reason: "r", override: nil))
                == .timeClock(.invalidCorrection("name a punch to remove or to add")))
        #expect(t.run(.correctTime("nobody", remove: nil, add: TimePunch(.clockIn, at: Self.local(5, 8)), reason: "r", override: nil))
                == .unknownOperator("nobody"))
    }

    @Test(arguments: [
        ("2026-12-28", "2026-W53"), ("2027-01-03", "2026-W53"), ("2027-01-04", "2027-W01"),
        ("2024-12-30", "2025-W01"), ("2026-12-06", "2026-W49"), ("2026-12-07", "2026-W50"),
    ])
    func isoWeeks(date: String, week: String) {
        #expect(ISOWeek(CivilDate(date)!).description == week)
    }

    @Test func timeCardsSurviveTheCodecAndASnapshot() throws {
        var t = Till()
        at(&t, Self.local(5, 9), .clock(.clockIn, pin: Till.cashierPIN))
        t.ctx.now = Self.local(5, 10)
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.correctTime("anna", remove: TimePunch(.clockIn, at: Self.local(5, 9)), add: TimePunch(.clockIn, at: Self.local(5, 8)),
                            reason: "r", override: nil))
        let replayed = try RegisterState.replay(try t.journal.map { try EventCodec.decode(EventCodec.encode($0)) })
        #expect(replayed == t.state)
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)) == t.state)
        #expect(RegisterEvent.timePunched("a", TimePunch(.clockIn, at: Timestamp(milliseconds: 0))).recordType == 100)
        #expect(t.journal.last?.recordType == 101)
        #expect(t.journal.last?.isDurable == true)
    }
}

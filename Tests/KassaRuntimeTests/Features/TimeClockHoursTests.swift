import Testing
import KassaCore
@testable import KassaRuntime

/// Hours split at the register's own midnight, with real daylight-saving rules.
@Suite("Time clock hours in a time zone")
struct TimeClockHoursTests {
    let helsinki = try! ZoneInfo(name: "Europe/Helsinki", posixRule: "EET-2EEST,M3.5.0/3,M10.5.0/4")

    func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Timestamp {
        guard case .unique(let t) = helsinki.resolve(CivilDate(date)!, hour: hour, minute: minute, second: 0) else {
            fatalError("not a unique local time")
        }
        return t
    }

    func days(_ punches: [TimePunch], now: Timestamp) -> [String: Int64] {
        let worked = TimeClock.workedPerDay(punches, now: now) { t in
            let l = helsinki.localTime(t)
            return (l.date, Int64(((l.hour * 60 + l.minute) * 60 + l.second) * 1000 + l.millisecond))
        }
        var out: [String: Int64] = [:]
        for (d, ms) in worked { out[d.description] = ms / 60_000 }
        return out
    }

    @Test func aNightShiftOverTheEndOfSummerTimeCountsItsRealHours() {
        // The clocks go back from 04:00 to 03:00 on Sunday 25 October 2026: 22:00 to 06:00 is 9 hours.
        let card = [TimePunch(.clockIn, at: at("2026-10-24", 22)), TimePunch(.clockOut, at: at("2026-10-25", 6))]
        #expect(days(card, now: at("2026-10-26", 12)) == ["2026-10-24": 120, "2026-10-25": 420])
    }

    @Test func aNightShiftOverTheStartOfSummerTimeCountsItsRealHours() {
        // The clocks go forward from 03:00 to 04:00 on Sunday 29 March 2026: 22:00 to 06:00 is 7 hours.
        let card = [TimePunch(.clockIn, at: at("2026-03-28", 22)), TimePunch(.clockOut, at: at("2026-03-29", 6))]
        #expect(days(card, now: at("2026-03-30", 12)) == ["2026-03-28": 120, "2026-03-29": 300])
    }

    @Test func aWeekEndsOnSundayAtLocalMidnightNotAtUTCMidnight() {
        // 23:30 Sunday to 01:30 Monday local: UTC is still Sunday at 23:30 local (+02:00).
        let card = [TimePunch(.clockIn, at: at("2026-12-06", 23, 30)), TimePunch(.clockOut, at: at("2026-12-07", 1, 30))]
        let weeks = TimeClock.perWeek(TimeClock.workedPerDay(card, now: at("2026-12-08", 0)) { t in
            let l = helsinki.localTime(t)
            return (l.date, Int64(((l.hour * 60 + l.minute) * 60 + l.second) * 1000 + l.millisecond))
        })
        #expect(weeks == [ISOWeek(year: 2026, week: 49): 30 * 60_000, ISOWeek(year: 2026, week: 50): 90 * 60_000])
    }
}

import Testing
@testable import KassaCore

@Suite struct CivilDateTests {
    @Test func civilDateParsesRealDates() {
        #expect(CivilDate("2024-02-29") == CivilDate(year: 2024, month: 2, day: 29))
        #expect(CivilDate("2000-02-29") == CivilDate(year: 2000, month: 2, day: 29))
        #expect(CivilDate("2026-12-31") == CivilDate(year: 2026, month: 12, day: 31))
    }

    @Test(arguments: ["2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-00",
                      "24-01-01", "2024-1-01", "2024/01/01", "", "2024-01-01-", "+202-01-01", "2024-+1-01", "2024-1 -01"])
    func civilDateRejectsTextThatIsNotARealYYYYMMDDDate(_ text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test func leapYearsFollowTheGregorianRule() {
        #expect(CivilDate.isLeap(2024))
        #expect(CivilDate.isLeap(2000))
        #expect(!CivilDate.isLeap(2023))
        #expect(!CivilDate.isLeap(1900))
        #expect(!CivilDate.isLeap(2100))
        #expect(CivilDate.daysIn(month: 2, year: 2024) == 29)
        #expect(CivilDate.daysIn(month: 2, year: 2100) == 28)
    }

    @Test func daysSinceEpochMatchesKnownDates() {
        #expect(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
        #expect(CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11017)
        #expect(CivilDate(year: 2024, month: 9, day: 1).daysSinceEpoch == 19967)
        #expect(CivilDate(year: 1900, month: 3, day: 1).daysSinceEpoch == -25508)
        #expect(CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch == -719162)
    }

    @Test func daysSinceEpochRoundTripsDayByDayOverFiveThousandYears() {
        var previous = CivilDate(daysSinceEpoch: -1_000_001)
        var failures = 0
        for day in Int64(-1_000_000)...1_000_000 {
            let date = CivilDate(daysSinceEpoch: day)
            let isNextDay = (date.year == previous.year && date.month == previous.month && date.day == previous.day + 1)
                || (date.day == 1 && previous.day == CivilDate.daysIn(month: previous.month, year: previous.year)
                    && (date.month == previous.month + 1 && date.year == previous.year
                        || date.month == 1 && previous.month == 12 && date.year == previous.year + 1))
            if date.daysSinceEpoch != day || !isNextDay { failures += 1 }
            previous = date
        }
        #expect(failures == 0)
    }

    @Test func isoWeekdayCountsMondayAsOne() {
        #expect(CivilDate(year: 1970, month: 1, day: 1).isoWeekday == 4)
        #expect(CivilDate(year: 2024, month: 9, day: 1).isoWeekday == 7)
        #expect(CivilDate(year: 2026, month: 1, day: 1).isoWeekday == 4)
        #expect(CivilDate(year: 2000, month: 3, day: 1).isoWeekday == 3)
        #expect(CivilDate(year: 1969, month: 12, day: 29).isoWeekday == 1)
        #expect(CivilDate(year: 1, month: 1, day: 1).isoWeekday == 1)
    }

    @Test func descriptionIsZeroPaddedISO8601() {
        #expect(CivilDate(year: 987, month: 3, day: 4).description == "0987-03-04")
        #expect(CivilDate(year: 2026, month: 11, day: 28).description == "2026-11-28")
    }

    @Test func datesOrderByYearMonthDay() {
        #expect(CivilDate(year: 2024, month: 8, day: 31) < CivilDate(year: 2024, month: 9, day: 1))
        #expect(CivilDate(year: 2023, month: 12, day: 31) < CivilDate(year: 2024, month: 1, day: 1))
    }
}

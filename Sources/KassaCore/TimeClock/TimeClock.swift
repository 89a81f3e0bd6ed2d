/// The time clock: staff clock in and out (by PIN or badge), take breaks, and a supervisor
/// corrects a forgotten or wrong punch with a reason. Clocking is apart from logging in to sell:
/// a baker clocks in without ever touching the till.
public enum ClockAction: String, Sendable, Hashable, CaseIterable {
    case clockIn = "in"
    case clockOut = "out"
    case breakStart = "break_start"
    case breakEnd = "break_end"

    var code: UInt8 {
        switch self {
        case .clockIn: return 0
        case .clockOut: return 1
        case .breakStart: return 2
        case .breakEnd: return 3
        }
    }

    init?(code: UInt8) {
        guard let a = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = a
    }
}

/// One entry on an employee's time card.
public struct TimePunch: Hashable, Sendable {
    public var action: ClockAction
    public var at: Timestamp

    public init(_ action: ClockAction, at: Timestamp) {
        self.action = action
        self.at = at
    }
}

/// A supervisor's change to a time card: a wrong punch taken away, a missing one put in, or
/// both (a wrong time replaced), always with a reason.
public struct TimeCorrection: Hashable, Sendable {
    public var operatorID: OperatorID
    public var removed: TimePunch?
    public var added: TimePunch?
    public var reason: String
    public var by: OperatorID
    public var at: Timestamp

    public init(operatorID: OperatorID, removed: TimePunch?, added: TimePunch?, reason: String, by: OperatorID, at: Timestamp) {
        self.operatorID = operatorID
        self.removed = removed
        self.added = added
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// Where an employee stands on the clock.
public enum ClockStatus: String, Sendable, Hashable {
    case off, working, onBreak = "on_break"
}

/// Why the time clock said no.
public enum TimeClockProblem: Hashable, Sendable {
    case notClockedIn(OperatorID)
    case alreadyClockedIn(OperatorID)
    case onBreak(OperatorID)
    case notOnBreak(OperatorID)
    /// The clock is not after the employee's newest punch.
    case punchNotAfterLast(OperatorID)
    case invalidCorrection(String)
}

/// An ISO 8601 week: weeks start on Monday, and week 1 holds the year's first Thursday.
public struct ISOWeek: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var week: Int

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    public init(_ date: CivilDate) {
        // The week belongs to the year of its Thursday.
        let thursday = CivilDate(daysSinceEpoch: date.daysSinceEpoch - Int64(date.isoWeekday) + 4)
        let jan1 = CivilDate(year: thursday.year, month: 1, day: 1)
        self.init(year: thursday.year, week: Int((thursday.daysSinceEpoch - jan1.daysSinceEpoch) / 7) + 1)
    }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool { (a.year, a.week) < (b.year, b.week) }

    public var description: String { "\(year)-W\(week < 10 ? "0" : "")\(week)" }
}

public enum TimeClock {
    /// Where a time card leaves its employee.
    public static func status(_ punches: [TimePunch]) -> ClockStatus {
        switch punches.last?.action {
        case nil, .clockOut?: return .off
        case .clockIn?, .breakEnd?: return .working
        case .breakStart?: return .onBreak
        }
    }

    /// Whether `action` may follow a card that leaves its employee in `status`.
    static func check(_ action: ClockAction, after status: ClockStatus, _ who: OperatorID) -> TimeClockProblem? {
        switch (status, action) {
        case (.off, .clockIn), (.working, .breakStart), (.working, .clockOut), (.onBreak, .breakEnd): return nil
        case (.off, _): return .notClockedIn(who)
        case (.working, .clockIn), (.onBreak, .clockIn): return .alreadyClockedIn(who)
        case (.onBreak, _): return .onBreak(who)
        case (.working, .breakEnd): return .notOnBreak(who)
        }
    }

    /// A time card must read in → (break start → break end)* → out, over and over, in strictly
    /// rising time; it may end anywhere (someone is still at work).
    public static func problem(in punches: [TimePunch], of who: OperatorID) -> TimeClockProblem? {
        var status = ClockStatus.off
        var last: Timestamp?
        for p in punches {
            if let last, p.at <= last { return .invalidCorrection("two punches at the same time") }
            if let problem = check(p.action, after: status, who) { return problem }
            status = Self.status(after: p.action)
            last = p.at
        }
        return nil
    }

    static func status(after action: ClockAction) -> ClockStatus {
        switch action {
        case .clockIn, .breakEnd: return .working
        case .breakStart: return .onBreak
        case .clockOut: return .off
        }
    }

    /// The stretches worked (breaks left out); one still running ends at `now`.
    public static func workedIntervals(_ punches: [TimePunch], now: Timestamp) -> [Range<Int64>] {
        var intervals: [Range<Int64>] = []
        var start: Int64?
        for p in punches {
            switch p.action {
            case .clockIn, .breakEnd:
                start = p.at.milliseconds
            case .breakStart, .clockOut:
                if let s = start, p.at.milliseconds > s { intervals.append(s..<p.at.milliseconds) }
                start = nil
            }
        }
        if let s = start, now.milliseconds > s { intervals.append(s..<now.milliseconds) }
        return intervals
    }

    /// Milliseconds worked per local day. `local` gives an instant's local date and how far into
    /// that day it is, so a stretch across midnight (or a daylight-saving change) is split where
    /// the register's own day ends.
    public static func workedPerDay(_ punches: [TimePunch], now: Timestamp,
                                    local: (Timestamp) -> (date: CivilDate, millisecondsIntoDay: Int64)) -> [CivilDate: Int64] {
        var days: [CivilDate: Int64] = [:]
        for interval in workedIntervals(punches, now: now) {
            var a = interval.lowerBound
            while a < interval.upperBound {
                let (day, into) = local(Timestamp(milliseconds: a))
                var next = a + 86_400_000 - into
                // A 25-hour or 23-hour day: land on the next local midnight, wherever it is.
                let (nextDay, nextInto) = local(Timestamp(milliseconds: next))
                if nextDay == day { next += 86_400_000 - nextInto } else if nextInto > 0 { next -= nextInto }
                if next <= a { next = a + 86_400_000 - into }
                let end = min(next, interval.upperBound)
                days[day, default: 0] += end - a
                a = end
            }
        }
        return days
    }

    /// The same days summed by ISO week.
    public static func perWeek(_ days: [CivilDate: Int64]) -> [ISOWeek: Int64] {
        var weeks: [ISOWeek: Int64] = [:]
        for (d, ms) in days { weeks[ISOWeek(d), default: 0] += ms }
        return weeks
    }
}

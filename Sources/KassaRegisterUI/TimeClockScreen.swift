import KassaCore
import KassaIPC

/// What an employee does at the time clock: kassad's `timeclock.*` punches.
public enum ClockPunch: CaseIterable, Sendable {
    case clockIn, clockOut, breakStart, breakEnd

    public var op: Op {
        switch self {
        case .clockIn: return .timeclockIn
        case .clockOut: return .timeclockOut
        case .breakStart: return .timeclockBreakStart
        case .breakEnd: return .timeclockBreakEnd
        }
    }

    public func text(_ language: Language) -> String {
        switch self {
        case .clockIn: return language.pick("Clock in", "Leimaa sisään")
        case .clockOut: return language.pick("Clock out", "Leimaa ulos")
        case .breakStart: return language.pick("Start a break", "Aloita tauko")
        case .breakEnd: return language.pick("End the break", "Lopeta tauko")
        }
    }

    /// What was done, between the name and the time: `Anna clocked in at 09:02`.
    public func done(_ language: Language) -> String {
        switch self {
        case .clockIn: return language.pick("clocked in at", "leimasi sisään klo")
        case .clockOut: return language.pick("clocked out at", "leimasi ulos klo")
        case .breakStart: return language.pick("started a break at", "aloitti tauon klo")
        case .breakEnd: return language.pick("ended the break at", "lopetti tauon klo")
        }
    }
}

/// One employee's week from `timeclock.hours`: time worked each day, Monday to Sunday.
public struct WeekHours: Sendable {
    public var name: String
    public var monday: CivilDate
    /// Seconds worked, Monday first, seven days.
    public var seconds: [Int64]
    /// `off`, `working` or `on_break`.
    public var status: String

    /// `employee` is kassad's entry for the employee, or nil when they worked none of these days.
    public init(name: String, monday: CivilDate, employee: JSONValue?) {
        self.name = name
        self.monday = monday
        var byDate: [String: Int64] = [:]
        for d in employee?["days"]?.arrayValue ?? [] {
            if let date = d["date"]?.stringValue { byDate[date] = d["seconds"]?.intValue ?? 0 }
        }
        seconds = (0..<7).map { byDate[CivilDate(daysSinceEpoch: monday.daysSinceEpoch + Int64($0)).description] ?? 0 }
        status = employee?["status"]?.stringValue ?? "off"
    }

    public var total: Int64 { seconds.reduce(0, +) }

    /// `7:45`: hours and minutes.
    static func clock(_ seconds: Int64) -> String {
        let minutes = seconds / 60
        return "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
    }

    /// The days with a bar each, in proportion to the longest; the week's total; where they are now.
    func layout(width: Int, _ t: Texts) -> Page.Layout {
        let top = seconds.max() ?? 0
        let barWidth = max(0, width - 28)
        func row(_ day: String, _ hours: String, _ bar: String) -> String {
            " " + TextLayout.pad(day, to: 16) + " " + TextLayout.pad(hours, to: 8, alignment: .right) + "  " + bar
        }
        var lines: [Page.Line] = []
        for (i, s) in seconds.enumerated() {
            let date = CivilDate(daysSinceEpoch: monday.daysSinceEpoch + Int64(i))
            let bar = top > 0 && s > 0 ? String(repeating: "#", count: max(1, Int(s * Int64(barWidth) / top))) : ""
            lines.append(Page.Line(row((i < t.weekdays.count ? t.weekdays[i] : "") + " " + date.description, Self.clock(s), bar)))
        }
        lines.append(Page.Line(""))
        lines.append(Page.Line(row(t.total, Self.clock(total), ""), .total))
        let now: String
        switch status {
        case "working": now = t.working
        case "on_break": now = t.onBreak
        default: now = t.clockedOff
        }
        lines.append(Page.Line(" " + t.now + ": " + now))
        return Page.Layout(heading: [Page.Line(row(t.columnDay, t.columnHours, ""), Style(.white, bright: true))], lines: lines)
    }
}

/// The time clock: clocking in and out and breaks by the employee's own PIN (nobody need be
/// logged in: it is on the login screen too), then that employee's week; and the logged-in
/// operator's own hours this week.
extension RegisterApp {
    func openTimeClock(back: Mode) {
        var options = ClockPunch.allCases.map { punch in
            Choice.Option(text: punch.text(language)) { [unowned self] in askPIN(punch, back: back) }
        }
        // Only at the sale: a locked screen must not show the locked-out operator's hours.
        if case .sale = back, let id = model.operatorID, let name = model.operatorName {
            options.append(Choice.Option(text: texts.myHours) { [unowned self] in
                today { [unowned self] today in weekHours(id, name: name, today: today, back: back) }
            })
        }
        choose(texts.timeClock, options, back: back)
    }

    private func askPIN(_ punch: ClockPunch, back: Mode) {
        ask(Prompt(label: punch.text(language) + ": " + texts.yourPIN, input: .digits, secret: true) { [unowned self] pin in
            mode = back
            guard !pin.isEmpty else { return }
            request(punch.op, ["pin": .string(pin)]) { [unowned self] r in
                let name = r["name"]?.stringValue ?? "?"
                let local = r["local_time"]?.stringValue ?? ""
                show(name + " " + punch.done(language) + " " + String(local.dropFirst(11)))
                // The punch's reply carries the week's hours: nobody is logged in to ask for them.
                if let id = r["operator"]?.stringValue, let today = CivilDate(String(local.prefix(10))), let week = r["week"] {
                    showWeek(id, name: name, monday: Self.monday(of: today), week, back: back)
                }
            }
        }, back: mode)
    }

    static func monday(of day: CivilDate) -> CivilDate {
        CivilDate(daysSinceEpoch: day.daysSinceEpoch - Int64(day.isoWeekday - 1))
    }

    private func weekHours(_ id: String, name: String, today: CivilDate, back: Mode) {
        let monday = Self.monday(of: today)
        let sunday = CivilDate(daysSinceEpoch: monday.daysSinceEpoch + 6)
        request(.timeclockHours, ["from": .string(monday.description), "to": .string(sunday.description), "operator": .string(id)]) {
            [unowned self] r in showWeek(id, name: name, monday: monday, r, back: back)
        }
    }

    /// A `timeclock.hours` reply for one employee's week, as a page.
    private func showWeek(_ id: String, name: String, monday: CivilDate, _ r: JSONValue, back: Mode) {
        let sunday = CivilDate(daysSinceEpoch: monday.daysSinceEpoch + 6)
        let week = WeekHours(name: name, monday: monday, employee: r["employees"]?.arrayValue?.first { $0["operator"]?.stringValue == id })
        let t = texts
        open(Page(title: texts.hoursThisWeek + ": " + name + " · " + monday.description + " - " + sunday.description,
                  layout: { week.layout(width: $0, t) }, hint: texts.scrollHint), back: back)
    }
}

import KassaCore

/// A POSIX TZ rule as found in a TZif footer, e.g. `EET-2EEST,M3.5.0/3,M10.5.0/4`: the zone's
/// behaviour after the file's last transition, computed year by year.
///
/// Supports the forms TZif footers use (RFC 8536 §3.3): `<…>`-quoted or alphabetic names, offsets
/// and rule times with hours up to 167 and either sign, and `Mm.w.d`, `Jn` and `n` dates.
struct PosixTZ: Hashable, Sendable {
    enum DateRule: Hashable, Sendable {
        /// `Jn`: day 1…365, February 29 never counted.
        case julianNoLeap(Int)
        /// `n`: day 0…365, February 29 counted.
        case zeroBasedDay(Int)
        /// `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = last) of month m.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }

    struct Change: Hashable, Sendable {
        var date: DateRule
        /// Seconds after local midnight, in the time in force before the change.
        var time: Int
    }

    struct Daylight: Hashable, Sendable {
        var type: ZoneInfo.LocalType
        var start: Change
        var end: Change
    }

    var standard: ZoneInfo.LocalType
    var daylight: Daylight?

    init?(_ text: String) {
        var s = Scanner(Array(text.utf8))
        guard let stdName = s.name(), let stdOffset = s.offset() else { return nil }
        standard = ZoneInfo.LocalType(utcOffset: -stdOffset, isDST: false, abbreviation: stdName)
        if s.atEnd {
            daylight = nil
            return
        }
        guard let dstName = s.name() else { return nil }
        var dstOffset = -(stdOffset - 3600)
        if !s.atEnd && s.peek != UInt8(ascii: ",") {
            guard let o = s.offset() else { return nil }
            dstOffset = -o
        }
        // Without a rule POSIX leaves the dates to the implementation; TZif footers always give one.
        guard s.take(UInt8(ascii: ",")), let start = s.change(), s.take(UInt8(ascii: ",")),
              let end = s.change(), s.atEnd else { return nil }
        daylight = Daylight(type: ZoneInfo.LocalType(utcOffset: dstOffset, isDST: true, abbreviation: dstName),
                            start: start, end: end)
    }

    func localType(atUTCSeconds t: Int64) -> ZoneInfo.LocalType {
        guard let daylight else { return standard }
        let year = CivilDate(daysSinceEpoch: floorDivide(t + Int64(standard.utcOffset), 86_400).quotient).year
        // The last change at or before t decides; the previous year's changes make sure one exists
        // (and cover a southern-hemisphere summer that spans New Year).
        var latest: (instant: Int64, isDST: Bool)?
        for y in (year - 1)...(year + 1) {
            let start = instant(of: daylight.start, year: y, offsetBefore: standard.utcOffset)
            let end = instant(of: daylight.end, year: y, offsetBefore: daylight.type.utcOffset)
            for change in [(start, true), (end, false)] where change.0 <= t {
                if latest == nil || change.0 >= latest!.instant { latest = change }
            }
        }
        return latest?.isDST == true ? daylight.type : standard
    }

    private func instant(of change: Change, year: Int, offsetBefore: Int) -> Int64 {
        let day: Int64
        let jan1 = CivilDate(year: year, month: 1, day: 1).daysSinceEpoch
        switch change.date {
        case .julianNoLeap(let n):
            day = jan1 + Int64(n - 1) + (CivilDate.isLeap(year) && n >= 60 ? 1 : 0)
        case .zeroBasedDay(let n):
            day = jan1 + Int64(n)
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilDate(year: year, month: month, day: 1)
            let firstWeekday = first.isoWeekday % 7  // Sunday = 0
            var dayOfMonth = 1 + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
            while dayOfMonth > CivilDate.daysIn(month: month, year: year) { dayOfMonth -= 7 }
            day = first.daysSinceEpoch + Int64(dayOfMonth - 1)
        }
        return day * 86_400 + Int64(change.time) - Int64(offsetBefore)
    }

    /// A byte cursor over the rule text; each method returns nil on a syntax error.
    private struct Scanner {
        let bytes: [UInt8]
        var i = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { i == bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[i] }

        mutating func take(_ b: UInt8) -> Bool {
            guard peek == b else { return false }
            i += 1
            return true
        }

        mutating func name() -> String? {
            let start = i
            if take(UInt8(ascii: "<")) {
                while let b = peek, b != UInt8(ascii: ">") { i += 1 }
                guard take(UInt8(ascii: ">")), i - start >= 5 else { return nil }
                return String(decoding: bytes[(start + 1)..<(i - 1)], as: UTF8.self)
            }
            while let b = peek, (b | 0x20) >= UInt8(ascii: "a"), (b | 0x20) <= UInt8(ascii: "z") { i += 1 }
            guard i - start >= 3 else { return nil }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func number(max: Int) -> Int? {
            let start = i
            var v = 0
            while let b = peek, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                v = v * 10 + Int(b - UInt8(ascii: "0"))
                i += 1
                if v > max { return nil }
            }
            return i > start ? v : nil
        }

        /// `[+-]hh[:mm[:ss]]` as seconds; hours up to 167 (RFC 8536's extension of POSIX's 24).
        mutating func offset() -> Int? {
            var sign = 1
            if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
            guard let h = number(max: 167) else { return nil }
            var seconds = h * 3600
            if take(UInt8(ascii: ":")) {
                guard let m = number(max: 59) else { return nil }
                seconds += m * 60
                if take(UInt8(ascii: ":")) {
                    guard let s = number(max: 59) else { return nil }
                    seconds += s
                }
            }
            return sign * seconds
        }

        mutating func change() -> Change? {
            let date: DateRule
            if take(UInt8(ascii: "M")) {
                guard let m = number(max: 12), m >= 1, take(UInt8(ascii: ".")), let w = number(max: 5), w >= 1,
                      take(UInt8(ascii: ".")), let d = number(max: 6) else { return nil }
                date = .monthWeekDay(month: m, week: w, weekday: d)
            } else if take(UInt8(ascii: "J")) {
                guard let n = number(max: 365), n >= 1 else { return nil }
                date = .julianNoLeap(n)
            } else {
                guard let n = number(max: 365) else { return nil }
                date = .zeroBasedDay(n)
            }
            var time = 7200  // POSIX default: 02:00
            if take(UInt8(ascii: "/")) {
                guard let t = offset() else { return nil }
                time = t
            }
            return Change(date: date, time: time)
        }
    }
}

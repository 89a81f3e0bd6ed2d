import KassaCore
import KassaSystem

/// Why a zone could not be read.
public struct ZoneInfoError: Error, Hashable, Sendable, CustomStringConvertible {
    public var zone: String
    public var message: String

    public init(zone: String, message: String) {
        self.zone = zone
        self.message = message
    }

    public var description: String { "time zone '\(zone)': \(message)" }
}

/// A wall-clock reading in a zone.
public struct LocalTime: Hashable, Sendable, CustomStringConvertible {
    public var date: CivilDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int
    /// Seconds east of UTC (Helsinki in summer: +10800).
    public var utcOffsetSeconds: Int
    public var abbreviation: String
    public var isDaylightSaving: Bool

    /// ISO 8601 with offset, e.g. `2026-03-29T04:00:00+03:00`.
    public var description: String {
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        let off = abs(utcOffsetSeconds)
        return "\(date)T\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second))\(sign)\(Self.two(off / 3600)):\(Self.two(off / 60 % 60))"
    }

    /// To the minute, as receipts and reports show it: `2026-03-29 04:00`.
    public var minuteText: String { "\(date) \(Self.two(hour)):\(Self.two(minute))" }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// How a local wall-clock time maps back to UTC around daylight-saving changes.
public enum LocalTimeResolution: Hashable, Sendable {
    case unique(Timestamp)
    /// The clocks went back: the wall time happened twice.
    case ambiguous(earlier: Timestamp, later: Timestamp)
    /// The clocks went forward over it: the instant given is that wall time read with the offset
    /// from before the change, i.e. as far past the gap as the time was into it.
    case skipped(Timestamp)
}

/// A time zone read from a TZif file (RFC 8536, versions 1–4), as in /usr/share/zoneinfo.
///
/// Parsing and conversion work on bytes and integers only; `load` is the thin file-reading edge.
/// Leap-second records are skipped: the register counts POSIX time, as the system clock does.
public struct ZoneInfo: Hashable, Sendable {
    struct LocalType: Hashable, Sendable {
        var utcOffset: Int
        var isDST: Bool
        var abbreviation: String
    }

    public let name: String
    /// Transition instants in UTC seconds, ascending, and the type in force from each on.
    let transitions: [Int64]
    let transitionTypes: [Int]
    let types: [LocalType]
    /// The footer's rule for instants after the last transition.
    let rule: PosixTZ?

    public static let defaultDirectory = "/usr/share/zoneinfo"

    /// Reads `<directory>/<name>`. Names are checked first, so a configured zone can never
    /// point the reader outside the zoneinfo tree.
    public static func load(_ name: String, directory: String = ZoneInfo.defaultDirectory) throws(ZoneInfoError) -> ZoneInfo {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw ZoneInfoError(zone: name, message: "not a zone name")
        }
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try readWholeFile(directory + "/" + name)
        } catch {
            throw ZoneInfoError(zone: name, message: error.errno == 2 ? "unknown zone (no such file in \(directory))" : error.description)
        }
        return try ZoneInfo(name: name, tzif: bytes)
    }

    /// A zone from a POSIX TZ string alone, e.g. `UTC0` or `EET-2EEST,M3.5.0/3,M10.5.0/4`.
    public init(name: String, posixRule: String) throws(ZoneInfoError) {
        guard let rule = PosixTZ(posixRule) else {
            throw ZoneInfoError(zone: name, message: "invalid TZ rule '\(posixRule)'")
        }
        self.name = name
        self.transitions = []
        self.transitionTypes = []
        self.types = [rule.standard]
        self.rule = rule
    }

    public init(name: String, tzif bytes: [UInt8]) throws(ZoneInfoError) {
        var r = TZifReader(bytes: bytes, zone: name)
        let first = try r.header()
        let version = first.version
        if version >= 2 {
            // The v1 block exists only for old readers; the 64-bit block after it is authoritative.
            try r.skip(first.v1BlockSize)
            let second = try r.header()
            try self.init(name: name, reader: &r, counts: second, timeSize: 8, parseFooter: true)
        } else {
            try self.init(name: name, reader: &r, counts: first, timeSize: 4, parseFooter: false)
        }
    }

    private init(name: String, reader r: inout TZifReader, counts c: TZifReader.Counts, timeSize: Int,
                 parseFooter: Bool) throws(ZoneInfoError) {
        var transitions: [Int64] = []
        transitions.reserveCapacity(c.timecnt)
        for _ in 0..<c.timecnt {
            let at = r.offset
            let t = timeSize == 8 ? Int64(bitPattern: try r.uint64()) : Int64(Int32(bitPattern: try r.uint32()))
            if let last = transitions.last, t <= last { throw r.fail("transition times not ascending", at: at) }
            transitions.append(t)
        }
        var transitionTypes: [Int] = []
        for _ in 0..<c.timecnt {
            let at = r.offset
            let i = Int(try r.uint8())
            guard i < c.typecnt else { throw r.fail("transition names local time type \(i) of \(c.typecnt)", at: at) }
            transitionTypes.append(i)
        }
        var raw: [(offset: Int32, isDST: Bool, abbrIndex: Int)] = []
        for _ in 0..<c.typecnt {
            let at = r.offset
            let offset = Int32(bitPattern: try r.uint32())
            let dst = try r.uint8()
            let abbr = Int(try r.uint8())
            guard offset != Int32.min, abs(Int(offset)) <= 26 * 3600 else { throw r.fail("UTC offset \(offset) out of range", at: at) }
            guard dst <= 1 else { throw r.fail("DST flag \(dst) is not 0 or 1", at: at + 4) }
            guard abbr < c.charcnt else { throw r.fail("abbreviation index \(abbr) beyond \(c.charcnt) characters", at: at + 5) }
            raw.append((offset, dst == 1, abbr))
        }
        let chars = Array(try r.bytes(c.charcnt))
        try r.skip(c.leapcnt * (timeSize + 4) + c.isstdcnt + c.isutcnt)
        types = try raw.map { (t) throws(ZoneInfoError) -> LocalType in
            guard let end = chars[t.abbrIndex...].firstIndex(of: 0) else { throw r.fail("abbreviation not NUL-terminated") }
            return LocalType(utcOffset: Int(t.offset), isDST: t.isDST,
                             abbreviation: String(decoding: chars[t.abbrIndex..<end], as: UTF8.self))
        }
        var rule: PosixTZ?
        if parseFooter {
            let footer = try r.footer()
            if !footer.isEmpty {
                guard let parsed = PosixTZ(footer) else { throw r.fail("invalid TZ footer '\(footer)'") }
                rule = parsed
            }
        }
        self.name = name
        self.transitions = transitions
        self.transitionTypes = transitionTypes
        self.rule = rule
    }

    // MARK: Conversion

    func localType(atUTCSeconds t: Int64) -> LocalType {
        guard let first = transitions.first, t >= first else {
            // Before any transition: RFC 8536 says type 0, but a file with no transitions at all
            // describes its zone by the footer alone.
            return transitions.isEmpty ? (rule?.localType(atUTCSeconds: t) ?? types[0]) : types[0]
        }
        var lo = 0
        var hi = transitions.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if transitions[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        if lo == transitions.count - 1, let rule { return rule.localType(atUTCSeconds: t) }
        return types[transitionTypes[lo]]
    }

    /// The wall clock in this zone at a UTC instant.
    public func localTime(_ instant: Timestamp) -> LocalTime {
        let (seconds, ms) = floorDivide(instant.milliseconds, 1000)
        let type = localType(atUTCSeconds: seconds)
        let local = seconds + Int64(type.utcOffset)
        let (days, secondOfDay) = floorDivide(local, 86_400)
        return LocalTime(date: CivilDate(daysSinceEpoch: days), hour: Int(secondOfDay / 3600),
                         minute: Int(secondOfDay / 60 % 60), second: Int(secondOfDay % 60), millisecond: Int(ms),
                         utcOffsetSeconds: type.utcOffset, abbreviation: type.abbreviation, isDaylightSaving: type.isDST)
    }

    /// The UTC instant(s) of a wall-clock time in this zone.
    public func resolve(_ date: CivilDate, hour: Int, minute: Int, second: Int) -> LocalTimeResolution {
        let local = date.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // Transitions are months apart, so a day either side sees every offset that could apply.
        let before = localType(atUTCSeconds: local - 86_400).utcOffset
        let after = localType(atUTCSeconds: local + 86_400).utcOffset
        let candidates = (before == after ? [before] : [before, after]).compactMap { offset -> Int64? in
            let utc = local - Int64(offset)
            return localType(atUTCSeconds: utc).utcOffset == offset ? utc : nil
        }.sorted()
        func ts(_ s: Int64) -> Timestamp { Timestamp(milliseconds: s * 1000) }
        switch candidates.count {
        case 1: return .unique(ts(candidates[0]))
        case 2: return .ambiguous(earlier: ts(candidates[0]), later: ts(candidates[1]))
        default: return .skipped(ts(local - Int64(before)))
        }
    }
}

func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
    let q = a / b - ((a % b) < 0 ? 1 : 0)
    return (q, a - q * b)
}

/// A big-endian cursor over TZif bytes; every read is bounds-checked into a ZoneInfoError.
struct TZifReader {
    struct Counts {
        var version: Int
        var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int

        var v1BlockSize: Int {
            timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt
        }
    }

    let bytes: [UInt8]
    let zone: String
    var offset = 0

    init(bytes: [UInt8], zone: String) {
        self.bytes = bytes
        self.zone = zone
    }

    /// `at` defaults to the cursor; a check made after reading a field passes the field's start.
    func fail(_ why: String, at: Int? = nil) -> ZoneInfoError {
        ZoneInfoError(zone: zone, message: "malformed TZif data at byte \(at ?? offset): \(why)")
    }

    mutating func bytes(_ n: Int) throws(ZoneInfoError) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else { throw fail("truncated") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func skip(_ n: Int) throws(ZoneInfoError) { _ = try bytes(n) }

    mutating func uint8() throws(ZoneInfoError) -> UInt8 { try bytes(1).first! }

    mutating func uint32() throws(ZoneInfoError) -> UInt32 {
        try bytes(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() throws(ZoneInfoError) -> UInt64 {
        try bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func header() throws(ZoneInfoError) -> Counts {
        let start = offset
        guard try bytes(4).elementsEqual("TZif".utf8) else { throw fail("not a TZif file (bad magic)", at: start) }
        let v = try uint8()
        let version: Int
        switch v {
        case 0: version = 1
        case UInt8(ascii: "2")...UInt8(ascii: "4"): version = Int(v - UInt8(ascii: "0"))
        default: throw fail("unknown version byte 0x\(String(v, radix: 16))")
        }
        try skip(15)
        var c = Counts(version: version, isutcnt: 0, isstdcnt: 0, leapcnt: 0, timecnt: 0, typecnt: 0, charcnt: 0)
        c.isutcnt = Int(try uint32())
        c.isstdcnt = Int(try uint32())
        c.leapcnt = Int(try uint32())
        c.timecnt = Int(try uint32())
        c.typecnt = Int(try uint32())
        c.charcnt = Int(try uint32())
        guard c.typecnt >= 1, c.charcnt >= 1 else { throw fail("no local time types") }
        guard c.isutcnt == 0 || c.isutcnt == c.typecnt, c.isstdcnt == 0 || c.isstdcnt == c.typecnt else {
            throw fail("indicator counts do not match the type count")
        }
        // Cheap sanity bound before allocating for counts read from the file.
        guard c.v1BlockSize <= bytes.count else { throw fail("counts exceed the file size") }
        return c
    }

    mutating func footer() throws(ZoneInfoError) -> String {
        guard try uint8() == 0x0A else { throw fail("footer does not start with a newline") }
        guard let end = bytes[offset...].firstIndex(of: 0x0A) else { throw fail("footer does not end with a newline") }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        offset = end + 1
        return text
    }
}

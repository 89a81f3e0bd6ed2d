import Glibc
import KassaCore
import KassaSystem
import Testing
@testable import KassaRuntime

private func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Timestamp {
    let seconds = CivilDate(year: y, month: mo, day: d).daysSinceEpoch * 86_400 + Int64(h * 3600 + mi * 60 + s)
    return Timestamp(milliseconds: seconds * 1000)
}

private func zone(_ name: String) throws -> ZoneInfo { try ZoneInfo.load(name) }

/// A version 1 TZif file (32-bit times, no footer) with the given transitions and types.
private func tzifV1(times: [Int32], indices: [UInt8], types: [(offset: Int32, dst: Bool, abbr: UInt8)], chars: String) -> [UInt8] {
    func be32(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian, Array.init) }
    var b = Array("TZif".utf8) + [0] + [UInt8](repeating: 0, count: 15)
    b += be32(0) + be32(0) + be32(0) + be32(Int32(times.count)) + be32(Int32(types.count)) + be32(Int32(chars.utf8.count))
    b += times.flatMap(be32) + indices
    for t in types { b += be32(t.offset) + [t.dst ? 1 : 0, t.abbr] }
    return b + Array(chars.utf8)
}

@Suite struct ZoneInfoReading {
    @Test func version1FilesAreReadWithoutAFooter() throws {
        let z = try ZoneInfo(name: "v1", tzif: tzifV1(times: [1000], indices: [1],
                                                       types: [(0, false, 0), (3600, true, 4)], chars: "AAA\0BBB\0"))
        #expect(z.localTime(Timestamp(milliseconds: 999_999)).abbreviation == "AAA")
        let after = z.localTime(Timestamp(milliseconds: 1_000_000))
        #expect(after.abbreviation == "BBB" && after.utcOffsetSeconds == 3600 && after.isDaylightSaving)
        #expect(z.localTime(Timestamp(milliseconds: 4_000_000_000_000)).abbreviation == "BBB")
    }

    @Test func inconsistentTablesAreRefused() {
        func message(_ bytes: [UInt8]) -> String? {
            do throws(ZoneInfoError) {
                _ = try ZoneInfo(name: "v1", tzif: bytes)
                return nil
            } catch {
                return error.message
            }
        }
        let types: [(offset: Int32, dst: Bool, abbr: UInt8)] = [(0, false, 0), (3600, true, 4)]
        #expect(message(tzifV1(times: [1000], indices: [2], types: types, chars: "AAA\0BBB\0"))
                == "malformed TZif data at byte 48: transition names local time type 2 of 2")
        #expect(message(tzifV1(times: [1000, 1000], indices: [1, 0], types: types, chars: "AAA\0BBB\0"))?
                .hasSuffix("transition times not ascending") == true)
        #expect(message(tzifV1(times: [], indices: [], types: [(0, false, 9)], chars: "AAA\0"))?
                .hasSuffix("abbreviation index 9 beyond 4 characters") == true)
        #expect(message(tzifV1(times: [], indices: [], types: [(0, false, 0)], chars: "AAAA"))?
                .hasSuffix("abbreviation not NUL-terminated") == true)
        #expect(message(tzifV1(times: [], indices: [], types: [(Int32.min, false, 0)], chars: "A\0"))?
                .contains("out of range") == true)
    }

    @Test func helsinkiSpringsForwardAt0100UTCOnTheLastSundayOfMarch() throws {
        let z = try zone("Europe/Helsinki")
        #expect(z.localTime(utc(2026, 3, 29, 0, 59, 59)).description == "2026-03-29T02:59:59+02:00")
        let after = z.localTime(utc(2026, 3, 29, 1, 0))
        #expect(after.description == "2026-03-29T04:00:00+03:00")
        #expect(after.abbreviation == "EEST" && after.isDaylightSaving)
    }

    @Test func helsinkiFallsBackAt0100UTCOnTheLastSundayOfOctober() throws {
        let z = try zone("Europe/Helsinki")
        #expect(z.localTime(utc(2026, 10, 25, 0, 59, 59)).description == "2026-10-25T03:59:59+03:00")
        let after = z.localTime(utc(2026, 10, 25, 1, 0))
        #expect(after.description == "2026-10-25T03:00:00+02:00")
        #expect(after.abbreviation == "EET" && !after.isDaylightSaving)
    }

    @Test func localTimesInTheGapAndTheOverlapResolveHonestly() throws {
        let z = try zone("Europe/Helsinki")
        let noon = CivilDate(year: 2026, month: 6, day: 1)
        #expect(z.resolve(noon, hour: 12, minute: 0, second: 0) == .unique(utc(2026, 6, 1, 9, 0)))
        #expect(z.resolve(CivilDate(year: 2026, month: 3, day: 29), hour: 3, minute: 30, second: 0)
                == .skipped(utc(2026, 3, 29, 1, 30)))
        #expect(z.resolve(CivilDate(year: 2026, month: 10, day: 25), hour: 3, minute: 30, second: 0)
                == .ambiguous(earlier: utc(2026, 10, 25, 0, 30), later: utc(2026, 10, 25, 1, 30)))
    }

    @Test func newYorkChangesAtTwoLocalOnTheUSDates() throws {
        let z = try zone("America/New_York")
        #expect(z.localTime(utc(2026, 3, 8, 6, 59, 59)).description == "2026-03-08T01:59:59-05:00")
        #expect(z.localTime(utc(2026, 3, 8, 7, 0)).description == "2026-03-08T03:00:00-04:00")
        #expect(z.localTime(utc(2026, 11, 1, 5, 59, 59)).description == "2026-11-01T01:59:59-04:00")
        #expect(z.localTime(utc(2026, 11, 1, 6, 0)).abbreviation == "EST")
        // History before the current rules: 1974's year-round DST began on January 6.
        #expect(z.localTime(utc(1974, 2, 1, 12, 0)).abbreviation == "EDT")
    }

    @Test func utcIsUTCAndMillisecondsSurvive() throws {
        let z = try zone("UTC")
        let t = z.localTime(Timestamp(milliseconds: 1_780_000_000_123))
        #expect(t.utcOffsetSeconds == 0 && t.abbreviation == "UTC" && t.millisecond == 123)
        let before1970 = z.localTime(Timestamp(milliseconds: -1))
        #expect(before1970.description == "1969-12-31T23:59:59+00:00" && before1970.millisecond == 999)
    }

    @Test func yearsBeyondTheTableFollowTheFooterRule() throws {
        let z = try zone("Europe/Helsinki")
        // 2100's last Sunday of March is the 28th, of October the 31st.
        #expect(z.localTime(utc(2100, 3, 28, 0, 59)).abbreviation == "EET")
        #expect(z.localTime(utc(2100, 3, 28, 1, 0)).abbreviation == "EEST")
        #expect(z.localTime(utc(2100, 10, 31, 0, 59)).abbreviation == "EEST")
        #expect(z.localTime(utc(2100, 10, 31, 1, 0)).abbreviation == "EET")
    }

    @Test func agreesWithGlibcAcrossCenturies() throws {
        for name in ["Europe/Helsinki", "America/New_York", "Australia/Sydney", "America/Santiago", "Asia/Kolkata"] {
            let z = try zone(name)
            setenv("TZ", ":" + name, 1)
            tzset()
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for _ in 0..<2000 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                // 1900 … 2300
                let seconds = Int64(state >> 33) % 12_623_040_000 - 2_208_988_800
                var t = time_t(seconds)
                var tm = Glibc.tm()
                localtime_r(&t, &tm)
                let ours = z.localTime(Timestamp(milliseconds: seconds * 1000))
                #expect(ours.utcOffsetSeconds == tm.tm_gmtoff, "\(name) at \(seconds)")
                #expect(ours.hour == Int(tm.tm_hour) && ours.date.day == Int(tm.tm_mday), "\(name) at \(seconds)")
            }
        }
        unsetenv("TZ")
        tzset()
    }

    @Test func southernHemisphereSummerSpansNewYear() throws {
        let z = try ZoneInfo(name: "test", posixRule: "AEST-10AEDT,M10.1.0,M4.1.0/3")
        #expect(z.localTime(utc(2200, 1, 1, 0, 0)).abbreviation == "AEDT")
        #expect(z.localTime(utc(2200, 7, 1, 0, 0)).abbreviation == "AEST")
    }

    @Test func daylightSavingAllYearAsRFC8536WritesItStaysDaylight() throws {
        let z = try ZoneInfo(name: "x", posixRule: "EST5EDT,0/0,J365/25")
        for month in [1, 6, 12] {
            #expect(z.localTime(utc(2300, month, 1, 0, 0)).abbreviation == "EDT")
        }
        #expect(z.localTime(utc(2300, 1, 1, 5, 0)).description == "2300-01-01T01:00:00-04:00")
    }

    @Test func posixRulesWithQuotedNamesAndJulianDaysParse() throws {
        let quoted = try ZoneInfo(name: "x", posixRule: "<-03>3")
        #expect(quoted.localTime(utc(2030, 1, 1, 0, 0)).description == "2029-12-31T21:00:00-03:00")
        #expect(quoted.localTime(utc(2030, 1, 1, 0, 0)).abbreviation == "-03")
        let julian = try ZoneInfo(name: "x", posixRule: "STD0DST,J60/0,J300/0")
        // J60 is always March 1, leap year or not.
        #expect(julian.localTime(utc(2028, 2, 29, 12, 0)).abbreviation == "STD")
        #expect(julian.localTime(utc(2028, 3, 1, 0, 0)).abbreviation == "DST")
    }

    @Test func malformedDataIsRefusedWithAReason() throws {
        let good = try readWholeFile(ZoneInfo.defaultDirectory + "/Europe/Helsinki")
        func message(_ bytes: [UInt8]) -> String? {
            do throws(ZoneInfoError) {
                _ = try ZoneInfo(name: "Bad/Zone", tzif: bytes)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message([]) == "time zone 'Bad/Zone': malformed TZif data at byte 0: truncated")
        #expect(message(Array("TZjf".utf8) + good.dropFirst(4)) == "time zone 'Bad/Zone': malformed TZif data at byte 0: not a TZif file (bad magic)")
        #expect(message(Array(good.prefix(60)))?.hasSuffix("counts exceed the file size") == true)
        #expect(message(Array(good.prefix(good.count / 2)))?.contains("malformed TZif data") == true)
        #expect(message(Array(good.dropLast(3)))?.contains("footer") == true)
        var badVersion = good
        badVersion[4] = UInt8(ascii: "9")
        #expect(message(badVersion)?.hasSuffix("unknown version byte 0x39") == true)
        var badFooter = good
        badFooter.replaceSubrange((good.count - 5)..<(good.count - 1), with: Array("????".utf8))
        #expect(message(badFooter)?.contains("invalid TZ footer") == true)
        #expect(throws: ZoneInfoError.self) { try ZoneInfo(name: "x", posixRule: "EET-2EEST") }
        #expect(throws: ZoneInfoError.self) { try ZoneInfo(name: "x", posixRule: "E1") }
    }

    @Test func zoneNamesCannotEscapeTheZoneinfoDirectory() {
        for name in ["../../etc/passwd", "/etc/localtime", "Europe/../UTC", ""] {
            #expect(throws: ZoneInfoError(zone: name, message: "not a zone name")) { try ZoneInfo.load(name) }
        }
        #expect(throws: ZoneInfoError.self) { try ZoneInfo.load("Mars/Olympus_Mons") }
    }
}

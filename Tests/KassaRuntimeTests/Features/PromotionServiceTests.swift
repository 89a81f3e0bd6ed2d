import Testing
import KassaCore
import KassaDevices
@testable import KassaIPC
@testable import KassaRuntime
import KassaTestSupport

/// Promotions through kassad's request handling, with the register's clock and time zone.
@Suite("Promotions in the register's time zone")
struct PromotionServiceTests {
    static let helsinki = try! ZoneInfo(name: "Europe/Helsinki", posixRule: "EET-2EEST,M3.5.0/3,M10.5.0/4")

    /// A register in Helsinki with the demo catalog (PLU 101 is a coffee at 2.90, PLU 103 a tea).
    final class Register {
        let register: InProcessRegister

        init() throws {
            var config = KassaConfig()
            config.timeZone = PromotionServiceTests.helsinki
            register = try InProcessRegister(config: config)
        }

        /// Sets the clock to a Helsinki wall-clock time.
        func at(_ date: String, _ hour: Int, _ minute: Int, _ second: Int = 0) {
            guard case .unique(let t) = PromotionServiceTests.helsinki.resolve(CivilDate(date)!, hour: hour, minute: minute,
                                                                               second: second) else {
                fatalError("not a unique local time")
            }
            register.now = t.milliseconds
        }

        func call(_ op: Op, _ args: JSONObject = [:]) throws -> JSONValue { try register.call(op, args) }
        func error(_ op: Op, _ args: JSONObject = [:]) -> IPCError? { register.error(op, args) }
    }

    func coffeeID(_ r: Register) throws -> String {
        try #require(try r.call(.catalogLookup, ["code": "101"])["item"]?["id"]?.stringValue)
    }

    @Test func theHappyHourEndsAt17HelsinkiTimeNotUTC() throws {
        let r = try Register()
        r.at("2026-12-07", 9, 0)
        _ = try r.call(.login, ["pin": "2222"])
        let set = try r.call(.promotionSet, ["id": "happy", "name": "Happy hour", "items": [.string(try coffeeID(r))],
                                               "percent_bp": 5000, "start": "16:00", "end": "17:00", "weekdays": [1, 2, 3, 4, 5]])
        #expect(set["in_force_now"]?.boolValue == false)
        _ = try r.call(.shiftOpen, ["float": 0])

        // 16:59:59 in Helsinki is 14:59:59 UTC: half price.
        r.at("2026-12-07", 16, 59, 59)
        #expect(try r.call(.promotionList).arrayValue?.first?["in_force_now"]?.boolValue == true)
        let first = try r.call(.saleScan, ["code": "101"])
        #expect(first["lines"]?.arrayValue?.last?["gross"]?.intValue == 145)
        #expect(first["promotions"]?.arrayValue?.first?["name"]?.stringValue == "Happy hour")

        // 17:00:00: the normal price again, by itself; the coffee rung up before keeps its price.
        r.at("2026-12-07", 17, 0, 0)
        #expect(try r.call(.promotionList).arrayValue?.first?["in_force_now"]?.boolValue == false)
        let second = try r.call(.saleScan, ["code": "101"])
        #expect(second["lines"]?.arrayValue?.map { $0["gross"]?.intValue } == [145, 290])
        let done = try r.call(.saleTender, ["kind": "cash", "amount": 435])
        let receipt = try #require(done["completed"])
        #expect(receipt["total"]?.intValue == 435)
        let text = receipt["text"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(text.contains { $0.hasPrefix("Happy hour") && $0.hasSuffix("-1,45 €") })

        // Saturday at 16:30 is outside the weekdays.
        r.at("2026-12-12", 16, 30)
        #expect(try r.call(.saleScan, ["code": "101"])["total"]?.intValue == 290)
    }

    @Test func aCashierCannotSetUpAPromotionAndBadDefinitionsGetSpecificErrors() throws {
        let r = try Register()
        r.at("2026-12-07", 9, 0)
        _ = try r.call(.login, ["pin": "1111"])
        let coffee = try coffeeID(r)
        #expect(r.error(.promotionSet, ["id": "p", "name": "x", "items": [.string(coffee)], "percent_bp": 1000])?.code == .pinRequired)
        #expect(r.error(.promotionSet, ["id": "p", "name": "x", "items": [.string(coffee)], "percent_bp": 1000, "start": "25:00",
                                          "end": "26:00", "override_pin": "2222"])?.message
                == "promotion.set: 'start' must be a time of day HH:MM, not '25:00'")
        #expect(r.error(.promotionSet, ["id": "p", "name": "x", "department": "Kahvila", "percent_bp": 1000, "buy": 2,
                                          "override_pin": "2222"])?.code == .badArgs)
        #expect(r.error(.promotionSet, ["id": "p", "name": "x", "items": [.string(coffee)], "percent_bp": 0,
                                          "override_pin": "2222"])?.message == "promotion: a percentage off must be above 0 and at most 100")
        _ = try r.call(.promotionSet, ["id": "p", "name": "x", "department": "Kahvila", "buy": 2, "free": 1, "override_pin": "2222"])
        #expect(try r.call(.promotionList).arrayValue?.map { $0["buy"]?.intValue } == [2])
        #expect(r.error(.promotionRemove, ["id": "nosuch", "override_pin": "2222"])?.code == .notFound)
    }
}

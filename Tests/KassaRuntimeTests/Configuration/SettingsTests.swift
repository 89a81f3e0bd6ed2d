import KassaCore
import Testing
@testable import KassaRuntime

/// The settings a technician changes on the box: validated, dated where it matters, and the
/// same when folded again at the next start.
@Suite struct SettingsTests {
    let today = CivilDate(year: 2026, month: 12, day: 5)

    func target(history: Bool = false) -> Settings.Target {
        var t = Settings.Target(file: KassaConfig(), hasHistory: history)
        t.loadZone = { (name) throws(ZoneInfoError) in
            guard name == "Europe/Helsinki" else { throw ZoneInfoError(zone: name, message: "no time zone '\(name)'") }
            return try ZoneInfo(name: name, posixRule: "EET-2EEST,M3.5.0/3,M10.5.0/4")
        }
        return t
    }

    @Test func aBareTaxRateIsJournaledWithTodaysDateSoReplayDoesNotMoveIt() throws {
        let value = try Settings.normalised("tax.A", "24%", today: today)
        #expect(value == "24% from 2026-12-05")
        var t = target()
        // Replayed weeks later, the rate still starts on the day it was set.
        try Settings.apply("tax.A", value, to: &t, today: CivilDate(year: 2027, month: 1, day: 20))
        #expect(t.register.taxes.basisPoints("A", on: today) == 2400)
        #expect(t.register.taxes.basisPoints("A", on: CivilDate(year: 2026, month: 12, day: 4)) == 2550)
    }

    @Test func aTaxRateCannotStartInThePastNorForAnUnknownClass() {
        #expect(throws: Settings.Invalid.self) { try Settings.normalised("tax.A", "24% from 2026-01-01", today: today) }
        var t = target()
        #expect(throws: Settings.Invalid.self) { try Settings.apply("tax.Q", "10% from 2027-01-01", to: &t, today: today) }
        #expect(throws: Settings.Invalid.self) { try Settings.apply("tax.A", "lots", to: &t, today: today) }
    }

    @Test func theRegisterIdIsFixedOnceAnythingWasSold() throws {
        var fresh = target()
        try Settings.apply("register_id", "koivu-1", to: &fresh, today: today)
        #expect(fresh.register.registerID == "koivu-1")
        var used = target(history: true)
        #expect(throws: Settings.Invalid.self) { try Settings.apply("register_id", "other", to: &used, today: today) }
        #expect(throws: Settings.Invalid.self) { try Settings.apply("register_id", "has space", to: &fresh, today: today) }
    }

    @Test func languageIdleLockAndTimeZoneAreCheckedAndShown() throws {
        var t = target()
        try Settings.apply("language", "fi", to: &t, today: today)
        try Settings.apply("idle_lock", "5m", to: &t, today: today)
        try Settings.apply("time_zone", "Europe/Helsinki", to: &t, today: today)
        #expect(throws: Settings.Invalid.self) { try Settings.apply("language", "klingon", to: &t, today: today) }
        #expect(throws: Settings.Invalid.self) { try Settings.apply("idle_lock", "soon", to: &t, today: today) }
        #expect(throws: Settings.Invalid.self) { try Settings.apply("time_zone", "Mars/Olympus", to: &t, today: today) }
        let shown = Settings.current(t.file, today: today)
        #expect(shown["language"] == "fi")
        #expect(shown["idle_lock"] == "300")
        #expect(shown["time_zone"] == "Europe/Helsinki")
        #expect(shown["tax.A"] == "25.5%")
    }
}

extension SettingsTests {
    @Test func scaleBarcodeRulesMustFillAnEan13() throws {
        var t = target()
        try Settings.apply("scale_barcodes", "21:5:5:grams 28:4:6:cents", to: &t, today: today)
        #expect(t.file.scaleBarcodes == [EmbeddedBarcodeRule(prefix: "21", itemDigits: 5, valueDigits: 5, value: .grams),
                                         EmbeddedBarcodeRule(prefix: "28", itemDigits: 4, valueDigits: 6, value: .cents)])
        #expect(Settings.current(t.file, today: today)["scale_barcodes"] == "21:5:5:grams 28:4:6:cents")
        for bad in ["21:6:5:grams", "21:5:5:litres", "21:5:5:grams 21:5:5:cents", "x", ""] {
            #expect(throws: Settings.Invalid.self) { try Settings.apply("scale_barcodes", bad, to: &t, today: today) }
        }
        try Settings.apply("scale_barcodes", "none", to: &t, today: today)
        #expect(t.file.scaleBarcodes.isEmpty)
    }

    @Test func deviceSettingsAreCheckedAgainstTheDevicesOfTheFile() throws {
        var t = target()
        t.file = try KassaConfig(ConfigFile.parse("[device.printer]\ntcp = 192.0.2.7:9100\n", fileName: "kassa.conf"))
        try Settings.apply("device.printer.paper", "58mm", to: &t, today: today)
        try Settings.apply("device.scanner.serial", "/dev/ttyACM0", to: &t, today: today)
        let devices = try t.file.devicesWith(settings: t.deviceSettings)
        #expect(devices.first { $0.name == "printer" }?.printerProfile.columns == 32)
        #expect(devices.contains { $0.name == "scanner" && $0.role == .scanner })
        #expect(throws: Settings.Invalid.self) { try Settings.apply("device.printer.paper", "a4", to: &t, today: today) }
        #expect(throws: Settings.Invalid.self) { try Settings.apply("device.printer.serial", "/dev/ttyS1", to: &t, today: today) }
        #expect(throws: Settings.Invalid.self) { try Settings.apply("device.toaster.usb", "1234:5678", to: &t, today: today) }
    }

    @Test func loyaltySettingsAreCheckedAndShownInTheRegistersCurrency() throws {
        var t = target()
        #expect(t.register.loyalty == LoyaltyRules(pointsPerUnit: 1, pointValue: 1, minimumRedemption: 100))
        try Settings.apply("loyalty.points_per_unit", "5", to: &t, today: today)
        try Settings.apply("loyalty.point_value", "0.05", to: &t, today: today)
        try Settings.apply("loyalty.min_redemption", "250", to: &t, today: today)
        #expect(t.register.loyalty == LoyaltyRules(pointsPerUnit: 5, pointValue: 5, minimumRedemption: 250))
        for (key, bad) in [("loyalty.points_per_unit", "-1"), ("loyalty.points_per_unit", "1.5"), ("loyalty.points_per_unit", "1001"),
                           ("loyalty.point_value", "0"), ("loyalty.point_value", "0.001"), ("loyalty.point_value", "100.01"),
                           ("loyalty.point_value", "much"), ("loyalty.min_redemption", "0"), ("loyalty.min_redemption", "ten"),
                           ("loyalty.bonus", "1")] {
            #expect(throws: Settings.Invalid.self, "\(key) = \(bad)") { try Settings.apply(key, bad, to: &t, today: today) }
        }
        #expect(t.register.loyalty == LoyaltyRules(pointsPerUnit: 5, pointValue: 5, minimumRedemption: 250))
        let shown = Settings.current(t.file, today: today)
        #expect(shown["loyalty.points_per_unit"] == "5")
        #expect(shown["loyalty.point_value"] == "0.05")
        #expect(shown["loyalty.min_redemption"] == "250")
    }
}

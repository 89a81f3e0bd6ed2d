import Foundation
import KassaCore
import KassaDevices
@testable import KassaIPC
import KassaTestSupport
import Testing
@testable import KassaRuntime

private let today = CivilDate(year: 2026, month: 12, day: 5)

private func fakeZones(_ name: String) throws(ZoneInfoError) -> ZoneInfo {
    guard name == "Europe/Helsinki" else { throw ZoneInfoError(zone: name, message: "no time zone '\(name)'") }
    return try ZoneInfo(name: name, posixRule: "EET-2EEST,M3.5.0/3,M10.5.0/4")
}

private let line200 = String(repeating: "x", count: 200)
private let oneLine = (accepted: ["Kahvila Aurora", "", line200, "Café \"#1\""], refused: [line200 + "x"])

/// Values every plain setting accepts and refuses; a setting added to the table without samples
/// here fails `everySettingHasSamples`.
private let samples: [String: (accepted: [String], refused: [String])] = [
    "store_name": oneLine, "store_address": oneLine, "vat_id": oneLine, "receipt_footer": oneLine,
    "register_id": (["till-2", "x", String(repeating: "r", count: 64)], ["", "has space", String(repeating: "r", count: 65)]),
    "price_mode": (["inclusive", "exclusive"], ["gross", "Inclusive", ""]),
    "cash_rounding": (["0", "0.01", "0.02", "0.05", "0.10", "0.2", "0.50", "1", "1.00", "2", "5", "10"],
                      ["7", "0.07", "0.03", "0.25", "20", "100", "0.001", "-0.05", "0.5.0", "some"]),
    "money_format": (["finnish", "swedish", "english", "plain"], ["german", ""]),
    "cashier_discount_limit": (["10%", "0", "100", "12.5 %", "0.25%"], ["101%", "-1", "lots", "1.234%"]),
    "privileged_pin_length": (["4", "6", "8"], ["3", "9", "six", ""]),
    "language": (["en", "fi"], ["klingon", "EN"]),
    "idle_lock": (["0", "300", "90s", "5m", "1h", "24h", "86400"], ["soon", "25h", "86401", "-5", "5 m", ""]),
    "confirm_tender_over": (["0", "100", "100.00", "0.01", "100000000"], ["-1", "1.234", "100000000.01", "much", ""]),
    "quick_keys": (["none", "", "101", "101 102 6414893400018 coffee", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"],
                   ["101 101", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17", String(repeating: "9", count: 33), "caf\u{e9}"]),
    "time_zone": (["Europe/Helsinki"], ["Mars/Olympus"]),
    "scale_barcodes": (["none", "21:5:5:grams 28:4:6:cents"], ["21:6:5:grams", "21:5:5:litres", "x", ""]),
    "loyalty.points_per_unit": (["0", "5", "1000"], ["-1", "1.5", "1001", "many"]),
    "loyalty.point_value": (["0.01", "0.05", "100.00"], ["0", "0.001", "100.01", "much"]),
    "loyalty.min_redemption": (["1", "250", "1000000"], ["0", "ten", "1000001"]),
    "limits.price": amountLimit, "limits.line": amountLimit, "limits.sale": amountLimit, "limits.tender": amountLimit,
    "limits.float": amountLimit, "limits.cash_movement": amountLimit, "limits.voucher": amountLimit,
]

/// A limit is an amount above zero, at most the ceiling of every limit (100,000,000.00).
private let amountLimit = (accepted: ["0.01", "1", "5000", "99999.99", "100000000", "100000000.00"],
                           refused: ["0", "100000000.01", "-5", "1.234", "9223372036854775807", "lots", ""])

/// What kassa.conf says of a value: nil when accepted, else the message after the key.
private func throughKassaConf(_ setting: Setting, _ value: String) throws -> String? {
    let quoted = "\"" + value.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : String($0) }.joined() + "\""
    let file = try ConfigFile.parse("[\(setting.section)]\n\(setting.fileKey) = \(quoted)\n", fileName: "kassa.conf")
    do throws(ConfigError) {
        _ = try KassaConfig(file, loadZone: fakeZones)
        return nil
    } catch {
        #expect(error.line == 2 && error.key == setting.fileKey && error.section == setting.section)
        return error.message
    }
}

/// What `config.set` says of a value: nil when accepted, else its refusal.
private func throughConfigSet(_ key: String, _ value: String, history: Bool = false) -> String? {
    var target = Settings.Target(file: KassaConfig(), hasHistory: history, loadZone: fakeZones)
    do throws(Settings.Invalid) {
        try Settings.apply(key, try Settings.normalised(key, value, today: today), to: &target, today: today)
        return nil
    } catch {
        return error.description
    }
}

@Suite struct SettingsTable {
    @Test func everySettingHasSamples() {
        let plain = Settings.table.filter { $0.familyPrefix == nil && $0.atRunTime }.map(\.key)
        #expect(Set(plain) == Set(samples.keys))
    }

    @Test func kassaConfAndConfigSetAcceptAndRefuseEveryValueAlikeWithTheSameMessage() throws {
        for (key, values) in samples {
            let (setting, _) = try #require(Settings.setting(named: key))
            for value in values.accepted {
                #expect(try throughKassaConf(setting, value) == nil, "kassa.conf \(key) = \(value)")
                #expect(throughConfigSet(key, value) == nil, "config.set \(key) \(value)")
            }
            for value in values.refused {
                let fromFile = try throughKassaConf(setting, value)
                #expect(fromFile != nil, "kassa.conf \(key) = \(value)")
                #expect(throughConfigSet(key, value) == fromFile.map { "\(key): \($0)" }, "config.set \(key) \(value)")
            }
        }
    }

    @Test func aCashRoundingOfSevenIsATypoNotARoundingRule() {
        #expect(throughConfigSet("cash_rounding", "7")
                == "cash_rounding: 0 (none), or 1, 2 or 5 times a power of ten up to 10 EUR, like 0.05 or 1, not '7'")
        #expect(throughConfigSet("cash_rounding", "0.05") == nil)
    }

    @Test func cashRoundingStepsCountInTheCurrencysOwnUnits() throws {
        #expect(try config("[register]\ncurrency = JPY\ncash_rounding = 10").cashRoundingIncrement == 10)
        #expect(try config("[register]\ncurrency = SEK\ncash_rounding = 1").cashRoundingIncrement == 100)
        #expect(try config("[register]\ncash_rounding = 0").cashRoundingIncrement == 1)
        #expect(failure("[register]\ncurrency = JPY\ncash_rounding = 20")?.contains("up to 10 JPY") == true)
    }

    @Test func theRegisterIdIsRefusedOnceThereIsHistoryButOnlyByConfigSet() {
        #expect(throughConfigSet("register_id", "till-9", history: true)
                == "register_id: fixed once anything was sold, refunded or closed on this register")
    }

    @Test func aKassaConfOnlySettingIsReadFromTheFileAndRefusedByConfigSet() throws {
        #expect(try config("[register]\ncurrency = SEK").currency == .SEK)
        #expect(throughConfigSet("currency", "SEK") == "currency: cannot be changed on the box; it is kassa.conf's [register] currency")
    }

    @Test func anUnknownKeyIsRefusedWithTheKeysOfTheTable() throws {
        let refusal = try #require(throughConfigSet("store_nmae", "X"))
        for setting in Settings.table where setting.atRunTime { #expect(refusal.contains(setting.key), "\(setting.key)") }
        #expect(!refusal.contains("currency"))
    }

    @Test func everySettingShowsItsValueAndEveryFamilyMatchesItsMembers() throws {
        let shown = Settings.current(try config(""), today: today)
        for setting in Settings.table {
            if setting.familyPrefix == nil {
                #expect(shown[setting.key] != nil, "\(setting.key)")
            } else {
                #expect(shown.keys.contains { setting.matches($0) != nil } || setting.key.hasPrefix("device."), "\(setting.key)")
            }
        }
        #expect(Settings.setting(named: "tax.A")?.0.key == "tax.<class>")
        #expect(Settings.setting(named: "device.printer.paper")?.1 == "printer.paper")
    }

    /// The README carries the table as generated: a setting added or changed without the
    /// document following fails here.
    @Test func theReadmeListsTheSettingsAsTheTableHasThem() throws {
        let path = String(#filePath.prefix(upTo: #filePath.firstRange(of: "/Tests/")!.lowerBound)) + "/README.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let begin = "<!-- settings table: generated from Settings.markdownTable(), checked by a test -->\n"
        let end = "\n<!-- end of settings table -->"
        guard let b = text.firstRange(of: begin), let e = text[b.upperBound...].firstRange(of: end) else {
            Issue.record("README.md has no settings table between its markers")
            return
        }
        #expect(String(text[b.upperBound..<e.lowerBound]) == Settings.markdownTable(),
                "README.md's settings table differs; it should read:\n\(Settings.markdownTable())")
    }
}

/// Settings journaled by `config.set` before the settings table existed, as they were written.
@Suite struct JournaledSettings {
    @Test func aJournalOfTodaysSettingChangesStillApplies() throws {
        let dir = TemporaryDirectory()
        let ledger = try Ledger(stateDirectory: dir.path, registerID: "R1", warning: { _ in })
        let journaled: [(String, String)] = [
            ("store_name", "Kahvila Testi"), ("store_address", "Esplanadi 1"), ("vat_id", "FI12345678"),
            ("receipt_footer", "Kiitos!"), ("price_mode", "exclusive"), ("cash_rounding", "0.05"),
            ("money_format", "english"), ("cashier_discount_limit", "15%"), ("language", "fi"), ("idle_lock", "5m"),
            ("register_id", "till-2"), ("scale_barcodes", "21:5:5:grams"), ("tax.A", "24% from 2026-12-05"),
            ("loyalty.points_per_unit", "5"), ("loyalty.point_value", "0.05"), ("loyalty.min_redemption", "250"),
            ("device.scanner.serial", "/dev/ttyACM0"),
        ]
        _ = try ledger.record(journaled.map { .settingChanged(key: $0.0, old: nil, new: $0.1, by: "tero") }, at: Timestamp(milliseconds: 0))
        let warnings = LogLines()
        let service = RegisterService(ledger: ledger, config: KassaConfig(), catalog: DemoCatalog.catalog,
                                      pins: try PinStore(stateDirectory: dir.path),
                                      printer: SimulatedPrinter(outputPath: dir.path + "/printer.txt", log: { _ in }),
                                      drawer: SimulatedDrawer(log: { _ in }), display: SimulatedDisplay(log: { _ in }),
                                      stateDirectory: dir.path, log: Logger(threshold: .warning, sink: { warnings.append($0) }))
        service.clock = { 1_796_558_400_000 } // 2026-12-06 12:00 UTC: the journaled tax rate is in force
        let reply = service.handle(Request(id: .int(1), op: .configGet, args: [:]), from: ConnectionID(fd: -1, serial: 1))
        let shown = try #require(reply).outcome.get()
        for (key, value) in journaled where key != "tax.A" && key != "idle_lock" && key != "loyalty.point_value" {
            #expect(shown[key]?.stringValue == value, "\(key)")
        }
        #expect(shown["idle_lock"]?.stringValue == "300")
        #expect(shown["loyalty.point_value"]?.stringValue == "0.05")
        #expect(shown["tax.A"]?.stringValue == "24%")
        #expect(service.config.cashRounding == CashRounding(increment: 5) && service.config.cashierDiscountLimitBP == 1500)
        #expect(warnings.lines.isEmpty, "\(warnings.lines)")
    }
}

private final class LogLines: @unchecked Sendable {
    private(set) var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
}

private func config(_ text: String) throws(ConfigError) -> KassaConfig {
    try KassaConfig(ConfigFile.parse(text, fileName: "kassa.conf"), loadZone: fakeZones)
}

private func failure(_ text: String) -> String? {
    do {
        _ = try config(text)
        return nil
    } catch {
        return "\(error)"
    }
}

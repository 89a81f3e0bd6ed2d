import Glibc
import KassaCore
import KassaDevices
import Testing
@testable import KassaRuntime

private func config(_ text: String) throws(ConfigError) -> KassaConfig {
    try KassaConfig(ConfigFile.parse(text, fileName: "kassa.conf"))
}

private func failure(_ text: String) -> String? {
    do throws(ConfigError) {
        _ = try config(text)
        return nil
    } catch {
        return error.description
    }
}

@Suite struct ConfigFileSyntax {
    @Test func sectionsKeysCommentsAndQuotesParse() throws {
        let f = try ConfigFile.parse("""
            # comment
            ; another
            [register]
              id =  till-2\u{20}\u{20}
            store_name = "  Café \\"Aurora\\" #1 "
            note = plain # not a comment

            [ipc]
            socket_group=kassa\r
            """, fileName: "kassa.conf")
        #expect(f.sections.map(\.name) == ["register", "ipc"])
        #expect(f["register"]?["id"] == ConfigEntry(key: "id", value: "till-2", line: 4))
        #expect(f["register"]?["store_name"]?.value == "  Café \"Aurora\" #1 ")
        #expect(f["register"]?["note"]?.value == "plain # not a comment")
        #expect(f["ipc"]?["socket_group"]?.value == "kassa")
    }

    @Test func syntaxErrorsNameFileLineAndKey() {
        #expect(failure("[register]\nid = a\n\nid = b") == "kassa.conf:4: key 'id' in [register]: repeated (first at line 2)")
        #expect(failure("id = a") == "kassa.conf:1: key 'id': key outside any section")
        #expect(failure("[register]\njust words") == "kassa.conf:2: expected 'key = value', '[section]' or a comment")
        #expect(failure("[register\n") == "kassa.conf:1: section header without closing ']'")
        #expect(failure("[a b]") == "kassa.conf:1: invalid section name 'a b'")
        #expect(failure("[ipc]\n[ipc]") == "kassa.conf:2: [ipc]: section repeated (first at line 1)")
        #expect(failure("[register]\nstore_name = \"open") == "kassa.conf:2: key 'store_name' in [register]: quoted value without closing quote")
        #expect(failure("[register]\nstore_name = \"a\" b") == "kassa.conf:2: key 'store_name' in [register]: text after the closing quote")
    }

    @Test func loadingReportsUnreadableAndNonUTF8Files() throws {
        #expect(throws: ConfigError.self) { try ConfigFile.load(path: "/nonexistent/kassa.conf") }
        var template = Array("/tmp/kassa-conf-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        let bytes: [UInt8] = Array("[register]\nstore_name = Caf".utf8) + [0xE9, 0x0A]
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #expect(throws: ConfigError(file: path, line: 0, message: "not valid UTF-8")) { try ConfigFile.load(path: path) }
    }
}

@Suite struct KassaConfigSchema {
    @Test func aFullFileGivesTypedValues() throws {
        let c = try config("""
            [register]
            id = till-7
            store_name = Kahvila Aurora
            time_zone = Europe/Helsinki
            currency = SEK
            money_format = swedish
            price_mode = exclusive
            cash_rounding = 1.00
            idle_lock = 5m

            [ipc]
            socket_group = kassa-clients

            [tax.A]
            name = General
            rate = 24%
            rate.2024-09-01 = 25.5 %

            [tax.Z]
            rate = 0
            """)
        #expect(c.registerID == "till-7")
        #expect(c.storeName == "Kahvila Aurora")
        #expect(c.timeZone.name == "Europe/Helsinki")
        #expect(c.currency == .SEK)
        #expect(c.moneyFormat == .swedish)
        #expect(c.priceMode == .exclusive)
        #expect(c.cashRoundingIncrement == 100)
        #expect(c.idleLockSeconds == 300)
        #expect(c.socketGroup == "kassa-clients")
        #expect(c.taxTable.basisPoints("A", on: CivilDate(year: 2024, month: 8, day: 31)) == 2400)
        #expect(c.taxTable.basisPoints("A", on: CivilDate(year: 2024, month: 9, day: 1)) == 2550)
        #expect(c.taxTable.basisPoints("Z", on: CivilDate(year: 2026, month: 1, day: 1)) == 0)
        #expect(c.taxTable.classes["A"]?.name == "General")
    }

    /// The register screen reads these through `config.get`: its language, money style and lock.
    @Test func theRegisterScreensSettingsAreReadableThroughConfigGet() throws {
        let c = try config("[register]\nlanguage = fi\nmoney_format = english\nidle_lock = 90s")
        let shown = Settings.current(c, today: CivilDate(year: 2026, month: 12, day: 5))
        #expect(shown["language"] == "fi" && shown["money_format"] == "english" && shown["idle_lock"] == "90")
        let never = try config("")
        #expect(Settings.current(never, today: CivilDate(year: 2026, month: 12, day: 5))["idle_lock"] == "0")
    }

    @Test func anEmptyFileGivesTheDefaults() throws {
        let c = try config("")
        #expect(c.currency == .EUR && c.cashRoundingIncrement == 1 && c.idleLockSeconds == nil)
        #expect(c.taxTable == .finland)
        #expect(c.timeZone.localTime(Timestamp(milliseconds: 0)).utcOffsetSeconds == 0)
    }

    @Test func aCurrencyWithoutAFormatIsWrittenWithItsCode() throws {
        #expect(try config("[register]\ncurrency = NOK").moneyFormat == .plain(Currency.known["NOK"]!))
        #expect(try config("[register]\ncurrency = EUR").moneyFormat == .finnish)
    }

    @Test func cashRoundingCountsInTheConfiguredCurrency() throws {
        #expect(try config("[register]\ncash_rounding = 0.05\ncurrency = EUR").cashRoundingIncrement == 5)
        #expect(try config("[register]\ncurrency = JPY\ncash_rounding = 10").cashRoundingIncrement == 10)
        #expect(failure("[register]\ncurrency = JPY\ncash_rounding = 0.5")
                == "kassa.conf:3: key 'cash_rounding' in [register]: an amount in JPY with at most 0 decimals, like 0.05 or 1, not '0.5'")
    }

    @Test func badValuesNameFileLineSectionAndKey() {
        let text = String(repeating: "# padding\n", count: 10) + "[register]\ncurrency = EUX\n"
        #expect(failure(text) == "kassa.conf:12: key 'currency' in [register]: unknown currency 'EUX'")
        #expect(failure("[register]\nprice_mode = gross") == "kassa.conf:2: key 'price_mode' in [register]: inclusive or exclusive, not 'gross'")
        #expect(failure("[register]\nidle_lock = soon") == "kassa.conf:2: key 'idle_lock' in [register]: seconds, or a number with s, m or h (at most 24h; 0 never locks), not 'soon'")
        #expect(failure("[register]\ntime_zone = Mars/Base")?.hasPrefix("kassa.conf:2: key 'time_zone' in [register]: unknown zone") == true)
        #expect(failure("[register]\ncurency = EUR") == "kassa.conf:2: key 'curency' in [register]: unknown key")
        #expect(failure("[printer]") == "kassa.conf:1: [printer]: unknown section")
        #expect(failure("[tax.A]\nrate = 101%") == "kassa.conf:2: key 'rate' in [tax.A]: a percentage from 0 to 100 with at most 2 decimals, not '101%'")
        #expect(failure("[tax.A]\nrate.2024-02-30 = 10") == "kassa.conf:2: key 'rate.2024-02-30' in [tax.A]: unknown key (expected name, rate or rate.YYYY-MM-DD)")
        #expect(failure("[tax.A]\nname = x") == "kassa.conf:1: [tax.A]: tax class without any rate")
    }

    @Test func theLoyaltySectionSetsHowPointsAreEarnedAndRedeemedInTheCurrencyWhereverItIs() throws {
        #expect(try config("").loyalty == LoyaltyRules())
        let c = try config("[loyalty]\npoints_per_unit = 2\npoint_value = 1\nmin_redemption = 50\n[register]\ncurrency = JPY")
        #expect(c.loyalty == LoyaltyRules(pointsPerUnit: 2, pointValue: 1, minimumRedemption: 50))
        #expect(c.registerConfig().loyalty == c.loyalty)
        #expect(failure("[loyalty]\npoint_value = 0.5\n[register]\ncurrency = JPY")?
                    .hasPrefix("kassa.conf:2: key 'point_value' in [loyalty]: what one point is worth") == true)
        #expect(failure("[loyalty]\npoints = 1")?.hasPrefix("kassa.conf:2: key 'points' in [loyalty]:") == true)
    }

    @Test func decimalsAreReadExactly() {
        #expect(KassaConfig.decimal("25.5", scale: 2) == 2550)
        #expect(KassaConfig.decimal("0.05", scale: 2) == 5)
        #expect(KassaConfig.decimal("7", scale: 3) == 7000)
        for bad in ["", ".5", "5.", "1.234", "-1", "1e2", "１"] {
            #expect(KassaConfig.decimal(bad, scale: 2) == nil, "\(bad)")
        }
    }
}

@Suite struct DeviceConfigTests {
    @Test func devicesAreConfiguredBySectionWithTheirConnectionAndProfile() throws {
        let c = try config("""
            [device.printer]
            tcp = 192.0.2.7
            paper = 58mm
            character_table = wpc1252
            code_page = 16
            drawer_pin = 5
            drawer_open = low
            drawer_alarm = 2m
            replies = no

            [device.display]
            serial = /dev/kassa/serial-1-2
            baud = 19200
            command_set = cd5220
            character_table = ascii

            [device.handscanner]
            role = scanner
            usb = 05e0:1200
            """)
        #expect(c.devices.count == 3)
        let p = c.devices[0]
        #expect(p.role == .printer)
        #expect(p.connection == .tcp(host: "192.0.2.7", port: 9100))
        #expect(p.printerProfile.columns == 32)
        #expect(p.printerProfile.table == .wpc1252)
        #expect(p.printerProfile.codePage == 16)
        #expect(p.printerProfile.drawerPin == .pin5)
        #expect(p.printerProfile.drawerOpenLevel == .low)
        #expect(p.drawerAlarmSeconds == 120)
        #expect(!p.printerOptions.expectsReplies)
        let d = c.devices[1]
        #expect(d.connection == .serial(path: "/dev/kassa/serial-1-2", baud: 19200))
        #expect(d.displayProfile == DisplayProfile(commandSet: .cd5220, table: .ascii))
        let s = c.devices[2]
        #expect(s.name == "handscanner")
        #expect(s.role == .scanner)
        #expect(s.connection == .usb(vendor: 0x05E0, product: 0x1200))
        #expect(s.encoding == .hidBootKeyboard)
    }

    @Test func badDeviceSettingsNameTheLineAndWhatIsWrong() {
        #expect(failure("[device.printer]\ntcp = 10.0.0.1:99999") == "kassa.conf:2: key 'tcp' in [device.printer]: bad port in '10.0.0.1:99999'")
        #expect(failure("[device.display]\nserial = /dev/ttyS0\nbaud = 1234")?.contains("unsupported baud rate '1234'") == true)
        #expect(failure("[device.printer]\nusb = 4b8:e15") == "kassa.conf:2: key 'usb' in [device.printer]: '4b8:e15' is not vendor:product in hex, e.g. 04b8:0e15")
        #expect(failure("[device.printer]\ntcp = 10.0.0.1\nserial = /dev/ttyS0")?.contains("one of tcp, serial and usb") == true)
        #expect(failure("[device.till]\ntcp = 10.0.0.1")?.contains("unknown device 'till'") == true)
        #expect(failure("[device.display]\nserial = /dev/ttyS0\ndrawer_pin = 2") == "kassa.conf:3: key 'drawer_pin' in [device.display]: does not apply to a display")
        #expect(failure("[device.printer]\npaper = 80mm")?.contains("says neither tcp, serial nor usb") == true)
        #expect(failure("[device.printer]\ntcp = 10.0.0.1\ncut = half")?.contains("'half' is not one of full, partial") == true)
        #expect(failure("[device.printer]\ntcp = 10.0.0.1\n\n[device.receipts]\nrole = printer\ntcp = 10.0.0.2")?.contains("second printer") == true)
    }
}

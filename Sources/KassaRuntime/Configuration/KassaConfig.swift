import KassaCore
import KassaDevices

/// The meaning of kassa.conf's known keys, with the defaults a fresh box starts from.
///
/// ```
/// [register]
/// id = till-1
/// store_name = "Café Aurora"
/// time_zone = Europe/Helsinki
/// currency = EUR
/// store_address = "Esplanadi 1, Helsinki"
/// vat_id = FI12345678
/// receipt_footer = "Kiitos!"
/// language = fi                 ; en | fi
/// money_format = finnish        ; finnish | swedish | english | plain
/// price_mode = inclusive        ; inclusive | exclusive
/// cash_rounding = 0.05          ; smallest cash step, in major units: 0 or 1, 2, 5 × 10^n, at most 10
/// cashier_discount_limit = 10%  ; larger discounts need a supervisor
/// idle_lock = 5m                ; seconds, or with s / m / h; 0 = never
/// quick_keys = 101 102 20001     ; the register screen's page of quick keys (codes), or none
/// scale_barcodes = 23:5:5:grams 24:5:5:cents   ; prefix:item digits:value digits:grams|cents, or none
///
/// [ipc]
/// socket_group = kassa
///
/// [loyalty]
/// points_per_unit = 1           ; points per currency unit paid (0 earns nothing)
/// point_value = 0.01            ; what a redeemed point takes off
/// min_redemption = 100          ; the fewest points redeemed at once
///
/// [limits]                      ; the most each amount may be, in the currency
/// price = 100000                ; a unit price (per piece or per kg)
/// line = 100000                 ; one line
/// sale = 1000000                ; one sale
/// tender = 10000                ; what cash may be above what is due
/// float = 10000                 ; a shift's float
/// cash_movement = 100000        ; one cash in or out
/// voucher = 10000               ; a gift voucher sold
///
/// [tax.A]                       ; one section per VAT class
/// name = General
/// rate = 24%                    ; in force since ever
/// rate.2024-09-01 = 25.5%       ; in force from that date
/// ```
///
/// `[register]`, `[loyalty]` and `[limits]` keys are the settings of `Settings.table` (SettingsTable.swift),
/// checked exactly as `config.set` checks them. Unknown sections and keys are errors, so a typo is caught at start-up rather than silently
/// ignored. Journaled configuration changes override these values later; this is only the file.
public struct KassaConfig: Sendable {
    public var registerID = "till-1"
    public var storeName = ""
    public var storeAddress = ""
    public var vatID = ""
    public var receiptFooter = ""
    /// The language of receipts and screens: `en` or `fi`.
    public var language = "en"
    public var timeZone: ZoneInfo
    public var currency = Currency.EUR
    public var moneyFormat = MoneyFormat.finnish
    public var priceMode = PriceMode.inclusive
    /// In minor units; 1 means no cash rounding.
    public var cashRoundingIncrement: Int64 = 1
    /// Line or receipt discounts above this share (basis points) need a supervisor.
    public var cashierDiscountLimitBP: Int64 = 1000
    /// The fewest digits of a new supervisor's or technician's PIN: guessing six digits at the
    /// counter takes years, four weeks.
    public var privilegedPinLength = 6
    /// Seconds without input before the register locks; nil never locks.
    public var idleLockSeconds: Int?
    /// Cash tendered more than this above what is due (minor units) makes the register screen
    /// ask the cashier to confirm it; 0 never asks.
    public var confirmTenderOver: Int64 = 10_000
    /// The register screen's page of quick keys: item codes (PLU, barcode or item id), in order.
    public var quickKeys: [String] = []
    public var socketGroup = "kassa"
    public var taxTable = TaxTable.finland
    /// `[device.NAME]` sections (DeviceConfig.swift).
    public var devices: [DeviceSpec] = []
    /// The `[device.NAME]` sections as written, so that journaled device settings can be laid
    /// over them (`devicesWith(settings:)`).
    public var deviceSections: [ConfigSection] = []
    /// Price- and weight-embedded EAN-13 layouts, e.g. from a shop's scale.
    public var scaleBarcodes = EmbeddedBarcodeRule.finnishDefaults
    /// `[card_terminal]`: `type = simulator` (the only one today; `--demo` uses it by default) and
    /// `timeout`, how long an authorisation waits for the terminal's answer.
    public var cardTerminal: String?
    public var cardTerminalTimeoutSeconds = 60
    /// `[loyalty]`: how customers earn and redeem points.
    public var loyalty = LoyaltyRules()
    /// `[limits]`: the most each kind of amount may be, in minor units.
    public var limits = AmountLimits()

    /// Defaults only (UTC, EUR, Finnish VAT): for `--demo` and tests.
    public init() {
        // "UTC0" is a valid rule by construction.
        timeZone = try! ZoneInfo(name: "UTC", posixRule: "UTC0")
    }

    public static let languages: [String: ReceiptWords] = ["en": .english, "fi": .finnish]

    public var words: ReceiptWords { KassaConfig.languages[language] ?? .english }

    /// What the register's decisions need of this file.
    public func registerConfig() -> RegisterConfig {
        RegisterConfig(registerID: registerID, storeName: storeName, storeAddress: storeAddress, vatID: vatID,
                       receiptFooter: receiptFooter, currency: currency, moneyFormat: moneyFormat, priceMode: priceMode,
                       taxes: taxTable, cashRounding: CashRounding(increment: cashRoundingIncrement), cashierDiscountLimitBP: cashierDiscountLimitBP,
                       privilegedPinMinimumLength: privilegedPinLength, loyalty: loyalty, limits: limits)
    }

    public static let moneyFormats: [String: MoneyFormat] = [
        "finnish": .finnish, "swedish": .swedish, "english": .english,
    ]

    /// Interprets a parsed file. `loadZone` resolves `time_zone` (the system's zoneinfo by default).
    public init(_ file: ConfigFile,
                loadZone: @escaping (String) throws(ZoneInfoError) -> ZoneInfo = { (name) throws(ZoneInfoError) in try ZoneInfo.load(name) })
        throws(ConfigError)
    {
        self.init()
        var taxClasses: [TaxClass] = []
        // The [register], [loyalty] and [limits] keys, read through the settings table once the whole file
        // is known: the currency first, as amounts anywhere in the file are counted in it.
        var settings: [(section: String, entry: ConfigEntry, setting: Setting)] = []
        for section in file.sections {
            func fail(_ entry: ConfigEntry, _ message: String) -> ConfigError {
                ConfigError(file: file.fileName, line: entry.line, section: section.name, key: entry.key, message: message)
            }
            switch section.name {
            case "register", "loyalty", "limits":
                for entry in section.entries {
                    guard let setting = Settings.setting(section: section.name, fileKey: entry.key) else { throw fail(entry, "unknown key") }
                    settings.append((section.name, entry, setting))
                }
            case "ipc":
                for entry in section.entries {
                    guard entry.key == "socket_group" else { throw fail(entry, "unknown key") }
                    guard !entry.value.isEmpty else { throw fail(entry, "must name a group") }
                    socketGroup = entry.value
                }
            case "card_terminal":
                for entry in section.entries {
                    switch entry.key {
                    case "type":
                        guard entry.value == "simulator" else {
                            throw fail(entry, "unknown card terminal type '\(entry.value)' (simulator is the only one yet)")
                        }
                        cardTerminal = entry.value
                    case "timeout":
                        guard let s = KassaConfig.duration(entry.value), (1...600).contains(s) else {
                            throw fail(entry, "'\(entry.value)' is not a duration of 1 s to 10 min")
                        }
                        cardTerminalTimeoutSeconds = s
                    default:
                        throw fail(entry, "unknown key")
                    }
                }
            case let name where name.hasPrefix("device."):
                let spec = try KassaConfig.deviceSpec(section, file: file)
                if spec.role == .printer || spec.role == .display, let other = devices.first(where: { $0.role == spec.role }) {
                    throw ConfigError(file: file.fileName, line: section.line, section: section.name,
                                      message: "a second \(spec.role.rawValue) ([device.\(other.name)] is one); a register drives one of each")
                }
                devices.append(spec)
                deviceSections.append(section)
            case let name where name.hasPrefix("tax."):
                taxClasses.append(try KassaConfig.taxClass(section, file: file))
            default:
                throw ConfigError(file: file.fileName, line: section.line, section: section.name, message: "unknown section")
            }
        }
        if !taxClasses.isEmpty { taxTable = TaxTable(taxClasses) }
        var target = Settings.Target(file: self, hasHistory: false, loadZone: loadZone)
        for (section, entry, setting) in settings.filter({ $0.setting.key == "currency" }) + settings.filter({ $0.setting.key != "currency" }) {
            do throws(Setting.Refusal) { try setting.set(entry.value, &target, "") } catch {
                throw ConfigError(file: file.fileName, line: entry.line, section: section, key: entry.key, message: error.message)
            }
        }
        self = target.file
    }

    private static func taxClass(_ section: ConfigSection, file: ConfigFile) throws(ConfigError) -> TaxClass {
        let id = String(section.name.dropFirst("tax.".count))
        guard !id.isEmpty else {
            throw ConfigError(file: file.fileName, line: section.line, section: section.name, message: "tax class needs an id, e.g. [tax.A]")
        }
        var name = id
        var changes: [TaxRateChange] = []
        for entry in section.entries {
            func fail(_ message: String) -> ConfigError {
                ConfigError(file: file.fileName, line: entry.line, section: section.name, key: entry.key, message: message)
            }
            if entry.key == "name" {
                name = entry.value
                continue
            }
            let from: CivilDate
            if entry.key == "rate" {
                from = CivilDate(year: 1970, month: 1, day: 1)
            } else if entry.key.hasPrefix("rate."), let d = CivilDate(String(entry.key.dropFirst(5))) {
                from = d
            } else {
                throw fail("unknown key (expected name, rate or rate.YYYY-MM-DD)")
            }
            let bp: Int64
            do throws(Setting.Refusal) { bp = try Settings.percentage(entry.value) } catch { throw fail(error.message) }
            changes.append(TaxRateChange(from: from, basisPoints: Int(bp)))
        }
        guard !changes.isEmpty else {
            throw ConfigError(file: file.fileName, line: section.line, section: section.name, message: "tax class without any rate")
        }
        return TaxClass(id: TaxClassID(id), name: name, changes: changes)
    }

    /// `23:5:5:grams 24:5:5:cents`: EAN-13 layouts, each filling 12 digits before the check
    /// digit; `none` for a shop without a scale.
    static func scaleBarcodes(_ text: String) -> [EmbeddedBarcodeRule]? {
        if text == "none" { return [] }
        var rules: [EmbeddedBarcodeRule] = []
        for word in text.split(separator: " ") {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let item = Int(parts[1]), let value = Int(parts[2]),
                  let kind = EmbeddedBarcodeRule.Value(rawValue: String(parts[3])) else { return nil }
            let rule = EmbeddedBarcodeRule(prefix: String(parts[0]), itemDigits: item, valueDigits: value, value: kind)
            guard rule.isValid, !rules.contains(where: { $0.prefix == rule.prefix }) else { return nil }
            rules.append(rule)
        }
        return rules.isEmpty ? nil : rules
    }

    /// The most quick keys the register screen's page shows.
    static let maxQuickKeys = 16

    /// `101 102 6414893400018`: item codes between spaces, each printable and at most 32 bytes,
    /// none twice; `none` (or nothing) for no quick keys. Whether each names an item is the
    /// catalog's to say when the page is shown: the catalog changes without this setting.
    static func quickKeys(_ text: String) -> [String]? {
        let words = text.split(separator: " ").map(String.init)
        if words.isEmpty || words == ["none"] { return [] }
        guard words.count <= maxQuickKeys, Set(words).count == words.count,
              words.allSatisfy({ $0.utf8.count <= 32 && $0.utf8.allSatisfy { $0 > 32 && $0 < 127 } }) else { return nil }
        return words
    }

    static func scaleBarcodesText(_ rules: [EmbeddedBarcodeRule]) -> String {
        rules.isEmpty ? "none" : rules.map { "\($0.prefix):\($0.itemDigits):\($0.valueDigits):\($0.value.rawValue)" }.joined(separator: " ")
    }

    /// The devices with journaled settings (`NAME.KEY` → value) laid over the file's sections:
    /// a key replaces the file's, a new device gets a section of its own.
    func devicesWith(settings: [String: String]) throws(ConfigError) -> [DeviceSpec] {
        guard !settings.isEmpty else { return devices }
        var sections = deviceSections
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
            let parts = name.split(separator: ".", maxSplits: 1)
            guard parts.count == 2 else {
                throw ConfigError(file: "journaled settings", line: 0, message: "device.\(name): say device.NAME.KEY")
            }
            let section = "device." + parts[0]
            let entry = ConfigEntry(key: String(parts[1]), value: value, line: 0)
            if let i = sections.firstIndex(where: { $0.name == section }) {
                sections[i].entries.removeAll { $0.key == entry.key }
                sections[i].entries.append(entry)
            } else {
                sections.append(ConfigSection(name: section, line: 0, entries: [entry]))
            }
        }
        return try KassaConfig(ConfigFile(fileName: "kassa.conf with the journaled device settings", sections: sections)).devices
    }

    /// Reads a non-negative decimal ("0.05", "25.5") as an integer count of 10^-scale units,
    /// exactly: configuration amounts never pass through floating point.
    static func decimal(_ text: some StringProtocol, scale: Int) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.count <= 12,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }), let w = Int64(whole) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= scale, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || !fraction.isEmpty else { return nil }
        while fraction.count < scale { fraction += "0" }
        var multiplier: Int64 = 1
        for _ in 0..<scale { multiplier *= 10 }
        return w * multiplier + (fraction.isEmpty ? 0 : Int64(fraction)!)
    }

    /// "300", "90s", "5m", "1h" as seconds.
    static func duration(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        var digits = Substring(text)
        var unit = 1
        if let last = digits.last, let u = units[last] {
            unit = u
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(digits) else { return nil }
        return n * unit
    }
}

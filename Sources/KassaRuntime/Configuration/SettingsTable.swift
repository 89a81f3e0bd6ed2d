import KassaCore
import KassaIPC

// How to add a setting: add its field to `KassaConfig` (with the default a fresh box starts from),
// then one `Setting` row below: its key, where kassa.conf holds it, a one-line help text, the
// function that parses and checks a value (throwing a `Refusal` that says what is accepted and
// quotes what was given), how its current value reads, and whether `config.set` may change it.
// kassa.conf's loader and `config.set` both go through the row, so the file and the console accept
// and refuse the same values. Then run `swift test --filter SettingsTable`, which prints the
// README's settings table as it should read. Clients that act on a setting (the register screen)
// name it through `SettingKey` in KassaIPC.

/// One setting of the box, declared once.
struct Setting: Sendable {
    /// The name `config.get` and `config.set` use; `<…>` marks a family (`tax.<class>`).
    var key: String
    /// Where kassa.conf holds it.
    var section: String
    var fileKey: String
    var help: String
    /// Whether `config.set` may change it; the others are kassa.conf's alone.
    var atRunTime: Bool
    /// Parses and checks a value and sets it; `member` is what stands for `<…>` in a family's key.
    var set: @Sendable (_ value: String, _ target: inout Settings.Target, _ member: Substring) throws(Refusal) -> Void
    /// The current value as text; nil for a family, whose members `Settings.current` lists.
    var show: (@Sendable (KassaConfig) -> String)?

    /// Why a value is refused, without the key: the file and `config.set` each say where.
    struct Refusal: Error, Equatable {
        var message: String
    }

    /// What stands before `<` in a family's key.
    var familyPrefix: Substring? {
        key.firstIndex(of: "<").map { key[..<$0] }
    }

    func matches(_ name: String) -> Substring? {
        if let prefix = familyPrefix { return name.hasPrefix(prefix) ? name.dropFirst(prefix.count) : nil }
        return name == key ? "" : nil
    }
}

extension Settings {
    /// Every setting, in the order the README and the console list them.
    static let table: [Setting] = [
        text(SettingKey.storeName, "the shop's name at the head of every receipt", \.storeName),
        text("store_address", "the shop's address under its name", \.storeAddress),
        text("vat_id", "the business id printed on receipts", \.vatID),
        text("receipt_footer", "the line at the foot of every receipt", \.receiptFooter),
        Setting(key: SettingKey.registerID, section: "register", fileKey: "id",
                help: "this register's id, fixed once anything was sold, refunded or closed", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard !t.hasHistory || v == t.file.registerID else {
                        throw Setting.Refusal(message: "fixed once anything was sold, refunded or closed on this register")
                    }
                    guard !v.isEmpty, v.utf8.count <= 64, v.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                        throw Setting.Refusal(message: "1 to 64 printable characters without spaces, not '\(v)'")
                    }
                    t.file.registerID = v
                }, show: { $0.registerID }),
        Setting(key: SettingKey.currency, section: "register", fileKey: "currency",
                help: "the ISO code of the money counted in; kassa.conf only, as every amount is in it", atRunTime: false,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard let c = Currency.known[v.uppercased()] else {
                        throw Setting.Refusal(message: "unknown currency '\(v)'")
                    }
                    t.file.currency = c
                    // Another currency than the euro is written with its code unless a format says
                    // otherwise: the loader sets money_format after the currency.
                    if c != .EUR { t.file.moneyFormat = .plain(c) }
                }, show: { $0.currency.code }),
        Setting(key: "price_mode", section: "register", fileKey: "price_mode",
                help: "whether catalog prices include VAT: inclusive or exclusive", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard let m = PriceMode(rawValue: v) else { throw Setting.Refusal(message: "inclusive or exclusive, not '\(v)'") }
                    t.file.priceMode = m
                }, show: { $0.priceMode.rawValue }),
        Setting(key: "cash_rounding", section: "register", fileKey: "cash_rounding",
                help: "the smallest step of a cash total: 0 (none), or 1, 2 or 5 times a power of ten up to 10 units, e.g. 0.05",
                atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in t.file.cashRoundingIncrement = try cashRounding(v, t.file.currency) },
                show: { MoneyFormat.plain($0.currency).number($0.cashRoundingIncrement, currency: $0.currency) }),
        Setting(key: SettingKey.moneyFormat, section: "register", fileKey: "money_format",
                help: "how amounts are written: finnish, swedish, english or plain", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    let format: MoneyFormat? = v == "plain" ? .plain(t.file.currency) : KassaConfig.moneyFormats[v]
                    guard let f = format else {
                        throw Setting.Refusal(message: "finnish, swedish, english or plain, not '\(v)'")
                    }
                    t.file.moneyFormat = f
                }, show: { moneyFormatName($0.moneyFormat, $0.currency) }),
        Setting(key: "cashier_discount_limit", section: "register", fileKey: "cashier_discount_limit",
                help: "the largest discount a cashier gives without a supervisor, e.g. 10%", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in t.file.cashierDiscountLimitBP = try percentage(v) },
                show: { Receipt.basisPointsText(Int($0.cashierDiscountLimitBP)) + "%" }),
        Setting(key: "privileged_pin_length", section: "register", fileKey: "privileged_pin_length",
                help: "the fewest digits of a new supervisor's or technician's PIN, 4 to 8 (a cashier's: 4)", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard let n = Int(v), PinVault.pinLengths.contains(n) else { throw Setting.Refusal(message: "4 to 8, not '\(v)'") }
                    t.file.privilegedPinLength = n
                }, show: { String($0.privilegedPinLength) }),
        Setting(key: SettingKey.language, section: "register", fileKey: "language",
                help: "the language of receipts and screens: \(KassaConfig.languages.keys.sorted().joined(separator: " or "))",
                atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard KassaConfig.languages[v] != nil else {
                        throw Setting.Refusal(message: "\(KassaConfig.languages.keys.sorted().joined(separator: " or ")), not '\(v)'")
                    }
                    t.file.language = v
                }, show: { $0.language }),
        Setting(key: SettingKey.idleLock, section: "register", fileKey: "idle_lock",
                help: "how long a register screen waits without input before it locks: 300, 90s, 5m or 1h; 0 never locks",
                atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard let seconds = KassaConfig.duration(v), seconds <= 86_400 else {
                        throw Setting.Refusal(message: "seconds, or a number with s, m or h (at most 24h; 0 never locks), not '\(v)'")
                    }
                    t.file.idleLockSeconds = seconds == 0 ? nil : seconds
                }, show: { String($0.idleLockSeconds ?? 0) }),
        Setting(key: SettingKey.confirmTenderOver, section: "register", fileKey: "confirm_tender_over",
                help: "the register screen asks to confirm cash tendered more than this above what is due (typed digits are not money); 0 never asks",
                atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    let c = t.file.currency
                    guard let m = KassaConfig.decimal(v, scale: c.minorUnits), (0...AmountLimits.ceiling).contains(m) else {
                        throw Setting.Refusal(message: "an amount in \(c.code) with at most \(c.minorUnits) decimals, 0 or more, not '\(v)'")
                    }
                    t.file.confirmTenderOver = m
                }, show: { MoneyFormat.plain($0.currency).number($0.confirmTenderOver, currency: $0.currency) }),
        Setting(key: SettingKey.quickKeys, section: "register", fileKey: "quick_keys",
                help: "the register screen's page of quick keys: up to \(KassaConfig.maxQuickKeys) item codes (PLU, barcode or item id) between spaces, or none",
                atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard let codes = KassaConfig.quickKeys(v) else {
                        throw Setting.Refusal(message: "up to \(KassaConfig.maxQuickKeys) codes of at most 32 printable characters between spaces, or none, not '\(v)'")
                    }
                    t.file.quickKeys = codes
                }, show: { $0.quickKeys.isEmpty ? "none" : $0.quickKeys.joined(separator: " ") }),
        Setting(key: SettingKey.timeZone, section: "register", fileKey: "time_zone",
                help: "the zoneinfo name of local time, e.g. Europe/Helsinki", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    do throws(ZoneInfoError) { t.file.timeZone = try t.loadZone(v) } catch { throw Setting.Refusal(message: error.message) }
                }, show: { $0.timeZone.name }),
        Setting(key: "scale_barcodes", section: "register", fileKey: "scale_barcodes",
                help: "EAN-13 layouts of weighed items, prefix:item digits:value digits:grams or cents, or none", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard let rules = KassaConfig.scaleBarcodes(v) else {
                        throw Setting.Refusal(message: "a list like 23:5:5:grams 24:5:5:cents (prefix, item digits, value digits, grams or cents; 12 digits in all) or none, not '\(v)'")
                    }
                    t.file.scaleBarcodes = rules
                }, show: { KassaConfig.scaleBarcodesText($0.scaleBarcodes) }),
        count("loyalty.points_per_unit", "whole points earned per currency unit paid", 0...1000, \.loyalty.pointsPerUnit),
        Setting(key: "loyalty.point_value", section: "loyalty", fileKey: "point_value",
                help: "what a redeemed point takes off, from one minor unit to 100.00", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    let c = t.file.currency
                    guard let m = KassaConfig.decimal(v, scale: c.minorUnits), (1...10_000 * c.scale / 100).contains(m) else {
                        throw Setting.Refusal(message: "what one point is worth, like 0.01 (at least one minor unit, at most 100.00), not '\(v)'")
                    }
                    t.file.loyalty.pointValue = m
                }, show: { MoneyFormat.plain($0.currency).number($0.loyalty.pointValue, currency: $0.currency) }),
        count("loyalty.min_redemption", "the fewest points redeemed at once", 1...1_000_000, \.loyalty.minimumRedemption),
        limit(.price, "the most a unit price may be (per piece, or per kilogram)"),
        limit(.line, "the most one line may come to"),
        limit(.sale, "the most one sale may come to"),
        limit(.tender, "the most cash tendered may be above what is due"),
        limit(.float, "the most a shift's float may be"),
        limit(.cashMovement, "the most one cash in or cash out may be"),
        limit(.voucher, "the most a gift voucher sold may be worth"),
        Setting(key: "tax.<class>", section: "tax.<class>", fileKey: "rate, rate.YYYY-MM-DD",
                help: "a class's VAT rate, e.g. 25.5%, or 25.5% from 2027-01-01 (never from a past day)", atRunTime: true,
                set: { (v, t, member) throws(Setting.Refusal) in try setTaxRate(TaxClassID(String(member)), v, in: &t.file.taxTable, today: t.today) },
                show: nil),
        Setting(key: "device.<name>.<key>", section: "device.<name>", fileKey: "<key>",
                help: "a key of a [device.NAME] section; in force from kassad's next start", atRunTime: true,
                set: { (v, t, member) throws(Setting.Refusal) in
                    var settings = t.deviceSettings
                    settings[String(member)] = v
                    do throws(ConfigError) { _ = try t.file.devicesWith(settings: settings) } catch { throw Setting.Refusal(message: error.message) }
                    t.deviceSettings = settings
                }, show: nil),
    ]

    /// The setting a `config.set` key or a kassa.conf key names, and what stands for its `<…>`.
    static func setting(named key: String) -> (Setting, Substring)? {
        for s in table { if let member = s.matches(key) { return (s, member) } }
        return nil
    }

    static func setting(section: String, fileKey: String) -> Setting? {
        table.first { $0.familyPrefix == nil && $0.section == section && $0.fileKey == fileKey }
    }

    /// A line of text of at most 200 bytes: names and addresses printed on receipts.
    private static func text(_ key: String, _ help: String, _ field: WritableKeyPath<KassaConfig, String> & Sendable) -> Setting {
        Setting(key: key, section: "register", fileKey: key, help: help + "; one line of at most 200 bytes", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    guard v.utf8.count <= 200, !v.contains("\n") else {
                        throw Setting.Refusal(message: "one line of at most 200 bytes, not \(v.utf8.count) bytes")
                    }
                    t.file[keyPath: field] = v
                }, show: { $0[keyPath: field] })
    }

    /// A whole number of points within `range`, in kassa.conf's `[loyalty]` section.
    private static func count(_ key: String, _ help: String, _ range: ClosedRange<Int64>,
                              _ field: WritableKeyPath<KassaConfig, Int64> & Sendable) -> Setting {
        let rule = "\(help), \(range.lowerBound) to \(range.upperBound)"
        return Setting(key: key, section: "loyalty", fileKey: String(key.dropFirst("loyalty.".count)), help: rule, atRunTime: true,
                       set: { (v, t, _) throws(Setting.Refusal) in
                           guard let n = Int64(v), range.contains(n) else { throw Setting.Refusal(message: "\(rule), not '\(v)'") }
                           t.file[keyPath: field] = n
                       }, show: { String($0[keyPath: field]) })
    }

    /// The limit of one kind of amount, in kassa.conf's `[limits]` section: an amount in the
    /// register's currency, from one minor unit to the ceiling of every limit.
    private static func limit(_ kind: AmountLimit, _ help: String) -> Setting {
        Setting(key: "limits.\(kind.rawValue)", section: "limits", fileKey: kind.rawValue,
                help: help + ", in the register's currency, at most 100000000 at two decimals; above it is refused", atRunTime: true,
                set: { (v, t, _) throws(Setting.Refusal) in
                    let c = t.file.currency
                    guard let m = KassaConfig.decimal(v, scale: c.minorUnits), (1...AmountLimits.ceiling).contains(m) else {
                        let most = MoneyFormat.plain(c).number(AmountLimits.ceiling, currency: c)
                        throw Setting.Refusal(message: "an amount in \(c.code) with at most \(c.minorUnits) decimals, above 0 and at most \(most), not '\(v)'")
                    }
                    t.file.limits[kind] = m
                }, show: { MoneyFormat.plain($0.currency).number($0.limits[kind], currency: $0.currency) })
    }

    /// A cash step a till can give change in: none (0, or one minor unit), or 1, 2 or 5 times a
    /// power of ten of the minor unit, up to 10 units of the currency (0.05 in Finland, 1 in
    /// Sweden, 10 yen). Anything else (0.07, 7) is a typo, not a rounding rule.
    static func cashRounding(_ value: String, _ currency: Currency) throws(Setting.Refusal) -> Int64 {
        guard let minor = KassaConfig.decimal(value, scale: currency.minorUnits) else {
            throw Setting.Refusal(message: "an amount in \(currency.code) with at most \(currency.minorUnits) decimals, like 0.05 or 1, not '\(value)'")
        }
        if minor == 0 { return 1 }
        var step: Int64 = 1
        while step <= 10 * currency.scale {
            for factor: Int64 in [1, 2, 5] where step * factor == minor && minor <= 10 * currency.scale { return minor }
            step *= 10
        }
        throw Setting.Refusal(message: "0 (none), or 1, 2 or 5 times a power of ten up to 10 \(currency.code), like 0.05 or 1, not '\(value)'")
    }

    /// A percentage from 0 to 100 with at most 2 decimals, the `%` optional: basis points.
    static func percentage(_ value: some StringProtocol) throws(Setting.Refusal) -> Int64 {
        var text = Substring(value)
        if text.hasSuffix("%") { text = text.dropLast().trimmingSpaces() }
        guard let bp = KassaConfig.decimal(text, scale: 2), bp <= 10_000 else {
            throw Setting.Refusal(message: "a percentage from 0 to 100 with at most 2 decimals, not '\(value)'")
        }
        return bp
    }

    /// `tax.A = 25.5% from 2027-01-01`: a new rate for an existing class from that day, so that
    /// every earlier receipt keeps the rate of its day (`normalised` dates a bare rate today).
    private static func setTaxRate(_ id: TaxClassID, _ value: String, in taxes: inout TaxTable, today: CivilDate) throws(Setting.Refusal) {
        guard let taxClass = taxes.classes[id] else {
            let known = taxes.classes.keys.map(\.rawValue).sorted().joined(separator: ", ")
            throw Setting.Refusal(message: "no such tax class (classes: \(known))")
        }
        let words = value.split(separator: " ", omittingEmptySubsequences: true)
        var from = today
        if words.count == 3, words[1] == "from" {
            guard let date = CivilDate(String(words[2])) else {
                throw Setting.Refusal(message: "'from' needs a date like 2027-01-01, not '\(words[2])'")
            }
            from = date
        } else if words.count != 1 {
            throw Setting.Refusal(message: "a rate like 25.5% or '25.5% from 2027-01-01', not '\(value)'")
        }
        let bp = try percentage(words[0])
        var changes = taxClass.changes.filter { $0.from < from }
        changes.append(TaxRateChange(from: from, basisPoints: Int(bp)))
        var classes = Array(taxes.classes.values)
        classes.removeAll { $0.id == id }
        classes.append(TaxClass(id: id, name: taxClass.name, changes: changes))
        taxes = TaxTable(classes)
    }

    /// The table as the README shows it.
    static func markdownTable() -> String {
        var lines = ["| key | kassa.conf | at run time | what it is |", "|---|---|---|---|"]
        for s in table {
            lines.append("| `\(s.key)` | `[\(s.section)]` `\(s.fileKey)` | \(s.atRunTime ? "yes" : "no") | \(s.help) |")
        }
        return lines.joined(separator: "\n")
    }
}

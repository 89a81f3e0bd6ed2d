import KassaCore

/// The settings that can be changed on the box (console, CLI): each is validated here, journaled
/// as `settingChanged` with its old and new value, and folded over the configuration file at
/// start-up and after every reload.
enum Settings {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// What a change acts on: the register's decisions and the runtime's own configuration.
    struct Target {
        var register: RegisterConfig
        var file: KassaConfig
        /// Whether anything was ever sold, refunded or closed: the register id is fixed from then on.
        var hasHistory: Bool
        /// Device settings (`NAME.KEY`), in force from the next start of kassad.
        var deviceSettings: [String: String] = [:]
        /// Resolves a time zone name (the system's zoneinfo in kassad).
        var loadZone: (String) throws(ZoneInfoError) -> ZoneInfo = { (name) throws(ZoneInfoError) in try ZoneInfo.load(name) }
    }

    static let keys = ["store_name", "store_address", "vat_id", "receipt_footer", "price_mode", "cash_rounding",
                       "money_format", "cashier_discount_limit", "language", "idle_lock", "time_zone", "register_id",
                       "scale_barcodes", "tax.<class>", "device.<name>.<key>", "loyalty.points_per_unit", "loyalty.point_value",
                       "loyalty.min_redemption"]

    /// Every setting's value as text, tax rates as in force on `today`.
    static func current(_ c: RegisterConfig, _ file: KassaConfig, today: CivilDate,
                        deviceSettings: [String: String] = [:]) -> [String: String] {
        var all = [
            "store_name": c.storeName, "store_address": c.storeAddress, "vat_id": c.vatID,
            "receipt_footer": c.receiptFooter, "price_mode": c.priceMode.rawValue,
            "cash_rounding": MoneyFormat.plain(c.currency).number(c.cashRounding.increment, currency: c.currency),
            "money_format": moneyFormatName(c.moneyFormat, c.currency),
            "cashier_discount_limit": Receipt.basisPointsText(Int(c.cashierDiscountLimitBP)) + "%",
            "register_id": c.registerID, "currency": c.currency.code, "time_zone": file.timeZone.name,
            "language": file.language, "idle_lock": String(file.idleLockSeconds ?? 0),
            "scale_barcodes": KassaConfig.scaleBarcodesText(file.scaleBarcodes),
            "loyalty.points_per_unit": String(c.loyalty.pointsPerUnit),
            "loyalty.point_value": MoneyFormat.plain(c.currency).number(c.loyalty.pointValue, currency: c.currency),
            "loyalty.min_redemption": String(c.loyalty.minimumRedemption),
        ]
        for (key, value) in deviceSettings { all["device." + key] = value }
        for (id, taxClass) in c.taxes.classes {
            if let bp = taxClass.basisPoints(on: today) { all["tax.\(id.rawValue)"] = Receipt.basisPointsText(bp) + "%" }
        }
        return all
    }

    /// The journaled device settings, `NAME.KEY` → value.
    static func deviceSettings(_ journaled: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in journaled where k.hasPrefix("device.") { out[String(k.dropFirst(7))] = v }
        return out
    }

    static func moneyFormatName(_ f: MoneyFormat, _ currency: Currency) -> String {
        for (name, format) in KassaConfig.moneyFormats where format == f { return name }
        return f == .plain(currency) ? "plain" : "custom"
    }

    static func apply(_ key: String, _ value: String, to t: inout Target, today: CivilDate) throws(Invalid) {
        switch key {
        case "store_name", "store_address", "vat_id", "receipt_footer":
            guard value.utf8.count <= 200, !value.contains("\n") else { throw Invalid(description: "\(key): one line of at most 200 bytes") }
            switch key {
            case "store_name": t.register.storeName = value
            case "store_address": t.register.storeAddress = value
            case "vat_id": t.register.vatID = value
            default: t.register.receiptFooter = value
            }
        case "price_mode":
            guard let m = PriceMode(rawValue: value) else { throw Invalid(description: "price_mode: inclusive or exclusive, not '\(value)'") }
            t.register.priceMode = m
        case "cash_rounding":
            guard let m = try? Money.parse(value, currency: t.register.currency), m.minor >= 1 else {
                throw Invalid(description: "cash_rounding: a positive amount like 0.05 or 1.00, not '\(value)'")
            }
            t.register.cashRounding = CashRounding(increment: m.minor)
        case "money_format":
            if value == "plain" {
                t.register.moneyFormat = .plain(t.register.currency)
            } else {
                guard let f = KassaConfig.moneyFormats[value] else {
                    throw Invalid(description: "money_format: finnish, swedish, english or plain, not '\(value)'")
                }
                t.register.moneyFormat = f
            }
        case "cashier_discount_limit":
            t.register.cashierDiscountLimitBP = try percentage(value, key)
        case "language":
            guard KassaConfig.languages[value] != nil else {
                throw Invalid(description: "language: \(KassaConfig.languages.keys.sorted().joined(separator: " or ")), not '\(value)'")
            }
            t.file.language = value
        case "idle_lock":
            guard let seconds = KassaConfig.duration(value), seconds <= 86_400 else {
                throw Invalid(description: "idle_lock: seconds, or a number with s, m or h (at most 24h; 0 never locks), not '\(value)'")
            }
            t.file.idleLockSeconds = seconds == 0 ? nil : seconds
        case "time_zone":
            do throws(ZoneInfoError) { t.file.timeZone = try t.loadZone(value) } catch {
                throw Invalid(description: "time_zone: \(error.message)")
            }
        case "register_id":
            guard !t.hasHistory || value == t.register.registerID else {
                throw Invalid(description: "register_id: fixed once anything was sold, refunded or closed on this register")
            }
            guard !value.isEmpty, value.utf8.count <= 32, value.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw Invalid(description: "register_id: 1 to 32 printable characters without spaces, not '\(value)'")
            }
            t.register.registerID = value
        case "scale_barcodes":
            guard let rules = KassaConfig.scaleBarcodes(value) else {
                throw Invalid(description: "scale_barcodes: a list like 23:5:5:grams 24:5:5:cents (prefix, item digits, value digits, grams or cents; 12 digits in all) or none, not '\(value)'")
            }
            t.file.scaleBarcodes = rules
        case let k where k.hasPrefix("device."):
            var settings = t.deviceSettings
            settings[String(k.dropFirst(7))] = value
            do { _ = try t.file.devicesWith(settings: settings) } catch { throw Invalid(description: "\(k): \(error.message)") }
            t.deviceSettings = settings
        case let k where k.hasPrefix("tax."):
            try setTaxRate(TaxClassID(String(k.dropFirst(4))), value, in: &t.register, today: today)
        case let k where k.hasPrefix("loyalty."):
            try setLoyalty(String(k.dropFirst(8)), value, in: &t.register.loyalty, currency: t.register.currency)
        default:
            throw Invalid(description: "'\(key)' cannot be changed on the box (settable: \(keys.joined(separator: ", ")))")
        }
    }

    /// `tax.A = 25.5% from 2027-01-01`: a new rate for an existing class from that day, so that
    /// every earlier receipt keeps the rate of its day (`normalised` dates a bare rate today).
    private static func setTaxRate(_ id: TaxClassID, _ value: String, in c: inout RegisterConfig, today: CivilDate) throws(Invalid) {
        guard let taxClass = c.taxes.classes[id] else {
            let known = c.taxes.classes.keys.map(\.rawValue).sorted().joined(separator: ", ")
            throw Invalid(description: "tax.\(id.rawValue): no such tax class (classes: \(known))")
        }
        let words = value.split(separator: " ", omittingEmptySubsequences: true)
        var from = today
        if words.count == 3, words[1] == "from" {
            guard let date = CivilDate(String(words[2])) else {
                throw Invalid(description: "tax.\(id.rawValue): 'from' needs a date like 2027-01-01, not '\(words[2])'")
            }
            from = date
        } else if words.count != 1 {
            throw Invalid(description: "tax.\(id.rawValue): a rate like 25.5% or '25.5% from 2027-01-01', not '\(value)'")
        }
        let bp = try percentage(String(words[0]), "tax.\(id.rawValue)")
        var changes = taxClass.changes.filter { $0.from < from }
        changes.append(TaxRateChange(from: from, basisPoints: Int(bp)))
        var classes = Array(c.taxes.classes.values)
        classes.removeAll { $0.id == id }
        classes.append(TaxClass(id: id, name: taxClass.name, changes: changes))
        c.taxes = TaxTable(classes)
    }

    /// The value as journaled: a bare tax rate gets today's date, so that replaying it on a later
    /// day does not move the change; a new rate may not start in the past.
    static func normalised(_ key: String, _ value: String, today: CivilDate) throws(Invalid) -> String {
        guard key.hasPrefix("tax.") else { return value }
        let words = value.split(separator: " ", omittingEmptySubsequences: true)
        if words.count == 1 { return "\(words[0]) from \(today)" }
        if words.count == 3, let date = CivilDate(String(words[2])), date < today {
            throw Invalid(description: "\(key): a new rate cannot start in the past (\(date))")
        }
        return value
    }

    /// `loyalty.points_per_unit` (whole points per currency unit paid, 0–1000; 0 earns nothing),
    /// `loyalty.point_value` (what a point takes off, an amount of at least one minor unit and at
    /// most 100.00), `loyalty.min_redemption` (1 to 1,000,000 points). kassa.conf's `[loyalty]`
    /// section is read with the same rules.
    static func setLoyalty(_ key: String, _ value: String, in rules: inout LoyaltyRules, currency: Currency) throws(Invalid) {
        let text = value.trimmingSpaces()
        switch key {
        case "points_per_unit":
            guard let n = Int64(text), (0...1000).contains(n) else {
                throw Invalid(description: "loyalty.points_per_unit: whole points per \(currency.code) paid, 0 to 1000, not '\(value)'")
            }
            rules.pointsPerUnit = n
        case "point_value":
            guard let m = try? Money.parse(text, currency: currency), (1...10_000 * currency.scale / 100).contains(m.minor) else {
                throw Invalid(description: "loyalty.point_value: what one point is worth, like 0.01 (at least one minor unit, at most 100.00), not '\(value)'")
            }
            rules.pointValue = m.minor
        case "min_redemption":
            guard let n = Int64(text), (1...1_000_000).contains(n) else {
                throw Invalid(description: "loyalty.min_redemption: the fewest points redeemed at once, 1 to 1000000, not '\(value)'")
            }
            rules.minimumRedemption = n
        default:
            throw Invalid(description: "'loyalty.\(key)' is no setting (loyalty.points_per_unit, loyalty.point_value, loyalty.min_redemption)")
        }
    }

    private static func percentage(_ value: String, _ key: String) throws(Invalid) -> Int64 {
        var text = value
        if text.hasSuffix("%") { text.removeLast() }
        guard let m = try? Money.parse(text, currency: Currency(code: "PCT", minorUnits: 2)), (0...10_000).contains(m.minor) else {
            throw Invalid(description: "\(key): a percentage from 0 to 100, not '\(value)'")
        }
        return m.minor
    }
}

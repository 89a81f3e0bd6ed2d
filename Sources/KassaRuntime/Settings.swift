import KassaCore

/// The settings that can be changed on the box (console, CLI): each is validated here, journaled
/// as `settingChanged`, and folded over the configuration file at start-up.
enum Settings {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static let keys = ["store_name", "store_address", "vat_id", "receipt_footer", "price_mode", "cash_rounding",
                       "money_format", "cashier_discount_limit"]

    static func current(_ c: RegisterConfig, _ file: KassaConfig) -> [String: String] {
        [
            "store_name": c.storeName, "store_address": c.storeAddress, "vat_id": c.vatID,
            "receipt_footer": c.receiptFooter, "price_mode": c.priceMode.rawValue,
            "cash_rounding": MoneyFormat.plain(c.currency).number(c.cashRounding.increment, currency: c.currency),
            "money_format": moneyFormatName(c.moneyFormat, c.currency),
            "cashier_discount_limit": Receipt.basisPointsText(Int(c.cashierDiscountLimitBP)) + "%",
            "register_id": c.registerID, "currency": c.currency.code, "time_zone": file.timeZone.name,
            "language": file.language, "idle_lock": String(file.idleLockSeconds ?? 0),
        ]
    }

    static func moneyFormatName(_ f: MoneyFormat, _ currency: Currency) -> String {
        for (name, format) in KassaConfig.moneyFormats where format == f { return name }
        return f == .plain(currency) ? "plain" : "custom"
    }

    static func apply(_ key: String, _ value: String, to c: inout RegisterConfig) throws(Invalid) {
        switch key {
        case "store_name", "store_address", "vat_id", "receipt_footer":
            guard value.utf8.count <= 200, !value.contains("\n") else { throw Invalid(description: "\(key): one line of at most 200 bytes") }
            switch key {
            case "store_name": c.storeName = value
            case "store_address": c.storeAddress = value
            case "vat_id": c.vatID = value
            default: c.receiptFooter = value
            }
        case "price_mode":
            guard let m = PriceMode(rawValue: value) else { throw Invalid(description: "price_mode: inclusive or exclusive, not '\(value)'") }
            c.priceMode = m
        case "cash_rounding":
            guard let m = try? Money.parse(value, currency: c.currency), m.minor >= 1 else {
                throw Invalid(description: "cash_rounding: a positive amount like 0.05 or 1.00, not '\(value)'")
            }
            c.cashRounding = CashRounding(increment: m.minor)
        case "money_format":
            if value == "plain" {
                c.moneyFormat = .plain(c.currency)
            } else {
                guard let f = KassaConfig.moneyFormats[value] else {
                    throw Invalid(description: "money_format: finnish, swedish, english or plain, not '\(value)'")
                }
                c.moneyFormat = f
            }
        case "cashier_discount_limit":
            var text = value
            if text.hasSuffix("%") { text.removeLast() }
            guard let m = try? Money.parse(text, currency: Currency(code: "PCT", minorUnits: 2)), (0...10_000).contains(m.minor) else {
                throw Invalid(description: "cashier_discount_limit: a percentage from 0 to 100, not '\(value)'")
            }
            c.cashierDiscountLimitBP = m.minor
        default:
            throw Invalid(description: "'\(key)' cannot be changed on the box (settable: \(keys.joined(separator: ", ")))")
        }
    }
}

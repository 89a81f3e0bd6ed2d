import KassaCore

/// The settings that can be changed on the box (console, CLI): each is checked by its row of
/// `Settings.table` (SettingsTable.swift), journaled as `settingChanged` with its old and new
/// value, and folded over the configuration file at start-up and after every reload.
enum Settings {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// What a change acts on: the runtime's configuration, from which the register's is derived.
    struct Target {
        var file: KassaConfig
        /// Whether anything was ever sold, refunded or closed: the register id is fixed from then on.
        var hasHistory: Bool
        /// Device settings (`NAME.KEY`), in force from the next start of kassad.
        var deviceSettings: [String: String] = [:]
        /// Resolves a time zone name (the system's zoneinfo in kassad).
        var loadZone: (String) throws(ZoneInfoError) -> ZoneInfo = { (name) throws(ZoneInfoError) in try ZoneInfo.load(name) }
        /// The day a bare tax rate starts on.
        var today = CivilDate(year: 1970, month: 1, day: 1)

        /// What the register's decisions need of it.
        var register: RegisterConfig { file.registerConfig() }
    }

    /// The keys `config.set` takes, as its refusal of an unknown key lists them.
    static var keys: [String] { table.filter(\.atRunTime).map(\.key) }

    /// Every setting's value as text, tax rates as in force on `today`.
    static func current(_ file: KassaConfig, today: CivilDate, deviceSettings: [String: String] = [:]) -> [String: String] {
        var all: [String: String] = [:]
        for s in table { if let show = s.show { all[s.key] = show(file) } }
        for (key, value) in deviceSettings { all["device." + key] = value }
        for (id, taxClass) in file.taxTable.classes {
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

    /// A change through `config.set`, or a journaled one replayed: checked by the setting's row,
    /// exactly as kassa.conf's value for it is.
    static func apply(_ key: String, _ value: String, to t: inout Target, today: CivilDate) throws(Invalid) {
        guard let (setting, member) = setting(named: key) else {
            throw Invalid(description: "'\(key)' cannot be changed on the box (settable: \(keys.joined(separator: ", ")))")
        }
        guard setting.atRunTime else {
            throw Invalid(description: "\(key): cannot be changed on the box; it is kassa.conf's [\(setting.section)] \(setting.fileKey)")
        }
        t.today = today
        do throws(Setting.Refusal) { try setting.set(value, &t, member) } catch {
            throw Invalid(description: "\(key): \(error.message)")
        }
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
}

import KassaCore
import KassaIPC

/// The settings as the running register has them: the configuration file with the journaled
/// changes folded over it, and `config.set`, checked by the settings table and decided by the core.
extension RegisterService {
    func setSetting(_ k: String, _ value: String, connection: ConnectionID, key: RequestKey?) throws(IPCError) -> JSONValue {
        let today = context().today
        var probe = settingsTarget
        let v: String
        do {
            v = try Settings.normalised(k, value, today: today)
            try Settings.apply(k, v, to: &probe, today: today)
        } catch {
            throw IPCError(.badArgs, "config.set: \(error)")
        }
        let old = Settings.current(fileConfig, today: today, deviceSettings: Settings.deviceSettings(ledger.state.settings))[k]
        // Devices are claimed at start-up: the change waits for the next one.
        let result = SettingChangeReply(key: k, old: old, new: v, restartNeeded: k.hasPrefix("device.")).json
        try run(.changeSetting(key: k, old: old, new: v), key: key, caller: administrator(connection)) { _, _ in result }
        fileConfig = probe.file
        env.config = probe.register
        env.catalog.embeddedRules = fileConfig.scaleBarcodes
        log.notice("setting changed", ["key": k, "old": old ?? "", "new": v])
        return result
    }

    var settingsTarget: Settings.Target {
        let s = ledger.state
        var t = Settings.Target(file: fileConfig,
                                hasHistory: s.lastReceipt > 0 || s.lastTrainingReceipt > 0 || s.lastRefund > 0 || s.lastZ > 0)
        t.deviceSettings = Settings.deviceSettings(s.settings)
        return t
    }

    /// Journaled settings override the file; a setting the file no longer accepts is reported once.
    /// Folds the journaled settings over the configuration file, in the order they were made
    /// (a tax rate's date is its own, so the order of keys does not change the outcome).
    func applySettings() {
        var target = settingsTarget
        let today = context().today
        for (k, v) in ledger.state.settings.sorted(by: { $0.key < $1.key }) {
            do { try Settings.apply(k, v, to: &target, today: today) } catch {
                log.warning("journaled setting ignored", ["key": k, "error": error.description])
            }
        }
        fileConfig = target.file
        env.config = target.register
        env.catalog.embeddedRules = fileConfig.scaleBarcodes
    }

    func reload(_ config: KassaConfig) {
        var config = config
        if config.registerID != fileConfig.registerID {
            // The journal belongs to one register: a new id needs a new state directory.
            log.error("register id change ignored until restart with a new state directory",
                      ["old": fileConfig.registerID, "new": config.registerID])
            config.registerID = fileConfig.registerID
        }
        fileConfig = config
        let catalog = env.catalog
        env = RegisterEnvironment(config: config.registerConfig(), catalog: catalog, pins: pins.vault)
        applySettings()
    }
}

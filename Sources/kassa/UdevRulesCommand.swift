import Glibc
import KassaDevices
import KassaRuntime
import KassaSystem

/// `kassa udev-rules`: the udev rules for every device in the table, generated from the table
/// itself so that the two never disagree. `udev-rules/70-kassa.rules` is this output, committed.
enum UdevRulesCommand {
    static let usage = """
        usage: kassa udev-rules [--config FILE [--drop-in PATH]]
          Prints the udev rules that give kassad's known devices to group kassad, name them under
          /dev/kassa/ and keep ModemManager off the serial ones. udev-rules/70-kassa.rules is this
          output; a test fails when they differ. With --config, the USB devices that kassa.conf
          adds by their ids (usb = vvvv:pppp in a [device.*] section) get rules too.
          With --drop-in, writes the rules for kassa.conf's devices alone to PATH (removing it
          when there are none): kassad's unit runs it as root before kassad starts, into
          /run/udev/rules.d/70-kassa-conf.rules, then reloads udev.
        """

    static func run(_ args: inout Arguments) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let configPath = try args.option("--config")
        let dropIn = try args.option("--drop-in")
        try args.finish()
        var table = DeviceTable.standard
        if let configPath {
            let config = try KassaConfig(ConfigFile.load(path: configPath))
            if let dropIn { return try install(UdevRules.configured(config.devices), at: dropIn) }
            table = table.adding(config.devices)
        } else if dropIn != nil {
            throw UsageError("--drop-in needs --config")
        }
        var bytes = Array(UdevRules.generate(table).utf8)
        flush(&bytes)
        return .ok
    }

    /// Replaces the drop-in (readable by all, as udev's own rules are), or removes it.
    private static func install(_ rules: String, at path: String) throws -> ExitCode {
        if rules.isEmpty {
            guard unlink(path) == 0 || errno == ENOENT else { throw SystemError.last("unlink(\(path))") }
            return .ok
        }
        let directory = parentDirectory(of: path)
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else { throw SystemError.last("mkdir(\(directory))") }
        try writeFileAtomically(path, Array(rules.utf8), mode: 0o644)
        return .ok
    }
}

import KassaDevices
import KassaRuntime

/// `kassa udev-rules`: the udev rules for every device in the table, generated from the table
/// itself so that the two never disagree. `udev-rules/70-kassa.rules` is this output, committed.
enum UdevRulesCommand {
    static let usage = """
        usage: kassa udev-rules [--config FILE]
          Prints the udev rules that give kassad's known devices to group kassad, name them under
          /dev/kassa/ and keep ModemManager off the serial ones. udev-rules/70-kassa.rules is this
          output; a test fails when they differ. With --config, the USB devices that kassa.conf
          adds by their ids (usb = vvvv:pppp in a [device.*] section) get rules too.
        """

    static func run(_ args: inout Arguments) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let configPath = try args.option("--config")
        try args.finish()
        var table = DeviceTable.standard
        if let configPath {
            let config = try KassaConfig(ConfigFile.load(path: configPath))
            table = table.adding(config.devices)
        }
        var bytes = Array(UdevRules.generate(table).utf8)
        flush(&bytes)
        return .ok
    }
}

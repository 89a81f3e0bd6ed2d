import KassaDevices

/// `kassa udev-rules`: the udev rules for every device in the table, generated from the table
/// itself so that the two never disagree. `udev-rules/70-kassa.rules` is this output, committed.
enum UdevRulesCommand {
    static let usage = """
        usage: kassa udev-rules
          Prints the udev rules that give kassad's known devices to group kassad, name them under
          /dev/kassa/ and keep ModemManager off the serial ones. udev-rules/70-kassa.rules is this
          output; a test fails when they differ.
        """

    static func run(_ args: inout Arguments) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        try args.finish()
        var bytes = Array(UdevRules.generate(DeviceTable.standard).utf8)
        flush(&bytes)
        return .ok
    }
}

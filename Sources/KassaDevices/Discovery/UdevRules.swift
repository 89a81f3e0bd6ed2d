import KassaCore

/// udev rules text generated from the device table.
public enum UdevRules {
    /// kassad's own group. Never `kassa`, the clients' group: a client must not reach a device
    /// except through kassad.
    public static let group = "kassad"

    /// One rule per entry. Every known device gets kassad's group, mode 0660, the systemd tag (so
    /// units can wait on it) and a symlink under `/dev/kassa/` named after the physical port
    /// (`%k` of the USB device, `%b` of the tty's USB parent): unlike `%n`, that stays the same
    /// across replugs and reboots. Serial devices are also hidden from ModemManager, whose probing
    /// writes AT commands into displays and scanners.
    public static func generate(_ table: DeviceTable,
                                header: String = "Generated from KassaDevices' device table by `kassa udev-rules`; edit the table, not this file.",
                                label: String = "kassa_end") -> String {
        var text = """
            # \(header)
            ACTION=="remove", GOTO="\(label)"

            """
        for entry in table.entries {
            text += "\n# \(comment(entry.name))\n" + rule(entry) + "\n"
        }
        text += "\nLABEL=\"\(label)\"\n"
        return text
    }

    /// The rules for the USB devices a configuration names by their ids, as the drop-in that
    /// kassad's unit installs in `/run/udev/rules.d` before kassad starts: a device outside the
    /// table (an FTDI FT231X, `0403:6015`) gets the same group, link and ModemManager exclusion.
    /// Empty when the configuration names none.
    public static func configured(_ specs: [DeviceSpec]) -> String {
        let table = DeviceTable(entries: []).adding(specs)
        guard !table.entries.isEmpty else { return "" }
        return generate(table, header: "Generated from kassa.conf by `kassa udev-rules --drop-in` when kassad starts; edit kassa.conf.",
                        label: "kassa_conf_end")
    }

    /// A device's name in a comment: one line of printable ASCII, whatever the configuration holds.
    private static func comment(_ name: String) -> String {
        String(name.unicodeScalars.map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
    }

    private static func rule(_ entry: DeviceTable.Entry) -> String {
        let access = "GROUP=\"\(group)\", MODE=\"0660\", TAG+=\"systemd\""
        let symlink = "SYMLINK+=\"kassa/\(entry.role)-\(entry.isSerial ? "%b" : "%k")\""
        let ignoreModem = "ENV{ID_MM_DEVICE_IGNORE}=\"1\""
        switch (entry.match, entry.isSerial) {
        case (.product(let vendor, let product), true):
            return "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"\(hex(vendor))\", ATTRS{idProduct}==\"\(hex(product))\", "
                + "\(access), \(ignoreModem), \(symlink)"
        case (.product(let vendor, let product), false):
            return "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ATTR{idVendor}==\"\(hex(vendor))\", "
                + "ATTR{idProduct}==\"\(hex(product))\", \(access), \(symlink)"
        case (.usbPrinterClass, _):
            // libusb opens the device node, which knows its interfaces only through usb_id's list.
            return "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ENV{ID_USB_INTERFACES}==\"*:0701??:*\", "
                + "\(access), \(symlink)"
        case (.cdcACM, _):
            return "SUBSYSTEM==\"tty\", KERNEL==\"ttyACM[0-9]*\", SUBSYSTEMS==\"usb\", \(access), \(ignoreModem), \(symlink)"
        }
    }

    /// udev compares ids as lowercase four-digit hex.
    private static func hex(_ id: UInt16) -> String { Hex.encode([UInt8(id >> 8), UInt8(id & 0xFF)]) }
}

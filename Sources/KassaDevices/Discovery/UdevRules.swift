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
    public static func generate(_ table: DeviceTable) -> String {
        var text = """
            # Generated from KassaDevices' device table by `kassa udev-rules`; edit the table, not this file.
            ACTION=="remove", GOTO="kassa_end"

            """
        for entry in table.entries {
            text += "\n# \(entry.name)\n" + rule(entry) + "\n"
        }
        text += "\nLABEL=\"kassa_end\"\n"
        return text
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

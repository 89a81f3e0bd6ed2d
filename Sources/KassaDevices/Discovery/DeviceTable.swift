import KassaCore

/// The one table of devices kassad knows: which USB devices it claims, with which driver and
/// profile. The udev rules are generated from it, so the two cannot disagree.
public struct DeviceTable: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// How a device is recognised. There is deliberately no way to match the HID class: the
        /// cashier's own keyboard is a HID keyboard too, so scanners are matched by their ids only.
        public enum Match: Sendable, Hashable {
            case product(vendor: UInt16, product: UInt16)
            /// Interface class 7, subclass 1 (protocol 1 one-way or 2 bi-directional).
            case usbPrinterClass
            /// Interface class 2, subclass 2: a CDC-ACM serial port.
            case cdcACM
        }

        public enum Driver: Sendable, Hashable {
            case escposPrinter(PrinterProfile)
            case hidKeyboardScanner
            /// A serial port whose role (display, scanner, card reader…) comes from configuration.
            case serialPort
        }

        public var name: String
        public var match: Match
        public var driver: Driver

        public init(name: String, match: Match, driver: Driver) {
            self.name = name
            self.match = match
            self.driver = driver
        }

        /// The stem of the device's symlink under `/dev/kassa/`.
        public var role: String {
            switch driver {
            case .escposPrinter: return "printer"
            case .hidKeyboardScanner: return "scanner"
            case .serialPort: return "serial"
            }
        }

        /// Serial devices are opened as tty nodes; the others through libusb.
        public var isSerial: Bool { driver == .serialPort }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The table with the USB devices a configuration names by their ids, ahead of the table's
    /// own entries (so a configured profile wins).
    public func adding(_ specs: [DeviceSpec]) -> DeviceTable {
        var added: [Entry] = []
        for spec in specs {
            guard case .usb(let vendor, let product) = spec.connection else { continue }
            let driver: Entry.Driver
            switch spec.role {
            case .printer: driver = .escposPrinter(spec.printerProfile)
            case .scanner, .cardReader: driver = spec.encoding == .hidBootKeyboard ? .hidKeyboardScanner : .serialPort
            case .display: driver = .serialPort
            }
            added.append(Entry(name: "\(spec.name) (kassa.conf)", match: .product(vendor: vendor, product: product), driver: driver))
        }
        return DeviceTable(entries: added + entries)
    }

    /// The entry for one USB interface: an entry naming the device's vendor and product wins over
    /// a class entry, so an Epson in printer-class mode gets its own profile.
    public func match(vendor: UInt16, product: UInt16, interfaceClass: UInt8, interfaceSubclass: UInt8) -> Entry? {
        if let byID = entries.first(where: { $0.match == .product(vendor: vendor, product: product) }) { return byID }
        return entries.first { entry in
            switch entry.match {
            case .product: return false
            case .usbPrinterClass: return interfaceClass == 7 && interfaceSubclass == 1
            case .cdcACM: return interfaceClass == 2 && interfaceSubclass == 2
            }
        }
    }

    /// Each driver kind's own devices (its `knownDevices`), in the order of the udev rules. A new
    /// kind adds its line here.
    static let knownDevicesByKind: [[Entry]] = [
        EscPosPrinter.knownDevices,
        InputReader.knownDevices,
        SerialPort.knownDevices,
    ]

    /// The devices Kassa knows out of the box; configuration adds more.
    public static let standard = DeviceTable(entries: knownDevicesByKind.flatMap { $0 })
}

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

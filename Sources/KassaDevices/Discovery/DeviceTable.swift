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

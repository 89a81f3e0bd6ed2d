/// The USB-serial adapters and CDC-ACM ports kassad takes, for the device table.
extension SerialPort {
    /// What is on the other end (a display, a scanner, a card reader) is not known from the ids:
    /// the configuration gives each its role. They are listed so that udev gives their tty nodes
    /// to kassad and keeps ModemManager's probing out of them.
    static let knownDevices: [DeviceTable.Entry] = [
        DeviceTable.Entry(name: "FTDI FT232 serial", match: .product(vendor: 0x0403, product: 0x6001), driver: .serialPort),
        DeviceTable.Entry(name: "Prolific PL2303 serial", match: .product(vendor: 0x067B, product: 0x2303), driver: .serialPort),
        DeviceTable.Entry(name: "WCH CH340 serial", match: .product(vendor: 0x1A86, product: 0x7523), driver: .serialPort),
        DeviceTable.Entry(name: "CDC-ACM serial", match: .cdcACM, driver: .serialPort),
    ]
}

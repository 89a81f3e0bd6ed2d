/// The barcode scanners kassad reads as HID keyboards on sight, for the device table.
extension InputReader {
    /// Matched by vendor and product id only, never by the HID class: the cashier's own keyboard
    /// is a HID keyboard too.
    ///
    /// Only ids confirmed in more than one independent place are listed (Zebra/Symbol `05e0:1200`
    /// and Honeywell/Metrologic `0c2e:0200`, both keyboard-mode). Datalogic and other Honeywell
    /// models use many product ids we could not confirm; they are added by configuration.
    static let knownDevices: [DeviceTable.Entry] = [
        DeviceTable.Entry(name: "Zebra/Symbol scanner", match: .product(vendor: 0x05E0, product: 0x1200), driver: .hidKeyboardScanner),
        DeviceTable.Entry(name: "Honeywell/Metrologic scanner", match: .product(vendor: 0x0C2E, product: 0x0200), driver: .hidKeyboardScanner),
    ]
}

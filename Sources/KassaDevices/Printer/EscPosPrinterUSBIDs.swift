/// The ESC/POS receipt printers kassad claims on sight, for the device table.
extension EscPosPrinter {
    /// Epson TM printers offer two USB personalities, chosen in the printer's own settings: vendor
    /// class with product id `0202`, shared by many TM models, or printer class with an id per
    /// model. Both are listed, so either finds the Epson profile.
    ///
    /// Any other printer-class device is claimed only when its IEEE 1284 id (`GET_DEVICE_ID`)
    /// says it speaks ESC/POS (`claims(_:)`): an office printer is printer class too, and a device
    /// whose id cannot be read is left alone and reported.
    ///
    /// Star TSP100 (`0519:0003`) is left out: it prints raster images only, so ESC/POS text sent
    /// to it prints nothing, and claiming it would only hide that from the operator.
    static let knownDevices: [DeviceTable.Entry] = [
        DeviceTable.Entry(name: "Epson TM (vendor class)", match: .product(vendor: 0x04B8, product: 0x0202), driver: .escposPrinter(.epson80mm)),
        DeviceTable.Entry(name: "Epson TM-T20", match: .product(vendor: 0x04B8, product: 0x0E15), driver: .escposPrinter(.epson80mm)),
        DeviceTable.Entry(name: "Epson TM-T20IIIL", match: .product(vendor: 0x04B8, product: 0x0E27), driver: .escposPrinter(.epson80mm)),
        DeviceTable.Entry(name: "Epson TM-T20III", match: .product(vendor: 0x04B8, product: 0x0E28), driver: .escposPrinter(.epson80mm)),
        DeviceTable.Entry(name: "USB printer class", match: .usbPrinterClass, driver: .escposPrinter(.epson80mm)),
    ]
}

extension EscPosPrinter {
    /// Receipt printers whose id names their maker and model but not ESC/POS in `CMD:`: maker,
    /// and the start of the model names of its ESC/POS line (an Epson `ET-` is an ink-jet).
    static let knownModels: [(maker: String, model: String)] = [
        ("EPSON", "TM-"),
        ("BIXOLON", "SRP-"),
        ("CITIZEN", "CT-S"),
    ]

    /// Whether a printer-class device found by its class alone is a receipt printer to claim: its
    /// id lists ESC/POS among its command sets, or names a known receipt printer model.
    public static func claims(_ id: IEEE1284ID) -> Bool {
        if id.speaksEscPos { return true }
        guard let maker = id.manufacturer?.uppercased(), let model = id.model?.uppercased() else { return false }
        return knownModels.contains { maker.hasPrefix($0.maker) && model.hasPrefix($0.model) }
    }
}

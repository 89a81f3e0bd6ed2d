/// The ESC/POS receipt printers kassad claims on sight, for the device table.
extension EscPosPrinter {
    /// Epson TM printers offer two USB personalities, chosen in the printer's own settings: vendor
    /// class with product id `0202`, shared by many TM models, or printer class with an id per
    /// model. Both are listed, so either finds the Epson profile.
    ///
    /// Any other printer-class device is assumed to speak ESC/POS until its `GET_DEVICE_ID` says
    /// otherwise (the USB transport checks its `CMD:` for `ESC/POS`): an office printer is printer
    /// class too.
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

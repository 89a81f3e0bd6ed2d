import Testing
@testable import KassaDevices

private let table = DeviceTable.standard

private func match(_ vendor: UInt16, _ product: UInt16, class interfaceClass: UInt8, subclass: UInt8 = 0) -> DeviceTable.Entry? {
    table.match(vendor: vendor, product: product, interfaceClass: interfaceClass, interfaceSubclass: subclass)
}

@Suite struct DeviceTableTests {
    @Test func epsonPrintersMatchByIdInEitherUSBPersonality() {
        #expect(match(0x04B8, 0x0202, class: 255)?.driver == .escposPrinter(.epson80mm))
        #expect(match(0x04B8, 0x0E15, class: 7, subclass: 1)?.name == "Epson TM-T20")
        #expect(match(0x04B8, 0x0E27, class: 7, subclass: 1)?.name == "Epson TM-T20IIIL")
        #expect(match(0x04B8, 0x0E28, class: 7, subclass: 1)?.name == "Epson TM-T20III")
    }

    @Test func anyPrinterClassInterfaceIsAPrinter() {
        #expect(match(0x1234, 0x5678, class: 7, subclass: 1)?.match == .usbPrinterClass)
        #expect(match(0x1234, 0x5678, class: 7, subclass: 1)?.role == "printer")
    }

    @Test func starTSP100IsLeftOutBecauseItPrintsRasterOnly() {
        #expect(match(0x0519, 0x0003, class: 255) == nil)
    }

    @Test func scannersAreMatchedByTheirIds() {
        #expect(match(0x05E0, 0x1200, class: 3)?.driver == .hidKeyboardScanner)
        #expect(match(0x0C2E, 0x0200, class: 3)?.role == "scanner")
    }

    @Test func aHIDKeyboardNotInTheTableIsNotMatchedAsAScanner() {
        // A Logitech keyboard, and any boot keyboard interface (class 3, subclass 1).
        #expect(match(0x046D, 0xC31C, class: 3, subclass: 1) == nil)
        #expect(match(0x1234, 0x5678, class: 3, subclass: 1) == nil)
        #expect(match(0x05E0, 0x9999, class: 3, subclass: 1) == nil)
    }

    @Test func usbSerialChipsAndCDCACMAreSerialPortsWhoseRoleComesFromConfiguration() {
        for (vendor, product) in [(UInt16(0x0403), UInt16(0x6001)), (0x067B, 0x2303), (0x1A86, 0x7523)] {
            #expect(match(vendor, product, class: 255)?.driver == .serialPort)
        }
        #expect(match(0x2341, 0x0043, class: 2, subclass: 2)?.match == .cdcACM)
        #expect(match(0x2341, 0x0043, class: 2, subclass: 6) == nil)
    }

    @Test func eachKindDeclaresOnlyDevicesForItsOwnDriver() {
        #expect(EscPosPrinter.knownDevices.allSatisfy { $0.role == "printer" })
        #expect(InputReader.knownDevices.allSatisfy { $0.driver == .hidKeyboardScanner })
        #expect(SerialPort.knownDevices.allSatisfy { $0.driver == .serialPort })
    }

    @Test func noTwoKindsClaimTheSameDevice() {
        // The first match wins, so a second claim would be dead in the table and contradict the
        // first in the udev rules.
        let matches = table.entries.map(\.match)
        #expect(Set(matches).count == matches.count)
    }
}

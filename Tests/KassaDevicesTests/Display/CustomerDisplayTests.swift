import Testing
@testable import KassaDevices

private func spaces(_ n: Int) -> [UInt8] { [UInt8](repeating: 0x20, count: n) }

@Suite struct CustomerDisplayTests {
    @Test func initialiseBytesFollowEachCommandSet() {
        #expect(CustomerDisplayProtocol.initialize(.epson) == [0x1B, 0x40])
        #expect(CustomerDisplayProtocol.initialize(.cd5220) == [0x1B, 0x40])
        #expect(CustomerDisplayProtocol.initialize(.logicControls) == [0x1F, 0x11])
        #expect(CustomerDisplayProtocol.epsonClear == [0x0C])
        #expect(CustomerDisplayProtocol.epsonHome == [0x0B])
    }

    @Test func epsonLinesArePlacedByCursorAndPaddedToTwentyCells() {
        let bytes = CustomerDisplayProtocol.show("Kahvi", "3,50 €", profile: DisplayProfile(commandSet: .epson, table: .pc858))
        #expect(bytes == joined([0x1F, 0x24, 1, 1], Array("Kahvi".utf8), spaces(15),
                                [0x1F, 0x24, 1, 2], Array("3,50 ".utf8), [0xD5], spaces(14)))
    }

    @Test func cd5220WritesWholeUpperAndLowerLines() {
        let bytes = CustomerDisplayProtocol.show("Yhteensä", "12,40", profile: DisplayProfile(commandSet: .cd5220, table: .wpc1252))
        #expect(bytes == joined([0x1B, 0x51, 0x41], Array("Yhteens".utf8), [0xE4], spaces(12), [0x0D],
                                [0x1B, 0x51, 0x42], Array("12,40".utf8), spaces(15), [0x0D]))
    }

    @Test func logicControlsPlacesLinesAtCellsZeroAndTwenty() {
        let bytes = CustomerDisplayProtocol.show("a", "b", profile: DisplayProfile(commandSet: .logicControls, table: .pc858))
        #expect(bytes == joined([0x10, 0x00, 0x61], spaces(19), [0x10, 0x14, 0x62], spaces(19)))
    }

    @Test func longTextIsTruncatedToTwentyCells() {
        let bytes = CustomerDisplayProtocol.show(String(repeating: "x", count: 30), "", profile: DisplayProfile(commandSet: .cd5220, table: .pc858))
        #expect(bytes.count == 2 * (3 + 20 + 1))
        #expect(Array(bytes[3..<23]) == [UInt8](repeating: 0x78, count: 20))
        #expect(bytes[23] == 0x0D)
    }

    @Test func cursorAndBrightnessFollowEachCommandSet() {
        #expect(CustomerDisplayProtocol.cursor(x: 5, y: 2, .epson) == [0x1F, 0x24, 5, 2])
        #expect(CustomerDisplayProtocol.cursor(x: 5, y: 2, .cd5220) == [0x1B, 0x6C, 5, 2])
        #expect(CustomerDisplayProtocol.cursor(x: 20, y: 2, .logicControls) == [0x10, 0x27])
        #expect(CustomerDisplayProtocol.brightness(4, .epson) == [0x1F, 0x58, 4])
        #expect(CustomerDisplayProtocol.brightness(2, .cd5220) == [0x1B, 0x2A, 2])
        #expect(CustomerDisplayProtocol.brightness(2, .logicControls) == nil)
    }
}

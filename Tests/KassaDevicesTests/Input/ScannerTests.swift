import Testing
@testable import KassaDevices

private let leftShift: UInt8 = 0x02
private let rightShift: UInt8 = 0x20
private let released: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]

private func report(_ usages: UInt8..., modifiers: UInt8 = 0) -> [UInt8] {
    [modifiers, 0] + usages + [UInt8](repeating: 0, count: 6 - usages.count)
}

private let digitUsages: [Character: UInt8] = [
    "1": 0x1E, "2": 0x1F, "3": 0x20, "4": 0x21, "5": 0x22, "6": 0x23, "7": 0x24, "8": 0x25, "9": 0x26, "0": 0x27,
]

/// The reports a keyboard-wedge scanner sends for `digits` and Enter: each key pressed, then released.
private func typed(_ digits: String) -> [[UInt8]] {
    (digits.map { digitUsages[$0]! } + [0x28]).flatMap { [report($0), released] }
}

private func scans(_ reports: [[UInt8]], maxLength: Int = 128) -> [Result<String, ScanError>] {
    var assembler = ScannerLineAssembler(maxLength: maxLength)
    return reports.flatMap { assembler.feed($0) }
}

private func events(_ reports: [[UInt8]]) -> [KeyEvent] {
    var decoder = HIDKeyboard.Decoder()
    return reports.flatMap { decoder.decode(BootKeyboardReport($0)!) }
}

@Suite struct HIDKeyboardTests {
    @Test func lettersDigitsAndEnterFollowTheUsageTable() {
        #expect(HIDKeyboard.event(usage: 0x04, shift: false) == .character("a"))
        #expect(HIDKeyboard.event(usage: 0x1D, shift: false) == .character("z"))
        #expect(HIDKeyboard.event(usage: 0x1D, shift: true) == .character("Z"))
        #expect(HIDKeyboard.event(usage: 0x1E, shift: false) == .character("1"))
        #expect(HIDKeyboard.event(usage: 0x26, shift: false) == .character("9"))
        #expect(HIDKeyboard.event(usage: 0x27, shift: false) == .character("0"))
        #expect(HIDKeyboard.event(usage: 0x28, shift: false) == .enter)
        #expect(HIDKeyboard.event(usage: 0x58, shift: false) == .enter)
        #expect(HIDKeyboard.event(usage: 0x2C, shift: false) == .character(" "))
        #expect(HIDKeyboard.event(usage: 0x62, shift: false) == .character("0"))
        #expect(HIDKeyboard.event(usage: 0x3A, shift: false) == .unmapped(usage: 0x3A))
    }

    @Test func punctuationAndItsShiftedFormsFollowTheUSLayout() {
        let usages: [UInt8] = [0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38]
        let plain = usages.map { HIDKeyboard.event(usage: $0, shift: false) }
        let shifted = usages.map { HIDKeyboard.event(usage: $0, shift: true) }
        #expect(plain == Array("-=[]\\;'`,./").map { .character($0) })
        #expect(shifted == Array("_+{}|:\"~<>?").map { .character($0) })
        let shiftedDigits = (UInt8(0x1E)...0x27).map { HIDKeyboard.event(usage: $0, shift: true) }
        #expect(shiftedDigits == Array("!@#$%^&*()").map { .character($0) })
    }

    @Test func eitherShiftKeyShifts() {
        #expect(events([report(0x04, modifiers: leftShift)]) == [.character("A")])
        #expect(events([report(0x04, modifiers: rightShift)]) == [.character("A")])
    }

    @Test func aKeyPressedWithControlAltOrGUITypesNoCharacter() {
        #expect(events([report(0x30, modifiers: 0x01)]) == [.unmapped(usage: 0x30)])
        #expect(events([report(0x04, modifiers: 0x40)]) == [.unmapped(usage: 0x04)])
        #expect(events([report(0x04, modifiers: 0x08)]) == [.unmapped(usage: 0x04)])
    }

    @Test func aHeldKeyCountsOnceAcrossConsecutiveReports() {
        #expect(events([report(0x04), report(0x04), report(0x04), released]) == [.character("a")])
    }

    @Test func aKeyReleasedAndPressedAgainCountsTwice() {
        #expect(events([report(0x27), released, report(0x27), released]) == [.character("0"), .character("0")])
    }

    @Test func rolloverCountsOnlyTheNewlyPressedKey() {
        // b is pressed while a is still down, then a is released while b stays down.
        #expect(events([report(0x04), report(0x04, 0x05), report(0x05), released]) == [.character("a"), .character("b")])
    }

    @Test func aRolloverErrorReportChangesNothing() {
        let error = report(0x01, 0x01, 0x01, 0x01, 0x01, 0x01)
        #expect(events([report(0x04), error, report(0x04), released]) == [.character("a")])
    }

    @Test func onlyEightByteReportsAreBootReports() {
        #expect(BootKeyboardReport([0, 0, 4]) == nil)
        #expect(BootKeyboardReport(report(0x04, 0x05))?.usages == [0x04, 0x05])
    }
}

@Suite struct ScannerLineAssemblerTests {
    @Test func aFullEAN13ScanEndsAtEnter() {
        #expect(scans(typed("4006381333931")) == [.success("4006381333931")])
    }

    @Test func nothingIsScannedUntilEnter() {
        #expect(scans(Array(typed("4006381333931").dropLast(2))).isEmpty)
    }

    @Test func consecutiveScansComeOutSeparately() {
        #expect(scans(typed("12") + typed("34")) == [.success("12"), .success("34")])
    }

    @Test func shiftedLettersInACode39ScanAreUppercase() {
        let reports = [report(0x04, modifiers: leftShift), released, report(0x2D), released,
                       report(0x05, modifiers: rightShift), released, report(0x28), released]
        #expect(scans(reports) == [.success("A-B")])
    }

    @Test func aStrayEnterIsNoScan() {
        #expect(scans([report(0x28), released]).isEmpty)
    }

    @Test func aKeyWithoutACharacterMakesTheScanAnErrorAndTheNextScanStartsClean() {
        let garbage = [report(0x1E), released, report(0x3A), released, report(0x28), released]
        #expect(scans(garbage + typed("5")) == [.failure(.unprintableKey(usage: 0x3A)), .success("5")])
    }

    @Test func aScanLongerThanTheLimitIsAnError() {
        #expect(scans(typed("123456"), maxLength: 5) == [.failure(.tooLong(limit: 5))])
        #expect(scans(typed("12345"), maxLength: 5) == [.success("12345")])
    }

    @Test func aReportOfTheWrongSizeIsAnErrorNotACrash() {
        var assembler = ScannerLineAssembler()
        #expect(assembler.feed([0x00, 0x1E]) == [.failure(.malformedReport(length: 2))])
    }

    @Test func errorsDescribeTheProblemInWords() {
        #expect(ScanError.unprintableKey(usage: 0x3A).description == "scanner sent key usage 0x3a, which types no character")
        #expect(ScanError.tooLong(limit: 5).description == "scan longer than 5 characters")
    }
}

@Suite struct HIDPOSTests {
    @Test func aReportCarriesLengthSymbologyAndData() throws {
        let scan = try HIDPOS.decode(joined([0x02, 13, 0x5D, 0x45, 0x30], Array("4006381333931".utf8), [0, 0, 0]), hasReportID: true)
        #expect(scan.symbology == "]E0")
        #expect(scan.data == Array("4006381333931".utf8))
    }

    @Test func aReportWithoutSymbologyIdHasNone() throws {
        let scan = try HIDPOS.decode([3, 0, 0, 0, 0x31, 0x32, 0x33], hasReportID: false)
        #expect(scan.symbology == nil)
        #expect(scan.data == [0x31, 0x32, 0x33])
    }

    @Test func aReportDeclaringMoreDataThanItHoldsIsRejected() {
        #expect(throws: ScanError.lengthBeyondReport(declared: 20, available: 2)) {
            try HIDPOS.decode([20, 0x5D, 0x45, 0x30, 0x31, 0x32], hasReportID: false)
        }
        #expect(throws: ScanError.malformedReport(length: 3)) { try HIDPOS.decode([0x02, 1, 0x5D], hasReportID: true) }
    }
}

@Suite struct SerialScannerTests {
    private func feed(_ chunks: [UInt8]..., maxLength: Int = 128) -> [Result<String, ScanError>] {
        var assembler = SerialScannerAssembler(maxLength: maxLength)
        return chunks.flatMap { assembler.feed($0) }
    }

    @Test func aLineEndsAtCR() {
        #expect(feed(Array("4006381333931\r".utf8)) == [.success("4006381333931")])
    }

    @Test func crLFEndsOneLineNotTwo() {
        #expect(feed(Array("12\r\n34\r\n".utf8)) == [.success("12"), .success("34")])
    }

    @Test func aLineSplitAcrossReadsIsJoined() {
        #expect(feed(Array("4006".utf8), Array("381333931".utf8), [0x0D]) == [.success("4006381333931")])
        #expect(feed(Array("12\r".utf8), Array("\n34\n".utf8)) == [.success("12"), .success("34")])
    }

    @Test func aControlByteInsideALineMakesItAnError() {
        #expect(feed([0x31, 0x00, 0x32, 0x0D, 0x33, 0x0D]) == [.failure(.unprintableByte(0x00)), .success("3")])
    }

    @Test func aLineLongerThanTheLimitIsAnError() {
        #expect(feed(Array("123456\r".utf8), maxLength: 5) == [.failure(.tooLong(limit: 5))])
    }
}

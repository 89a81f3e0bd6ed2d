import KassaCore
import DeviceTestSupport
import Testing
@testable import KassaDevices

/// Scanners and card readers: lines in, barcodes, swipes or errors out.
@Suite struct InputReaderTests {
    let loop = ManualLoop()

    func reader(_ role: InputReader.Role, _ encoding: InputReader.Encoding) -> (InputReader, FakeLink, Box) {
        let r = InputReader(id: "scanner", role: role, encoding: encoding, loop: loop)
        let box = Box()
        r.onInput = { box.inputs.append($0) }
        let link = FakeLink()
        r.attach(link)
        return (r, link, box)
    }

    final class Box { var inputs: [InputReader.Input] = [] }

    /// Boot keyboard reports typing `text` then Enter, each key pressed and released.
    static func reports(_ text: String) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for c in text {
            let usage: UInt8 = c == "0" ? 0x27 : 0x1E + UInt8(String(c))! - 1
            out.append([0, 0, usage, 0, 0, 0, 0, 0])
            out.append([0, 0, 0, 0, 0, 0, 0, 0])
        }
        out.append([0, 0, 0x28, 0, 0, 0, 0, 0])
        out.append([0, 0, 0, 0, 0, 0, 0, 0])
        return out
    }

    @Test func hidReportsBecomeABarcode() {
        let (r, link, box) = reader(.scanner, .hidBootKeyboard)
        for report in Self.reports("6415600550123") { link.deliver(report) }
        #expect(box.inputs == [.barcode("6415600550123")])
        #expect(r.state == .idle)
    }

    @Test func aWrongCheckDigitIsAnErrorNeverALookup() {
        let (r, link, box) = reader(.scanner, .serialText)
        link.deliver(Array("6415600550124\r".utf8))
        guard case .error(let message)? = box.inputs.first else { Issue.record("no error"); return }
        #expect(message.contains("check digit"))
        withExtendedLifetime(r) {}
    }

    @Test func aPLUOrOtherCodeWithoutCheckDigitPassesThrough() {
        let (r, link, box) = reader(.scanner, .serialText)
        link.deliver(Array("101\r\nABC-1\n".utf8))
        #expect(box.inputs == [.barcode("101"), .barcode("ABC-1")])
        withExtendedLifetime(r) {}
    }

    @Test func aScannerThatStopsMidLineLosesThatLineAsAnError() {
        let (r, link, box) = reader(.scanner, .serialText)
        link.deliver(Array("64156".utf8))
        loop.advance(250)
        link.deliver(Array("00550123\r".utf8))
        #expect(box.inputs.count == 2)
        guard case .error(let message) = box.inputs[0] else { Issue.record("expected the gap error"); return }
        #expect(message.contains("partial line"))
        #expect(box.inputs[1] == .barcode("00550123"))
        withExtendedLifetime(r) {}
    }

    @Test func garbageBytesBecomeAnErrorAndTheNextScanWorks() {
        let (r, link, box) = reader(.scanner, .serialText)
        link.deliver([0x41, 0x00, 0xFF, 0x0D])
        link.deliver(Array("101\r".utf8))
        #expect(box.inputs.count == 2)
        if case .error = box.inputs[0] {} else { Issue.record("expected an error first") }
        #expect(box.inputs[1] == .barcode("101"))
        let (r2, hid, box2) = reader(.scanner, .hidBootKeyboard)
        hid.deliver([1, 2, 3])
        if case .error = box2.inputs.first {} else { Issue.record("a short report must be an error") }
        withExtendedLifetime((r, r2)) {}
    }

    @Test func aCardReaderGivesASwipeWhoseNumberNeverPrintsInFull() {
        let (r, link, box) = reader(.cardReader, .serialText)
        link.deliver(Array("%B4111111111111111^KASSA/ANNA^2912101?;4111111111111111=2912101?\r".utf8))
        guard case .card(let swipe)? = box.inputs.first else { Issue.record("no swipe"); return }
        #expect(swipe.number == "4111111111111111")
        #expect(!"\(swipe)".contains("4111111111111111"))
        #expect(r.kind == .cardReader)
    }

    @Test func aBadSwipeIsAnError() {
        let (r, link, box) = reader(.cardReader, .serialText)
        link.deliver(Array("%Bgarbage\r".utf8))
        if case .error = box.inputs.first {} else { Issue.record("expected an error") }
        withExtendedLifetime(r) {}
    }
}

import KassaCore
import KassaDevices
import Testing

/// The bytes our driver sends read back as the printout they make: what `kassa receipt render`
/// shows of the simulated printer's file.
@Suite struct EscPosReaderTests {
    @Test func whatTheEncoderSendsReadsBackAsItsLinesStylesCodesAndCut() {
        let document: [PrintBlock] = [
            .text("Kahvila Testi", TextStyle(bold: true, alignment: .center)),
            .text("Kahvi          2,90 €"),
            .separator("="),
            .text("YHTEENSÄ       2,90 €", .total),
            .barcode("R-000123"),
            .text("Kiitos! ÄÖÅ äöå"),
            .cut,
        ]
        let pieces = EscPosReader.read(EscPos.encode(document, profile: .epson58mm))
        #expect(pieces == [
            .line("Kahvila Testi", TextStyle(bold: true, alignment: .center)),
            .line("Kahvi          2,90 €", TextStyle()),
            .line(String(repeating: "=", count: 32), TextStyle()),
            .line("YHTEENSÄ       2,90 €", .total),
            .code(kind: "CODE128", data: "R-000123"),
            .line("Kiitos! ÄÖÅ äöå", TextStyle()),
            .cut,
        ])
    }

    @Test func drawerKicksQRCodesAndOtherCommandsNeverPrintTheirBytesAsText() {
        let qrData = Array("https://kassa.example/r/1".utf8)
        let length = qrData.count + 3
        let qr: [UInt8] = [0x1D, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 0x31, 80, 0x30] + qrData
        let bytes = EscPos.Command.initialize + EscPos.drawerKick(.epson80mm) + EscPos.realtimeDrawerPulse(.epson80mm)
            + EscPos.Command.transmitPaperStatus + EscPos.Command.automaticStatusBack(0xFF) + qr
            + Array("A\n".utf8) + EscPos.Command.feedAndCut(.full, feed: 65)
        #expect(EscPosReader.read(bytes) == [.drawerKick, .drawerKick, .code(kind: "QR", data: "https://kassa.example/r/1"),
                                             .line("A", TextStyle()), .cut])
    }

    @Test func theTextShowsAlignmentOnTheLineAndStylesAfterIt() {
        let lines = EscPosReader.text([
            .line("Kahvila", TextStyle(bold: true, alignment: .center)),
            .line("TOTAL 2,90", .total),
            .line("right", TextStyle(alignment: .right)),
            .code(kind: "CODE128", data: "R-1"),
            .drawerKick,
            .cut,
        ], columns: 11)
        #expect(lines == ["  Kahvila   [bold]", "TOTAL 2,90   [bold, size 1x2]", "      right", "[CODE128: R-1]", "[drawer kick]",
                          "----- cut -----"])
    }
}

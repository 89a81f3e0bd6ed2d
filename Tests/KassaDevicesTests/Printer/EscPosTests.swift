import Testing
import KassaCore
@testable import KassaDevices

/// Splits printer bytes into whole commands by the lengths ESC/POS defines, failing on a byte
/// that starts no command we send, so a command cut short or a stray control byte is caught.
private func tokenize(_ bytes: [UInt8]) -> [[UInt8]]? {
    var tokens: [[UInt8]] = []
    var i = 0
    while i < bytes.count {
        let length: Int
        switch (bytes[i], i + 1 < bytes.count ? bytes[i + 1] : nil) {
        case (0x1B, 0x40): length = 2
        case (0x1B, 0x74), (0x1B, 0x45), (0x1B, 0x61), (0x1B, 0x21), (0x1D, 0x21): length = 3
        case (0x1D, 0x56): length = 4
        case (0x0A, _): length = 1
        case (let byte, _) where byte >= 0x20: length = 1
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        tokens.append(Array(bytes[i..<(i + length)]))
        i += length
    }
    return tokens
}

@Suite struct EscPosCommandTests {
    @Test func commandBuildersSendTheBytesOfDevicesMd() {
        #expect(EscPos.Command.initialize == [0x1B, 0x40])
        #expect(EscPos.Command.codePage(19) == [0x1B, 0x74, 19])
        #expect(EscPos.Command.bold(true) == [0x1B, 0x45, 1])
        #expect(EscPos.Command.bold(false) == [0x1B, 0x45, 0])
        #expect(EscPos.Command.underline(true) == [0x1B, 0x2D, 1])
        #expect(EscPos.Command.printMode() == [0x1B, 0x21, 0])
        #expect(EscPos.Command.printMode(fontB: true) == [0x1B, 0x21, 0x01])
        #expect(EscPos.Command.printMode(bold: true) == [0x1B, 0x21, 0x08])
        #expect(EscPos.Command.printMode(doubleHeight: true) == [0x1B, 0x21, 0x10])
        #expect(EscPos.Command.printMode(doubleWidth: true) == [0x1B, 0x21, 0x20])
        #expect(EscPos.Command.printMode(underline: true) == [0x1B, 0x21, 0x80])
        #expect(EscPos.Command.characterSize(width: 1, height: 1) == [0x1D, 0x21, 0x00])
        #expect(EscPos.Command.characterSize(width: 2, height: 3) == [0x1D, 0x21, 0x12])
        #expect(EscPos.Command.align(.left) == [0x1B, 0x61, 0])
        #expect(EscPos.Command.align(.center) == [0x1B, 0x61, 1])
        #expect(EscPos.Command.align(.right) == [0x1B, 0x61, 2])
        #expect(EscPos.Command.feedAndCut(.full, feed: 3) == [0x1D, 0x56, 0x41, 3])
        #expect(EscPos.Command.feedAndCut(.partial, feed: 3) == [0x1D, 0x56, 0x42, 3])
        #expect(EscPos.Command.automaticStatusBack(0xFF) == [0x1D, 0x61, 0xFF])
        #expect(EscPos.Command.printerID(.firmware) == [0x1D, 0x49, 65])
        #expect(EscPos.Command.printerID(.fonts) == [0x1D, 0x49, 69])
        #expect(EscPos.realtimeStatus(.printer) == [0x10, 0x04, 1])
        #expect(EscPos.realtimeStatus(.paperSensor) == [0x10, 0x04, 4])
    }

    @Test func drawerKickUsesTheProfilesPinAndPulse() {
        #expect(EscPos.drawerKick(.epson80mm) == [0x1B, 0x70, 0x00, 0x19, 0xFA])
        var pin5 = PrinterProfile.epson80mm
        pin5.drawerPin = .pin5
        pin5.pulseOn = 0x32
        pin5.pulseOff = 0x64
        #expect(EscPos.drawerKick(pin5) == [0x1B, 0x70, 0x01, 0x32, 0x64])
    }

    @Test func realtimeDrawerPulseUsesTheProfilesPinAndLength() {
        #expect(EscPos.realtimeDrawerPulse(.epson80mm) == [0x10, 0x14, 0x01, 0x00, 0x01])
        var pin5 = PrinterProfile.epson80mm
        pin5.drawerPin = .pin5
        pin5.realtimePulse = 3
        #expect(EscPos.realtimeDrawerPulse(pin5) == [0x10, 0x14, 0x01, 0x01, 0x03])
    }
}

@Suite struct EscPosEncoderTests {
    @Test func aJobStartsWithInitialiseAndTheProfilesCodePage() {
        let bytes = EscPos.encode([.text("Kassa")], profile: .epson80mm)
        #expect(bytes == joined([0x1B, 0x40, 0x1B, 0x74, 19], Array("Kassa".utf8), [0x0A]))
    }

    @Test func plainLinesEndWithTheProfilesFeedAndCut() {
        var full = PrinterProfile.epson58mm
        full.cut = .full
        full.cutFeed = 0x10
        #expect(EscPos.encode(lines: ["a", "b"], profile: full)
                == [0x1B, 0x40, 0x1B, 0x74, 19, 0x61, 0x0A, 0x62, 0x0A, 0x1D, 0x56, 0x41, 0x10])
        #expect(EscPos.encode(lines: [], profile: .epson58mm).suffix(4) == [0x1D, 0x56, 0x42, 0x00])
    }

    @Test func aVoucherCodeIsACentredCode128BarcodeWithItsTextUnderIt() {
        let code = "V-TILL-1-0007-K"
        let bytes = EscPos.encode([.barcode(code), .text("Balance")], profile: .epson80mm)
        // 15 characters: 11 × 17 + 13 modules and two quiet zones of 10 are 220 modules, which fit
        // 576 dots at 2 dots a module.
        let expected = joined(
            [0x1B, 0x40, 0x1B, 0x74, 19],
            [0x1B, 0x61, 1], [0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x48, 2],
            [0x1D, 0x6B, 73, 17], Array("{B".utf8), Array(code.utf8),
            [0x1B, 0x61, 0], Array("Balance".utf8), [0x0A])
        #expect(bytes == expected)
        // A shorter code is printed wider where it fits: 176 modules × 3 on 80 mm, × 2 on 58 mm.
        #expect(EscPos.code128ModuleWidth("V-R1-0001-X", .epson80mm) == 3)
        #expect(EscPos.code128ModuleWidth("V-R1-0001-X", .epson58mm) == 2)
    }

    @Test func aCodeTooWideOrNotPrintableAsCode128IsPrintedAsBoldText() {
        let wide = "V-TILL-1-0007-K"
        #expect(EscPos.code128ModuleWidth(wide, .epson58mm) == nil)
        let bytes = EscPos.encode([.barcode(wide)], profile: .epson58mm)
        #expect(bytes == joined([0x1B, 0x40, 0x1B, 0x74, 19], [0x1B, 0x45, 1, 0x1B, 0x61, 1], Array(wide.utf8), [0x0A]))
        #expect(EscPos.code128ModuleWidth("KÄSSA", .epson80mm) == nil)
        #expect(EscPos.code128ModuleWidth("{C12", .epson80mm) == nil)
        #expect(!EscPos.encode([.barcode("KÄSSA")], profile: .epson80mm).contains(0x6B))
    }

    @Test func stylesAreSentOnlyWhenTheyChange() {
        let bytes = EscPos.encode([
            .text("Kuitti", TextStyle(alignment: .center)),
            .text("Kahvi"),
            .text("YHTEENSÄ 3,50", .total),
            .text("Kiitos"),
        ], profile: .epson80mm)
        // Joined from parts: Swift 6.0's type checker gives up on one long `+` chain.
        let expected = joined(
            [0x1B, 0x40, 0x1B, 0x74, 19],
            [0x1B, 0x61, 1], Array("Kuitti".utf8), [0x0A],
            [0x1B, 0x61, 0], Array("Kahvi".utf8), [0x0A],
            [0x1B, 0x45, 1, 0x1D, 0x21, 0x01], Array("YHTEENS".utf8), [0x8E], Array(" 3,50".utf8), [0x0A],
            [0x1B, 0x45, 0, 0x1D, 0x21, 0x00], Array("Kiitos".utf8), [0x0A])
        #expect(bytes == expected)
    }

    @Test func separatorFillsTheLineAndFeedSendsLineFeeds() {
        let bytes = EscPos.encode([.separator("="), .feed(lines: 2)], profile: .epson58mm)
        #expect(bytes == joined([0x1B, 0x40, 0x1B, 0x74, 19], [UInt8](repeating: 0x3D, count: 32), [0x0A, 0x0A, 0x0A]))
    }

    @Test func textIsCutAtTheLineEndOfItsWidth() {
        let long = String(repeating: "x", count: 40)
        let normal = EscPos.encode([.text(long)], profile: .epson58mm)
        #expect(normal.filter { $0 == 0x78 }.count == 32)
        let wide = EscPos.encode([.text(long, TextStyle(width: 2))], profile: .epson58mm)
        #expect(wide.filter { $0 == 0x78 }.count == 16)
    }

    @Test func controlCharactersInTextNeverReachThePrinterAsCommands() {
        let bytes = EscPos.encode([.text("a\u{1B}@b\u{10}\u{14}c\u{1D}V")], profile: .epson80mm)
        #expect(Array(bytes.dropFirst(5)) == joined(Array("a?@b??c?V".utf8), [0x0A]))
    }

    @Test func everyPieceOfAJobIsWholeCommandsSoRealtimeCommandsGoOnlyBetweenThem() throws {
        let document: [PrintBlock] = [
            .text("Kahvi €", TextStyle(bold: true, width: 2, height: 2, alignment: .right)),
            .separator(), .text("Tee\u{10}\u{14}\u{01}"), .feed(lines: 3), .cut,
        ]
        let pieces = EscPos.commands(document, profile: .epson80mm)
        for piece in pieces {
            let tokens = try #require(tokenize(piece), "piece \(piece) is not whole commands")
            // A piece is one command, or one line of text and its line feed.
            #expect(tokens.count == 1 || piece.last == 0x0A)
        }
        #expect(Array(pieces.joined()) == EscPos.encode(document, profile: .epson80mm))
        #expect(tokenize(EscPos.encode(document, profile: .epson80mm)) != nil)
    }
}

@Suite struct EscPosReplyTests {
    @Test func realtimeRepliesAndAutomaticStatusHeadersAreToldApartByTheirBits() {
        #expect(EscPos.isRealtimeStatusReply(0x12))
        #expect(EscPos.isRealtimeStatusReply(0x7E))
        #expect(!EscPos.isRealtimeStatusReply(0x10))
        #expect(!EscPos.isRealtimeStatusReply(0x92))
        #expect(EscPos.isAutomaticStatusHeader(0x10))
        #expect(EscPos.isAutomaticStatusHeader(0x14))
        #expect(!EscPos.isAutomaticStatusHeader(0x12))
        #expect(!EscPos.isAutomaticStatusHeader(0x11))
        for byte in UInt8.min...UInt8.max {
            #expect(!(EscPos.isRealtimeStatusReply(byte) && EscPos.isAutomaticStatusHeader(byte)))
        }
    }

    @Test func allWellDecodesToNoProblemForEveryRequest() throws {
        for request in EscPos.StatusRequest.allCases {
            let status = try #require(EscPos.decodeStatus(n: request, byte: 0x12))
            #expect(status.deviceStatuses(.epson80mm).allSatisfy { $0 == .drawerClosed })
        }
    }

    @Test func printerStatusReportsDrawerSensorAndOffline() throws {
        #expect(EscPos.decodeStatus(n: .printer, byte: 0x16)?.drawerSensorHigh == true)
        #expect(EscPos.decodeStatus(n: .printer, byte: 0x12)?.drawerSensorHigh == false)
        #expect(EscPos.decodeStatus(n: .printer, byte: 0x1A)?.offline == true)
        #expect(EscPos.decodeStatus(n: .printer, byte: 0x12)?.offline == false)
    }

    @Test func offlineCauseReportsCoverPaperEndStopAndError() throws {
        let cover = try #require(EscPos.decodeStatus(n: .offlineCause, byte: 0x16))
        #expect(cover.coverOpen == true && cover.stoppedAtPaperEnd == false && cover.error == false)
        #expect(EscPos.decodeStatus(n: .offlineCause, byte: 0x32)?.stoppedAtPaperEnd == true)
        #expect(EscPos.decodeStatus(n: .offlineCause, byte: 0x52)?.error == true)
    }

    @Test func errorCauseReportsCutterUnrecoverableAndAutoRecoverable() throws {
        let cutter = try #require(EscPos.decodeStatus(n: .errorCause, byte: 0x1A))
        #expect(cutter.cutterError == true && cutter.unrecoverableError == false && cutter.autoRecoverableError == false)
        #expect(EscPos.decodeStatus(n: .errorCause, byte: 0x32)?.unrecoverableError == true)
        #expect(EscPos.decodeStatus(n: .errorCause, byte: 0x52)?.autoRecoverableError == true)
    }

    @Test func paperSensorReportsNearEndAndOut() throws {
        #expect(EscPos.decodeStatus(n: .paperSensor, byte: 0x1E)?.paperNearEnd == true)
        #expect(EscPos.decodeStatus(n: .paperSensor, byte: 0x1E)?.paperOut == false)
        #expect(EscPos.decodeStatus(n: .paperSensor, byte: 0x72)?.paperOut == true)
        #expect(EscPos.decodeStatus(n: .paperSensor, byte: 0x7E)?.deviceStatuses(.epson80mm) == [.paperOut])
        #expect(EscPos.decodeStatus(n: .paperSensor, byte: 0x1E)?.deviceStatuses(.epson80mm) == [.paperNearEnd])
    }

    @Test func aByteNotShapedLikeAStatusReplyIsNoStatus() {
        #expect(EscPos.decodeStatus(n: .printer, byte: 0x14) == nil)
        #expect(EscPos.decodeStatus(n: .paperSensor, byte: 0x00) == nil)
    }

    @Test func drawerOpenFollowsTheProfilesSensorPolarity() throws {
        let high = try #require(EscPos.decodeStatus(n: .printer, byte: 0x16))
        var lowMeansOpen = PrinterProfile.epson80mm
        lowMeansOpen.drawerOpenLevel = .low
        #expect(high.deviceStatuses(.epson80mm) == [.drawerOpen])
        #expect(high.deviceStatuses(lowMeansOpen) == [.drawerClosed])
    }

    @Test func partialRepliesMergeIntoOnePicture() throws {
        let printer = try #require(EscPos.decodeStatus(n: .printer, byte: 0x1A))
        let cover = try #require(EscPos.decodeStatus(n: .offlineCause, byte: 0x16))
        let merged = printer.merging(cover)
        #expect(merged.offline == true && merged.coverOpen == true && merged.paperOut == nil)
        #expect(merged.deviceStatuses(.epson80mm) == [.coverOpen, .offline, .drawerClosed])
    }

    @Test func automaticStatusMessagesDecodeAllFourBytes() throws {
        let status = try #require(EscPos.decodeAutomaticStatus([0x3C, 0x48, 0x0F, 0x00]))
        #expect(status.drawerSensorHigh == true && status.offline == true && status.coverOpen == true)
        #expect(status.cutterError == true && status.autoRecoverableError == true && status.unrecoverableError == false)
        #expect(status.paperNearEnd == true && status.paperOut == true)
        #expect(EscPos.decodeAutomaticStatus([0x12, 0, 0, 0]) == nil)
        #expect(EscPos.decodeAutomaticStatus([0x10, 0, 0]) == nil)
    }

    @Test func aReplyStreamSplitsIntoStatusASBAndPrinterID() {
        let stream = joined([0x12, 0x14, 0x00, 0x03, 0x00, 0x5F], Array("TM-T20".utf8), [0x00, 0xFF, 0x16, 0x10, 0x00])
        let (replies, rest) = EscPos.splitReplies(stream)
        #expect(replies == [
            .realtimeStatus(0x12), .automaticStatus([0x14, 0x00, 0x03, 0x00]), .printerID("TM-T20"),
            .unknown(0xFF), .realtimeStatus(0x16),
        ])
        #expect(rest == [0x10, 0x00])
        #expect(EscPos.splitReplies([0x5F, 0x41]).rest == [0x5F, 0x41])
    }
}

/// Byte parts joined into one sequence.
func joined(_ parts: [UInt8]...) -> [UInt8] { parts.flatMap { $0 } }

import KassaCore
import KassaDevices
import KassaIPC
import KassaJournal

/// What each fuzz target does with one input: feed it to a decoder the outside world reaches
/// (a client's line, a journal file, a catalog, a scanner, a printer, a card). Any input must end
/// in a value or a typed error: never a crash, a hang or a leak. The libFuzzer targets in
/// `Targets/` call these, and `CorpusTests` replays the committed corpus through them.
public enum FuzzInputs {
    public static let targets: [String: @Sendable ([UInt8]) -> Void] = [
        "csv": catalogCSV, "codec": eventCodec, "ipc": ipcLines, "journal": journalSegment, "devices": deviceBytes,
    ]

    public static func catalogCSV(_ bytes: [UInt8]) {
        _ = try? CatalogCSV.parse(bytes, currency: .EUR, taxClasses: ["A", "B", "C", "Z"],
                                  embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
    }

    public static func eventCodec(_ bytes: [UInt8]) {
        if let event = try? EventCodec.decode(bytes) {
            // What decodes must encode back to the same event.
            precondition((try? EventCodec.decode(EventCodec.encode(event))) == event, "event codec round trip")
        }
        _ = try? EventCodec.decodeState(bytes)
    }

    /// Bytes as a client's socket delivers them: framed into lines, parsed as JSON, decoded as requests.
    public static func ipcLines(_ bytes: [UInt8]) {
        var reader = LineReader(maximumLength: 4096)
        // In two pieces, as reads split them.
        let cut = bytes.count / 2
        reader.append(Array(bytes[..<cut]))
        reader.append(Array(bytes[cut...]))
        while let line = reader.next() {
            guard case .line(let text) = line else { continue }
            guard let json = try? JSONValue.parse(text) else { continue }
            _ = try? Request(json: json)
            _ = json.serialized()
        }
    }

    /// Bytes as a journal segment file: open (with recovery), verify, salvage.
    public static func journalSegment(_ bytes: [UInt8]) {
        let fs = InMemoryFileSystem()
        guard (try? fs.makeDirectory("/s")) != nil, (try? fs.makeDirectory("/s/journal")) != nil,
              let file = try? fs.open("/s/journal/seg-0000000000000001.kj", .createNew) else { return }
        bytes.withUnsafeBytes { _ = try? file.write($0, at: 0) }
        _ = try? file.dataSync()
        if let reader = try? JournalReader(stateDirectory: "/s", fileSystem: fs) {
            _ = try? reader.verify()
        }
        _ = try? JournalSalvage.salvage(stateDirectory: "/s", fileSystem: fs) { _ in }
        var options = JournalOptions(registerID: 1)
        options.reservationChunk = 4096
        _ = try? Journal.open(stateDirectory: "/s", options: options, fileSystem: fs, warning: { _ in })
    }

    /// Bytes from devices: HID reports from a scanner, a printer's replies, a card reader's lines.
    public static func deviceBytes(_ bytes: [UInt8]) {
        var hid = ScannerLineAssembler()
        var i = 0
        while i < bytes.count {
            let n = Int(bytes[i] % 10)
            _ = hid.feed(Array(bytes[i..<min(bytes.count, i + n)]))
            i += max(1, n)
        }
        _ = try? HIDPOS.decode(bytes, hasReportID: bytes.first.map { $0 & 1 == 1 } ?? false)
        var serial = SerialScannerAssembler()
        for line in serial.feed(bytes) {
            if case .success(let text) = line { _ = try? MagStripe.parse(text) }
        }
        let (replies, _) = EscPos.splitReplies(bytes)
        for reply in replies {
            if case .realtimeStatus(let b) = reply { _ = EscPos.decodeStatus(n: .paperSensor, byte: b) }
            if case .automaticStatus(let m) = reply { _ = EscPos.decodeAutomaticStatus(m) }
        }
        _ = IEEE1284ID(reply: bytes)
        _ = CardNumberMasker.maskAll(in: String(decoding: bytes, as: UTF8.self))
    }
}

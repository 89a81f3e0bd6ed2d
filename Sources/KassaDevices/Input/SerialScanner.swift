/// Barcode scanners in serial mode (RS-232, USB-serial or CDC-ACM): ASCII text, one barcode a line.
public struct SerialScannerAssembler: Sendable {
    private var line: ScanLine
    /// Set after a CR so the LF of a CR LF pair does not end a second, empty line.
    private var afterCR = false

    public init(maxLength: Int = 128) {
        line = ScanLine(maxLength: maxLength)
    }

    /// Drops an unfinished line; true if there was one.
    public mutating func abandon() -> Bool {
        defer { line = ScanLine(maxLength: line.maxLength) }
        return !line.isEmpty
    }

    /// The scans these bytes complete. A line ends at CR, CR LF or a lone LF (scanners are set
    /// up with either suffix); bytes of an unfinished line wait for the next read.
    public mutating func feed(_ bytes: [UInt8]) -> [Result<String, ScanError>] {
        var scans: [Result<String, ScanError>] = []
        for byte in bytes {
            defer { afterCR = byte == 0x0D }
            switch byte {
            case 0x0D:
                if let scan = line.finish() { scans.append(scan) }
            case 0x0A:
                if !afterCR, let scan = line.finish() { scans.append(scan) }
            case 0x20...0x7E:
                line.append(Character(Unicode.Scalar(byte)))
            default:
                line.reject(.unprintableByte(byte))
            }
        }
        return scans
    }
}

import KassaCore

/// Reads ESC/POS bytes back as what a printer would put on paper: the subset our driver sends
/// (`EscPos.commands`), so a printout written to a file (the simulated printer's) can be checked
/// the way a real printer's is. Text, bold and character size, alignment, cuts and drawer kicks
/// come out as they are; a barcode or QR code as a placeholder line with its data; every other
/// command is skipped whole, so its parameter bytes never print as text.
public enum EscPosReader {
    public enum Piece: Sendable, Hashable {
        case line(String, TextStyle)
        /// A CODE128 barcode (`kind` `CODE128`) or a QR code (`QR`), with its data.
        case code(kind: String, data: String)
        case cut
        case drawerKick
    }

    /// The pieces `bytes` print, in order; `table` reads text bytes until a `1B 74 n` names
    /// another code page by Epson's number (19 PC858, 16 WPC1252, 40 ISO-8859-15).
    public static func read(_ bytes: [UInt8], table: CharacterTable = .pc858) -> [Piece] {
        var pieces: [Piece] = []
        var style = TextStyle()
        var table = table
        var text = ""
        var i = 0
        func byte(_ offset: Int) -> UInt8? { i + offset < bytes.count ? bytes[i + offset] : nil }
        func endLine() {
            pieces.append(.line(text, style))
            text = ""
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A:
                endLine()
                i += 1
            case 0x1B:
                switch byte(1) {
                case 0x40: style = TextStyle(); i += 2
                case 0x45: style.bold = (byte(2) ?? 0) & 1 == 1; i += 3
                case 0x21:
                    let n = byte(2) ?? 0
                    style.bold = n & 0x08 != 0
                    style.height = n & 0x10 != 0 ? 2 : 1
                    style.width = n & 0x20 != 0 ? 2 : 1
                    i += 3
                case 0x61:
                    let n = (byte(2) ?? 0) % 0x30
                    style.alignment = n == 1 ? .center : n == 2 ? .right : .left
                    i += 3
                case 0x74:
                    table = codePages[byte(2) ?? 0] ?? table
                    i += 3
                case 0x70:
                    pieces.append(.drawerKick)
                    i += 5
                case 0x2D, 0x4D, 0x64, 0x4A: i += 3
                default: i += 2
                }
            case 0x1D:
                switch byte(1) {
                case 0x21:
                    let n = byte(2) ?? 0
                    style.width = Int(n >> 4 & 0x07) + 1
                    style.height = Int(n & 0x07) + 1
                    i += 3
                case 0x56:
                    if !text.isEmpty { endLine() }
                    pieces.append(.cut)
                    // `1D 56 41 n` and `1D 56 42 n` carry a feed; `1D 56 0|1|48|49` do not.
                    i += (byte(2) ?? 0) >= 0x41 ? 4 : 3
                case 0x6B:
                    let m = Int(byte(2) ?? 0)
                    if m >= 65 {
                        let n = Int(byte(3) ?? 0)
                        let data = Array(bytes[min(bytes.count, i + 4)..<min(bytes.count, i + 4 + n)])
                        // Code set B is chosen by its first two bytes `{B`.
                        let shown = data.starts(with: [0x7B, 0x42]) ? Array(data.dropFirst(2)) : data
                        pieces.append(.code(kind: m == 73 ? "CODE128" : "barcode", data: String(decoding: shown, as: UTF8.self)))
                        i += 4 + n
                    } else {
                        let end = bytes[min(bytes.count, i + 3)...].firstIndex(of: 0) ?? bytes.count
                        pieces.append(.code(kind: "barcode", data: String(decoding: bytes[min(bytes.count, i + 3)..<end], as: UTF8.self)))
                        i = end + 1
                    }
                case 0x28:
                    // `1D 28 6B pL pH cn fn …`: a 2D code; function 80 stores its data.
                    let length = Int(byte(3) ?? 0) | Int(byte(4) ?? 0) << 8
                    if byte(2) == 0x6B, byte(6) == 80, length >= 3 {
                        let from = min(bytes.count, i + 8)
                        pieces.append(.code(kind: "QR", data: String(decoding: bytes[from..<min(bytes.count, i + 5 + length)], as: UTF8.self)))
                    }
                    i += 5 + length
                case 0x72, 0x49, 0x61, 0x68, 0x77, 0x48, 0x66: i += 3
                default: i += 2
                }
            case 0x10:
                if byte(1) == 0x14 {
                    pieces.append(.drawerKick)
                    i += 5
                } else {
                    i += 3
                }
            default:
                if let c = table.character(for: b) { text.append(c) }
                i += 1
            }
        }
        if !text.isEmpty { endLine() }
        return pieces
    }

    /// Just the printed lines' text, for a test or a search of what was printed.
    public static func printedLines(_ bytes: [UInt8]) -> [String] {
        read(bytes).compactMap { piece in
            if case .line(let text, _) = piece { return text }
            return nil
        }
    }

    /// The pieces as text lines for a person at `columns` characters: text aligned as printed,
    /// bold and enlarged lines marked after it, codes, cuts and kicks as lines of their own.
    public static func text(_ pieces: [Piece], columns: Int) -> [String] {
        pieces.map { piece in
            switch piece {
            case .line(let text, let style):
                let width = max(1, columns / style.width)
                let aligned = style.alignment == .left ? text
                    : TextLayout.pad(text, to: width, alignment: style.alignment).trimmingTrailingSpaces()
                var marks: [String] = []
                if style.bold { marks.append("bold") }
                if style.width > 1 || style.height > 1 { marks.append("size \(style.width)x\(style.height)") }
                return marks.isEmpty ? aligned : aligned + "   [" + marks.joined(separator: ", ") + "]"
            case .code(let kind, let data): return "[\(kind): \(data)]"
            case .cut: return "----- cut -----"
            case .drawerKick: return "[drawer kick]"
            }
        }
    }

    static let codePages: [UInt8: CharacterTable] = [19: .pc858, 16: .wpc1252, 40: .iso8859_15]
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

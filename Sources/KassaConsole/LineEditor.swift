/// Line editing for a dumb terminal on a serial line, byte by byte: what a technician's terminal
/// program sends goes in, the echo and finished lines come out. It never emits an ANSI sequence;
/// erasing is backspace, space, backspace, which every terminal understands.
///
/// CR, LF and CRLF all end a line; backspace and DEL erase a character, Ctrl-U the line, Ctrl-C
/// abandons it and Ctrl-D on an empty line logs out. Arrow keys (ESC [ A / ESC O A) walk a short
/// history. Other control bytes, stray escape sequences and invalid UTF-8 are noise and dropped.
public struct LineEditor {
    public enum Event: Equatable, Sendable {
        case line(String)
        /// Ctrl-C: the line was abandoned.
        case abandoned
        /// Ctrl-D on an empty line.
        case endOfInput
        /// Enter on a line that had grown past `maximumLength`: nothing of it is run.
        case tooLong
    }

    public let maximumLength: Int
    public let historySize: Int
    /// While set, nothing typed is echoed (a PIN) and the line stays out of the history.
    public var secret = false
    public private(set) var history: [String] = []

    private var line: [Character] = []
    private var overflowed = false
    private var lastWasCR = false
    private var escape: EscapeState = .none
    private var utf8: [UInt8] = []
    private var utf8Expected = 0
    private var historyIndex: Int?
    /// Bytes to send back to the terminal.
    private var echo: [UInt8] = []

    private enum EscapeState { case none, escape, csi, ss3 }

    public init(maximumLength: Int = 200, historySize: Int = 20) {
        self.maximumLength = maximumLength
        self.historySize = historySize
    }

    /// What has been typed on the current line so far.
    public var current: String { String(line) }

    /// The echo produced since the last call.
    public mutating func takeEcho() -> [UInt8] {
        defer { echo.removeAll(keepingCapacity: true) }
        return echo
    }

    public mutating func feed(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        for b in bytes { if let e = feed(b) { events.append(e) } }
        return events
    }

    public mutating func feed(_ byte: UInt8) -> Event? {
        let afterCR = lastWasCR
        lastWasCR = false
        switch escape {
        case .escape:
            escape = byte == 0x5B ? .csi : byte == 0x4F ? .ss3 : .none
            return nil
        case .csi, .ss3:
            // Parameters and intermediates go by; a final byte ends the sequence.
            if (0x40...0x7E).contains(byte) {
                escape = .none
                if byte == 0x41 { recallHistory(older: true) }
                if byte == 0x42 { recallHistory(older: false) }
            } else if !(0x20...0x3F).contains(byte) {
                escape = .none
            }
            return nil
        case .none:
            break
        }
        if utf8Expected > 0 {
            guard byte & 0xC0 == 0x80 else {
                utf8.removeAll()
                utf8Expected = 0
                return feed(byte)
            }
            utf8.append(byte)
            if utf8.count == utf8Expected {
                let text = String(decoding: utf8, as: UTF8.self)
                utf8.removeAll()
                utf8Expected = 0
                if !text.unicodeScalars.contains(where: { $0 == "\u{FFFD}" }) { append(text) }
            }
            return nil
        }
        switch byte {
        case 0x0D:
            lastWasCR = true
            return finish()
        case 0x0A:
            return afterCR ? nil : finish()
        case 0x08, 0x7F:
            if !line.isEmpty {
                let removed = line.removeLast()
                if !secret { erase(removed) }
            }
            if line.isEmpty { overflowed = false }
            return nil
        case 0x15:
            clearLine()
            overflowed = false
            return nil
        case 0x03:
            line.removeAll()
            overflowed = false
            historyIndex = nil
            echo += Array("^C\r\n".utf8)
            return .abandoned
        case 0x04:
            return line.isEmpty ? .endOfInput : nil
        case 0x1B:
            escape = .escape
            return nil
        case 0x20...0x7E:
            append(String(UnicodeScalar(byte)))
            return nil
        case 0xC2...0xDF:
            utf8 = [byte]; utf8Expected = 2
            return nil
        case 0xE0...0xEF:
            utf8 = [byte]; utf8Expected = 3
            return nil
        case 0xF0...0xF4:
            utf8 = [byte]; utf8Expected = 4
            return nil
        default:
            // Other control bytes and stray UTF-8 continuation bytes: line noise.
            return nil
        }
    }

    private mutating func append(_ text: String) {
        for c in text {
            guard !c.isNewline else { continue }
            guard line.count < maximumLength else {
                if !overflowed { echo.append(0x07) }
                overflowed = true
                return
            }
            line.append(c)
            if !secret { echo += Array(String(c).utf8) }
        }
    }

    private mutating func finish() -> Event {
        echo += Array("\r\n".utf8)
        let text = String(line)
        let wasTooLong = overflowed
        line.removeAll()
        overflowed = false
        historyIndex = nil
        if wasTooLong { return .tooLong }
        if !secret, !text.trimmingSpaces.isEmpty, history.last != text {
            history.append(text)
            if history.count > historySize { history.removeFirst() }
        }
        return .line(text)
    }

    private mutating func erase(_ c: Character) {
        // A wide character takes two cells; everything else we let through takes one.
        let cells = c.unicodeScalars.first.map { $0.value >= 0x1100 && isWide($0.value) } == true ? 2 : 1
        for _ in 0..<cells { echo += [0x08, 0x20, 0x08] }
    }

    private func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
    }

    private mutating func clearLine() {
        if !secret { for c in line.reversed() { erase(c) } }
        line.removeAll()
    }

    private mutating func recallHistory(older: Bool) {
        guard !secret, !history.isEmpty else { return }
        var index = historyIndex ?? history.count
        index += older ? -1 : 1
        guard index >= 0 else { return }
        clearLine()
        if index >= history.count {
            historyIndex = nil
            return
        }
        historyIndex = index
        append(history[index])
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }
}

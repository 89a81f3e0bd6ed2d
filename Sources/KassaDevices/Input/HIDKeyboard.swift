import KassaCore

/// Barcode scanners in USB HID mode: boot keyboard reports (keyboard wedge) and HID POS reports.
///
/// Usages are decoded with our own US table, which is what scanners emit, never through the
/// console's keyboard layout: a Finnish layout would turn a scanned `-` into `+`.

/// One 8-byte boot keyboard report: modifier bits, a reserved byte, up to six usages held down.
public struct BootKeyboardReport: Sendable, Hashable {
    public var modifiers: UInt8
    /// The usages held, in report order, without the empty (0) slots.
    public var usages: [UInt8]

    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 8 else { return nil }
        modifiers = bytes[0]
        usages = bytes[2...].filter { $0 != 0 }
    }

    /// Left shift is modifier bit 1, right shift bit 5.
    public var shift: Bool { modifiers & 0x22 != 0 }

    /// Control, Alt or GUI held: the key is a command (a scanner sends Ctrl+] for GS1's group
    /// separator), not the character printed on it.
    public var isChord: Bool { modifiers & 0xDD != 0 }

    /// Usages 1–3 (ErrorRollOver, POSTFail, ErrorUndefined) fill every slot when the keyboard
    /// cannot tell which keys are down: such a report says nothing about presses or releases.
    public var isError: Bool { usages.contains { (0x01...0x03).contains($0) } }
}

public enum KeyEvent: Sendable, Hashable {
    case character(Character)
    case enter
    case tab
    /// A key outside our table, or pressed with Control, Alt or GUI: a scanner sending it is
    /// misconfigured (or is not a scanner).
    case unmapped(usage: UInt8)
}

public enum HIDKeyboard {
    /// What pressing `usage` types on a US layout.
    public static func event(usage: UInt8, shift: Bool) -> KeyEvent {
        switch usage {
        case 0x04...0x1D:
            let letter = Character(Unicode.Scalar(UInt8(ascii: shift ? "A" : "a") + usage - 0x04))
            return .character(letter)
        case 0x28, 0x58: return .enter
        case 0x2B: return .tab
        case 0x2C: return .character(" ")
        default:
            if let pair = pairs[usage] { return .character(shift ? pair.shifted : pair.plain) }
            // Keypad keys type the same with or without shift (num lock assumed, as scanners do).
            if let keypad = keypad[usage] { return .character(keypad) }
            return .unmapped(usage: usage)
        }
    }

    private static let pairs: [UInt8: (plain: Character, shifted: Character)] = [
        0x1E: ("1", "!"), 0x1F: ("2", "@"), 0x20: ("3", "#"), 0x21: ("4", "$"), 0x22: ("5", "%"),
        0x23: ("6", "^"), 0x24: ("7", "&"), 0x25: ("8", "*"), 0x26: ("9", "("), 0x27: ("0", ")"),
        0x2D: ("-", "_"), 0x2E: ("=", "+"), 0x2F: ("[", "{"), 0x30: ("]", "}"), 0x31: ("\\", "|"),
        0x33: (";", ":"), 0x34: ("'", "\""), 0x35: ("`", "~"), 0x36: (",", "<"), 0x37: (".", ">"),
        0x38: ("/", "?"),
    ]

    private static let keypad: [UInt8: Character] = [
        0x54: "/", 0x55: "*", 0x56: "-", 0x57: "+", 0x59: "1", 0x5A: "2", 0x5B: "3", 0x5C: "4",
        0x5D: "5", 0x5E: "6", 0x5F: "7", 0x60: "8", 0x61: "9", 0x62: "0", 0x63: ".",
    ]

    /// Turns consecutive reports into key presses. A report lists every key held, so a usage
    /// counts once when it first appears and not again while it stays in the following reports;
    /// releasing and pressing it again (as in `00`) counts twice.
    public struct Decoder: Sendable {
        private var held: [UInt8] = []

        public init() {}

        public mutating func decode(_ report: BootKeyboardReport) -> [KeyEvent] {
            guard !report.isError else { return [] }
            let pressed = report.usages.filter { !held.contains($0) }
            held = report.usages
            return pressed.map { usage in
                report.isChord ? .unmapped(usage: usage) : HIDKeyboard.event(usage: usage, shift: report.shift)
            }
        }
    }
}

/// Why a scan was rejected; it becomes a scanner error event, never a crash or a lookup.
public enum ScanError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooLong(limit: Int)
    /// A key with no printable character (HID keyboard mode).
    case unprintableKey(usage: UInt8)
    /// A control or non-ASCII byte inside a line (serial mode).
    case unprintableByte(UInt8)
    /// A report that is not the size the protocol defines.
    case malformedReport(length: Int)
    /// A HID POS report that declares more data than it carries.
    case lengthBeyondReport(declared: Int, available: Int)

    public var description: String {
        switch self {
        case .tooLong(let limit): return "scan longer than \(limit) characters"
        case .unprintableKey(let usage): return "scanner sent key usage 0x\(Hex.encode([usage])), which types no character"
        case .unprintableByte(let byte): return "scanner sent byte 0x\(Hex.encode([byte])) inside a barcode"
        case .malformedReport(let length): return "scanner sent a \(length)-byte report"
        case .lengthBeyondReport(let declared, let available):
            return "scanner report declares \(declared) data bytes but carries \(available)"
        }
    }
}

/// One barcode being typed: characters until the terminator, then a barcode or the first reason
/// it is garbage. Shared by the HID and serial assemblers so both reject the same way.
struct ScanLine {
    let maxLength: Int
    private var text = ""
    private var length = 0
    private var problem: ScanError?

    init(maxLength: Int) {
        precondition(maxLength > 0, "a barcode has at least one character")
        self.maxLength = maxLength
    }

    mutating func append(_ character: Character) {
        guard problem == nil else { return }
        guard length < maxLength else { return reject(.tooLong(limit: maxLength)) }
        text.append(character)
        length += 1
    }

    mutating func reject(_ error: ScanError) {
        if problem == nil { problem = error }
    }

    var isEmpty: Bool { length == 0 && problem == nil }

    /// The line at its terminator; nil for an empty line (a stray Enter is no scan).
    mutating func finish() -> Result<String, ScanError>? {
        defer { self = ScanLine(maxLength: maxLength) }
        if let problem { return .failure(problem) }
        return text.isEmpty ? nil : .success(text)
    }
}

/// Turns a HID keyboard scanner's reports into barcodes, each completed by Enter.
public struct ScannerLineAssembler: Sendable {
    private var decoder = HIDKeyboard.Decoder()
    private var line: ScanLine

    /// `maxLength` bounds a line so a scanner stuck in a loop cannot grow memory.
    public init(maxLength: Int = 128) {
        line = ScanLine(maxLength: maxLength)
    }

    /// Drops an unfinished line (the scanner stopped typing mid-barcode); true if there was one.
    public mutating func abandon() -> Bool {
        defer { line = ScanLine(maxLength: line.maxLength) }
        return !line.isEmpty
    }

    /// The scans this report completes, oldest first (usually none or one).
    public mutating func feed(_ bytes: [UInt8]) -> [Result<String, ScanError>] {
        guard let report = BootKeyboardReport(bytes) else {
            line = ScanLine(maxLength: line.maxLength)
            return [.failure(.malformedReport(length: bytes.count))]
        }
        var scans: [Result<String, ScanError>] = []
        for event in decoder.decode(report) {
            switch event {
            case .character(let character): line.append(character)
            case .enter: if let scan = line.finish() { scans.append(scan) }
            case .tab: line.reject(.unprintableKey(usage: 0x2B))
            case .unmapped(let usage): line.reject(.unprintableKey(usage: usage))
            }
        }
        return scans
    }
}

/// A HID POS scan (usage page 0x8C): the symbology the scanner read and the raw data.
public struct HIDPOSScan: Sendable, Hashable {
    /// The AIM symbology identifier, e.g. `]E0` for EAN-13; nil when the scanner sends none.
    public var symbology: String?
    /// Raw bytes: GS1 data may carry the group separator `1D`, so this is not text.
    public var data: [UInt8]
}

public enum HIDPOS {
    public static let usagePage: UInt16 = 0x8C

    /// Decodes one input report laid out as: report id (when the device numbers its reports),
    /// data length, 3-byte AIM symbology id, data. That is the common layout; a device whose report
    /// descriptor says otherwise needs its own layout here.
    public static func decode(_ report: [UInt8], hasReportID: Bool) throws(ScanError) -> HIDPOSScan {
        let start = hasReportID ? 1 : 0
        guard report.count >= start + 4 else { throw .malformedReport(length: report.count) }
        let declared = Int(report[start])
        let aim = report[(start + 1)...(start + 3)]
        let dataStart = start + 4
        guard declared <= report.count - dataStart else {
            throw .lengthBeyondReport(declared: declared, available: report.count - dataStart)
        }
        let symbology = aim.first == UInt8(ascii: "]") ? String(decoding: aim, as: UTF8.self) : nil
        return HIDPOSScan(symbology: symbology, data: Array(report[dataStart..<(dataStart + declared)]))
    }
}

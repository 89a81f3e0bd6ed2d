import KassaCore

/// The command sets 2 × 20 pole displays speak: Epson's ESC/POS display commands, the CD5220 set
/// and Logic Controls'. The same bytes go over serial (usually 9600 8N1), USB-serial or CDC-ACM.
public enum DisplayCommandSet: String, Sendable, Hashable, CaseIterable {
    case epson, cd5220, logicControls = "logic_controls"
}

public struct DisplayProfile: Sendable, Hashable {
    public var commandSet: DisplayCommandSet
    /// The table the display's character generator is set to (by its DIP switches or setup).
    public var table: CharacterTable

    public init(commandSet: DisplayCommandSet, table: CharacterTable) {
        self.commandSet = commandSet
        self.table = table
    }
}

/// Pure encoders for customer displays: every function returns the bytes to write.
public enum CustomerDisplayProtocol {
    public static let columns = 20

    public static func initialize(_ set: DisplayCommandSet) -> [UInt8] {
        switch set {
        case .epson, .cd5220: return [0x1B, 0x40]
        case .logicControls: return [0x1F, 0x11]
        }
    }

    /// Both lines, each padded or truncated to 20 cells. Whole lines are rewritten rather than
    /// cleared first, so the display never flashes blank between two scans.
    public static func show(_ upper: String, _ lower: String, profile: DisplayProfile) -> [UInt8] {
        let upperBytes = line(upper, profile.table)
        let lowerBytes = line(lower, profile.table)
        // Built by appending: Swift 6.0's type checker times out on long `+` chains of arrays.
        var out: [UInt8] = []
        switch profile.commandSet {
        case .epson, .logicControls:
            // Explicit cursor moves: what the cursor does after the 20th column depends on the
            // display's scroll mode, so never rely on it wrapping.
            out += cursor(x: 1, y: 1, profile.commandSet)
            out += upperBytes
            out += cursor(x: 1, y: 2, profile.commandSet)
            out += lowerBytes
        case .cd5220:
            out += [0x1B, 0x51, 0x41]
            out += upperBytes
            out += [0x0D, 0x1B, 0x51, 0x42]
            out += lowerBytes
            out += [0x0D]
        }
        return out
    }

    /// Moves the cursor to column `x` (1–20) of line `y` (1–2).
    public static func cursor(x: Int, y: Int, _ set: DisplayCommandSet) -> [UInt8] {
        precondition((1...columns).contains(x) && (1...2).contains(y), "a 2 × 20 display has no such cell")
        switch set {
        case .epson: return [0x1F, 0x24, UInt8(x), UInt8(y)]
        case .cd5220: return [0x1B, 0x6C, UInt8(x), UInt8(y)]
        // Logic Controls numbers the 40 cells 0x00–0x27 from the top left.
        case .logicControls: return [0x10, UInt8((y - 1) * columns + x - 1)]
        }
    }

    /// Brightness 1 (dimmest) to 4; nil for a set without a brightness command we know.
    public static func brightness(_ level: Int, _ set: DisplayCommandSet) -> [UInt8]? {
        precondition((1...4).contains(level), "brightness is 1 to 4")
        switch set {
        case .epson: return [0x1F, 0x58, UInt8(level)]
        case .cd5220: return [0x1B, 0x2A, UInt8(level)]
        case .logicControls: return nil
        }
    }

    /// Epson set: clear the screen / move the cursor home.
    public static let epsonClear: [UInt8] = [0x0C]
    public static let epsonHome: [UInt8] = [0x0B]

    private static func line(_ text: String, _ table: CharacterTable) -> [UInt8] {
        table.encode(TextLayout.pad(text, to: columns))
    }
}

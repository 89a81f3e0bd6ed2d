import KassaCore

/// What differs between ESC/POS printer models and their drawers: the driver reads it from the
/// device table, and configuration may override it.
public struct PrinterProfile: Sendable, Hashable {
    public enum Cut: Sendable, Hashable { case full, partial }
    /// The kick connector pin the drawer is wired to.
    public enum DrawerPin: UInt8, Sendable, Hashable { case pin2 = 0, pin5 = 1 }
    /// Which sensor level (connector pin 3) means the drawer is open: drawers differ.
    public enum DrawerOpenLevel: Sendable, Hashable { case high, low }

    /// Characters per line in font A: 32 on 58 mm paper, 42 or 48 on 80 mm.
    public var columns: Int
    /// The `n` of `1B 74 n` that selects `table` on this model (vendors number pages differently).
    public var codePage: UInt8
    public var table: CharacterTable
    public var cut: Cut
    /// Motion units fed before the cut, so the last line clears the cutter.
    public var cutFeed: UInt8
    public var drawerPin: DrawerPin
    /// `1B 70` pulse: on for `pulseOn` × 2 ms, off for `pulseOff` × 2 ms.
    public var pulseOn: UInt8
    public var pulseOff: UInt8
    /// `10 14` pulse length in units of 100 ms (1–8).
    public var realtimePulse: UInt8
    public var drawerOpenLevel: DrawerOpenLevel
    /// Whether the printer answers `10 04 n`; without it status comes only from ASB or not at all.
    public var supportsRealtimeStatus: Bool

    public init(columns: Int, codePage: UInt8, table: CharacterTable, cut: Cut = .partial, cutFeed: UInt8 = 0,
                drawerPin: DrawerPin = .pin2, pulseOn: UInt8 = 0x19, pulseOff: UInt8 = 0xFA, realtimePulse: UInt8 = 1,
                drawerOpenLevel: DrawerOpenLevel = .high, supportsRealtimeStatus: Bool = true) {
        precondition((1...8).contains(realtimePulse), "the real-time pulse is 1 to 8 × 100 ms")
        self.columns = columns
        self.codePage = codePage
        self.table = table
        self.cut = cut
        self.cutFeed = cutFeed
        self.drawerPin = drawerPin
        self.pulseOn = pulseOn
        self.pulseOff = pulseOff
        self.realtimePulse = realtimePulse
        self.drawerOpenLevel = drawerOpenLevel
        self.supportsRealtimeStatus = supportsRealtimeStatus
    }

    /// Epson TM-T20/TM-T88 on 80 mm paper, PC858 for the euro sign.
    public static let epson80mm = PrinterProfile(columns: 48, codePage: 19, table: .pc858)
    /// Epson-compatible 58 mm printers.
    public static let epson58mm = PrinterProfile(columns: 32, codePage: 19, table: .pc858)
}

/// A small document for the receipt printer: lines with a style, separators, feeds and a cut.
public enum PrintBlock: Sendable, Hashable {
    case text(String, TextStyle = TextStyle())
    /// A full-width line of `character`.
    case separator(Character = "-")
    case feed(lines: Int)
    case cut
    /// A CODE128 barcode (code set B: printable ASCII), centred, with its text under it. Data
    /// that set B cannot carry, or too wide for the paper at two dots a module, prints as bold
    /// centred text instead.
    case barcode(String)
}

public struct TextStyle: Sendable, Hashable {
    public var bold: Bool
    /// Character magnification, 1–8 each way; a wider character leaves fewer columns on the line.
    public var width: Int
    public var height: Int
    public var alignment: TextLayout.Alignment

    public init(bold: Bool = false, width: Int = 1, height: Int = 1, alignment: TextLayout.Alignment = .left) {
        precondition((1...8).contains(width) && (1...8).contains(height), "ESC/POS magnifies 1 to 8 times")
        self.bold = bold
        self.width = width
        self.height = height
        self.alignment = alignment
    }

    public static let total = TextStyle(bold: true, height: 2)
}

/// ESC/POS receipt printer commands, with the bytes Epson's command reference gives: pure
/// encoders and decoders over bytes.
///
/// Real-time commands (`10 04`, `10 14`) are separate byte strings for the transport to send
/// between two commands of a job, never inside one: the printer would take them as parameter
/// bytes, and image data can itself contain `10 14 …`. `commands(_:profile:)` gives a job as whole
/// commands so the transport knows where it may interleave them.
public enum EscPos {
    /// Builders of the commands a job is made of; the real-time ones are below, apart.
    public enum Command {
        public static let initialize: [UInt8] = [0x1B, 0x40]
        public static func codePage(_ n: UInt8) -> [UInt8] { [0x1B, 0x74, n] }
        public static func bold(_ on: Bool) -> [UInt8] { [0x1B, 0x45, on ? 1 : 0] }
        public static func underline(_ on: Bool) -> [UInt8] { [0x1B, 0x2D, on ? 1 : 0] }
        /// `1B 21 n`: bit 0 font B, bit 3 bold, bit 4 double height, bit 5 double width, bit 7 underline.
        public static func printMode(fontB: Bool = false, bold: Bool = false, doubleHeight: Bool = false,
                                     doubleWidth: Bool = false, underline: Bool = false) -> [UInt8] {
            var n: UInt8 = 0
            if fontB { n |= 0x01 }
            if bold { n |= 0x08 }
            if doubleHeight { n |= 0x10 }
            if doubleWidth { n |= 0x20 }
            if underline { n |= 0x80 }
            return [0x1B, 0x21, n]
        }
        public static func characterSize(width: Int, height: Int) -> [UInt8] {
            [0x1D, 0x21, UInt8((width - 1) << 4 | (height - 1))]
        }
        public static func align(_ alignment: TextLayout.Alignment) -> [UInt8] {
            switch alignment {
            case .left: return [0x1B, 0x61, 0]
            case .center: return [0x1B, 0x61, 1]
            case .right: return [0x1B, 0x61, 2]
            }
        }
        /// `1D 56 41 n` / `1D 56 42 n`: feed `n` motion units (not lines), then cut fully or partly.
        public static func feedAndCut(_ cut: PrinterProfile.Cut, feed: UInt8) -> [UInt8] {
            [0x1D, 0x56, cut == .full ? 0x41 : 0x42, feed]
        }
        public static func drawerKick(pin: PrinterProfile.DrawerPin, on: UInt8, off: UInt8) -> [UInt8] {
            [0x1B, 0x70, pin.rawValue, on, off]
        }
        /// `1D 61 n`: which status changes the printer reports by itself (ASB), as 4-byte messages.
        public static func automaticStatusBack(_ n: UInt8) -> [UInt8] { [0x1D, 0x61, n] }
        /// `GS h n`: bar height in dots.
        public static func barcodeHeight(_ dots: UInt8) -> [UInt8] { [0x1D, 0x68, dots] }
        /// `GS w n`: module width in dots (2–6).
        public static func barcodeModuleWidth(_ dots: UInt8) -> [UInt8] { [0x1D, 0x77, dots] }
        /// `GS H 2`: the human-readable text under the bars.
        public static let barcodeTextBelow: [UInt8] = [0x1D, 0x48, 0x02]
        /// `GS k 73 n {B data`: CODE128 in code set B; the printer adds the check character and
        /// returns to the start of the line after the bars.
        public static func code128(_ data: String) -> [UInt8] {
            let payload = Array("{B".utf8) + Array(data.utf8)
            return [0x1D, 0x6B, 73, UInt8(payload.count)] + payload
        }
        public static func printerID(_ request: PrinterIDRequest) -> [UInt8] { [0x1D, 0x49, request.rawValue] }
        /// `1D 72 01`: transmit the paper sensor status. Unlike `10 04`, the printer answers it only
        /// when it reaches it in its buffer, so at the end of a job its answer means the job printed.
        public static let transmitPaperStatus: [UInt8] = [0x1D, 0x72, 0x01]
    }

    public enum PrinterIDRequest: UInt8, Sendable, Hashable {
        case firmware = 65, maker = 66, model = 67, serialNumber = 68, fonts = 69
    }

    /// The four `10 04 n` requests.
    public enum StatusRequest: UInt8, Sendable, Hashable, CaseIterable {
        case printer = 1, offlineCause = 2, errorCause = 3, paperSensor = 4
    }

    /// `10 04 n`: one status byte back, even while the printer is busy.
    public static func realtimeStatus(_ request: StatusRequest) -> [UInt8] { [0x10, 0x04, request.rawValue] }

    /// `10 14 01 m t`: opens the drawer even while the printer is busy or out of paper.
    public static func realtimeDrawerPulse(_ profile: PrinterProfile) -> [UInt8] {
        [0x10, 0x14, 0x01, profile.drawerPin.rawValue, profile.realtimePulse]
    }

    /// `1B 70 m t1 t2`: a kick queued behind whatever the printer is printing.
    public static func drawerKick(_ profile: PrinterProfile) -> [UInt8] {
        Command.drawerKick(pin: profile.drawerPin, on: profile.pulseOn, off: profile.pulseOff)
    }

    /// A job's printout (`job.render(job.copy)`): its lines in their emphasis, fed clear of the
    /// cutter and cut.
    public static func document(_ lines: [PrintedLine]) -> [PrintBlock] {
        var blocks: [PrintBlock] = lines.map { line in
            switch line.emphasis {
            case .normal: return .text(line.text)
            case .strong: return .text(line.text, TextStyle(bold: true))
            case .total: return .text(line.text, .total)
            case .barcode: return .barcode(line.text.trimmingSpaces())
            }
        }
        blocks.append(.feed(lines: 3))
        blocks.append(.cut)
        return blocks
    }

    /// A print job as bytes.
    public static func encode(_ document: [PrintBlock], profile: PrinterProfile) -> [UInt8] {
        Array(commands(document, profile: profile).joined())
    }

    /// Plain receipt lines (already laid out at `profile.columns`), then the profile's feed and cut.
    public static func encode(lines: [String], profile: PrinterProfile) -> [UInt8] {
        encode(lines.map { .text($0) } + [.cut], profile: profile)
    }

    /// A print job as whole commands, in order: a text line and its LF are one piece. A real-time
    /// command may go between two pieces, never inside one.
    public static func commands(_ document: [PrintBlock], profile: PrinterProfile) -> [[UInt8]] {
        var out: [[UInt8]] = [Command.initialize, Command.codePage(profile.codePage)]
        // `1B 40` resets the style, so only changes are sent from here on.
        var current = TextStyle()
        func apply(_ style: TextStyle) {
            if style.bold != current.bold { out.append(Command.bold(style.bold)) }
            if style.width != current.width || style.height != current.height {
                out.append(Command.characterSize(width: style.width, height: style.height))
            }
            if style.alignment != current.alignment { out.append(Command.align(style.alignment)) }
            current = style
        }
        for block in document {
            switch block {
            case .text(let text, let style):
                apply(style)
                // Longer text would wrap onto a line of its own: cut it where the line ends.
                let fitted = TextLayout.truncate(text, to: max(1, profile.columns / style.width))
                out.append(profile.table.encode(fitted) + [0x0A])
            case .separator(let character):
                apply(TextStyle())
                out.append(profile.table.encode(String(repeating: character, count: profile.columns)) + [0x0A])
            case .feed(let lines):
                if lines > 0 { out.append([UInt8](repeating: 0x0A, count: lines)) }
            case .cut:
                out.append(Command.feedAndCut(profile.cut, feed: profile.cutFeed))
            case .barcode(let data):
                guard let moduleWidth = code128ModuleWidth(data, profile) else {
                    apply(TextStyle(bold: true, alignment: .center))
                    out.append(profile.table.encode(TextLayout.truncate(data, to: profile.columns)) + [0x0A])
                    continue
                }
                apply(TextStyle(alignment: .center))
                out.append(Command.barcodeHeight(80) + Command.barcodeModuleWidth(moduleWidth) + Command.barcodeTextBelow)
                out.append(Command.code128(data))
            }
        }
        return out
    }

    /// Dots across the paper: font A characters are 12 dots wide.
    static func paperDots(_ profile: PrinterProfile) -> Int { profile.columns * 12 }

    /// The widest module (2 or 3 dots) at which `data` fits the paper with its quiet zones, or nil
    /// when it does not fit at 2 or is not printable ASCII (`{` would start a code set switch).
    static func code128ModuleWidth(_ data: String, _ profile: PrinterProfile) -> UInt8? {
        let bytes = Array(data.utf8)
        guard (1...80).contains(bytes.count), bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "{") }) else {
            return nil
        }
        // Start, the characters and the check character are 11 modules each, stop 13, and a
        // quiet zone of 10 on either side.
        let modules = 11 * (bytes.count + 2) + 13 + 20
        for width in [3, 2] where modules * width <= paperDots(profile) { return UInt8(width) }
        return nil
    }

    // MARK: Replies

    /// A `10 04 n` reply is shaped `0xx1xx10`.
    public static func isRealtimeStatusReply(_ byte: UInt8) -> Bool { byte & 0x93 == 0x12 }

    /// The first byte of a 4-byte ASB message is shaped `0xx1xx00`.
    public static func isAutomaticStatusHeader(_ byte: UInt8) -> Bool { byte & 0x93 == 0x10 }

    /// Decodes the reply to `10 04 n`; nil when the byte is not shaped like one (an ASB byte or
    /// noise), so a stray byte never becomes a status.
    public static func decodeStatus(n request: StatusRequest, byte: UInt8) -> PrinterStatus? {
        guard isRealtimeStatusReply(byte) else { return nil }
        func bit(_ i: UInt8) -> Bool { byte & (1 << i) != 0 }
        var status = PrinterStatus()
        switch request {
        case .printer:
            status.drawerSensorHigh = bit(2)
            status.offline = bit(3)
        case .offlineCause:
            status.coverOpen = bit(2)
            status.stoppedAtPaperEnd = bit(5)
            status.error = bit(6)
        case .errorCause:
            status.cutterError = bit(3)
            status.unrecoverableError = bit(5)
            status.autoRecoverableError = bit(6)
        case .paperSensor:
            status.paperNearEnd = byte & 0x0C != 0
            status.paperOut = byte & 0x60 != 0
        }
        return status
    }

    /// Decodes a 4-byte ASB message (Epson layout: byte 1 as `10 04 1`/`2`, byte 2 as `10 04 3`,
    /// byte 3 bits 0–1 near end and 2–3 paper end); nil unless the first byte is an ASB header.
    public static func decodeAutomaticStatus(_ message: [UInt8]) -> PrinterStatus? {
        guard message.count == 4, isAutomaticStatusHeader(message[0]) else { return nil }
        let (first, second, third) = (message[0], message[1], message[2])
        var status = PrinterStatus()
        status.drawerSensorHigh = first & 0x04 != 0
        status.offline = first & 0x08 != 0
        status.coverOpen = first & 0x20 != 0
        status.cutterError = second & 0x08 != 0
        status.unrecoverableError = second & 0x20 != 0
        status.autoRecoverableError = second & 0x40 != 0
        status.paperNearEnd = third & 0x03 != 0
        status.paperOut = third & 0x0C != 0
        return status
    }

    /// One message a printer sends back on its IN stream.
    public enum Reply: Sendable, Hashable {
        /// The answer to the oldest outstanding `10 04 n`; decode it with `decodeStatus`.
        case realtimeStatus(UInt8)
        case automaticStatus([UInt8])
        /// A `1D 49 n` answer, without its `5F … 00` frame.
        case printerID(String)
        /// The answer to `1D 72 01` (shaped `0xx0xxxx`): the printer processed everything sent before it.
        case processed(UInt8)
        /// A byte that starts none of the above: skipped so the stream resynchronises.
        case unknown(UInt8)
    }

    /// Splits bytes read from the printer into replies; an incomplete message at the end is left
    /// in `rest` for the next read to complete.
    public static func splitReplies(_ bytes: [UInt8]) -> (replies: [Reply], rest: [UInt8]) {
        var replies: [Reply] = []
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x5F {
                guard let end = bytes[(i + 1)...].firstIndex(of: 0x00) else { break }
                replies.append(.printerID(String(decoding: bytes[(i + 1)..<end], as: UTF8.self)))
                i = end + 1
            } else if isRealtimeStatusReply(byte) {
                replies.append(.realtimeStatus(byte))
                i += 1
            } else if isAutomaticStatusHeader(byte) {
                guard i + 4 <= bytes.count else { break }
                replies.append(.automaticStatus(Array(bytes[i..<(i + 4)])))
                i += 4
            } else if byte & 0x90 == 0 {
                replies.append(.processed(byte))
                i += 1
            } else {
                replies.append(.unknown(byte))
                i += 1
            }
        }
        return (replies, Array(bytes[i...]))
    }
}

/// What the printer said about itself; nil fields were not in the replies decoded so far, so
/// several partial answers merge into one picture.
public struct PrinterStatus: Sendable, Hashable {
    /// The level of the drawer sensor (kick connector pin 3); what it means is the profile's call.
    public var drawerSensorHigh: Bool?
    public var offline: Bool?
    public var coverOpen: Bool?
    public var stoppedAtPaperEnd: Bool?
    public var error: Bool?
    public var cutterError: Bool?
    public var unrecoverableError: Bool?
    public var autoRecoverableError: Bool?
    public var paperNearEnd: Bool?
    public var paperOut: Bool?

    public init() {}

    /// This status with every field `newer` knows replaced by its value.
    public func merging(_ newer: PrinterStatus) -> PrinterStatus {
        var merged = self
        merged.drawerSensorHigh = newer.drawerSensorHigh ?? drawerSensorHigh
        merged.offline = newer.offline ?? offline
        merged.coverOpen = newer.coverOpen ?? coverOpen
        merged.stoppedAtPaperEnd = newer.stoppedAtPaperEnd ?? stoppedAtPaperEnd
        merged.error = newer.error ?? error
        merged.cutterError = newer.cutterError ?? cutterError
        merged.unrecoverableError = newer.unrecoverableError ?? unrecoverableError
        merged.autoRecoverableError = newer.autoRecoverableError ?? autoRecoverableError
        merged.paperNearEnd = newer.paperNearEnd ?? paperNearEnd
        merged.paperOut = newer.paperOut ?? paperOut
        return merged
    }

    /// The device model's status events for this printer and the drawer on its kick port.
    public func deviceStatuses(_ profile: PrinterProfile) -> [DeviceStatus] {
        var statuses: [DeviceStatus] = []
        if paperOut == true || stoppedAtPaperEnd == true { statuses.append(.paperOut) }
        else if paperNearEnd == true { statuses.append(.paperNearEnd) }
        if coverOpen == true { statuses.append(.coverOpen) }
        if offline == true { statuses.append(.offline) }
        if let high = drawerSensorHigh {
            statuses.append(high == (profile.drawerOpenLevel == .high) ? .drawerOpen : .drawerClosed)
        }
        return statuses
    }
}

import KassaCore
import KassaDevices

/// `[device.NAME]` sections of kassa.conf: the devices kassad keeps connected.
///
/// ```
/// [device.printer]
/// tcp = 192.0.2.7:9100          ; or serial = /dev/kassa/serial-1-1.2 (with baud = 19200), or usb = 04b8:0e15
/// paper = 80mm                  ; 80mm (48 columns) | 58mm (32 columns)
/// columns = 42                  ; overrides the paper's
/// code_page = 19                ; the printer's number for character_table (ESC t n)
/// character_table = pc858       ; pc858 | wpc1252 | iso8859_15 | ascii
/// cut = partial                 ; partial | full
/// drawer_pin = 2                ; 2 | 5
/// drawer_open = high            ; the sensor level that means open: high | low
/// drawer_alarm = 60s            ; open longer than this raises an alarm; 0 = never
/// status_poll = 2s
/// replies = yes                 ; no for a printer that never answers
///
/// [device.display]
/// serial = /dev/ttyUSB0
/// baud = 9600
/// command_set = cd5220          ; epson | cd5220 | logic_controls
/// character_table = ascii
///
/// [device.scanner]              ; also card_reader; role = ... when the name is not the role
/// usb = 05e0:1200
/// encoding = hid                ; hid (boot keyboard reports) | serial (text lines)
/// char_timeout_ms = 200
/// ```
extension KassaConfig {
    static func deviceSpec(_ section: ConfigSection, file: ConfigFile) throws(ConfigError) -> DeviceSpec {
        let name = String(section.name.dropFirst("device.".count))
        func sectionError(_ message: String) -> ConfigError {
            ConfigError(file: file.fileName, line: section.line, section: section.name, message: message)
        }
        guard !name.isEmpty else { throw sectionError("a device needs a name, e.g. [device.printer]") }
        var role = DeviceSpec.Role(rawValue: name)
        var connection: DeviceSpec.Connection?
        var baud = 9600
        for entry in section.entries {
            func fail(_ message: String) -> ConfigError {
                ConfigError(file: file.fileName, line: entry.line, section: section.name, key: entry.key, message: message)
            }
            switch entry.key {
            case "role":
                guard let r = DeviceSpec.Role(rawValue: entry.value) else {
                    throw fail("unknown role '\(entry.value)' (printer, display, scanner or card_reader)")
                }
                role = r
            case "tcp", "serial", "usb":
                guard connection == nil else { throw fail("a device has one of tcp, serial and usb") }
                connection = try connectionValue(entry.key, entry.value, fail)
            case "baud":
                guard let b = Int(entry.value), SerialPort.speeds[b] != nil else {
                    throw fail("unsupported baud rate '\(entry.value)' (\(SerialPort.speeds.keys.sorted().map(String.init).joined(separator: ", ")))")
                }
                baud = b
            default:
                continue
            }
        }
        guard let role else { throw sectionError("unknown device '\(name)': name it printer, display, scanner or card_reader, or add role = ...") }
        guard var connection else { throw sectionError("says neither tcp, serial nor usb") }
        if case .serial(let path, _) = connection { connection = .serial(path: path, baud: baud) }
        var spec = DeviceSpec(name: name, role: role, connection: connection)
        spec.baud = baud
        if case .usb = connection { spec.encoding = .hidBootKeyboard }
        var columns: Int?
        for entry in section.entries {
            func fail(_ message: String) -> ConfigError {
                ConfigError(file: file.fileName, line: entry.line, section: section.name, key: entry.key, message: message)
            }
            func choose<T>(_ options: [String: T]) throws(ConfigError) -> T {
                guard let v = options[entry.value] else {
                    throw fail("'\(entry.value)' is not one of \(options.keys.sorted().joined(separator: ", "))")
                }
                return v
            }
            func only(_ roles: DeviceSpec.Role...) throws(ConfigError) {
                guard roles.contains(role) else { throw fail("does not apply to a \(role.rawValue)") }
            }
            switch entry.key {
            case "role", "tcp", "serial", "usb", "baud": continue
            case "paper":
                try only(.printer)
                let p = try choose(["80mm": PrinterProfile.epson80mm, "58mm": PrinterProfile.epson58mm])
                spec.printerProfile.columns = p.columns
            case "columns":
                try only(.printer)
                guard let n = Int(entry.value), (24...64).contains(n) else { throw fail("must be 24 to 64") }
                columns = n
            case "code_page":
                try only(.printer)
                guard let n = UInt8(entry.value) else { throw fail("must be 0 to 255") }
                spec.printerProfile.codePage = n
            case "character_table":
                let tables = Dictionary(uniqueKeysWithValues: CharacterTable.allCases.map { ($0.rawValue, $0) })
                if role == .display { spec.displayProfile.table = try choose(tables) } else {
                    try only(.printer)
                    spec.printerProfile.table = try choose(tables)
                }
            case "cut":
                try only(.printer)
                spec.printerProfile.cut = try choose(["partial": .partial, "full": .full])
            case "drawer_pin":
                try only(.printer)
                spec.printerProfile.drawerPin = try choose(["2": .pin2, "5": .pin5])
            case "drawer_open":
                try only(.printer)
                spec.printerProfile.drawerOpenLevel = try choose(["high": .high, "low": .low])
            case "drawer_alarm":
                try only(.printer)
                guard let s = duration(entry.value) else { throw fail("'\(entry.value)' is not a duration like 60, 90s or 2m") }
                spec.drawerAlarmSeconds = s == 0 ? nil : s
            case "status_poll":
                try only(.printer)
                guard let s = duration(entry.value), s >= 1 else { throw fail("'\(entry.value)' is not a duration of at least 1s") }
                spec.printerOptions.pollInterval = Int64(s) * 1000
            case "replies":
                try only(.printer)
                spec.printerOptions.expectsReplies = try choose(["yes": true, "no": false])
            case "command_set":
                try only(.display)
                spec.displayProfile.commandSet = try choose(Dictionary(uniqueKeysWithValues: DisplayCommandSet.allCases.map { ($0.rawValue, $0) }))
            case "encoding":
                try only(.scanner, .cardReader)
                spec.encoding = try choose(["hid": .hidBootKeyboard, "serial": .serialText])
            case "char_timeout_ms":
                try only(.scanner, .cardReader)
                guard let n = Int64(entry.value), (20...5000).contains(n) else { throw fail("must be 20 to 5000") }
                spec.interCharacterTimeout = n
            default:
                throw fail("unknown key")
            }
        }
        if let columns { spec.printerProfile.columns = columns }
        return spec
    }

    private static func connectionValue(_ key: String, _ value: String,
                                        _ fail: (String) -> ConfigError) throws(ConfigError) -> DeviceSpec.Connection {
        switch key {
        case "tcp":
            var host = Substring(value)
            var port: UInt16 = 9100
            if let colon = value.lastIndex(of: ":"), !value.hasSuffix("]"), value.filter({ $0 == ":" }).count == 1 {
                guard let p = UInt16(value[value.index(after: colon)...]), p > 0 else { throw fail("bad port in '\(value)'") }
                port = p
                host = value[..<colon]
            }
            guard !host.isEmpty else { throw fail("needs an address, e.g. 192.0.2.7:9100") }
            return .tcp(host: String(host), port: port)
        case "serial":
            guard value.hasPrefix("/dev/") || value.hasPrefix("/") else { throw fail("needs a device path, e.g. /dev/ttyUSB0") }
            return .serial(path: value, baud: 9600)
        default:
            let parts = value.split(separator: ":")
            guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }), let v = UInt16(parts[0], radix: 16),
                  let p = UInt16(parts[1], radix: 16) else {
                throw fail("'\(value)' is not vendor:product in hex, e.g. 04b8:0e15")
            }
            return .usb(vendor: v, product: p)
        }
    }
}

import Glibc
import KassaSystem

/// kassad's one logger: one line per event on stderr, prefixed with the syslog priority (`<3>` …
/// `<7>`) that journald reads, followed by `key=value` fields.
///
/// Secrets never reach the log: a field whose name has a part called `pin`, `pins`, `pincode`,
/// `password` or `secret` is written as `[redacted]`, whatever the caller passes. Messages
/// themselves must not interpolate secrets; the fields are where values go.
public struct Logger: Sendable {
    public enum Priority: Int, Comparable, Sendable, CaseIterable {
        case error = 3
        case warning = 4
        case notice = 5
        case info = 6
        case debug = 7

        /// More urgent compares smaller, as in syslog.
        public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
    }

    /// Events less urgent than this are skipped.
    public var threshold: Priority
    private let sink: @Sendable (String) -> Void

    /// `sink` receives each finished line including its newline; the default writes it to stderr
    /// in a single write(2), so lines from libusb's thread never interleave with ours.
    public init(threshold: Priority = .info, sink: @escaping @Sendable (String) -> Void = Logger.writeToStandardError) {
        self.threshold = threshold
        self.sink = sink
    }

    public static func writeToStandardError(_ line: String) {
        _ = try? writeAll(2, Array(line.utf8))  // nowhere left to report a failing stderr
    }

    public func log(_ priority: Priority, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        guard priority <= threshold else { return }
        var line = "<\(priority.rawValue)>"
        Logger.appendEscaped(message, to: &line, quoteSpaces: false)
        for (key, value) in fields {
            line += " \(key)="
            if Logger.isSecret(key) {
                line += "[redacted]"
            } else {
                Logger.appendEscaped(value, to: &line, quoteSpaces: true)
            }
        }
        line += "\n"
        sink(line)
    }

    public func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.error, message, fields) }
    public func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.warning, message, fields) }
    public func notice(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.notice, message, fields) }
    public func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.info, message, fields) }
    public func debug(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.debug, message, fields) }

    static func isSecret(_ key: String) -> Bool {
        key.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." })
            .contains { ["pin", "pins", "pincode", "password", "secret"].contains($0) }
    }

    /// Keeps an event on one line: control characters become escapes, and a field value with
    /// spaces or quotes is quoted so the fields stay machine-splittable.
    private static func appendEscaped(_ text: String, to line: inout String, quoteSpaces: Bool) {
        let quote = quoteSpaces && (text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" })
        if quote { line += "\"" }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case "\"" where quote: line += "\\\""
            case "\\" where quote: line += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                line += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: line.unicodeScalars.append(scalar)
            }
        }
        if quote { line += "\"" }
    }
}

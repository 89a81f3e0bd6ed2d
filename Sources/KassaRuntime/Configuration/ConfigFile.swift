import KassaSystem

/// A configuration mistake, located precisely enough for a technician on a serial console:
/// `kassa.conf:12: key 'currency' in [register]: unknown currency 'EUX'`.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the file as a whole.
    public var line: Int
    public var section: String?
    public var key: String?
    public var message: String

    public init(file: String, line: Int, section: String? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.section = section
        self.key = key
        self.message = message
    }

    public var description: String {
        var s = line > 0 ? "\(file):\(line): " : "\(file): "
        if let key {
            s += "key '\(key)'" + (section.map { " in [\($0)]" } ?? "") + ": "
        } else if let section {
            s += "[\(section)]: "
        }
        return s + message
    }
}

/// One `key = value` line.
public struct ConfigEntry: Hashable, Sendable {
    public var key: String
    public var value: String
    public var line: Int
}

/// A `[name]` section and its entries in file order.
public struct ConfigSection: Hashable, Sendable {
    public var name: String
    public var line: Int
    public var entries: [ConfigEntry]

    public subscript(key: String) -> ConfigEntry? { entries.first { $0.key == key } }
}

/// The syntax of `/etc/kassa/kassa.conf`: `[section]` headers, `key = value` lines, whole-line
/// comments starting with `#` or `;`, and values optionally in double quotes (needed to keep
/// leading or trailing spaces; `\"` and `\\` escape inside them). A `#` after a value is part of
/// the value, so a shop may be called "Café #1". Keys appear only inside sections, and a section or
/// a key within a section appears once: a repeat is far more often a mistake than an override.
///
/// This type knows syntax only; `KassaConfig` gives the known keys their meaning.
public struct ConfigFile: Hashable, Sendable {
    /// The name errors are reported under, usually the file's path.
    public var fileName: String
    public var sections: [ConfigSection]

    public subscript(section: String) -> ConfigSection? { sections.first { $0.name == section } }

    public static func parse(_ text: String, fileName: String) throws(ConfigError) -> ConfigFile {
        var sections: [ConfigSection] = []
        var lineNumber = 0
        func fail(_ message: String, section: String? = nil, key: String? = nil) -> ConfigError {
            ConfigError(file: fileName, line: lineNumber, section: section, key: key, message: message)
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw fail("section header without closing ']'") }
                let name = String(line.dropFirst().dropLast().trimmingSpaces())
                guard isValidName(name) else { throw fail("invalid section name '\(name)'") }
                if let first = sections.first(where: { $0.name == name }) {
                    throw fail("section repeated (first at line \(first.line))", section: name)
                }
                sections.append(ConfigSection(name: name, line: lineNumber, entries: []))
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw fail("expected 'key = value', '[section]' or a comment")
            }
            let key = String(line[..<eq].trimmingSpaces())
            guard isValidName(key) else {
                throw fail("invalid key name '\(key)'", section: sections.last?.name)
            }
            guard let sectionName = sections.last?.name else {
                throw fail("key outside any section", key: key)
            }
            if let first = sections[sections.count - 1][key] {
                throw fail("repeated (first at line \(first.line))", section: sectionName, key: key)
            }
            let value: String
            do throws(ConfigValueError) {
                value = try unquote(line[line.index(after: eq)...].trimmingSpaces())
            } catch {
                throw fail(error.message, section: sectionName, key: key)
            }
            sections[sections.count - 1].entries.append(ConfigEntry(key: key, value: value, line: lineNumber))
        }
        return ConfigFile(fileName: fileName, sections: sections)
    }

    /// Reads and parses a file; unreadable files and invalid UTF-8 are ConfigErrors too, so
    /// every start-up failure about configuration reads the same way.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        let bytes: [UInt8]
        do throws(SystemError) {
            bytes = try readWholeFile(path)
        } catch {
            throw ConfigError(file: path, line: 0, message: error.description)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else {
            throw ConfigError(file: path, line: 0, message: "not valid UTF-8")
        }
        return try parse(text, fileName: path)
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
        }
    }

    private struct ConfigValueError: Error {
        var message: String
    }

    private static func unquote(_ raw: Substring) throws(ConfigValueError) -> String {
        guard raw.hasPrefix("\"") else { return String(raw) }
        var out = ""
        var escaped = false
        var index = raw.index(after: raw.startIndex)
        while index < raw.endIndex {
            let ch = raw[index]
            index = raw.index(after: index)
            if escaped {
                guard ch == "\"" || ch == "\\" else { throw ConfigValueError(message: "unknown escape '\\\(ch)' in quoted value") }
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                guard index == raw.endIndex else { throw ConfigValueError(message: "text after the closing quote") }
                return out
            } else {
                out.append(ch)
            }
        }
        throw ConfigValueError(message: "quoted value without closing quote")
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return s
    }
}

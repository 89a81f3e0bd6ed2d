/// Why a line is not acceptable JSON, and the byte offset where that was found.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case trailingGarbage
        case invalidUTF8
        case loneSurrogate
        case invalidEscape
        case controlCharacterInString
        case invalidNumber
        case tooDeep(limit: Int)
        case duplicateKey(String)
    }

    public var offset: Int
    public var reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch reason {
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedByte(let b): what = "unexpected byte 0x\(String(b, radix: 16))"
        case .trailingGarbage: what = "data after the JSON value"
        case .invalidUTF8: what = "invalid UTF-8"
        case .loneSurrogate: what = "unpaired UTF-16 surrogate escape"
        case .invalidEscape: what = "invalid escape sequence"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .invalidNumber: what = "invalid number"
        case .tooDeep(let limit): what = "nesting deeper than \(limit)"
        case .duplicateKey(let k): what = "duplicate key \"\(k)\""
        }
        return "\(what) at byte \(offset)"
    }
}

extension JSONValue {
    /// Arrays and objects may nest this deep; deeper input is refused before it costs stack.
    public static let maximumDepth = 64

    /// Parses exactly one JSON value (RFC 8259) with optional surrounding whitespace.
    /// Strict: valid UTF-8 only, no lone surrogates, no duplicate keys, no trailing bytes.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        // The closure's typed error is carried out by hand: Swift 6.0's withUnsafeBufferPointer
        // only rethrows untyped errors.
        var result: Result<JSONValue, JSONParseError>!
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            do throws(JSONParseError) { result = .success(try parser.parseDocument()) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }
}

/// A recursive-descent parser over a borrowed buffer; one instance parses one document.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Reused for every string that contains escapes, so such strings cost one allocation each.
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if index != bytes.count { throw JSONParseError(offset: index, reason: .trailingGarbage) }
        return value
    }

    private func fail(_ reason: JSONParseError.Reason) -> JSONParseError {
        JSONParseError(offset: index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONParseError) -> UInt8 {
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        let b = try peek()
        guard b == byte else { throw fail(.unexpectedByte(b)) }
        index += 1
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case let b: throw fail(b >= 0x80 ? .invalidUTF8 : .unexpectedByte(b))
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(JSONParseError) {
        let utf8 = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for b in utf8 { try expect(b) }
    }

    /// Steps over an opening bracket; true when the container is empty (its closing byte is
    /// consumed too). Every successful container parse leaves through `endOfElement`, which
    /// restores the depth.
    private mutating func enterContainer(closing: UInt8) throws(JSONParseError) -> Bool {
        depth += 1
        if depth > JSONValue.maximumDepth { throw fail(.tooDeep(limit: JSONValue.maximumDepth)) }
        index += 1
        skipWhitespace()
        guard try peek() == closing else { return false }
        index += 1
        depth -= 1
        return true
    }

    /// After an element: consumes a `,` (false: another element follows) or the closing byte (true).
    private mutating func endOfElement(closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        let b = try peek()
        guard b == closing || b == UInt8(ascii: ",") else { throw fail(.unexpectedByte(b)) }
        index += 1
        if b == closing { depth -= 1 }
        return b == closing
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var elements: [JSONValue] = []
        if try enterContainer(closing: UInt8(ascii: "]")) { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try parseValue())
        } while try !endOfElement(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        var object = JSONObject()
        // Small objects are searched linearly; a large one gets a set, so a hostile line of
        // thousands of keys costs linear time, not quadratic.
        var seen = Set<String>()
        if try enterContainer(closing: UInt8(ascii: "}")) { return .object(object) }
        repeat {
            skipWhitespace()
            let keyOffset = index
            let b = try peek()
            guard b == UInt8(ascii: "\"") else { throw fail(.unexpectedByte(b)) }
            let key = try parseString()
            let duplicate: Bool
            if object.count < 16 {
                duplicate = object[key] != nil
            } else {
                if seen.isEmpty { seen = Set(object.keys) }
                duplicate = !seen.insert(key).inserted
            }
            if duplicate {
                throw JSONParseError(offset: keyOffset, reason: .duplicateKey(key))
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            object.appendUnchecked(key, try parseValue())
        } while try !endOfElement(closing: UInt8(ascii: "}"))
        return .object(object)
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail(.invalidNumber) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail(.invalidNumber) }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail(.invalidNumber) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail(.invalidNumber) }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let v = Int64(text) { return .int(v) }
        return .decimal(text)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote. Plain strings are decoded straight from the
    /// input; only strings with escapes go through the scratch buffer.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        while true {
            let b = try peek()
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail(.controlCharacterInString) }
            if b < 0x80 { index += 1 } else { try skipUTF8Sequence() }
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while true {
            let b = try peek()
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0..<0x20:
                throw fail(.controlCharacterInString)
            case 0..<0x80:
                scratch.append(b)
                index += 1
            default:
                let sequenceStart = index
                try skipUTF8Sequence()
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[sequenceStart..<index]))
            }
        }
    }

    private mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = index
        index += 1
        let b = try peek()
        index += 1
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(b)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4())
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate counts only when a low surrogate escape follows at once.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                      bytes[index + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(offset: escapeStart, reason: .loneSurrogate)
                }
                index += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONParseError(offset: escapeStart, reason: .loneSurrogate)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONParseError(offset: escapeStart, reason: .loneSurrogate)
            }
            // Surrogates are excluded above, so the scalar is always valid.
            scratch.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            throw JSONParseError(offset: escapeStart, reason: .invalidEscape)
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        var v: UInt16 = 0
        for _ in 0..<4 {
            let b = try peek()
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail(.invalidEscape)
            }
            v = v << 4 | UInt16(digit)
            index += 1
        }
        return v
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF)
    /// starting at `index` and moves past it.
    private mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw fail(.invalidUTF8)
        }
        guard index + length <= bytes.count else { throw fail(.invalidUTF8) }
        let second = bytes[index + 1]
        guard second >= lower, second <= upper else { throw fail(.invalidUTF8) }
        for k in 2..<length where bytes[index + k] & 0xC0 != 0x80 {
            throw fail(.invalidUTF8)
        }
        index += length
    }
}

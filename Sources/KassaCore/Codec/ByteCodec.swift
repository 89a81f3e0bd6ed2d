/// A compact little-endian binary codec for journal payloads and snapshots.
///
/// JSON would be easier to read but replaying a year of sales must take milliseconds, so the
/// journal stores bytes and `kassa journal dump` renders them for people.
public enum CodecError: Error, Hashable, Sendable {
    case truncated(at: Int)
    case badTag(String, UInt8, at: Int)
    case badValue(String, at: Int)
    case trailingBytes(Int)
}

public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }

    public mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Variable-length unsigned integer (LEB128): most counts and amounts fit in 1–3 bytes.
    public mutating func varint(_ v: UInt64) {
        var x = v
        while x >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        bytes.append(UInt8(x))
    }

    /// Signed, zig-zag encoded so small negatives stay small.
    public mutating func zigzag(_ v: Int64) {
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    public mutating func int(_ v: Int) { zigzag(Int64(v)) }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func raw(_ b: [UInt8]) {
        varint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    public mutating func optional<T>(_ v: T?, _ write: (inout ByteWriter, T) -> Void) {
        if let v {
            u8(1)
            write(&self, v)
        } else {
            u8(0)
        }
    }

    public mutating func array<T>(_ vs: [T], _ write: (inout ByteWriter, T) -> Void) {
        varint(UInt64(vs.count))
        for v in vs { write(&self, v) }
    }
}

public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var isAtEnd: Bool { offset == bytes.count }

    public func finish() throws(CodecError) {
        if offset != bytes.count { throw .trailingBytes(bytes.count - offset) }
    }

    public mutating func u8() throws(CodecError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func bool() throws(CodecError) -> Bool {
        let at = offset
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw .badValue("bool", at: at)
        }
    }

    public mutating func u64() throws(CodecError) -> UInt64 {
        guard offset + 8 <= bytes.count else { throw .truncated(at: offset) }
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public mutating func varint() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            let b = try u8()
            if shift == 63 && b > 1 { throw .badValue("varint", at: start) }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .badValue("varint", at: start) }
        }
    }

    public mutating func zigzag() throws(CodecError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    public mutating func int() throws(CodecError) -> Int {
        let at = offset
        let v = try zigzag()
        guard let i = Int(exactly: v) else { throw .badValue("int", at: at) }
        return i
    }

    public mutating func count() throws(CodecError) -> Int {
        let at = offset
        let n = try varint()
        // Every element takes at least one byte: a count beyond what is left is corruption, and
        // refusing it early stops a bad length from allocating gigabytes.
        guard n <= UInt64(bytes.count - offset) else { throw .badValue("count", at: at) }
        return Int(n)
    }

    public mutating func string() throws(CodecError) -> String {
        let n = try count()
        let at = offset
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]).bindMemory(to: UInt8.self)
        offset += n
        // Most journal strings are ASCII (ids, tax classes, departments): those cannot be invalid,
        // and skipping the generic validator is a fifth of replay time.
        var ascii = true
        for b in slice where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: slice, as: UTF8.self) }
        guard let s = String(validating: slice, as: UTF8.self) else { throw .badValue("utf-8 string", at: at) }
        return s
    }

    /// A string's bytes as they are, unchecked, for a reader that needs no `String` of them.
    mutating func stringBytes() throws(CodecError) -> UnsafeRawBufferPointer {
        let n = try count()
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    public mutating func raw() throws(CodecError) -> [UInt8] {
        let n = try count()
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    /// A reader of the next length-prefixed bytes (as `raw` reads them), which this one skips.
    public mutating func lengthPrefixed() throws(CodecError) -> ByteReader {
        let n = try count()
        defer { offset += n }
        return ByteReader(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
    }

    public mutating func optional<T>(_ read: (inout ByteReader) throws(CodecError) -> T) throws(CodecError) -> T? {
        try bool() ? try read(&self) : nil
    }

    public mutating func array<T>(_ read: (inout ByteReader) throws(CodecError) -> T) throws(CodecError) -> [T] {
        let n = try count()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }
}

/// Lower-case hexadecimal, for hashes and keys in logs, files and dumps.
public enum Hex {
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func encode(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { encode($0) } }

    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

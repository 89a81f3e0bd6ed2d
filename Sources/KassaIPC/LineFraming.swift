/// One unit cut from the incoming byte stream.
public enum FramedLine: Equatable, Sendable {
    /// A complete line without its `\n` (and without a `\r` before it).
    case line([UInt8])
    /// A line exceeded the cap. Reported once; the reader skips to the next newline and resumes.
    case tooLong
}

/// Cuts an incoming byte stream into lines of at most `maximumLength` bytes.
///
/// Memory stays bounded by the cap plus one read: a peer that never sends a newline costs at most
/// that much before its line is dropped, and the connection resynchronises at the next newline.
public struct LineReader: Sendable {
    public static let defaultMaximumLength = 64 * 1024

    public let maximumLength: Int
    private var buffer: [UInt8] = []
    /// Bytes before this index have been handed out already.
    private var start = 0
    /// Bytes before this index are known to hold no newline.
    private var scanned = 0
    /// True while skipping the rest of an over-long line.
    private var discarding = false

    public init(maximumLength: Int = LineReader.defaultMaximumLength) {
        self.maximumLength = maximumLength
    }

    /// True when part of a line has arrived but not its end.
    public var hasPartialLine: Bool { buffer.count > start || discarding }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var incoming = bytes[...]
        if discarding {
            guard let nl = incoming.firstIndex(of: 0x0A) else { return }
            discarding = false
            incoming = incoming[(nl + 1)...]
        }
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: incoming)
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete line or over-long notice, or nil when more input is needed.
    public mutating func next() -> FramedLine? {
        if let nl = buffer[scanned...].firstIndex(of: 0x0A) {
            var end = nl
            if end > start, buffer[end - 1] == 0x0D { end -= 1 }
            let length = end - start
            let line = length > maximumLength ? nil : Array(buffer[start..<end])
            start = nl + 1
            scanned = start
            return line.map(FramedLine.line) ?? .tooLong
        }
        scanned = buffer.count
        if buffer.count - start > maximumLength {
            buffer.removeAll(keepingCapacity: false)
            start = 0
            scanned = 0
            discarding = true
            return .tooLong
        }
        return nil
    }
}

/// Bytes waiting to be written to one peer, never more than `capacity`.
///
/// The server decides what to do when something does not fit (drop an event and owe a gap marker,
/// or disconnect); this type only refuses to grow.
public struct OutputBuffer: Sendable {
    public let capacity: Int
    private var bytes: [UInt8] = []
    private var start = 0

    public init(capacity: Int) {
        self.capacity = capacity
    }

    public var pendingCount: Int { bytes.count - start }
    public var isEmpty: Bool { pendingCount == 0 }
    public var freeSpace: Int { capacity - pendingCount }

    /// Appends the bytes whole, or nothing when they do not fit.
    public mutating func enqueue(_ data: [UInt8]) -> Bool {
        guard data.count <= freeSpace else { return false }
        if start > 0, start >= bytes.count / 2 {
            bytes.removeFirst(start)
            start = 0
        }
        bytes.append(contentsOf: data)
        return true
    }

    /// Lends the pending bytes to `write`, which returns how many it consumed.
    public mutating func drain(_ write: (UnsafeRawBufferPointer) -> Int) {
        guard !isEmpty else { return }
        let written = bytes.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        start += max(0, written)
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        }
    }
}

/// The strings a report meets (item ids, names, departments, operators, VAT classes), each kept
/// once and named by a small number, so that a year of sales is folded without making a `String`
/// or hashing one for every line: the journal's bytes are looked up as they are.
///
/// Two strings are the same when their UTF-8 bytes are.
struct ReportStrings {
    /// Every string's bytes, one after another; string `n` spans `starts[n]..<starts[n + 1]`.
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    /// Open addressing: a string's number plus one, 0 for an empty slot.
    private var slots = [Int32](repeating: 0, count: 64)

    var count: Int { starts.count - 1 }

    /// The number of the string with these bytes, added if it is new.
    mutating func id(_ s: UnsafeRawBufferPointer) -> Int32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while slots[slot] != 0 {
            let n = Int(slots[slot] - 1)
            if matches(n, s) { return Int32(n) }
            slot = (slot + 1) & mask
        }
        let n = Int32(count)
        bytes.append(contentsOf: s)
        starts.append(bytes.count)
        slots[slot] = n + 1
        if count * 2 > slots.count { grow() }
        return n
    }

    mutating func id(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { id(UnsafeRawBufferPointer($0)) }
    }

    func string(_ n: Int32) -> String {
        String(decoding: bytes[starts[Int(n)]..<starts[Int(n) + 1]], as: UTF8.self)
    }

    private func matches(_ n: Int, _ s: UnsafeRawBufferPointer) -> Bool {
        let start = starts[n]
        guard starts[n + 1] - start == s.count else { return false }
        for i in 0..<s.count where bytes[start + i] != s[i] { return false }
        return true
    }

    private mutating func grow() {
        let all = (0..<count).map { n in Array(bytes[starts[n]..<starts[n + 1]]) }
        slots = [Int32](repeating: 0, count: slots.count * 2)
        bytes.removeAll(keepingCapacity: true)
        starts = [0]
        for s in all { _ = s.withUnsafeBytes { id($0) } }
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every journal record and
/// segment header. Slicing-by-8: eight 256-entry tables let the loop fold eight bytes per step,
/// which keeps the CRC far below SHA-256 in the replay profile.
public enum CRC32C {
    /// `seed` is a previous result, so `checksum(b, seed: checksum(a)) == checksum(a + b)`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var crc = ~seed
        guard var p = bytes.baseAddress else { return seed }
        var count = bytes.count
        tables.withUnsafeBufferPointer { t in
            while count >= 8 {
                let low = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                // Split in halves: Swift 6.0's type checker gives up on one eight-term expression.
                let fromLow: UInt32 = t[7 &* 256 &+ Int(low & 0xFF)] ^ t[6 &* 256 &+ Int((low &>> 8) & 0xFF)]
                    ^ t[5 &* 256 &+ Int((low &>> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(low &>> 24)]
                let fromHigh: UInt32 = t[3 &* 256 &+ Int(high & 0xFF)] ^ t[2 &* 256 &+ Int((high &>> 8) & 0xFF)]
                    ^ t[1 &* 256 &+ Int((high &>> 16) & 0xFF)] ^ t[Int(high &>> 24)]
                crc = fromLow ^ fromHigh
                p += 8
                count &-= 8
            }
            while count > 0 {
                crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (crc &>> 8)
                p += 1
                count &-= 1
            }
        }
        return ~crc
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Table k maps a byte to its CRC contribution when followed by k zero bytes.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[n] = c
        }
        for n in 0..<256 {
            for k in 1..<8 {
                let previous = t[(k - 1) * 256 + n]
                t[k * 256 + n] = t[Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return t
    }()
}

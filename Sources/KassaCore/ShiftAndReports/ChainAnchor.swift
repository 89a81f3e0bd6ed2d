/// A Z closing's anchor: where the journal's chain stood when the day was closed, printed on the
/// Z report so that it lives outside the box. It names the last record before the closing and
/// the start of that record's chain hash, which covers every record before it: a journal that
/// still holds that hash at that record still holds, byte for byte, the history the Z report saw.
///
/// Written `4711:1a2b3c4d5e6f7a8b` (the record, a colon, the first 16 hex digits of its chain
/// hash: short enough to type from paper), or with the whole hash (64 digits) in the Z export.
/// A label such as `Z12 ` may stand before it; it says which closing followed the record.
public struct ChainAnchor: Hashable, Sendable {
    public var seq: UInt64
    /// The first bytes of the record's chain hash: 8 to 32.
    public var hash: [UInt8]
    /// The Z closing that followed the record, when the anchor says so.
    public var z: UInt64?

    /// The hash digits an anchor printed for typing carries, and the fewest one is accepted with:
    /// 64 bits, beyond the reach of a forger trying journals until one matches.
    public static let shortHexDigits = 16

    public init?(seq: UInt64, hash: [UInt8], z: UInt64? = nil) {
        guard seq >= 1, (Self.shortHexDigits / 2...32).contains(hash.count) else { return nil }
        self.seq = seq
        self.hash = hash
        self.z = z
    }

    /// Reads `[Z<n> ]<seq>:<hex>`, with any spaces around; nil when it is not one.
    public init?(parsing text: String) {
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var z: UInt64?
        if words.count == 2, words[0].first == "Z" || words[0].first == "z" {
            guard let n = UInt64(words[0].dropFirst()), n >= 1 else { return nil }
            z = n
            words.removeFirst()
        }
        guard words.count == 1 else { return nil }
        let parts = words[0].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let seq = UInt64(parts[0]), let hash = Hex.decode(String(parts[1])) else { return nil }
        self.init(seq: seq, hash: hash, z: z)
    }

    /// The form to type: `Z12 4711:1a2b3c4d5e6f7a8b` (the label when known).
    public var short: String {
        (z.map { "Z\($0) " } ?? "") + "\(seq):" + Hex.encode(Array(hash.prefix(Self.shortHexDigits / 2)))
    }

    /// With every digit of the hash it carries.
    public var full: String { (z.map { "Z\($0) " } ?? "") + "\(seq):" + Hex.encode(hash) }

    /// Whether a record's whole chain hash begins with this anchor's.
    public func matches(_ chainHash: some Collection<UInt8>) -> Bool {
        chainHash.count >= hash.count && chainHash.prefix(hash.count).elementsEqual(hash)
    }
}

import CHardwareHash
import KassaCore

/// The hashes and checksums of every record, on the journal's hot path: computed by the CPU's
/// SHA and CRC32C instructions where it has them (`CHardwareHash`), by KassaCore's portable
/// `SHA256` and `CRC32C` elsewhere; the same bytes either way.
enum RecordHash {
    static let hasSHA = kassa_hash_cpu_has_sha() != 0
    static let hasCRC32C = kassa_hash_cpu_has_crc32c() != 0

    static func crc32c(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard hasCRC32C, let base = bytes.baseAddress else { return CRC32C.checksum(bytes) }
        return ~kassa_crc32c_update(~0, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// SHA-256(`previous` (32 bytes) ‖ `body`), written to the 32 bytes at `digest`.
    static func chainHash(previous: UnsafeRawPointer, body: UnsafeRawBufferPointer, into digest: UnsafeMutableRawPointer) {
        guard hasSHA else {
            var hasher = SHA256()
            hasher.update(UnsafeRawBufferPointer(start: previous, count: Format.hashLength))
            hasher.update(body)
            hasher.finalize().withUnsafeBytes { digest.copyMemory(from: $0.baseAddress!, byteCount: Format.hashLength) }
            return
        }
        // The whole message with its padding (0x80, zeros, the length in bits) in one buffer,
        // compressed in one call: records are short, a copy costs less than a streaming hasher.
        let length = Format.hashLength + body.count
        let padded = (length + 9 + 63) / 64 * 64
        withUnsafeTemporaryAllocation(byteCount: padded, alignment: 16) { block in
            let base = block.baseAddress!
            base.copyMemory(from: previous, byteCount: Format.hashLength)
            if let bodyBase = body.baseAddress { (base + Format.hashLength).copyMemory(from: bodyBase, byteCount: body.count) }
            (base + length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length)
            base.storeBytes(of: 0x80, toByteOffset: length, as: UInt8.self)
            base.storeBytes(of: (UInt64(length) &* 8).bigEndian, toByteOffset: padded - 8, as: UInt64.self)
            var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
                0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19
            )
            withUnsafeMutableBytes(of: &state) { words in
                let w = words.baseAddress!.assumingMemoryBound(to: UInt32.self)
                kassa_sha256_blocks(w, base.assumingMemoryBound(to: UInt8.self), padded / 64)
                for i in 0..<8 { digest.storeBytes(of: w[i].bigEndian, toByteOffset: i * 4, as: UInt32.self) }
            }
        }
    }

    static func chainHash(previous: [UInt8], body: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Format.hashLength) { out, initialized in
            previous.withUnsafeBytes { chainHash(previous: $0.baseAddress!, body: body, into: out.baseAddress!) }
            initialized = Format.hashLength
        }
    }
}

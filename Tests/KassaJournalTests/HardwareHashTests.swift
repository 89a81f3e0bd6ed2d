import Testing
import KassaCore
@testable import KassaJournal

/// The record hashes on the journal's hot path, computed by the CPU's instructions where it has
/// them, are the very bytes KassaCore's portable SHA-256 and CRC-32C give.
@Suite struct HardwareHashTests {
    @Test func aChainHashIsTheSHA256OfThePreviousHashAndTheBody() {
        var previous = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        // Every length up to five blocks: each way the padding can fall.
        for length in 0...320 {
            let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }
            let hashed = body.withUnsafeBytes { RecordHash.chainHash(previous: previous, body: $0) }
            #expect(hashed == SHA256.hash(previous + body), "a body of \(length) bytes")
            previous = hashed
        }
    }

    @Test func theChainCheckAcceptsTheRightHashAndNoOther() {
        let previous = [UInt8](repeating: 0xA5, count: 32)
        var record: [UInt8] = []
        _ = RecordCodec.append(to: &record, sequence: 9, entry: entry(9), syncedThrough: 8, previousHash: previous,
                               groupContinues: false)
        let holds = { (bytes: [UInt8], previous: [UInt8]) in
            bytes.withUnsafeBytes { b in previous.withUnsafeBytes { RecordCodec.chainHolds(b, previous: $0.baseAddress!) } }
        }
        #expect(holds(record, previous))
        var otherPrevious = previous
        otherPrevious[31] ^= 1
        #expect(!holds(record, otherPrevious))
        var otherHash = record
        otherHash[otherHash.count - 1] ^= 0x80
        #expect(!holds(otherHash, previous))
    }

    @Test func aChecksumIsTheCRC32COfTheBytes() {
        #expect(Array("123456789".utf8).withUnsafeBytes { RecordHash.crc32c($0) } == 0xE306_9283)
        for length in 0...200 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            #expect(bytes.withUnsafeBytes { RecordHash.crc32c($0) } == CRC32C.checksum(bytes), "\(length) bytes")
        }
    }
}

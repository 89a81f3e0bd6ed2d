import Testing
import KassaCore

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}

private func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite struct CRC32CTests {
    @Test func checkValueOfDigitsMatchesTheCatalogue() {
        #expect(CRC32C.checksum(ascii("123456789")) == 0xE306_9283)
    }

    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func emptyInputChecksumIsZeroAndKeepsTheSeed() {
        #expect(CRC32C.checksum([]) == 0)
        #expect([UInt8]().withUnsafeBytes { CRC32C.checksum($0, seed: 0x1234_5678) } == 0x1234_5678)
    }

    @Test func seedChainsPiecesAtEveryCutToTheWholeChecksum() {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = CRC32C.checksum(bytes)
        for cut in 0...bytes.count {
            let first = CRC32C.checksum(Array(bytes[..<cut]))
            let chained = Array(bytes[cut...]).withUnsafeBytes { CRC32C.checksum($0, seed: first) }
            #expect(chained == whole)
        }
    }
}

@Suite struct SHA256Tests {
    @Test func fips180Examples() {
        #expect(hex(SHA256.hash(ascii("abc")))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func emptyMessage() {
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func oneMillionLetterAFedInUnevenPieces() {
        var hasher = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 997)
        var fed = 0
        while fed < 1_000_000 {
            let n = min(piece.count, 1_000_000 - fed)
            piece.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            fed += n
        }
        #expect(hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func everyLengthAroundThePaddingBoundaryHashesAlikeWholeAndBytewise() {
        for length in 50...130 {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            var hasher = SHA256()
            for byte in message { hasher.update([byte]) }
            #expect(hasher.finalize() == SHA256.hash(message))
        }
    }

    @Test func finalizeResetsTheHasher() {
        var hasher = SHA256()
        hasher.update(ascii("something else"))
        _ = hasher.finalize()
        hasher.update(ascii("abc"))
        #expect(hasher.finalize() == SHA256.hash(ascii("abc")))
    }
}

@Suite struct HMACSHA256Tests {
    private static let largeKey = [UInt8](repeating: 0xAA, count: 131)

    @Test func rfc4231Case1() {
        #expect(hex(HMACSHA256.authenticate(key: [UInt8](repeating: 0x0B, count: 20), message: ascii("Hi There")))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func rfc4231Case2KeyShorterThanOutput() {
        #expect(hex(HMACSHA256.authenticate(key: ascii("Jefe"), message: ascii("what do ya want for nothing?")))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func rfc4231Case3() {
        let mac = HMACSHA256.authenticate(key: [UInt8](repeating: 0xAA, count: 20),
                                          message: [UInt8](repeating: 0xDD, count: 50))
        #expect(hex(mac) == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    @Test func rfc4231Case4() {
        let mac = HMACSHA256.authenticate(key: (1...25).map { UInt8($0) },
                                          message: [UInt8](repeating: 0xCD, count: 50))
        #expect(hex(mac) == "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
    }

    @Test func rfc4231Case5TruncatedTo128Bits() {
        let mac = HMACSHA256.authenticate(key: [UInt8](repeating: 0x0C, count: 20), message: ascii("Test With Truncation"))
        #expect(hex(Array(mac.prefix(16))) == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func rfc4231Case6KeyLargerThanBlock() {
        let mac = HMACSHA256.authenticate(
            key: Self.largeKey, message: ascii("Test Using Larger Than Block-Size Key - Hash Key First"))
        #expect(hex(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func rfc4231Case7KeyAndDataLargerThanBlock() {
        let message = ascii("This is a test using a larger than block-size key and a larger than block-size data."
            + " The key needs to be hashed before being used by the HMAC algorithm.")
        #expect(hex(HMACSHA256.authenticate(key: Self.largeKey, message: message))
            == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }
}

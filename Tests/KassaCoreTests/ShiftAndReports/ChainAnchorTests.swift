import Testing
@testable import KassaCore

@Suite("Chain anchors")
struct ChainAnchorTests {
    let hash = (0..<32).map { UInt8($0 * 7 & 0xFF) }

    @Test func theTypedFormIsTheRecordAndSixteenHexDigitsWithItsClosing() throws {
        let anchor = try #require(ChainAnchor(seq: 4711, hash: hash, z: 12))
        #expect(anchor.short == "Z12 4711:00070e151c232a31")
        #expect(anchor.full == "Z12 4711:" + Hex.encode(hash))
    }

    @Test func anAnchorIsReadAsPrintedWithOrWithoutItsLabelAndWholeHash() throws {
        let typed = try #require(ChainAnchor(parsing: "  Z12 4711:00070E151C232A31 "))
        #expect(typed.seq == 4711 && typed.z == 12 && typed.hash == Array(hash.prefix(8)))
        #expect(typed.matches(hash))
        let bare = try #require(ChainAnchor(parsing: "4711:" + Hex.encode(hash)))
        #expect(bare.z == nil && bare.hash == hash)
        #expect(!bare.matches(hash.reversed()))
    }

    @Test(arguments: ["4711:00070e151c232a", "4711", ":00070e151c232a31", "0:00070e151c232a31", "Z 4711:00070e151c232a31",
                      "Z12 4711:00070e151c232a3g", "Z12 4711:00070e151c232a31 extra", "4711:" + String(repeating: "ab", count: 33)])
    func whatIsNoAnchorIsRefused(_ text: String) {
        #expect(ChainAnchor(parsing: text) == nil)
    }
}

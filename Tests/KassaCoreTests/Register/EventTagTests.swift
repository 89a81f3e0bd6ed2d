import Testing
@testable import KassaCore

@Suite("Event tags")
struct EventTagTests {
    @Test func everyTagFitsTheFirstByteOfAPayload() {
        for tag in EventTag.allCases { #expect(tag.rawValue <= UInt16(UInt8.max), "\(tag)") }
    }

    @Test func aPayloadWithATagNoVersionWroteIsABadTag() {
        #expect(throws: CodecError.badTag("event", 89, at: 0)) { try EventCodec.decode([89]) }
        #expect(throws: CodecError.badTag("event", 0, at: 0)) { try EventCodec.decode([0, 1]) }
    }
}

@testable import KassaCore
import Testing

/// The first record of a chain started after damage carries the whole register: it must read back
/// whole, however the register's state grows in later versions.
@Suite("chain_restarted codec")
struct ChainLinkCodecTests {
    static func link() -> ChainLink {
        var t = Till()
        t.cashierWithOpenShift()
        t.must(.scan(code: "1", quantity: 2))
        t.must(.tender(Tender(kind: .cash, amount: 2_000)))
        t.must(.receiveStock("coffee", quantity: 12, unitCost: 150, reason: "delivery"))
        t.must(.scan(code: "1", quantity: 1))
        return ChainLink(sealed: "chain-0001", lastSeq: 41, lastHash: String(repeating: "ab", count: 32),
                         fault: "bad CRC in record 40", unreadable: [40...40], by: "sami",
                         at: Timestamp(milliseconds: 1_767_000_100_000), state: t.state,
                         receiptSeqs: [0, 12], trainingReceiptSeqs: [])
    }

    @Test func aLinkReadsBackWholeWithItsState() throws {
        let link = Self.link()
        #expect(link.state.openSale != nil && link.state.stock["coffee"] == 10)
        let bytes = EventCodec.encode(.chainRestarted(link))
        #expect(bytes.first == 91)
        #expect(try EventCodec.decode(bytes) == .chainRestarted(link))
    }

    /// A tag-91 record up to its length-prefixed state.
    static func beforeTheState(_ link: ChainLink) -> ByteWriter {
        var w = ByteWriter()
        w.u8(91); w.string(link.sealed); w.varint(link.lastSeq); w.string(link.lastHash); w.string(link.fault)
        w.array(link.unreadable) { w, r in w.varint(r.lowerBound); w.varint(r.upperBound) }
        w.id(link.by); w.time(link.at)
        w.array(link.receiptSeqs) { w, s in w.varint(s) }
        w.array(link.trainingReceiptSeqs) { w, s in w.varint(s) }
        return w
    }

    @Test func theStateIsSealedInItsOwnLength() throws {
        // A state one byte short must be an error about the state, not a misread of what follows.
        let link = Self.link()
        let w = Self.beforeTheState(link)
        var state = ByteWriter()
        state.stateFormat1(link.state)
        var whole = w
        whole.raw(state.bytes)
        #expect(try EventCodec.decode(whole.bytes) == .chainRestarted(link))
        var short = w
        short.raw(Array(state.bytes.dropLast()))
        #expect(throws: CodecError.self) { try EventCodec.decode(short.bytes) }
    }

    @Test func theStateStaysInFormat1WithTheSectionsAddedSinceAfterIt() throws {
        let link = Self.link()
        var state = ByteWriter()
        state.stateFormat1(link.state)
        // Since format 1, the wrong PINs from each source: their section follows it.
        state.stateSections(link.state, [.pinAttempts])
        var record = Self.beforeTheState(link)
        record.raw(state.bytes)
        #expect(EventCodec.encode(.chainRestarted(link)) == record.bytes)
        // A later version's record, with a section this one does not know, reads as far as it knows.
        state.varint(200)
        state.raw([9, 9])
        var later = Self.beforeTheState(link)
        later.raw(state.bytes)
        #expect(try EventCodec.decode(later.bytes) == .chainRestarted(link))
    }

    @Test func theFirstFormWithTheStateInTheMiddleStillReads() throws {
        let link = Self.link()
        var w = ByteWriter()
        w.u8(90); w.string(link.sealed); w.varint(link.lastSeq); w.string(link.lastHash); w.string(link.fault)
        w.array(link.unreadable) { w, r in w.varint(r.lowerBound); w.varint(r.upperBound) }
        w.id(link.by); w.time(link.at); w.stateFormat1(link.state, sectionsOfTag90: true)
        w.array(link.receiptSeqs) { w, s in w.varint(s) }
        w.array(link.trainingReceiptSeqs) { w, s in w.varint(s) }
        guard case .chainRestarted(let read) = try EventCodec.decode(w.bytes) else {
            Issue.record("a tag-90 record must read as chain_restarted")
            return
        }
        #expect(read.receiptSeqs == link.receiptSeqs)
        #expect(read.state.openSale == link.state.openSale)
        #expect(read.state.stock == link.state.stock)
        #expect(read.state.lastReceipt == 1)
    }
}

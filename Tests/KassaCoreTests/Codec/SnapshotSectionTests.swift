import Testing
@testable import KassaCore

/// A snapshot is a format byte and a list of sections, one a feature: a version that adds a
/// feature adds a section, and every version reads what it knows of every other's snapshots.
@Suite("Snapshot sections")
struct SnapshotSectionTests {
    /// A register with something in every part of its state.
    static let register: RegisterState = {
        var t = Till(config: LoyaltyTests.centRules)
        t.run(.login(pin: "9999"))
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.setPromotion(Promotion(id: "buns", name: "Pulla -10%", target: .items(["bun"]), rule: .percentOff(1000)),
                             override: nil))
        t.must(.receiveStock("coffee", quantity: 12, unitCost: 150, reason: "delivery"))
        t.must(.setReorder("coffee", ReorderRule(point: 2, quantity: 10), override: nil))
        t.must(.clock(.clockIn, pin: Till.cashierPIN))
        t.must(.logout)
        t.cashierWithOpenShift()
        t.addCustomer("Liisa", cards: ["LOY-1001"])
        t.must(.scan(code: "1", quantity: 1))
        t.must(.sellVoucher(amount: 2_000))
        t.must(.tender(Tender(kind: .cash, amount: 2_350)))
        t.must(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .cash,
                       override: Till.supervisorPIN))
        t.must(.scan(code: "2", quantity: 1))
        t.must(.park)
        t.must(.scan(code: "LOY-1001", quantity: nil))
        t.must(.scan(code: "1", quantity: 1))
        t.must(.requestCardAuthorisation(amount: 350, requestKey: nil))
        t.record([.settingChanged(key: "receipt_footer", old: nil, new: "Kiitos!", by: "tero"),
                  .requestCompleted(key: "cli-1", digest: "00ff", result: "{}"), .outputQueued(id: 1, .receipt(number: 1, training: false)),
                  .operatorDisabled("sami", true, by: "tero")])
        t.state.sealedChains = [SealedChain(name: "chain-1", receiptSeqs: [4], trainingReceiptSeqs: [])]
        t.state.refundState.refundedToCard[ReceiptKey(number: 1, training: false)] = 350
        return t.state
    }()

    /// A snapshot of `state` with these sections, in this order.
    func snapshot(_ state: RegisterState, _ sections: [StateSection], then extra: (inout ByteWriter) -> Void = { _ in }) -> [UInt8] {
        var w = ByteWriter()
        w.u8(2)
        w.stateSections(state, sections)
        extra(&w)
        return w.bytes
    }

    /// The section ids of a snapshot, in order.
    func sectionIDs(_ bytes: [UInt8]) throws -> [UInt64] {
        try EventCodec.withBytes(Array(bytes.dropFirst())) { raw throws(CodecError) in
            var r = ByteReader(raw)
            var ids: [UInt64] = []
            while !r.isAtEnd {
                ids.append(try r.varint())
                _ = try r.lengthPrefixed()
            }
            return ids
        }
    }

    @Test func aSnapshotIsFormat2WithEverySectionOnceAndReadsBackWhole() throws {
        let bytes = EventCodec.encode(Self.register)
        #expect(bytes.first == 2)
        #expect(try sectionIDs(bytes) == StateSection.allCases.map(\.rawValue))
        #expect(try EventCodec.decodeState(bytes) == Self.register)
    }

    @Test(arguments: StateSection.allCases)
    func everySectionCarriesItsPartOfTheState(_ left: StateSection) throws {
        let without = snapshot(Self.register, StateSection.allCases.filter { $0 != left })
        #expect(try EventCodec.decodeState(without) != Self.register)
    }

    @Test func aSectionThisVersionDoesNotKnowIsSkipped() throws {
        let unknown: (inout ByteWriter) -> Void = { w in w.varint(200); w.raw([1, 2, 3]) }
        #expect(try EventCodec.decodeState(snapshot(Self.register, StateSection.allCases, then: unknown)) == Self.register)
        var w = ByteWriter()
        w.u8(2)
        unknown(&w)
        w.stateSections(Self.register, StateSection.allCases)
        #expect(try EventCodec.decodeState(w.bytes) == Self.register)
    }

    @Test func aMissingSectionLeavesItsFeatureAsANewRegisterHasIt() throws {
        var expected = Self.register
        expected.stock = [:]
        expected.reorderRules = [:]
        expected.unitCosts = [:]
        #expect(try EventCodec.decodeState(snapshot(Self.register, StateSection.allCases.filter { $0 != .stock })) == expected)
        expected = Self.register
        expected.customers = [:]
        expected.customerCards = [:]
        expected.saleCustomers = [:]
        expected.lastCustomerID = 0
        #expect(try EventCodec.decodeState(snapshot(Self.register, StateSection.allCases.filter { $0 != .customers })) == expected)
        #expect(try EventCodec.decodeState([2]) == RegisterState())
    }

    @Test func aSectionTwiceOrLongerThanItsFeatureReadsIsDamage() {
        #expect(throws: CodecError.self) {
            try EventCodec.decodeState(snapshot(Self.register, StateSection.allCases + [.stock]))
        }
        #expect(throws: CodecError.self) {
            try EventCodec.decodeState(snapshot(Self.register, []) { w in w.varint(StateSection.shift.rawValue); w.raw([0, 0, 7]) })
        }
        #expect(throws: CodecError.badValue("snapshot format 3", at: 0)) { try EventCodec.decodeState([3]) }
    }

    @Test func aFormat1SnapshotStillReads() throws {
        let format1 = EventCodec.encodeFormat1(Self.register)
        #expect(format1.first == 1)
        // Format 1 came before request digests, the wrong PINs from each source and card refunds.
        var expected = Self.register
        #expect(!expected.pinAttempts.sources.isEmpty)
        expected.pinAttempts = PinAttempts()
        expected.settingsState.requestDigests = [:]
        expected.refundState.refundedToCard = [:]
        #expect(try EventCodec.decodeState(format1) == expected)
    }

}

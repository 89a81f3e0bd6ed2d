/// The binary form of a new chain's first record after a damaged one was sealed: the link to the
/// sealed chain and the whole register as rebuilt from it.
extension ByteWriter {
    mutating func chainRestarted(_ l: ChainLink) {
        string(l.sealed); varint(l.lastSeq); string(l.lastHash); string(l.fault)
        array(l.unreadable) { w, r in w.varint(r.lowerBound); w.varint(r.upperBound) }
        id(l.by); time(l.at)
        array(l.receiptSeqs) { w, s in w.varint(s) }
        array(l.trainingReceiptSeqs) { w, s in w.varint(s) }
        // Length-prefixed, so that a newer state still ends where the record says (tag 90 put the
        // state in the middle and could not grow): format 1, then the sections added since.
        var nested = ByteWriter(capacity: 4096)
        nested.stateFormat1(l.state)
        nested.stateSections(l.state, StateSection.allCases.filter { !StateSection.inFormat1.contains($0) })
        raw(nested.bytes)
    }

    /// In a snapshot: the chains sealed by recoveries, oldest first.
    mutating func sealedChainsState(_ s: RegisterState) {
        array(s.sealedChains) { w, c in
            w.string(c.name)
            w.array(c.receiptSeqs) { w, s in w.varint(s) }
            w.array(c.trainingReceiptSeqs) { w, s in w.varint(s) }
        }
    }
}

extension ByteReader {
    mutating func chainRestartedWithStateInside() throws(CodecError) -> RegisterEvent {
        // The state sits between other fields, as it was when tag 91 replaced this form, so it is
        // read only up to the sections it had then.
        .chainRestarted(ChainLink(
            sealed: try string(), lastSeq: try varint(), lastHash: try string(), fault: try string(),
            unreadable: try unreadableRanges(), by: try id(), at: try time(), state: try stateFormat1(sectionsOfTag90: true),
            receiptSeqs: try array { r throws(CodecError) in try r.varint() },
            trainingReceiptSeqs: try array { r throws(CodecError) in try r.varint() }))
    }

    mutating func chainRestarted() throws(CodecError) -> RegisterEvent {
        let sealed = try string(), lastSeq = try varint(), lastHash = try string(), fault = try string()
        let unreadable = try unreadableRanges(), by = try id(), at = try time()
        let receiptSeqs = try array { r throws(CodecError) in try r.varint() }
        let trainingReceiptSeqs = try array { r throws(CodecError) in try r.varint() }
        let stateAt = offset
        var nested = try lengthPrefixed()
        var state: RegisterState
        do throws(CodecError) {
            state = try nested.stateFormat1()
            try nested.stateSections(into: &state)
        } catch {
            throw .badValue("chain_restarted state (\(error))", at: stateAt)
        }
        return .chainRestarted(ChainLink(sealed: sealed, lastSeq: lastSeq, lastHash: lastHash, fault: fault,
                                         unreadable: unreadable, by: by, at: at, state: state,
                                         receiptSeqs: receiptSeqs, trainingReceiptSeqs: trainingReceiptSeqs))
    }

    private mutating func unreadableRanges() throws(CodecError) -> [ClosedRange<UInt64>] {
        try array { r throws(CodecError) in
            let low = try r.varint()
            let high = try r.varint()
            guard low <= high else { throw .badValue("unreadable range", at: r.offset) }
            return low...high
        }
    }

    mutating func sealedChainsState(into s: inout RegisterState) throws(CodecError) {
        s.sealedChains = try array { r throws(CodecError) in
            SealedChain(name: try r.string(), receiptSeqs: try r.array { r throws(CodecError) in try r.varint() },
                        trainingReceiptSeqs: try r.array { r throws(CodecError) in try r.varint() })
        }
    }
}

/// The binary form of card payments: the authorisation asked of the terminal and its outcome.
extension ByteWriter {
    mutating func cardAuthorisation(_ a: CardAuthorisation) {
        string(a.reference)
        zigzag(a.amount)
        varint(a.saleID)
        optional(a.requestKey) { $0.string($1) }
    }

    mutating func cardAuthorisationResolved(_ reference: String, _ outcome: CardAuthorisationOutcome) {
        string(reference); cardOutcome(outcome)
    }

    mutating func cardOutcome(_ o: CardAuthorisationOutcome) {
        switch o {
        case .approved(let a):
            u8(0); string(a.authorisationCode); string(a.maskedPAN); string(a.scheme)
        case .declined(let reason): u8(1); string(reason)
        case .notCharged(let reason): u8(2); string(reason)
        case .reversed(let reason): u8(3); string(reason)
        }
    }

    /// In a snapshot: the authorisation not yet resolved and how many were ever asked for.
    mutating func cardPaymentsState(_ s: SaleState) {
        optional(s.pendingCardAuthorisation) { $0.cardAuthorisation($1) }
        varint(s.cardAuthorisations)
    }
}

extension ByteReader {
    mutating func cardAuthorisation() throws(CodecError) -> CardAuthorisation {
        CardAuthorisation(reference: try string(), amount: try zigzag(), saleID: try varint(),
                          requestKey: try optional { r throws(CodecError) in try r.string() })
    }

    mutating func cardAuthorisationResolved() throws(CodecError) -> RegisterEvent {
        .cardAuthorisationResolved(reference: try string(), try cardOutcome())
    }

    mutating func cardOutcome() throws(CodecError) -> CardAuthorisationOutcome {
        let at = offset
        switch try u8() {
        case 0: return .approved(CardApproval(authorisationCode: try string(), maskedPAN: try string(), scheme: try string()))
        case 1: return .declined(reason: try string())
        case 2: return .notCharged(reason: try string())
        case 3: return .reversed(reason: try string())
        case let t: throw .badTag("card outcome", t, at: at)
        }
    }

    mutating func cardPaymentsState(into s: inout SaleState) throws(CodecError) {
        s.pendingCardAuthorisation = try optional { r throws(CodecError) in try r.cardAuthorisation() }
        s.cardAuthorisations = try varint()
    }
}

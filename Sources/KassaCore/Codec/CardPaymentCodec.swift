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

    /// An outcome of the records added with card refunds: the terminal's trace number follows.
    mutating func cardOutcomeWithTrace(_ o: CardAuthorisationOutcome) {
        cardOutcome(o)
        var trace: String?
        if case .approved(let a) = o { trace = a.trace }
        optional(trace) { $0.string($1) }
    }

    mutating func cardSlip(_ slip: CardSlip) {
        string(slip.reference)
        cardOutcomeWithTrace(.approved(slip.approval))
    }

    mutating func saleCardDetails(_ receipt: UInt64, _ training: Bool, _ slips: [CardSlip]) {
        varint(receipt); bool(training); array(slips) { $0.cardSlip($1) }
    }

    /// The refund goes last: its own last field is read only when bytes remain.
    mutating func cardRefundRequested(_ r: CardRefundRequest) {
        string(r.reference)
        optional(r.requestKey) { $0.string($1) }
        refund(r.refund)
    }

    /// In a snapshot's `cardRefunds` section: what each receipt refunded to cards, the cards that
    /// paid the open sale, and (last, for the refund's sake) the card refund not yet resolved.
    mutating func cardRefundsState(_ refunds: RefundState, _ sale: SaleState) {
        let keys = refunds.refundedToCard.keys.sorted { ($0.number, $0.training ? 1 : 0) < ($1.number, $1.training ? 1 : 0) }
        array(keys) { w, k in w.varint(k.number); w.bool(k.training); w.zigzag(refunds.refundedToCard[k]!) }
        array(sale.cardSlips) { $0.cardSlip($1) }
        optional(refunds.pendingCardRefund) { $0.cardRefundRequested($1) }
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

    mutating func cardOutcomeWithTrace() throws(CodecError) -> CardAuthorisationOutcome {
        var outcome = try cardOutcome()
        let trace = try optional { r throws(CodecError) in try r.string() }
        if case .approved(var a) = outcome, let trace {
            a.trace = trace
            outcome = .approved(a)
        }
        return outcome
    }

    mutating func cardSlip() throws(CodecError) -> CardSlip {
        let reference = try string()
        let at = offset
        guard case .approved(let approval) = try cardOutcomeWithTrace() else { throw .badValue("a card slip that is no approval", at: at) }
        return CardSlip(reference: reference, approval: approval)
    }

    mutating func saleCardDetails() throws(CodecError) -> RegisterEvent {
        .saleCardDetails(receipt: try varint(), training: try bool(), try array { r throws(CodecError) in try r.cardSlip() })
    }

    mutating func cardRefundRequested() throws(CodecError) -> CardRefundRequest {
        let reference = try string()
        let key = try optional { r throws(CodecError) in try r.string() }
        return CardRefundRequest(reference: reference, refund: try refund(), requestKey: key)
    }

    mutating func cardRefundsState(into refunds: inout RefundState, _ sale: inout SaleState) throws(CodecError) {
        for _ in 0..<(try count()) {
            refunds.refundedToCard[ReceiptKey(number: try varint(), training: try bool())] = try zigzag()
        }
        sale.cardSlips = try array { r throws(CodecError) in try r.cardSlip() }
        refunds.pendingCardRefund = try optional { r throws(CodecError) in try r.cardRefundRequested() }
    }

    mutating func cardPaymentsState(into s: inout SaleState) throws(CodecError) {
        s.pendingCardAuthorisation = try optional { r throws(CodecError) in try r.cardAuthorisation() }
        s.cardAuthorisations = try varint()
    }
}

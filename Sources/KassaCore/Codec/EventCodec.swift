/// The binary form of register events (journal payloads) and of the register state (snapshots).
///
/// Each payload starts with its `EventTag`, which the journal record's type field carries too, so
/// a reader can skip what it does not want undecoded. After the tag comes the event's payload,
/// written and read by its feature's codec (`StaffCodec.swift`, `SaleCodec.swift`, …), where the
/// writer and the reader of each event stand together; the two switches here only dispatch.
public enum EventCodec {
    public static func encode(_ event: RegisterEvent) -> [UInt8] {
        var w = ByteWriter()
        w.event(event)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> RegisterEvent {
        try withBytes(bytes) { raw throws(CodecError) in try decode(raw) }
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> RegisterEvent {
        var r = ByteReader(bytes)
        let e = try r.event()
        try r.finish()
        return e
    }

    /// Runs a typed-throwing body over an array's bytes (the standard library's `withUnsafeBytes`
    /// only rethrows untyped errors in Swift 6.0).
    public static func withBytes<T>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CodecError) -> T) throws(CodecError) -> T {
        var result: Result<T, CodecError>?
        bytes.withUnsafeBytes { raw in
            do throws(CodecError) { result = .success(try body(raw)) } catch { result = .failure(error) }
        }
        return try result!.get()
    }
}

extension ByteWriter {
    mutating func id(_ v: OperatorID) { string(v.rawValue) }
    mutating func time(_ t: Timestamp) { zigzag(t.milliseconds) }

    mutating func event(_ e: RegisterEvent) {
        u8(UInt8(e.tag.rawValue))
        switch e {
        case .operatorAdded(let op): operatorRecord(op)
        case .operatorRemoved(let who): operatorRemoved(who)
        case .operatorDisabled(let who, let disabled, let by): operatorDisabled(who, disabled, by: by)
        case .pinReset(let who, let by): pinReset(who, by: by)
        case .technicianRecovered(let who, let at): technicianRecovered(who, at: at)
        case .loggedIn(let who, let at): loggedIn(who, at: at)
        case .loggedOut(let who): loggedOut(who)
        case .pinRejected(let at): pinRejected(at: at)
        case .pinLockout(let until): pinLockout(until: until)
        case .pinRefused(let source, let failures, let at): pinRefused(source, failures: failures, at: at)
        case .recoveryCodePrinted(let ground, let at): recoveryCodePrinted(ground, at: at)
        case .trainingModeChanged(let on, let by): trainingModeChanged(on, by: by)

        case .shiftOpened(let number, let by, let float, let at): shiftOpened(number, by: by, float: float, at: at)
        case .cashMoved(let kind, let amount, let reason, let by): cashMoved(kind, amount: amount, reason: reason, by: by)
        case .noSale(let by, let authorisedBy): noSale(by: by, authorisedBy: authorisedBy)
        case .shiftClosed(let number, let counted, let expected, let by, let at):
            shiftClosed(number, counted: counted, expected: expected, by: by, at: at)
        case .dayClosed(let report): z(report)

        case .saleOpened(let sale, let by, let training, let at): saleOpened(sale, by: by, training: training, at: at)
        case .lineAdded(let l): line(l)
        case .lineVoided(let index, let by): lineVoided(index, by: by)
        case .lineQuantityChanged(let index, let quantity, let by): lineQuantityChanged(index, quantity: quantity, by: by)
        case .lineDiscounted(let index, let discount, let by): lineDiscounted(index, discount, authorisedBy: by)
        case .linePriceOverridden(let index, let price, let by): linePriceOverridden(index, unitPrice: price, authorisedBy: by)
        case .receiptDiscounted(let discount, let by): receiptDiscounted(discount, authorisedBy: by)
        case .totalled: break
        case .tenderAdded(let t): tender(t)
        case .saleCompleted(let s): sale(s)
        case .saleCancelled(let by, let authorisedBy): saleCancelled(by: by, authorisedBy: authorisedBy)
        case .saleParked(let parkID): saleParked(parkID)
        case .saleResumed(let parkID): saleResumed(parkID)
        case .cardAuthorisationRequested(let a): cardAuthorisation(a)
        case .cardAuthorisationResolved(let reference, let outcome): cardAuthorisationResolved(reference, outcome)
        case .cardRefundRequested(let request): cardRefundRequested(request)
        case .cardRefundResolved(let reference, let outcome): string(reference); cardOutcomeWithTrace(outcome)
        case .saleCardDetails(let receipt, let training, let slips): saleCardDetails(receipt, training, slips)

        case .refundCompleted(let r): refund(r)

        case .settingChanged(let key, let old, let new, let by): settingChanged(key, old: old, new: new, by: by)
        case .catalogImported(let items, let digest, let by): catalogImported(items: items, sha256: digest, by: by)
        case .requestCompleted(let key, let digest, let result): requestCompleted(key, digest: digest, result: result)

        case .outputQueued(let id, let output): outputQueued(id, output)
        case .outputSent(let id, let bytes, let copy): outputSent(id, bytes: bytes, copy: copy)
        case .outputDone(let id, let byPrinter): outputDone(id, confirmedByPrinter: byPrinter)

        case .chainRestarted(let link): chainRestarted(link)

        case .timePunched(let who, let punch): timePunched(who, punch)
        case .timeCorrected(let correction): timeCorrected(correction)

        case .stockReceived(let item, let quantity, let cost, let reason, let by):
            stockReceived(item, quantity: quantity, unitCost: cost, reason: reason, by: by)
        case .stockCounted(let item, let counted, let difference, let by):
            stockCounted(item, counted: counted, difference: difference, by: by)
        case .stockAdjusted(let item, let delta, let reason, let by): stockAdjusted(item, delta: delta, reason: reason, by: by)
        case .reorderSet(let item, let rule, let by): reorderSet(item, rule, by: by)

        case .voucherIssued(let issue): voucherIssue(issue)
        case .voucherVoided(let code, let refund, let by): voucherVoided(code, refund: refund, by: by)

        case .promotionSet(let promotion, let by): promotionSet(promotion, by: by)
        case .promotionRemoved(let id, let by): promotionRemoved(id, by: by)
        case .lineOffers(let index, let offers): lineOffers(index, offers)

        case .customerAdded(let customer, let profile, let by, let at), .customerUpdated(let customer, let profile, let by, let at):
            customerChanged(customer, profile, by: by, at: at)
        case .customerRemoved(let customer, let by, let at): customerRemoved(customer, by: by, at: at)
        case .saleCustomerSet(let sale, let customer): saleCustomerSet(sale, customer)
        case .pointsRedemptionSet(let sale, let points, let value): pointsRedemptionSet(sale, points: points, value: value)
        }
    }
}

extension ByteReader {
    mutating func id() throws(CodecError) -> OperatorID { OperatorID(try string()) }
    mutating func time() throws(CodecError) -> Timestamp { Timestamp(milliseconds: try zigzag()) }

    mutating func event() throws(CodecError) -> RegisterEvent {
        let at = offset
        let byte = try u8()
        guard let tag = EventTag(rawValue: UInt16(byte)) else { throw .badTag("event", byte, at: at) }
        switch tag {
        case .operatorAdded: return .operatorAdded(try operatorRecord())
        case .operatorRemoved: return try operatorRemoved()
        case .operatorDisabled: return try operatorDisabled()
        case .pinReset: return try pinReset()
        case .technicianRecovered: return try technicianRecovered()
        case .loggedIn: return try loggedIn()
        case .loggedOut: return try loggedOut()
        case .pinRejected: return try pinRejected()
        case .pinLockout: return try pinLockout()
        case .pinRefused: return try pinRefused()
        case .recoveryCodePrinted: return try recoveryCodePrinted()
        case .trainingModeChanged: return try trainingModeChanged()

        case .shiftOpened: return try shiftOpened()
        case .cashMoved: return try cashMoved()
        case .noSale: return try noSale()
        case .shiftClosed: return try shiftClosed()
        case .dayClosed: return .dayClosed(try z())

        case .saleOpened: return try saleOpened()
        case .lineAdded: return .lineAdded(try line())
        case .lineVoided: return try lineVoided()
        case .lineQuantityChanged: return try lineQuantityChanged()
        case .lineDiscounted: return try lineDiscounted()
        case .linePriceOverridden: return try linePriceOverridden()
        case .receiptDiscounted: return try receiptDiscounted()
        case .totalled: return .totalled
        case .tenderAdded: return .tenderAdded(try tender())
        case .saleCompleted: return .saleCompleted(try sale())
        case .saleCancelled: return try saleCancelled()
        case .saleParked: return try saleParked()
        case .saleResumed: return try saleResumed()
        case .cardAuthorisationRequested: return .cardAuthorisationRequested(try cardAuthorisation())
        case .cardAuthorisationResolved: return try cardAuthorisationResolved()
        case .cardRefundRequested: return .cardRefundRequested(try cardRefundRequested())
        case .cardRefundResolved: return .cardRefundResolved(reference: try string(), try cardOutcomeWithTrace())
        case .saleCardDetails: return try saleCardDetails()

        case .refundCompleted: return .refundCompleted(try refund())

        case .settingChanged: return try settingChanged()
        case .catalogImported: return try catalogImported()
        case .requestCompleted: return try requestCompleted(withDigest: false)
        case .requestCompletedForDigest: return try requestCompleted(withDigest: true)

        case .outputQueued: return try outputQueued()
        case .outputSent: return try outputSent()
        case .outputDone: return try outputDone()

        case .chainRestartedWithStateInside: return try chainRestartedWithStateInside()
        case .chainRestarted: return try chainRestarted()

        case .timePunched: return try timePunched()
        case .timeCorrected: return try timeCorrected()

        case .stockReceived: return try stockReceived()
        case .stockCounted: return try stockCounted()
        case .stockAdjusted: return try stockAdjusted()
        case .reorderSet: return try reorderSet()

        case .voucherIssued: return .voucherIssued(try voucherIssue())
        case .voucherVoided: return try voucherVoided()

        case .promotionSet: return try promotionSet()
        case .promotionRemoved: return try promotionRemoved()
        case .lineOffers: return try lineOffers()

        case .customerAdded: return try customerAdded()
        case .customerUpdated: return try customerUpdated()
        case .customerRemoved: return try customerRemoved()
        case .saleCustomerSet: return try saleCustomerSet()
        case .pointsRedemptionSet: return try pointsRedemptionSet()
        }
    }
}

/// The binary form of register events (journal payloads) and of the register state (snapshots).
///
/// Each payload starts with its `EventTag`, which the journal record's type field carries too, so
/// a reader can skip what it does not want undecoded.
public enum EventCodec {
    public static let formatVersion: UInt8 = 1

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

    public static func encode(_ state: RegisterState) -> [UInt8] {
        var w = ByteWriter(capacity: 4096)
        w.u8(formatVersion)
        w.state(state)
        return w.bytes
    }

    public static func decodeState(_ bytes: [UInt8]) throws(CodecError) -> RegisterState {
        try withBytes(bytes) { raw throws(CodecError) in
            var r = ByteReader(raw)
            let v = try r.u8()
            guard v == formatVersion else { throw .badValue("snapshot format \(v)", at: 0) }
            let s = try r.state()
            try r.finish()
            return s
        }
    }
}

extension ByteWriter {
    mutating func id(_ v: OperatorID) { string(v.rawValue) }
    mutating func time(_ t: Timestamp) { zigzag(t.milliseconds) }

    mutating func discount(_ d: Discount?) {
        switch d {
        case nil: u8(0)
        case .percent(let bp)?: u8(1); int(bp)
        case .amount(let a)?: u8(2); zigzag(a)
        }
    }

    mutating func line(_ l: SaleLine) {
        string(l.itemID.rawValue)
        string(l.name)
        string(l.department)
        u8(l.unit == .piece ? 0 : 1)
        zigzag(l.quantity)
        zigzag(l.unitPrice)
        zigzag(l.catalogPrice)
        string(l.taxClass.rawValue)
        int(l.taxBasisPoints)
        discount(l.discount)
        bool(l.voided)
        optional(l.authorisedBy) { $0.id($1) }
        optional(l.fixedAmount) { $0.zigzag($1) }
    }

    mutating func output(_ o: Output) {
        switch o {
        case .receipt(let number, let training):
            u8(0); varint(number); bool(training)
        case .document(let kind, let lines):
            u8(1); string(kind)
            array(lines) { w, l in
                w.string(l.text)
                switch l.emphasis {
                case .normal: w.u8(0)
                case .strong: w.u8(1)
                case .total: w.u8(2)
                case .barcode: w.u8(3)
                }
            }
        }
    }

    mutating func tender(_ t: Tender) {
        u8(t.kind.code)
        zigzag(t.amount)
        optional(t.reference) { $0.string($1) }
    }

    mutating func cardAuthorisation(_ a: CardAuthorisation) {
        string(a.reference)
        zigzag(a.amount)
        varint(a.saleID)
        optional(a.requestKey) { $0.string($1) }
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

    mutating func breakdown(_ b: TaxBreakdownLine) {
        string(b.taxClass.rawValue)
        int(b.basisPoints)
        zigzag(b.net)
        zigzag(b.tax)
        zigzag(b.gross)
    }

    mutating func sale(_ s: CompletedSale) {
        varint(s.receiptNumber)
        bool(s.training)
        string(s.registerID)
        id(s.operatorID)
        time(s.time)
        array(s.lines) { $0.line($1) }
        array(s.priced) { w, p in
            w.optional(p) { w, p in
                w.zigzag(p.lineDiscount)
                w.zigzag(p.receiptDiscount)
                w.zigzag(p.gross)
                w.zigzag(p.tax)
            }
        }
        discount(s.receiptDiscount)
        optional(s.receiptDiscountBy) { $0.id($1) }
        array(s.breakdown) { $0.breakdown($1) }
        zigzag(s.total)
        array(s.tenders) { $0.tender($1) }
        zigzag(s.change)
        zigzag(s.rounding)
        zigzag(s.discountTotal)
        // Added with promotions: a sale recorded before them ends here. An empty list is written
        // only when loyalty points follow it.
        if !s.promotions.isEmpty || s.loyalty != nil { array(s.promotions) { $0.appliedPromotion($1) } }
        // Added with loyalty points, after the promotions: a sale without a customer ends before.
        if let l = s.loyalty {
            varint(l.customer.rawValue); zigzag(l.earned); zigzag(l.redeemed); zigzag(l.redeemedValue); zigzag(l.balance)
        }
    }

    mutating func refund(_ r: CompletedRefund) {
        varint(r.refundNumber)
        varint(r.originalReceipt)
        bool(r.training)
        id(r.operatorID)
        id(r.authorisedBy)
        time(r.time)
        array(r.lines) { w, l in
            w.int(l.originalLine)
            w.string(l.itemID.rawValue)
            w.string(l.name)
            w.zigzag(l.quantity)
            w.u8(l.unit == .piece ? 0 : 1)
            w.zigzag(l.gross)
            w.zigzag(l.tax)
            w.string(l.taxClass.rawValue)
            w.int(l.taxBasisPoints)
        }
        array(r.breakdown) { $0.breakdown($1) }
        zigzag(r.total)
        u8(r.tender.code)
        zigzag(r.paidOut)
        zigzag(r.rounding)
        // Added with loyalty points: a refund without them ends before.
        if let l = r.loyalty {
            varint(l.customer.rawValue); zigzag(l.takenBack); zigzag(l.forgone); zigzag(l.returned); zigzag(l.balance)
        }
    }

    mutating func counters(_ c: ReportCounters) {
        for v in [c.salesCount, c.refundsCount, c.voidedLines, c.cancelledSales, c.noSales, c.priceOverrides,
                  c.discountCount, c.discountTotal, c.salesGross, c.refundsGross, c.roundingTotal, c.cashIn, c.cashOut] {
            zigzag(v)
        }
        for map in [c.salesByTax, c.refundsByTax] {
            array(map.keys.sorted()) { w, k in
                w.string(k.taxClass.rawValue)
                w.int(k.basisPoints)
                let a = map[k]!
                w.zigzag(a.net)
                w.zigzag(a.tax)
                w.zigzag(a.gross)
            }
        }
        for map in [c.tenders, c.refundTenders] {
            array(map.keys.sorted { $0.code < $1.code }) { w, k in
                w.u8(k.code)
                w.zigzag(map[k]!)
            }
        }
        optional(c.firstReceipt) { $0.varint($1) }
        optional(c.lastReceipt) { $0.varint($1) }
    }

    mutating func z(_ z: ZReport) {
        varint(z.number)
        string(z.registerID)
        time(z.closedAt)
        id(z.closedBy)
        counters(z.counters)
        zigzag(z.grandTotalSales)
        zigzag(z.grandTotalRefunds)
        // Added with vouchers: a Z closing recorded before them ends here.
        voucherCounters(z.counters)
    }

    mutating func voucherCounters(_ c: ReportCounters) {
        for v in [c.vouchersSoldCount, c.vouchersSold, c.vouchersRefundedCount, c.vouchersRefunded] { zigzag(v) }
    }

    mutating func voucherIssue(_ v: VoucherIssue) {
        varint(v.number); string(v.code); zigzag(v.amount); bool(v.training)
        switch v.source {
        case .sale(let receipt, let line): u8(0); varint(receipt); int(line)
        case .refund(let refund): u8(1); varint(refund)
        }
        id(v.by); time(v.at)
    }

    mutating func voucher(_ v: Voucher) {
        voucherIssue(v.issue)
        zigzag(v.balance)
        optional(v.voidedByRefund) { $0.varint($1) }
        array(v.redemptions) { w, r in
            w.varint(r.saleID); w.optional(r.receipt) { $0.varint($1) }; w.optional(r.at) { $0.time($1) }
            w.zigzag(r.amount); w.zigzag(r.balanceAfter)
        }
    }

    mutating func event(_ e: RegisterEvent) {
        u8(UInt8(e.tag.rawValue))
        switch e {
        case .operatorAdded(let op):
            id(op.id); string(op.name); string(op.role.rawValue)
        case .operatorRemoved(let i): id(i)
        case .loggedIn(let i, let at): id(i); time(at)
        case .loggedOut(let i): id(i)
        case .pinRejected(let at): time(at)
        case .pinLockout(let until): time(until)
        case .trainingModeChanged(let on, let by): bool(on); id(by)
        case .shiftOpened(let n, let by, let float, let at): varint(n); id(by); zigzag(float); time(at)
        case .cashMoved(let kind, let amount, let reason, let by):
            u8(kind == .cashIn ? 0 : 1); zigzag(amount); string(reason); id(by)
        case .noSale(let by, let auth): id(by); id(auth)
        case .shiftClosed(let n, let counted, let expected, let by, let at):
            varint(n); zigzag(counted); zigzag(expected); id(by); time(at)
        case .saleOpened(let sid, let by, let training, let at): varint(sid); id(by); bool(training); time(at)
        case .lineAdded(let l): line(l)
        case .lineVoided(let index, let by): int(index); id(by)
        case .lineDiscounted(let index, let d, let by): int(index); discount(d); optional(by) { $0.id($1) }
        case .linePriceOverridden(let index, let price, let by): int(index); zigzag(price); id(by)
        case .receiptDiscounted(let d, let by): discount(d); optional(by) { $0.id($1) }
        case .totalled: break
        case .tenderAdded(let t): tender(t)
        case .saleCompleted(let s): sale(s)
        case .saleCancelled(let by, let auth): id(by); optional(auth) { $0.id($1) }
        case .saleParked(let p): varint(p)
        case .saleResumed(let p): varint(p)
        case .refundCompleted(let r): refund(r)
        case .dayClosed(let zr): z(zr)
        case .settingChanged(let key, let old, let new, let by): string(key); optional(old) { $0.string($1) }; string(new); id(by)
        case .catalogImported(let items, let digest, let by): int(items); string(digest); id(by)
        case .requestCompleted(let key, let result): string(key); string(result)
        case .operatorDisabled(let who, let disabled, let by): id(who); bool(disabled); id(by)
        case .pinReset(let who, let by): id(who); id(by)
        case .technicianRecovered(let who, let at): id(who); time(at)
        case .outputQueued(let id, let o): varint(id); output(o)
        case .outputSent(let id, let bytes, let copy): varint(id); int(bytes); bool(copy)
        case .outputDone(let id, let byPrinter): varint(id); bool(byPrinter)
        case .chainRestarted(let l):
            string(l.sealed); varint(l.lastSeq); string(l.lastHash); string(l.fault)
            array(l.unreadable) { w, r in w.varint(r.lowerBound); w.varint(r.upperBound) }
            id(l.by); time(l.at)
            array(l.receiptSeqs) { w, s in w.varint(s) }
            array(l.trainingReceiptSeqs) { w, s in w.varint(s) }
            // Length-prefixed, so that a newer state with more trailing sections still ends where
            // the record says (tag 90 put the state in the middle and could not grow).
            var nested = ByteWriter(capacity: 4096)
            nested.state(l.state)
            raw(nested.bytes)
        case .cardAuthorisationRequested(let a): cardAuthorisation(a)
        case .cardAuthorisationResolved(let reference, let outcome): string(reference); cardOutcome(outcome)
        case .timePunched(let who, let p): id(who); punch(p)
        case .timeCorrected(let c):
            id(c.operatorID); optional(c.removed) { $0.punch($1) }; optional(c.added) { $0.punch($1) }
            string(c.reason); id(c.by); time(c.at)
        case .stockReceived(let item, let quantity, let cost, let reason, let by):
            string(item.rawValue); zigzag(quantity); optional(cost) { $0.zigzag($1) }; string(reason); id(by)
        case .stockCounted(let item, let counted, let difference, let by):
            string(item.rawValue); zigzag(counted); zigzag(difference); id(by)
        case .stockAdjusted(let item, let delta, let reason, let by):
            string(item.rawValue); zigzag(delta); string(reason); id(by)
        case .reorderSet(let item, let rule, let by):
            string(item.rawValue); optional(rule) { $0.reorderRule($1) }; id(by)
        case .voucherIssued(let v): voucherIssue(v)
        case .voucherVoided(let code, let refund, let by): string(code); varint(refund); id(by)
        case .promotionSet(let p, let by): promotion(p); id(by)
        case .promotionRemoved(let pid, let by): string(pid); id(by)
        case .lineOffers(let index, let offers): int(index); array(offers) { $0.promotion($1) }
        case .customerAdded(let c, let p, let by, let at), .customerUpdated(let c, let p, let by, let at):
            varint(c.rawValue); profile(p); id(by); time(at)
        case .customerRemoved(let c, let by, let at): varint(c.rawValue); id(by); time(at)
        case .saleCustomerSet(let sale, let c): varint(sale); optional(c) { $0.varint($1.rawValue) }
        case .pointsRedemptionSet(let sale, let points, let value): varint(sale); zigzag(points); zigzag(value)
        }
    }

    mutating func profile(_ p: CustomerProfile) {
        string(p.name)
        optional(p.phone) { $0.string($1) }
        optional(p.email) { $0.string($1) }
        string(p.notes)
        optional(p.marketing) { w, m in w.bool(m.given); w.time(m.at) }
        array(p.cards) { $0.string($1) }
    }

    mutating func punch(_ p: TimePunch) { u8(p.action.code); time(p.at) }
    mutating func reorderRule(_ r: ReorderRule) { zigzag(r.point); zigzag(r.quantity) }

    mutating func openSale(_ s: OpenSale) {
        varint(s.id)
        id(s.operatorID)
        bool(s.training)
        time(s.openedAt)
        array(s.lines) { $0.line($1) }
        discount(s.receiptDiscount)
        optional(s.receiptDiscountBy) { $0.id($1) }
        array(s.tenders) { $0.tender($1) }
        bool(s.totalled)
    }

    /// `sectionsOfTag90`: only the sections a tag-90 `chain_restarted` record held (tests write
    /// such records to prove they are still read).
    mutating func state(_ s: RegisterState, sectionsOfTag90: Bool = false) {
        array(s.operators.keys.sorted()) { w, k in
            let op = s.operators[k]!
            w.id(op.id); w.string(op.name); w.string(op.role.rawValue)
        }
        optional(s.currentOperator) { $0.id($1) }
        int(s.pinFailures)
        optional(s.pinLockedUntil) { $0.time($1) }
        bool(s.training)
        optional(s.shift) { w, sh in
            w.varint(sh.number); w.id(sh.openedBy); w.time(sh.openedAt); w.zigzag(sh.float); w.zigzag(sh.expectedCash)
        }
        varint(s.shiftsOpened)
        optional(s.openSale) { $0.openSale($1) }
        array(s.parked.keys.sorted()) { w, k in w.varint(k); w.openSale(s.parked[k]!) }
        varint(s.lastSaleID)
        varint(s.lastReceipt)
        varint(s.lastTrainingReceipt)
        varint(s.lastRefund)
        let keys = s.refunded.keys.sorted { ($0.number, $0.training ? 1 : 0) < ($1.number, $1.training ? 1 : 0) }
        array(keys) { w, k in
            w.varint(k.number); w.bool(k.training)
            let lines = s.refunded[k]!
            w.array(lines.keys.sorted()) { w, i in
                let l = lines[i]!
                w.int(i); w.zigzag(l.quantity); w.zigzag(l.gross); w.zigzag(l.tax)
            }
        }
        counters(s.day)
        varint(s.lastZ)
        zigzag(s.grandTotalSales)
        zigzag(s.grandTotalRefunds)
        array(s.settings.keys.sorted()) { w, k in w.string(k); w.string(s.settings[k]!) }
        array(s.requestOrder) { w, k in w.string(k); w.string(s.requestResults[k]!) }
        array(s.pendingOutputs.keys.sorted()) { w, k in
            let p = s.pendingOutputs[k]!
            w.varint(k); w.output(p.output); w.bool(p.sent)
        }
        varint(s.lastOutputID)
        array(s.sealedChains) { w, c in
            w.string(c.name)
            w.array(c.receiptSeqs) { w, s in w.varint(s) }
            w.array(c.trainingReceiptSeqs) { w, s in w.varint(s) }
        }
        // Added after the first snapshots were written: a snapshot that ends before them has none.
        optional(s.pendingCardAuthorisation) { $0.cardAuthorisation($1) }
        varint(s.cardAuthorisations)
        array(s.disabledOperators.sorted()) { w, o in w.id(o) }
        // The time clock and stock, added later still.
        array(s.timeCards.keys.sorted()) { w, k in w.id(k); w.array(s.timeCards[k]!) { $0.punch($1) } }
        array(s.stock.keys.sorted()) { w, k in w.string(k.rawValue); w.zigzag(s.stock[k]!) }
        array(s.reorderRules.keys.sorted()) { w, k in w.string(k.rawValue); w.reorderRule(s.reorderRules[k]!) }
        array(s.unitCosts.keys.sorted()) { w, k in w.string(k.rawValue); w.zigzag(s.unitCosts[k]!) }
        if sectionsOfTag90 { return }
        // Sections added after tag 91 replaced tag 90 go here.
        // Vouchers and the day's voucher figures.
        array(s.vouchers.values.sorted { $0.issue.number < $1.issue.number }) { $0.voucher($1) }
        varint(s.lastVoucherNumber)
        voucherCounters(s.day)
        // Promotions, and the offers of the open and parked sales by sale id.
        array(s.promotions.keys.sorted()) { w, k in w.promotion(s.promotions[k]!) }
        var offers: [UInt64: [Int: [Promotion]]] = [:]
        for sale in [s.openSale].compactMap({ $0 }) + s.parked.values where !sale.offers.isEmpty { offers[sale.id] = sale.offers }
        array(offers.keys.sorted()) { w, k in w.varint(k); w.offers(offers[k]!) }
        // Customers and loyalty.
        varint(s.lastCustomerID)
        array(s.customers.keys.sorted()) { w, k in
            let c = s.customers[k]!
            w.varint(k.rawValue); w.profile(c.profile); w.time(c.since); w.zigzag(c.points)
            w.array(c.receipts) { w, r in w.varint(r) }
        }
        array(s.saleCustomers.keys.sorted()) { w, k in
            let c = s.saleCustomers[k]!
            w.varint(k); w.varint(c.customer.rawValue); w.zigzag(c.redeemPoints); w.zigzag(c.redeemValue)
        }
    }
}

extension TenderKind {
    var code: UInt8 {
        switch self {
        case .cash: return 0
        case .card: return 1
        case .voucher: return 2
        }
    }

    init(code: UInt8, at: Int) throws(CodecError) {
        switch code {
        case 0: self = .cash
        case 1: self = .card
        case 2: self = .voucher
        default: throw .badTag("tender", code, at: at)
        }
    }
}

extension ByteReader {
    mutating func id() throws(CodecError) -> OperatorID { OperatorID(try string()) }
    mutating func time() throws(CodecError) -> Timestamp { Timestamp(milliseconds: try zigzag()) }

    mutating func role() throws(CodecError) -> Role {
        let at = offset
        guard let r = Role(rawValue: try string()) else { throw .badValue("role", at: at) }
        return r
    }

    mutating func unit() throws(CodecError) -> SaleUnit {
        let at = offset
        switch try u8() {
        case 0: return .piece
        case 1: return .weight
        case let t: throw .badTag("unit", t, at: at)
        }
    }

    mutating func tenderKind() throws(CodecError) -> TenderKind {
        let at = offset
        return try TenderKind(code: try u8(), at: at)
    }

    mutating func discount() throws(CodecError) -> Discount? {
        let at = offset
        switch try u8() {
        case 0: return nil
        case 1: return .percent(try int())
        case 2: return .amount(try zigzag())
        case let t: throw .badTag("discount", t, at: at)
        }
    }

    mutating func line() throws(CodecError) -> SaleLine {
        SaleLine(itemID: ItemID(try string()), name: try string(), department: try string(), unit: try unit(),
                 quantity: try zigzag(), unitPrice: try zigzag(), catalogPrice: try zigzag(),
                 taxClass: TaxClassID(try string()), taxBasisPoints: try int(), discount: try discount(),
                 voided: try bool(), authorisedBy: try optional { r throws(CodecError) in try r.id() },
                 fixedAmount: try optional { r throws(CodecError) in try r.zigzag() })
    }

    mutating func output() throws(CodecError) -> Output {
        let at = offset
        switch try u8() {
        case 0: return .receipt(number: try varint(), training: try bool())
        case 1:
            return .document(kind: try string(), lines: try array { r throws(CodecError) in
                let text = try r.string()
                let at = r.offset
                switch try r.u8() {
                case 0: return PrintedLine(text, .normal)
                case 1: return PrintedLine(text, .strong)
                case 2: return PrintedLine(text, .total)
                case 3: return PrintedLine(text, .barcode)
                case let t: throw .badTag("emphasis", t, at: at)
                }
            })
        case let t: throw .badTag("output", t, at: at)
        }
    }

    mutating func tender() throws(CodecError) -> Tender {
        Tender(kind: try tenderKind(), amount: try zigzag(), reference: try optional { r throws(CodecError) in try r.string() })
    }

    mutating func cardAuthorisation() throws(CodecError) -> CardAuthorisation {
        CardAuthorisation(reference: try string(), amount: try zigzag(), saleID: try varint(),
                          requestKey: try optional { r throws(CodecError) in try r.string() })
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

    mutating func breakdown() throws(CodecError) -> TaxBreakdownLine {
        TaxBreakdownLine(taxClass: TaxClassID(try string()), basisPoints: try int(), net: try zigzag(), tax: try zigzag(),
                         gross: try zigzag())
    }

    mutating func sale() throws(CodecError) -> CompletedSale {
        var s = try saleBeforePromotions()
        if !isAtEnd {
            let at = offset
            s.promotions = try array { r throws(CodecError) in try r.appliedPromotion() }
            // Written only when there are some, or (empty) before loyalty points: anything else
            // after the sale is not ours.
            if s.promotions.isEmpty && isAtEnd { throw .badValue("an empty list of promotions", at: at) }
            for a in s.promotions {
                for share in a.lines {
                    guard s.priced.indices.contains(share.line), s.priced[share.line] != nil else {
                        throw .badValue("promotion on line \(share.line), which the sale does not have", at: at)
                    }
                    s.priced[share.line]!.promotion += share.amount
                }
            }
        }
        if !isAtEnd {
            s.loyalty = SaleLoyalty(customer: CustomerID(try varint()), earned: try zigzag(), redeemed: try zigzag(),
                                    redeemedValue: try zigzag(), balance: try zigzag())
        }
        return s
    }

    private mutating func saleBeforePromotions() throws(CodecError) -> CompletedSale {
        CompletedSale(
            receiptNumber: try varint(), training: try bool(), registerID: try string(), operatorID: try id(),
            time: try time(), lines: try array { r throws(CodecError) in try r.line() },
            priced: try array { r throws(CodecError) in
                try r.optional { r throws(CodecError) in
                    PricedLine(lineDiscount: try r.zigzag(), receiptDiscount: try r.zigzag(), gross: try r.zigzag(),
                               tax: try r.zigzag())
                }
            },
            receiptDiscount: try discount(), receiptDiscountBy: try optional { r throws(CodecError) in try r.id() },
            breakdown: try array { r throws(CodecError) in try r.breakdown() }, total: try zigzag(),
            tenders: try array { r throws(CodecError) in try r.tender() }, change: try zigzag(), rounding: try zigzag(),
            discountTotal: try zigzag())
    }

    mutating func refund() throws(CodecError) -> CompletedRefund {
        var refund = CompletedRefund(
            refundNumber: try varint(), originalReceipt: try varint(), training: try bool(), operatorID: try id(),
            authorisedBy: try id(), time: try time(),
            lines: try array { r throws(CodecError) in
                CompletedRefund.Line(originalLine: try r.int(), itemID: ItemID(try r.string()), name: try r.string(),
                                     quantity: try r.zigzag(), unit: try r.unit(), gross: try r.zigzag(),
                                     tax: try r.zigzag(), taxClass: TaxClassID(try r.string()),
                                     taxBasisPoints: try r.int())
            },
            breakdown: try array { r throws(CodecError) in try r.breakdown() }, total: try zigzag(),
            tender: try tenderKind(), paidOut: try zigzag(), rounding: try zigzag())
        if !isAtEnd {
            refund.loyalty = RefundLoyalty(customer: CustomerID(try varint()), takenBack: try zigzag(), forgone: try zigzag(),
                                           returned: try zigzag(), balance: try zigzag())
        }
        return refund
    }

    mutating func counters() throws(CodecError) -> ReportCounters {
        var c = ReportCounters()
        c.salesCount = try zigzag()
        c.refundsCount = try zigzag()
        c.voidedLines = try zigzag()
        c.cancelledSales = try zigzag()
        c.noSales = try zigzag()
        c.priceOverrides = try zigzag()
        c.discountCount = try zigzag()
        c.discountTotal = try zigzag()
        c.salesGross = try zigzag()
        c.refundsGross = try zigzag()
        c.roundingTotal = try zigzag()
        c.cashIn = try zigzag()
        c.cashOut = try zigzag()
        c.salesByTax = try taxMap()
        c.refundsByTax = try taxMap()
        c.tenders = try tenderMap()
        c.refundTenders = try tenderMap()
        c.firstReceipt = try optional { r throws(CodecError) in try r.varint() }
        c.lastReceipt = try optional { r throws(CodecError) in try r.varint() }
        return c
    }

    private mutating func taxMap() throws(CodecError) -> [TaxKey: TaxAmounts] {
        var map: [TaxKey: TaxAmounts] = [:]
        for _ in 0..<(try count()) {
            let k = TaxKey(taxClass: TaxClassID(try string()), basisPoints: try int())
            map[k] = TaxAmounts(net: try zigzag(), tax: try zigzag(), gross: try zigzag())
        }
        return map
    }

    private mutating func tenderMap() throws(CodecError) -> [TenderKind: Int64] {
        var map: [TenderKind: Int64] = [:]
        for _ in 0..<(try count()) {
            let k = try tenderKind()
            map[k] = try zigzag()
        }
        return map
    }

    mutating func z() throws(CodecError) -> ZReport {
        var z = ZReport(number: try varint(), registerID: try string(), closedAt: try time(), closedBy: try id(),
                        counters: try counters(), grandTotalSales: try zigzag(), grandTotalRefunds: try zigzag())
        if !isAtEnd { try voucherCounters(&z.counters) }
        return z
    }

    mutating func voucherCounters(_ c: inout ReportCounters) throws(CodecError) {
        c.vouchersSoldCount = try zigzag()
        c.vouchersSold = try zigzag()
        c.vouchersRefundedCount = try zigzag()
        c.vouchersRefunded = try zigzag()
    }

    mutating func voucherIssue() throws(CodecError) -> VoucherIssue {
        let number = try varint()
        let code = try string()
        let amount = try zigzag()
        let training = try bool()
        let at = offset
        let source: VoucherSource
        switch try u8() {
        case 0: source = .sale(receipt: try varint(), line: try int())
        case 1: source = .refund(try varint())
        case let t: throw .badTag("voucher source", t, at: at)
        }
        return VoucherIssue(number: number, code: code, amount: amount, training: training, source: source, by: try id(),
                            at: try time())
    }

    mutating func voucher() throws(CodecError) -> Voucher {
        let issue = try voucherIssue()
        let balance = try zigzag()
        let voided = try optional { r throws(CodecError) in try r.varint() }
        let redemptions = try array { r throws(CodecError) in
            VoucherRedemption(saleID: try r.varint(), receipt: try r.optional { r throws(CodecError) in try r.varint() },
                              at: try r.optional { r throws(CodecError) in try r.time() }, amount: try r.zigzag(),
                              balanceAfter: try r.zigzag())
        }
        return Voucher(issue: issue, balance: balance, redemptions: redemptions, voidedByRefund: voided)
    }

    mutating func event() throws(CodecError) -> RegisterEvent {
        let at = offset
        let byte = try u8()
        guard let tag = EventTag(rawValue: UInt16(byte)) else { throw .badTag("event", byte, at: at) }
        switch tag {
        case .operatorAdded: return .operatorAdded(Operator(id: try id(), name: try string(), role: try role()))
        case .operatorRemoved: return .operatorRemoved(try id())
        case .loggedIn: return .loggedIn(try id(), at: try time())
        case .loggedOut: return .loggedOut(try id())
        case .pinRejected: return .pinRejected(at: try time())
        case .pinLockout: return .pinLockout(until: try time())
        case .trainingModeChanged: return .trainingModeChanged(try bool(), by: try id())
        case .shiftOpened: return .shiftOpened(number: try varint(), by: try id(), float: try zigzag(), at: try time())
        case .cashMoved:
            let k = try u8()
            guard k <= 1 else { throw .badTag("cash movement", k, at: offset - 1) }
            return .cashMoved(k == 0 ? .cashIn : .cashOut, amount: try zigzag(), reason: try string(), by: try id())
        case .noSale: return .noSale(by: try id(), authorisedBy: try id())
        case .shiftClosed: return .shiftClosed(number: try varint(), counted: try zigzag(), expected: try zigzag(), by: try id(), at: try time())
        case .saleOpened: return .saleOpened(id: try varint(), by: try id(), training: try bool(), at: try time())
        case .lineAdded: return .lineAdded(try line())
        case .lineVoided: return .lineVoided(index: try int(), by: try id())
        case .lineDiscounted: return .lineDiscounted(index: try int(), try discount(), authorisedBy: try optional { r throws(CodecError) in try r.id() })
        case .linePriceOverridden: return .linePriceOverridden(index: try int(), unitPrice: try zigzag(), authorisedBy: try id())
        case .receiptDiscounted: return .receiptDiscounted(try discount(), authorisedBy: try optional { r throws(CodecError) in try r.id() })
        case .totalled: return .totalled
        case .tenderAdded: return .tenderAdded(try tender())
        case .saleCompleted: return .saleCompleted(try sale())
        case .saleCancelled: return .saleCancelled(by: try id(), authorisedBy: try optional { r throws(CodecError) in try r.id() })
        case .saleParked: return .saleParked(parkID: try varint())
        case .saleResumed: return .saleResumed(parkID: try varint())
        case .refundCompleted: return .refundCompleted(try refund())
        case .dayClosed: return .dayClosed(try z())
        case .settingChanged:
            return .settingChanged(key: try string(), old: try optional { r throws(CodecError) in try r.string() },
                                   new: try string(), by: try id())
        case .catalogImported: return .catalogImported(items: try int(), sha256: try string(), by: try id())
        case .requestCompleted: return .requestCompleted(key: try string(), result: try string())
        case .operatorDisabled: return .operatorDisabled(try id(), try bool(), by: try id())
        case .pinReset: return .pinReset(try id(), by: try id())
        case .technicianRecovered: return .technicianRecovered(try id(), at: try time())
        case .outputQueued: return .outputQueued(id: try varint(), try output())
        case .outputSent: return .outputSent(id: try varint(), bytes: try int(), copy: try bool())
        case .outputDone: return .outputDone(id: try varint(), confirmedByPrinter: try bool())
        case .chainRestartedWithStateInside:
            // The first form: the state sits between other fields, as it was when tag 91 replaced
            // it, so it is read only up to the sections it had then.
            return .chainRestarted(ChainLink(
                sealed: try string(), lastSeq: try varint(), lastHash: try string(), fault: try string(),
                unreadable: try unreadableRanges(), by: try id(), at: try time(), state: try state(sectionsOfTag90: true),
                receiptSeqs: try array { r throws(CodecError) in try r.varint() },
                trainingReceiptSeqs: try array { r throws(CodecError) in try r.varint() }))
        case .chainRestarted:
            let sealed = try string(), lastSeq = try varint(), lastHash = try string(), fault = try string()
            let unreadable = try unreadableRanges(), by = try id(), at = try time()
            let receiptSeqs = try array { r throws(CodecError) in try r.varint() }
            let trainingReceiptSeqs = try array { r throws(CodecError) in try r.varint() }
            let stateAt = offset
            let stateBytes = try raw()
            let state: RegisterState
            do {
                state = try EventCodec.withBytes(stateBytes) { raw throws(CodecError) in
                    var nested = ByteReader(raw)
                    let s = try nested.state()
                    try nested.finish()
                    return s
                }
            } catch {
                throw .badValue("chain_restarted state (\(error))", at: stateAt)
            }
            return .chainRestarted(ChainLink(sealed: sealed, lastSeq: lastSeq, lastHash: lastHash, fault: fault,
                                             unreadable: unreadable, by: by, at: at, state: state,
                                             receiptSeqs: receiptSeqs, trainingReceiptSeqs: trainingReceiptSeqs))
        case .cardAuthorisationRequested: return .cardAuthorisationRequested(try cardAuthorisation())
        case .cardAuthorisationResolved: return .cardAuthorisationResolved(reference: try string(), try cardOutcome())
        case .timePunched: return .timePunched(try id(), try punch())
        case .timeCorrected:
            return .timeCorrected(TimeCorrection(
                operatorID: try id(), removed: try optional { r throws(CodecError) in try r.punch() },
                added: try optional { r throws(CodecError) in try r.punch() }, reason: try string(), by: try id(), at: try time()))
        case .stockReceived:
            return .stockReceived(ItemID(try string()), quantity: try zigzag(),
                                  unitCost: try optional { r throws(CodecError) in try r.zigzag() }, reason: try string(), by: try id())
        case .stockCounted: return .stockCounted(ItemID(try string()), counted: try zigzag(), difference: try zigzag(), by: try id())
        case .stockAdjusted: return .stockAdjusted(ItemID(try string()), delta: try zigzag(), reason: try string(), by: try id())
        case .reorderSet: return .reorderSet(ItemID(try string()), try optional { r throws(CodecError) in try r.reorderRule() }, by: try id())
        case .voucherIssued: return .voucherIssued(try voucherIssue())
        case .voucherVoided: return .voucherVoided(code: try string(), refund: try varint(), by: try id())
        case .promotionSet: return .promotionSet(try promotion(), by: try id())
        case .promotionRemoved: return .promotionRemoved(id: try string(), by: try id())
        case .lineOffers: return .lineOffers(index: try int(), try array { r throws(CodecError) in try r.promotion() })
        case .customerAdded: return .customerAdded(CustomerID(try varint()), try profile(), by: try id(), at: try time())
        case .customerUpdated: return .customerUpdated(CustomerID(try varint()), try profile(), by: try id(), at: try time())
        case .customerRemoved: return .customerRemoved(CustomerID(try varint()), by: try id(), at: try time())
        case .saleCustomerSet: return .saleCustomerSet(sale: try varint(), try optional { r throws(CodecError) in CustomerID(try r.varint()) })
        case .pointsRedemptionSet: return .pointsRedemptionSet(sale: try varint(), points: try zigzag(), value: try zigzag())
        }
    }

    mutating func openSale() throws(CodecError) -> OpenSale {
        var s = OpenSale(id: try varint(), operatorID: try id(), training: try bool(), openedAt: try time())
        s.lines = try array { r throws(CodecError) in try r.line() }
        s.receiptDiscount = try discount()
        s.receiptDiscountBy = try optional { r throws(CodecError) in try r.id() }
        s.tenders = try array { r throws(CodecError) in try r.tender() }
        s.totalled = try bool()
        return s
    }

    private mutating func unreadableRanges() throws(CodecError) -> [ClosedRange<UInt64>] {
        try array { r throws(CodecError) in
            let low = try r.varint()
            let high = try r.varint()
            guard low <= high else { throw .badValue("unreadable range", at: r.offset) }
            return low...high
        }
    }

    /// `sectionsOfTag90`: stop after the sections a tag-90 `chain_restarted` record could hold.
    mutating func state(sectionsOfTag90: Bool = false) throws(CodecError) -> RegisterState {
        var s = RegisterState()
        for _ in 0..<(try count()) {
            let op = Operator(id: try id(), name: try string(), role: try role())
            s.operators[op.id] = op
        }
        s.currentOperator = try optional { r throws(CodecError) in try r.id() }
        s.pinFailures = try int()
        s.pinLockedUntil = try optional { r throws(CodecError) in try r.time() }
        s.training = try bool()
        s.shift = try optional { r throws(CodecError) in
            ShiftState(number: try r.varint(), openedBy: try r.id(), openedAt: try r.time(), float: try r.zigzag(),
                       expectedCash: try r.zigzag())
        }
        s.shiftsOpened = try varint()
        s.openSale = try optional { r throws(CodecError) in try r.openSale() }
        for _ in 0..<(try count()) {
            let k = try varint()
            s.parked[k] = try openSale()
        }
        s.lastSaleID = try varint()
        s.lastReceipt = try varint()
        s.lastTrainingReceipt = try varint()
        s.lastRefund = try varint()
        for _ in 0..<(try count()) {
            let key = ReceiptKey(number: try varint(), training: try bool())
            var lines: [Int: RefundedLine] = [:]
            for _ in 0..<(try count()) {
                let i = try int()
                lines[i] = RefundedLine(quantity: try zigzag(), gross: try zigzag(), tax: try zigzag())
            }
            s.refunded[key] = lines
        }
        s.day = try counters()
        s.lastZ = try varint()
        s.grandTotalSales = try zigzag()
        s.grandTotalRefunds = try zigzag()
        for _ in 0..<(try count()) {
            let k = try string()
            s.settings[k] = try string()
        }
        for _ in 0..<(try count()) {
            let k = try string()
            s.requestResults[k] = try string()
            s.requestOrder.append(k)
        }
        for _ in 0..<(try count()) {
            let k = try varint()
            s.pendingOutputs[k] = PendingOutput(output: try output(), sent: try bool())
        }
        s.lastOutputID = try varint()
        s.sealedChains = try array { r throws(CodecError) in
            SealedChain(name: try r.string(), receiptSeqs: try r.array { r throws(CodecError) in try r.varint() },
                        trainingReceiptSeqs: try r.array { r throws(CodecError) in try r.varint() })
        }
        if !isAtEnd {
            s.pendingCardAuthorisation = try optional { r throws(CodecError) in try r.cardAuthorisation() }
            s.cardAuthorisations = try varint()
        }
        if !isAtEnd {
            s.disabledOperators = Set(try array { r throws(CodecError) in try r.id() })
        }
        if !isAtEnd {
            for _ in 0..<(try count()) {
                let who = try id()
                s.timeCards[who] = try array { r throws(CodecError) in try r.punch() }
            }
            for _ in 0..<(try count()) {
                let item = ItemID(try string())
                s.stock[item] = try zigzag()
            }
            for _ in 0..<(try count()) {
                let item = ItemID(try string())
                s.reorderRules[item] = try reorderRule()
            }
            for _ in 0..<(try count()) {
                let item = ItemID(try string())
                s.unitCosts[item] = try zigzag()
            }
        }
        if sectionsOfTag90 { return s }
        // Sections added after tag 91 replaced tag 90 go here, each read under `if !isAtEnd`.
        if !isAtEnd {
            for _ in 0..<(try count()) {
                let v = try voucher()
                s.vouchers[v.code] = v
            }
            s.lastVoucherNumber = try varint()
            try voucherCounters(&s.day)
        }
        if !isAtEnd {
            for _ in 0..<(try count()) {
                let p = try promotion()
                s.promotions[p.id] = p
            }
            for _ in 0..<(try count()) {
                let saleID = try varint()
                let offers = try self.offers()
                if s.openSale?.id == saleID { s.openSale?.offers = offers }
                for (k, sale) in s.parked where sale.id == saleID { s.parked[k]?.offers = offers }
            }
        }
        if !isAtEnd {
            s.lastCustomerID = try varint()
            for _ in 0..<(try count()) {
                let id = CustomerID(try varint())
                s.customers[id] = Customer(id: id, profile: try profile(), since: try time(), points: try zigzag(),
                                           receipts: try array { r throws(CodecError) in try r.varint() })
            }
            for _ in 0..<(try count()) {
                let sale = try varint()
                s.saleCustomers[sale] = SaleCustomer(customer: CustomerID(try varint()), redeemPoints: try zigzag(),
                                                     redeemValue: try zigzag())
            }
            s.indexCustomerCards()
        }
        return s
    }

    mutating func profile() throws(CodecError) -> CustomerProfile {
        CustomerProfile(name: try string(), phone: try optional { r throws(CodecError) in try r.string() },
                        email: try optional { r throws(CodecError) in try r.string() }, notes: try string(),
                        marketing: try optional { r throws(CodecError) in MarketingConsent(given: try r.bool(), at: try r.time()) },
                        cards: try array { r throws(CodecError) in try r.string() })
    }

    mutating func punch() throws(CodecError) -> TimePunch {
        let at = offset
        guard let action = ClockAction(code: try u8()) else { throw .badValue("clock action", at: at) }
        return TimePunch(action, at: try time())
    }

    mutating func reorderRule() throws(CodecError) -> ReorderRule {
        ReorderRule(point: try zigzag(), quantity: try zigzag())
    }
}

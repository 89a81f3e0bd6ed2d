/// The binary form of a sale: from its opening through its lines, discounts and tenders to the
/// completed sale that receipts, refunds and reports read back years later.
extension ByteWriter {
    mutating func saleOpened(_ sale: UInt64, by: OperatorID, training: Bool, at: Timestamp) {
        varint(sale); id(by); bool(training); time(at)
    }

    mutating func lineVoided(_ index: Int, by: OperatorID) { int(index); id(by) }
    mutating func lineQuantityChanged(_ index: Int, quantity: Int64, by: OperatorID) { int(index); zigzag(quantity); id(by) }

    mutating func lineDiscounted(_ index: Int, _ d: Discount?, authorisedBy: OperatorID?) {
        int(index); discount(d); optional(authorisedBy) { $0.id($1) }
    }

    mutating func linePriceOverridden(_ index: Int, unitPrice: Int64, authorisedBy: OperatorID) {
        int(index); zigzag(unitPrice); id(authorisedBy)
    }

    mutating func receiptDiscounted(_ d: Discount?, authorisedBy: OperatorID?) { discount(d); optional(authorisedBy) { $0.id($1) } }
    mutating func saleCancelled(by: OperatorID, authorisedBy: OperatorID?) { id(by); optional(authorisedBy) { $0.id($1) } }
    mutating func saleParked(_ parkID: UInt64) { varint(parkID) }
    mutating func saleResumed(_ parkID: UInt64) { varint(parkID) }

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

    mutating func tender(_ t: Tender) {
        u8(t.kind.code)
        zigzag(t.amount)
        optional(t.reference) { $0.string($1) }
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

    /// In a snapshot: the open and parked sales and the last sale and receipt numbers.
    mutating func salesState(_ s: SaleState) {
        optional(s.openSale) { $0.openSale($1) }
        array(s.parked.keys.sorted()) { w, k in w.varint(k); w.openSale(s.parked[k]!) }
        varint(s.lastSaleID)
        varint(s.lastReceipt)
        varint(s.lastTrainingReceipt)
    }

    /// In a snapshot: the offers of the open and parked sales, by sale id.
    mutating func saleOffersState(_ s: SaleState) {
        var offers: [UInt64: [Int: [Promotion]]] = [:]
        for sale in [s.openSale].compactMap({ $0 }) + s.parked.values where !sale.offers.isEmpty { offers[sale.id] = sale.offers }
        array(offers.keys.sorted()) { w, k in w.varint(k); w.offers(offers[k]!) }
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
    mutating func saleOpened() throws(CodecError) -> RegisterEvent {
        .saleOpened(id: try varint(), by: try id(), training: try bool(), at: try time())
    }

    mutating func lineVoided() throws(CodecError) -> RegisterEvent { .lineVoided(index: try int(), by: try id()) }
    mutating func lineQuantityChanged() throws(CodecError) -> RegisterEvent {
        .lineQuantityChanged(index: try int(), quantity: try zigzag(), by: try id())
    }

    mutating func lineDiscounted() throws(CodecError) -> RegisterEvent {
        .lineDiscounted(index: try int(), try discount(), authorisedBy: try optional { r throws(CodecError) in try r.id() })
    }

    mutating func linePriceOverridden() throws(CodecError) -> RegisterEvent {
        .linePriceOverridden(index: try int(), unitPrice: try zigzag(), authorisedBy: try id())
    }

    mutating func receiptDiscounted() throws(CodecError) -> RegisterEvent {
        .receiptDiscounted(try discount(), authorisedBy: try optional { r throws(CodecError) in try r.id() })
    }

    mutating func saleCancelled() throws(CodecError) -> RegisterEvent {
        .saleCancelled(by: try id(), authorisedBy: try optional { r throws(CodecError) in try r.id() })
    }

    mutating func saleParked() throws(CodecError) -> RegisterEvent { .saleParked(parkID: try varint()) }
    mutating func saleResumed() throws(CodecError) -> RegisterEvent { .saleResumed(parkID: try varint()) }

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

    mutating func tender() throws(CodecError) -> Tender {
        Tender(kind: try tenderKind(), amount: try zigzag(), reference: try optional { r throws(CodecError) in try r.string() })
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

    mutating func openSale() throws(CodecError) -> OpenSale {
        var s = OpenSale(id: try varint(), operatorID: try id(), training: try bool(), openedAt: try time())
        s.lines = try array { r throws(CodecError) in try r.line() }
        s.receiptDiscount = try discount()
        s.receiptDiscountBy = try optional { r throws(CodecError) in try r.id() }
        s.tenders = try array { r throws(CodecError) in try r.tender() }
        s.totalled = try bool()
        return s
    }

    mutating func salesState(into s: inout SaleState) throws(CodecError) {
        s.openSale = try optional { r throws(CodecError) in try r.openSale() }
        for _ in 0..<(try count()) {
            let k = try varint()
            s.parked[k] = try openSale()
        }
        s.lastSaleID = try varint()
        s.lastReceipt = try varint()
        s.lastTrainingReceipt = try varint()
    }

    /// After `salesState`: the offers go to the sales they belong to.
    mutating func saleOffersState(into s: inout SaleState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let saleID = try varint()
            let offers = try self.offers()
            if s.openSale?.id == saleID { s.openSale?.offers = offers }
            for (k, sale) in s.parked where sale.id == saleID { s.parked[k]?.offers = offers }
        }
    }
}

/// The binary form of the register's whole state, for snapshots and for `chain_restarted`.
extension EventCodec {
    public static let formatVersion: UInt8 = 1

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
    /// `sectionsOfTag90`: only the sections a tag-90 `chain_restarted` record held (tests write
    /// such records to prove they are still read).
    mutating func state(_ s: RegisterState, sectionsOfTag90: Bool = false) {
        array(s.operators.keys.sorted()) { w, k in w.operatorRecord(s.operators[k]!) }
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

extension ByteReader {
    /// `sectionsOfTag90`: stop after the sections a tag-90 `chain_restarted` record could hold.
    mutating func state(sectionsOfTag90: Bool = false) throws(CodecError) -> RegisterState {
        var s = RegisterState()
        for _ in 0..<(try count()) {
            let op = try operatorRecord()
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
}

/// The binary form of shifts, cash movements and the drawer, and of the day's closing with the
/// report counters it carries.
extension ByteWriter {
    mutating func shiftOpened(_ number: UInt64, by: OperatorID, float: Int64, at: Timestamp) {
        varint(number); id(by); zigzag(float); time(at)
    }

    mutating func cashMoved(_ kind: CashMovement, amount: Int64, reason: String, by: OperatorID) {
        u8(kind == .cashIn ? 0 : 1); zigzag(amount); string(reason); id(by)
    }

    mutating func noSale(by: OperatorID, authorisedBy: OperatorID) { id(by); id(authorisedBy) }

    mutating func shiftClosed(_ number: UInt64, counted: Int64, expected: Int64, by: OperatorID, at: Timestamp) {
        varint(number); zigzag(counted); zigzag(expected); id(by); time(at)
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

    /// In a snapshot: the open shift and how many were opened.
    mutating func shiftState(_ s: ShiftAndDayState) {
        optional(s.shift) { w, sh in
            w.varint(sh.number); w.id(sh.openedBy); w.time(sh.openedAt); w.zigzag(sh.float); w.zigzag(sh.expectedCash)
        }
        varint(s.shiftsOpened)
    }

    /// In a snapshot: the day's counters (but for its voucher figures) and the grand totals.
    mutating func dayState(_ s: ShiftAndDayState) {
        counters(s.day)
        varint(s.lastZ)
        zigzag(s.grandTotalSales)
        zigzag(s.grandTotalRefunds)
    }
}

extension ByteReader {
    mutating func shiftOpened() throws(CodecError) -> RegisterEvent {
        .shiftOpened(number: try varint(), by: try id(), float: try zigzag(), at: try time())
    }

    mutating func cashMoved() throws(CodecError) -> RegisterEvent {
        let k = try u8()
        guard k <= 1 else { throw .badTag("cash movement", k, at: offset - 1) }
        return .cashMoved(k == 0 ? .cashIn : .cashOut, amount: try zigzag(), reason: try string(), by: try id())
    }

    mutating func noSale() throws(CodecError) -> RegisterEvent { .noSale(by: try id(), authorisedBy: try id()) }

    mutating func shiftClosed() throws(CodecError) -> RegisterEvent {
        .shiftClosed(number: try varint(), counted: try zigzag(), expected: try zigzag(), by: try id(), at: try time())
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

    mutating func shiftState(into s: inout ShiftAndDayState) throws(CodecError) {
        s.shift = try optional { r throws(CodecError) in
            ShiftState(number: try r.varint(), openedBy: try r.id(), openedAt: try r.time(), float: try r.zigzag(),
                       expectedCash: try r.zigzag())
        }
        s.shiftsOpened = try varint()
    }

    mutating func dayState(into s: inout ShiftAndDayState) throws(CodecError) {
        s.day = try counters()
        s.lastZ = try varint()
        s.grandTotalSales = try zigzag()
        s.grandTotalRefunds = try zigzag()
    }
}

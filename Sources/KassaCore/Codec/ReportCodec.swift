/// Completed sales and refunds read for a sales report straight from their journal payloads
/// (as `SaleCodec.swift` and `RefundCodec.swift` write them), into a `SaleForReport` or
/// `RefundForReport` reused from record to record: no `String`, no array made a record, and the
/// strings a report does not group by are skipped unread. It reads what the full readers read,
/// up to the last field a report adds up, and stops there.
extension ByteReader {
    mutating func saleForReport(into s: inout SaleForReport, _ strings: inout ReportStrings, _ needs: ReportNeeds) throws(CodecError) {
        _ = try varint()  // receipt number
        s.training = try bool()
        _ = try stringBytes()  // register
        s.operatorID = strings.id(try stringBytes())
        s.time = try time()
        s.lines.removeAll(keepingCapacity: true)
        for _ in 0..<(try count()) {
            var l = SaleForReport.Line()
            let item = try stringBytes()
            l.isGiftVoucher = Self.isGiftVoucher(item)
            if needs.items { l.item = strings.id(item) }
            let name = try stringBytes()
            if needs.names { l.name = strings.id(name) }
            let department = try stringBytes()
            if needs.departments { l.department = strings.id(department) }
            l.piece = try unit() == .piece
            l.quantity = try zigzag()
            let unitPrice = try zigzag()
            let catalogPrice = try zigzag()
            _ = try stringBytes()  // VAT class
            _ = try int()  // VAT rate
            l.discounted = try discount() != nil
            l.voided = try bool()
            if try bool() { _ = try stringBytes() }  // authorised by
            let fixed = try bool()
            if fixed { _ = try zigzag() }
            l.overridden = unitPrice != catalogPrice && !fixed
            s.lines.append(l)
        }
        let priced = try count()
        guard priced == s.lines.count else { throw .badValue("\(priced) priced lines for \(s.lines.count) lines", at: offset) }
        for i in 0..<priced where try bool() {
            _ = try zigzag()  // line discount
            _ = try zigzag()  // receipt discount
            s.lines[i].priced = true
            s.lines[i].gross = try zigzag()
            s.lines[i].tax = try zigzag()
        }
        s.receiptDiscounted = try discount() != nil
        if try bool() { _ = try stringBytes() }  // receipt discount authorised by
        s.breakdown.removeAll(keepingCapacity: true)
        for _ in 0..<(try count()) { s.breakdown.append(try rateForReport(strings: &strings, needs)) }
        s.total = try zigzag()
        s.tenders.removeAll(keepingCapacity: true)
        for _ in 0..<(try count()) {
            let kind = try tenderKind()
            s.tenders.append((kind, try zigzag()))
            if try bool() { _ = try stringBytes() }  // reference
        }
        s.change = try zigzag()
    }

    mutating func refundForReport(into r: inout RefundForReport, _ strings: inout ReportStrings, _ needs: ReportNeeds) throws(CodecError) {
        _ = try varint()  // refund number
        _ = try varint()  // original receipt
        r.training = try bool()
        r.operatorID = strings.id(try stringBytes())
        _ = try stringBytes()  // authorised by
        r.time = try time()
        r.lines.removeAll(keepingCapacity: true)
        for _ in 0..<(try count()) {
            var l = RefundForReport.Line()
            _ = try int()  // original line
            let item = try stringBytes()
            l.isGiftVoucher = Self.isGiftVoucher(item)
            if needs.items { l.item = strings.id(item) }
            let name = try stringBytes()
            if needs.names { l.name = strings.id(name) }
            l.quantity = try zigzag()
            _ = try unit()
            l.gross = try zigzag()
            l.tax = try zigzag()
            _ = try stringBytes()  // VAT class
            _ = try int()  // VAT rate
            r.lines.append(l)
        }
        r.breakdown.removeAll(keepingCapacity: true)
        for _ in 0..<(try count()) { r.breakdown.append(try rateForReport(strings: &strings, needs)) }
        r.total = try zigzag()
        r.tender = try tenderKind()
        r.paidOut = try zigzag()
    }

    private mutating func rateForReport(strings: inout ReportStrings, _ needs: ReportNeeds) throws(CodecError) -> SaleForReport.Rate {
        let taxClass = try stringBytes()
        var rate = SaleForReport.Rate(taxClass: needs.taxClasses ? strings.id(taxClass) : -1, basisPoints: try int())
        _ = try zigzag()  // net
        rate.tax = try zigzag()
        rate.gross = try zigzag()
        return rate
    }

    private static let giftVoucher = Array(ItemID.giftVoucher.rawValue.utf8)

    private static func isGiftVoucher(_ item: UnsafeRawBufferPointer) -> Bool {
        item.count == giftVoucher.count && item.elementsEqual(giftVoucher)
    }
}

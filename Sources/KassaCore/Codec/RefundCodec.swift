/// The binary form of a refund against one earlier receipt.
extension ByteWriter {
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

    /// In a snapshot: the last refund number and what each receipt has had refunded.
    mutating func refundsState(_ s: RefundState) {
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
    }
}

extension ByteReader {
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

    mutating func refundsState(into s: inout RefundState) throws(CodecError) {
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
    }
}

/// The binary form of gift vouchers and store credit: issued, voided, and each as the register
/// keeps it with its redemptions.
extension ByteWriter {
    mutating func voucherIssue(_ v: VoucherIssue) {
        varint(v.number); string(v.code); zigzag(v.amount); bool(v.training)
        switch v.source {
        case .sale(let receipt, let line): u8(0); varint(receipt); int(line)
        case .refund(let refund): u8(1); varint(refund)
        }
        id(v.by); time(v.at)
    }

    mutating func voucherVoided(_ code: String, refund: UInt64, by: OperatorID) { string(code); varint(refund); id(by) }

    mutating func voucher(_ v: Voucher) {
        voucherIssue(v.issue)
        zigzag(v.balance)
        optional(v.voidedByRefund) { $0.varint($1) }
        array(v.redemptions) { w, r in
            w.varint(r.saleID); w.optional(r.receipt) { $0.varint($1) }; w.optional(r.at) { $0.time($1) }
            w.zigzag(r.amount); w.zigzag(r.balanceAfter)
        }
    }

    /// In a snapshot: every voucher issued and the newest number.
    mutating func vouchersState(_ s: VoucherState) {
        array(s.vouchers.values.sorted { $0.issue.number < $1.issue.number }) { $0.voucher($1) }
        varint(s.lastVoucherNumber)
    }
}

extension ByteReader {
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

    mutating func voucherVoided() throws(CodecError) -> RegisterEvent {
        .voucherVoided(code: try string(), refund: try varint(), by: try id())
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

    mutating func vouchersState(into s: inout VoucherState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let v = try voucher()
            s.vouchers[v.code] = v
        }
        s.lastVoucherNumber = try varint()
    }
}

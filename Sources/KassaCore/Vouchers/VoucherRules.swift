/// Gift vouchers sold, paid with, and given back with refunds.
extension RegisterState {
    /// A gift voucher of this value, sold on a line of its own; it gets its code when the sale completes.
    func sellVoucher(amount: Int64, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        guard amount > 0 else { throw .invalidAmount("a voucher must be worth more than zero") }
        try config.limits.check(amount, .voucher)
        return try appending(.giftVoucher(amount), by: me, config, ctx)
    }

    /// A voucher tendered by its code: checked against the register's vouchers, then paid like
    /// any tender. Its balance goes down as the tender is applied.
    func redeemVoucher(_ typed: String, amount: Int64?, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard let sale = saleState.openSale else { throw .voucher(.noSaleToPay) }
        let voucher = try usableVoucher(typed, in: sale, config)
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        let pay: Int64
        if let amount {
            guard amount <= voucher.balance else { throw .voucher(.exceedsBalance(voucher.code, balance: voucher.balance)) }
            pay = amount
        } else {
            let before = try settlement(sale, config)
            guard !before.settled else { throw .alreadySettled }
            pay = min(voucher.balance, before.remainingExact)
        }
        let tender = Tender(kind: .voucher, amount: pay, reference: voucher.code)
        try checkTender(tender, sale, config)
        return try paying(sale, with: tender, config, ctx)
    }

    /// The voucher a typed or scanned code names, if it can pay for this sale.
    private func usableVoucher(_ typed: String, in sale: OpenSale, _ config: RegisterConfig) throws(Refusal) -> Voucher {
        let voucher = try voucher(code: typed, registerID: config.registerID)
        let code = voucher.code
        guard voucher.issue.training == sale.training else { throw .voucher(.otherMode(code, training: voucher.issue.training)) }
        if let refund = voucher.voidedByRefund { throw .voucher(.voided(code, refund: refund)) }
        guard voucher.balance > 0 else { throw .voucher(.usedUp(code)) }
        return voucher
    }

    /// A gift voucher refunded goes back unspent or not at all: refunded, it is voided with the
    /// refund; spent even in part, the refund is refused (its value was given as goods already).
    func vouchersBack(_ refund: CompletedRefund, by: OperatorID) throws(Refusal) -> [RegisterEvent] {
        var events: [RegisterEvent] = []
        for line in refund.lines where line.itemID == .giftVoucher {
            guard let v = voucher(soldOn: refund.originalReceipt, line: line.originalLine, training: refund.training) else {
                throw .voucher(.unknown("receipt \(refund.originalReceipt) line \(line.originalLine)"))
            }
            if let done = v.voidedByRefund { throw .voucher(.voided(v.code, refund: done)) }
            guard v.balance == v.issue.amount, v.redemptions.isEmpty else {
                throw .voucher(.spent(v.code, balance: v.balance, issued: v.issue.amount))
            }
            events.append(.voucherVoided(code: v.code, refund: refund.refundNumber, by: by))
        }
        return events
    }

    /// A refund to tender `voucher` gives store credit of what it pays out, in the same group.
    func storeCredit(_ refund: CompletedRefund, _ config: RegisterConfig) -> [RegisterEvent] {
        guard refund.tender == .voucher, refund.paidOut > 0 else { return [] }
        let number = voucherState.lastVoucherNumber + 1
        return [.voucherIssued(VoucherIssue(number: number, code: VoucherCode.make(registerID: config.registerID, number: number),
                                            amount: refund.paidOut, training: refund.training,
                                            source: .refund(refund.refundNumber), by: refund.operatorID, at: refund.time))]
    }
}

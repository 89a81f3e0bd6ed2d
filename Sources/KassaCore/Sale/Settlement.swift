/// What is left to pay, cash rounding and change, and the sale completed once it is paid.
extension RegisterState {
    struct Settlement {
        var totals: SaleTotals
        var remainingExact: Int64
        var settled: Bool
        var change: Int64
        var rounding: Int64
    }

    /// Card and voucher pay exact amounts; whatever is left for cash is rounded to the coin
    /// increment, and the rounding is recorded.
    /// `finishing`: the cashier completes the sale, so a remainder below half a coin is settled by
    /// rounding alone; a card tender never settles it by itself.
    func settlement(_ sale: OpenSale, _ config: RegisterConfig, finishing: Bool = false) throws(Refusal) -> Settlement {
        do {
            let totals = try self.totals(of: sale, config.priceMode)
            var nonCash: Int64 = 0
            var cash: Int64 = 0
            for t in sale.tenders {
                if t.kind == .cash { cash = try Checked.add(cash, t.amount) } else { nonCash = try Checked.add(nonCash, t.amount) }
            }
            let remaining = try Checked.subtract(totals.total, nonCash)
            let cashDue = config.cashRounding.round(remaining)
            if cash == 0 && remaining == 0 {
                return Settlement(totals: totals, remainingExact: 0, settled: true, change: 0, rounding: 0)
            }
            if cash == 0 && cashDue == 0 {
                // Less than half a coin left: cash rounding settles it without a coin changing hands.
                return Settlement(totals: totals, remainingExact: remaining, settled: finishing, change: 0,
                                  rounding: finishing ? -remaining : 0)
            }
            let settled = cash > 0 && cash >= cashDue
            return Settlement(totals: totals, remainingExact: try Checked.subtract(remaining, cash), settled: settled,
                              change: settled ? cash - cashDue : 0, rounding: settled ? cashDue - remaining : 0)
        } catch {
            throw .money(error)
        }
    }

    func checkTender(_ tender: Tender, _ sale: OpenSale, _ config: RegisterConfig) throws(Refusal) {
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        guard tender.amount > 0 else { throw .invalidAmount("a tender must be more than zero") }
        try checkRedemption(sale, config)
        let before = try settlement(sale, config)
        guard !before.settled else { throw .alreadySettled }
        if tender.kind != .cash && tender.amount > before.remainingExact {
            throw .cardOverpayment(remaining: before.remainingExact)
        }
        // Cash above what is due is change, up to the limit; the subtraction cannot overflow as
        // both are positive.
        if tender.kind == .cash && tender.amount - max(0, before.remainingExact) > config.limits.tenderAboveDue {
            throw .overLimit(.tender, limit: config.limits.tenderAboveDue)
        }
    }

    /// The tender added to the sale, and the sale completed when that settles it.
    /// `slip`: the card this tender is, as the terminal approved it.
    func paying(_ sale: OpenSale, with tender: Tender, slip: CardSlip? = nil, _ config: RegisterConfig,
                _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        var paid = sale
        paid.tenders.append(tender)
        let after = try settlement(paid, config)
        var events: [RegisterEvent] = [.tenderAdded(tender)]
        if after.settled { events += try completion(paid, after, slips: saleState.cardSlips + (slip.map { [$0] } ?? []), config, ctx) }
        return events
    }

    /// The sale completed, what the terminal said of the cards that paid it (`slips`) right after
    /// it, and the gift vouchers it sold issued with it, in the same group.
    func completion(_ sale: OpenSale, _ s: Settlement, slips: [CardSlip], _ config: RegisterConfig,
                    _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let done = try completed(sale, s, config, ctx)
        var events: [RegisterEvent] = [.saleCompleted(done)]
        if !slips.isEmpty { events.append(.saleCardDetails(receipt: done.receiptNumber, training: done.training, slips)) }
        var number = voucherState.lastVoucherNumber
        for (i, line) in done.lines.enumerated() where line.isGiftVoucher && !line.voided {
            number += 1
            events.append(.voucherIssued(VoucherIssue(
                number: number, code: VoucherCode.make(registerID: config.registerID, number: number),
                amount: done.priced[i]?.gross ?? 0, training: done.training, source: .sale(receipt: done.receiptNumber, line: i),
                by: done.operatorID, at: ctx.now)))
        }
        return events
    }

    private func completed(_ sale: OpenSale, _ s: Settlement, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> CompletedSale {
        let number = sale.training ? saleState.lastTrainingReceipt + 1 : saleState.lastReceipt + 1
        return CompletedSale(receiptNumber: number, training: sale.training, registerID: config.registerID,
                             operatorID: sale.operatorID, time: ctx.now, lines: sale.lines, priced: s.totals.lines,
                             receiptDiscount: sale.receiptDiscount, receiptDiscountBy: sale.receiptDiscountBy,
                             breakdown: s.totals.breakdown, total: s.totals.total, tenders: sale.tenders,
                             change: s.change, rounding: s.rounding, discountTotal: s.totals.discountTotal,
                             promotions: s.totals.promotions,
                             loyalty: loyalty(of: sale, s.totals, config))
    }
}

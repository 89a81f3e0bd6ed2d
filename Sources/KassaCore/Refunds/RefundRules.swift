/// Refunds: lines of an earlier receipt given back, at the money that was paid for them.
extension RegisterState {
    /// `tender`: nil goes back the way the sale was paid (`mirroredTenders`).
    func refund(_ original: CompletedSale, _ lines: [RefundRequestLine], _ tender: TenderKind?, override: String?,
                _ env: RegisterEnvironment, _ ctx: Context, pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let done = try decidedRefund(original, lines, tender, override: override, env, ctx, pinEvents: &pinEvents)
        return try refundEvents(done, original, env.config)
    }

    /// The refund as decided, not yet recorded: who may give it, to which tender, and its money.
    /// A tender the sale was not paid with (or a card beyond what the sale charged to cards)
    /// needs a supervisor.
    func decidedRefund(_ original: CompletedSale, _ lines: [RefundRequestLine], _ tender: TenderKind?, override: String?,
                       _ env: RegisterEnvironment, _ ctx: Context, pinEvents: inout [RegisterEvent]) throws(Refusal) -> CompletedRefund {
        let me = try require(.sell)
        guard saleState.openSale == nil else { throw .saleInProgress }
        guard shiftAndDayState.shift != nil || staffState.training else { throw .shiftNotOpen }
        let by = try authorise(.refund, override: override, env, ctx, &pinEvents)
        var done = try pricedRefund(original, lines, tender ?? .card, me, by, env.config, ctx)
        let mirrored = mirroredTenders(original, total: done.total)
        let kind = tender ?? mirrored.first ?? .cash
        if !mirrored.isEmpty, !mirrored.contains(kind) {
            _ = try authorise(.refundToOtherTender, override: override, env, ctx, &pinEvents)
        }
        done.tender = kind
        done.paidOut = kind == .cash ? env.config.cashRounding.round(done.total) : done.total
        done.rounding = done.paidOut - done.total
        done.loyalty = loyalty(of: done, original)
        return done
    }

    /// What a decided refund records: the refund, the gift vouchers it takes back, the store
    /// credit it gives, the weighed labels' grams back to stock.
    func refundEvents(_ done: CompletedRefund, _ original: CompletedSale, _ config: RegisterConfig) throws(Refusal) -> [RegisterEvent] {
        [.refundCompleted(done)] + (try vouchersBack(done, by: done.operatorID)) + storeCredit(done, config)
            + labelsBack(done, original, by: done.operatorID)
    }

    /// What a refund of these lines would give back, priced exactly as the refund will be and
    /// recorded nowhere: the screen shows it before the tender and a supervisor's PIN are asked.
    public func refundPreview(_ original: CompletedSale, _ lines: [RefundRequestLine], _ config: RegisterConfig,
                              _ ctx: Context) throws(Refusal) -> CompletedRefund {
        let me = try require(.sell)
        return try pricedRefund(original, lines, .cash, me, me, config, ctx)
    }

    /// A refund puts back the quantity of each line it refunds; a weighed item's price label is
    /// one label to the refund but grams to the shelf, so the grams it stood for are added to
    /// the stock with the refund, as an adjustment that says why.
    private func labelsBack(_ refund: CompletedRefund, _ original: CompletedSale, by: OperatorID) -> [RegisterEvent] {
        guard !refund.training else { return [] }
        return refund.lines.compactMap { line -> RegisterEvent? in
            let sold = original.lines[line.originalLine]
            guard sold.unit == .weight, sold.fixedAmount != nil, sold.quantity > 0,
                  let grams = try? Checked.mulDiv(sold.stockQuantity, line.quantity, sold.quantity),
                  grams != line.quantity else { return nil }
            return .stockAdjusted(line.itemID, delta: grams - line.quantity,
                                  reason: "weighed label refunded (refund \(refund.refundNumber)): \(grams) g in all", by: by)
        }
    }

    /// Refunds lines of an original receipt at the money that was paid for them then. Never more
    /// than was sold minus earlier refunds; refunding what is left of a line gives back exactly
    /// what is left of its money, so partial refunds add up to the original to the cent.
    private func pricedRefund(_ original: CompletedSale, _ request: [RefundRequestLine], _ tender: TenderKind,
                              _ me: OperatorID, _ by: OperatorID, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> CompletedRefund {
        let last = original.training ? saleState.lastTrainingReceipt : saleState.lastReceipt
        guard original.receiptNumber >= 1 && original.receiptNumber <= last,
              original.registerID == config.registerID else { throw .unknownReceipt(original.receiptNumber) }
        guard original.training == staffState.training else { throw .trainingModeMismatch }
        guard !request.isEmpty else { throw .emptyRefund }
        let key = ReceiptKey(number: original.receiptNumber, training: original.training)
        let before = refundState.refunded[key] ?? [:]
        var asked: [Int: Int64] = [:]
        for r in request {
            guard original.lines.indices.contains(r.line), original.priced.indices.contains(r.line),
                  original.priced[r.line] != nil else { throw .noSuchLine(r.line) }
            guard r.quantity > 0 else { throw .invalidQuantity(r.quantity) }
            asked[r.line, default: 0] += r.quantity
        }
        var lines: [CompletedRefund.Line] = []
        for index in asked.keys.sorted() {
            let q = asked[index]!
            let sold = original.lines[index]
            let priced = original.priced[index]!
            let done = before[index] ?? RefundedLine()
            let refundable = sold.quantity - done.quantity
            guard q <= refundable else { throw .refundExceedsSale(line: index, refundable: refundable) }
            let gross: Int64
            let tax: Int64
            if q == refundable {
                gross = priced.gross - done.gross
                tax = priced.tax - done.tax
            } else {
                do {
                    gross = try Checked.mulDiv(priced.gross, q, sold.quantity)
                    tax = try Checked.mulDiv(priced.tax, q, sold.quantity)
                } catch { throw .money(error) }
            }
            lines.append(CompletedRefund.Line(originalLine: index, itemID: sold.itemID, name: sold.name, quantity: q,
                                              unit: sold.unit, gross: gross, tax: tax, taxClass: sold.taxClass,
                                              taxBasisPoints: sold.taxBasisPoints))
        }
        var byKey: [TaxKey: TaxAmounts] = [:]
        var total: Int64 = 0
        for l in lines {
            total += l.gross
            // A gift voucher taken back is in no VAT rate's row, as when it was sold.
            guard l.itemID != .giftVoucher else { continue }
            let k = TaxKey(taxClass: l.taxClass, basisPoints: l.taxBasisPoints)
            byKey[k, default: TaxAmounts()].gross += l.gross
            byKey[k, default: TaxAmounts()].tax += l.tax
            byKey[k, default: TaxAmounts()].net += l.gross - l.tax
        }
        let breakdown = byKey.keys.sorted { ($0.basisPoints, $0.taxClass) > ($1.basisPoints, $1.taxClass) }.map { k in
            TaxBreakdownLine(taxClass: k.taxClass, basisPoints: k.basisPoints, net: byKey[k]!.net, tax: byKey[k]!.tax,
                             gross: byKey[k]!.gross)
        }
        let paidOut = tender == .cash ? config.cashRounding.round(total) : total
        return CompletedRefund(refundNumber: refundState.lastRefund + 1, originalReceipt: original.receiptNumber,
                               training: original.training, operatorID: me, authorisedBy: by, time: ctx.now,
                               lines: lines, breakdown: breakdown, total: total, tender: tender, paidOut: paidOut,
                               rounding: paidOut - total)
    }
}

import KassaCore

/// The register's values as they travel on the wire and appear in `kassa journal dump`.
/// Every amount is an integer in minor units (cents); never a floating-point number.
public protocol JSONRepresentable {
    var json: JSONValue { get }
}

extension Optional: JSONRepresentable where Wrapped: JSONRepresentable {
    public var json: JSONValue { map(\.json) ?? .null }
}

extension OperatorID: JSONRepresentable { public var json: JSONValue { .string(rawValue) } }
extension Timestamp: JSONRepresentable { public var json: JSONValue { .int(milliseconds) } }

extension Discount: JSONRepresentable {
    public var json: JSONValue {
        switch self {
        case .percent(let bp): return ["percent_bp": .int(Int64(bp))]
        case .amount(let a): return ["amount": .int(a)]
        }
    }
}

extension SaleLine: JSONRepresentable {
    public var json: JSONValue { SaleLineReply(self).json }
}

extension Tender: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = ["kind": .string(kind.rawValue), "amount": .int(amount)]
        if let r = reference { o["reference"] = .string(r) }
        return .object(o)
    }
}

extension CardAuthorisation: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = ["reference": .string(reference), "amount": .int(amount), "sale": .int(Int64(saleID))]
        if let k = requestKey { o["request_key"] = .string(k) }
        return .object(o)
    }
}

extension CardAuthorisationOutcome: JSONRepresentable {
    /// `{"outcome":"approved","auth_code","masked_pan","scheme"}`, or the outcome and its `reason`.
    public var json: JSONValue {
        switch self {
        case .approved(let a):
            guard case .object(var o) = a.json else { return .null }
            o["outcome"] = "approved"
            return .object(o)
        case .declined(let reason): return ["outcome": "declined", "reason": .string(reason)]
        case .notCharged(let reason): return ["outcome": "not_charged", "reason": .string(reason)]
        case .reversed(let reason): return ["outcome": "reversed", "reason": .string(reason)]
        }
    }
}

extension CardApproval: JSONRepresentable {
    /// `{"auth_code","masked_pan","scheme"}`, and the terminal's `trace` when it gave one.
    public var json: JSONValue {
        var o: JSONObject = ["auth_code": .string(authorisationCode), "masked_pan": .string(maskedPAN), "scheme": .string(scheme)]
        if let trace { o["trace"] = .string(trace) }
        return .object(o)
    }
}

extension TaxBreakdownLine: JSONRepresentable {
    public var json: JSONValue {
        ["tax_class": .string(taxClass.rawValue), "tax_bp": .int(Int64(basisPoints)), "net": .int(net), "tax": .int(tax),
         "gross": .int(gross)]
    }
}

extension PricedLine: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = ["line_discount": .int(lineDiscount), "receipt_discount": .int(receiptDiscount),
                             "gross": .int(gross), "tax": .int(tax)]
        if promotion != 0 { o["promotion"] = .int(promotion) }
        return .object(o)
    }
}

extension CompletedSale: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = [
            "receipt": .int(Int64(receiptNumber)), "training": .bool(training), "register": .string(registerID),
            "operator": operatorID.json, "time": time.json, "lines": .array(lines.map(\.json)),
            "priced": .array(priced.map { $0.json }), "breakdown": .array(breakdown.map(\.json)), "total": .int(total),
            "tenders": .array(tenders.map(\.json)), "change": .int(change), "rounding": .int(rounding),
            "discount_total": .int(discountTotal),
        ]
        if let d = receiptDiscount { o["receipt_discount"] = d.json }
        if let b = receiptDiscountBy { o["receipt_discount_by"] = b.json }
        if !promotions.isEmpty { o["promotions"] = .array(promotions.map(\.json)) }
        if let l = loyalty { o["loyalty"] = l.json }
        return .object(o)
    }
}

extension CustomerID: JSONRepresentable { public var json: JSONValue { .int(Int64(clamping: rawValue)) } }

extension SaleLoyalty: JSONRepresentable {
    public var json: JSONValue {
        ["customer": customer.json, "earned": .int(earned), "redeemed": .int(redeemed), "redeemed_value": .int(redeemedValue),
         "balance": .int(balance)]
    }
}

extension Voucher {
    /// `outstanding`, `used_up` or `void`, as clients show it.
    public var stateName: String { voidedByRefund != nil ? "void" : balance > 0 ? "outstanding" : "used_up" }
}

extension VoucherRedemption: JSONRepresentable {
    public var json: JSONValue {
        ["sale": .int(Int64(saleID)), "receipt": receipt.map { .int(Int64($0)) } ?? .null, "at": at?.json ?? .null,
         "amount": .int(amount), "balance_after": .int(balanceAfter)]
    }
}

extension RefundLoyalty: JSONRepresentable {
    public var json: JSONValue {
        ["customer": customer.json, "taken_back": .int(takenBack), "forgone": .int(forgone), "returned": .int(returned),
         "balance": .int(balance)]
    }
}

extension MarketingConsent: JSONRepresentable {
    public var json: JSONValue { ["given": .bool(given), "at": at.json] }
}

extension CustomerProfile: JSONRepresentable {
    public var json: JSONValue {
        ["name": .string(name), "phone": phone.map(JSONValue.string) ?? .null, "email": email.map(JSONValue.string) ?? .null,
         "notes": .string(notes), "marketing": marketing.json, "cards": .array(cards.map(JSONValue.string))]
    }
}

extension CompletedRefund: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = [
            "refund": .int(Int64(refundNumber)), "original_receipt": .int(Int64(originalReceipt)), "training": .bool(training),
            "operator": operatorID.json, "authorised_by": authorisedBy.json, "time": time.json,
            "lines": .array(lines.map { l in
                ["original_line": .int(Int64(l.originalLine)), "item": .string(l.itemID.rawValue), "name": .string(l.name),
                 "quantity": .int(l.quantity), "unit": .string(l.unit.rawValue), "gross": .int(l.gross), "tax": .int(l.tax),
                 "tax_class": .string(l.taxClass.rawValue), "tax_bp": .int(Int64(l.taxBasisPoints))]
            }),
            "breakdown": .array(breakdown.map(\.json)), "total": .int(total), "tender": .string(tender.rawValue),
            "paid_out": .int(paidOut), "rounding": .int(rounding),
        ]
        if let l = loyalty { o["loyalty"] = l.json }
        return .object(o)
    }
}

extension ReportCounters: JSONRepresentable {
    public var json: JSONValue {
        func taxes(_ m: [TaxKey: TaxAmounts]) -> JSONValue {
            .array(m.keys.sorted().map { k in
                ["tax_class": .string(k.taxClass.rawValue), "tax_bp": .int(Int64(k.basisPoints)), "net": .int(m[k]!.net),
                 "tax": .int(m[k]!.tax), "gross": .int(m[k]!.gross)]
            })
        }
        func tenders(_ m: [TenderKind: Int64]) -> JSONValue {
            var o = JSONObject()
            for k in TenderKind.allCases where m[k] != nil { o[k.rawValue] = .int(m[k]!) }
            return .object(o)
        }
        var o: JSONObject = [
            "sales": .int(salesCount), "refunds": .int(refundsCount), "voided_lines": .int(voidedLines),
            "cancelled_sales": .int(cancelledSales), "no_sales": .int(noSales), "price_overrides": .int(priceOverrides),
            "discounts": .int(discountCount), "discount_total": .int(discountTotal), "sales_gross": .int(salesGross),
            "refunds_gross": .int(refundsGross), "net_total": .int(netTotal), "rounding_total": .int(roundingTotal),
            "sales_by_tax": taxes(salesByTax), "refunds_by_tax": taxes(refundsByTax), "tenders": tenders(self.tenders),
            "refund_tenders": tenders(refundTenders), "cash_in": .int(cashIn), "cash_out": .int(cashOut),
            "vouchers_sold_count": .int(vouchersSoldCount), "vouchers_sold": .int(vouchersSold),
            "vouchers_refunded_count": .int(vouchersRefundedCount), "vouchers_refunded": .int(vouchersRefunded),
        ]
        if let f = firstReceipt { o["first_receipt"] = .int(Int64(f)) }
        if let l = lastReceipt { o["last_receipt"] = .int(Int64(l)) }
        return .object(o)
    }
}

extension ZReport: JSONRepresentable {
    public var json: JSONValue {
        ["z": .int(Int64(number)), "register": .string(registerID), "closed_at": closedAt.json, "closed_by": closedBy.json,
         "counters": counters.json, "grand_total_sales": .int(grandTotalSales), "grand_total_refunds": .int(grandTotalRefunds)]
    }
}

extension ShiftState: JSONRepresentable {
    public var json: JSONValue { ShiftReply(self).json }
}

extension RegisterEvent: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = ["type": .string(name)]
        switch self {
        case .operatorAdded(let op):
            o["operator"] = op.id.json
            o["name"] = .string(op.name)
            o["role"] = .string(op.role.rawValue)
        case .operatorRemoved(let id), .loggedOut(let id):
            o["operator"] = id.json
        case .operatorDisabled(let id, let disabled, let by):
            o["operator"] = id.json
            o["disabled"] = .bool(disabled)
            o["by"] = by.json
        case .pinReset(let id, let by):
            o["operator"] = id.json
            o["by"] = by.json
        case .technicianRecovered(let id, let at):
            o["operator"] = id.json
            o["at"] = at.json
        case .loggedIn(let id, let at):
            o["operator"] = id.json
            o["at"] = at.json
        case .pinRejected(let at): o["at"] = at.json
        case .pinLockout(let until): o["until"] = until.json
        case .pinRefused(let source, let failures, let at):
            o["source"] = .string(source.rawValue)
            o["failures"] = .int(Int64(failures))
            o["at"] = at.json
        case .recoveryCodePrinted(let ground, let at):
            o["why"] = .string(ground.rawValue)
            o["at"] = at.json
        case .trainingModeChanged(let on, let by):
            o["on"] = .bool(on)
            o["by"] = by.json
        case .shiftOpened(let n, let by, let float, let at):
            o["shift"] = .int(Int64(n))
            o["by"] = by.json
            o["float"] = .int(float)
            o["at"] = at.json
        case .cashMoved(let kind, let amount, let reason, let by):
            o["direction"] = .string(kind.rawValue)
            o["amount"] = .int(amount)
            o["reason"] = .string(reason)
            o["by"] = by.json
        case .noSale(let by, let auth):
            o["by"] = by.json
            o["authorised_by"] = auth.json
        case .shiftClosed(let n, let counted, let expected, let by, let at):
            o["shift"] = .int(Int64(n))
            o["counted"] = .int(counted)
            o["expected"] = .int(expected)
            o["over_short"] = .int(counted - expected)
            o["by"] = by.json
            o["at"] = at.json
        case .saleOpened(let id, let by, let training, let at):
            o["sale"] = .int(Int64(id))
            o["by"] = by.json
            o["training"] = .bool(training)
            o["at"] = at.json
        case .lineAdded(let line): o["line"] = line.json
        case .lineVoided(let index, let by):
            o["index"] = .int(Int64(index))
            o["by"] = by.json
        case .lineQuantityChanged(let index, let quantity, let by):
            o["index"] = .int(Int64(index))
            o["quantity"] = .int(quantity)
            o["by"] = by.json
        case .lineDiscounted(let index, let d, let by):
            o["index"] = .int(Int64(index))
            o["discount"] = d.json
            o["authorised_by"] = by.json
        case .linePriceOverridden(let index, let price, let by):
            o["index"] = .int(Int64(index))
            o["unit_price"] = .int(price)
            o["authorised_by"] = by.json
        case .receiptDiscounted(let d, let by):
            o["discount"] = d.json
            o["authorised_by"] = by.json
        case .totalled: break
        case .tenderAdded(let t): o["tender"] = t.json
        case .saleCompleted(let s): o["sale"] = s.json
        case .saleCancelled(let by, let auth):
            o["by"] = by.json
            o["authorised_by"] = auth.json
        case .saleParked(let p), .saleResumed(let p): o["park_id"] = .int(Int64(p))
        case .refundCompleted(let r): o["refund"] = r.json
        case .dayClosed(let z): o["report"] = z.json
        case .settingChanged(let key, let old, let new, let by):
            o["key"] = .string(key)
            o["old"] = old.map(JSONValue.string) ?? .null
            o["new"] = .string(new)
            o["by"] = by.json
        case .catalogImported(let items, let digest, let by):
            o["items"] = .int(Int64(items))
            o["sha256"] = .string(digest)
            o["by"] = by.json
        case .requestCompleted(let key, let digest, let result):
            o["key"] = .string(key)
            if let digest { o["digest"] = .string(digest) }
            o["result"] = .string(result)
        case .outputQueued(let id, let output):
            o["output"] = .int(Int64(id))
            switch output {
            case .receipt(let number, let training):
                o["receipt"] = .int(Int64(number))
                o["training"] = .bool(training)
            case .document(let kind, let lines):
                o["document"] = .string(kind)
                o["lines"] = .array(lines.map { .string($0.text) })
            }
        case .outputSent(let id, let bytes, let copy):
            o["output"] = .int(Int64(id))
            o["bytes"] = .int(Int64(bytes))
            o["copy"] = .bool(copy)
        case .outputDone(let id, let byPrinter):
            o["output"] = .int(Int64(id))
            o["confirmed_by_printer"] = .bool(byPrinter)
        case .chainRestarted(let link):
            o["sealed"] = .string(link.sealed)
            o["sealed_last_seq"] = .int(Int64(link.lastSeq))
            o["sealed_last_hash"] = .string(link.lastHash)
            o["fault"] = .string(link.fault)
            o["unreadable"] = .array(link.unreadable.map { ["first": .int(Int64($0.lowerBound)), "last": .int(Int64($0.upperBound))] })
            o["by"] = link.by.json
            o["at"] = link.at.json
            o["receipts"] = .int(Int64(link.receiptSeqs.count))
        case .cardAuthorisationRequested(let a): o["authorisation"] = a.json
        case .cardAuthorisationResolved(let reference, let outcome), .cardRefundResolved(let reference, let outcome):
            o["reference"] = .string(reference)
            o["outcome"] = outcome.json
        case .cardRefundRequested(let r):
            o["reference"] = .string(r.reference)
            o["amount"] = .int(r.amount)
            o["refund"] = r.refund.json
            if let k = r.requestKey { o["request_key"] = .string(k) }
        case .saleCardDetails(let receipt, let training, let slips):
            o["receipt"] = .int(Int64(receipt))
            o["training"] = .bool(training)
            o["cards"] = .array(slips.map { ["reference": .string($0.reference), "card": $0.approval.json] })
        case .timePunched(let id, let punch):
            o["operator"] = id.json
            o["action"] = .string(punch.action.rawValue)
            o["at"] = punch.at.json
        case .timeCorrected(let c):
            o["operator"] = c.operatorID.json
            o["removed"] = c.removed?.json ?? .null
            o["added"] = c.added?.json ?? .null
            o["reason"] = .string(c.reason)
            o["by"] = c.by.json
            o["at"] = c.at.json
        case .stockReceived(let item, let quantity, let cost, let reason, let by):
            o["item"] = .string(item.rawValue)
            o["quantity"] = .int(quantity)
            o["unit_cost"] = cost.map(JSONValue.int) ?? .null
            o["reason"] = .string(reason)
            o["by"] = by.json
        case .stockCounted(let item, let counted, let difference, let by):
            o["item"] = .string(item.rawValue)
            o["counted"] = .int(counted)
            o["difference"] = .int(difference)
            o["by"] = by.json
        case .stockAdjusted(let item, let delta, let reason, let by):
            o["item"] = .string(item.rawValue)
            o["delta"] = .int(delta)
            o["reason"] = .string(reason)
            o["by"] = by.json
        case .reorderSet(let item, let rule, let by):
            o["item"] = .string(item.rawValue)
            o["point"] = rule.map { .int($0.point) } ?? .null
            o["quantity"] = rule.map { .int($0.quantity) } ?? .null
            o["by"] = by.json
        case .voucherIssued(let v): o["voucher"] = v.json
        case .voucherVoided(let code, let refund, let by):
            o["code"] = .string(code)
            o["refund"] = .int(Int64(refund))
            o["by"] = by.json
        case .promotionSet(let p, let by):
            o["promotion"] = p.json
            o["by"] = by.json
        case .promotionRemoved(let id, let by):
            o["id"] = .string(id)
            o["by"] = by.json
        case .lineOffers(let index, let offers):
            o["index"] = .int(Int64(index))
            o["promotions"] = .array(offers.map { .string($0.id) })
        case .customerAdded(let id, let profile, let by, let at), .customerUpdated(let id, let profile, let by, let at):
            o["customer"] = id.json
            o["profile"] = profile.json
            o["by"] = by.json
            o["at"] = at.json
        case .customerRemoved(let id, let by, let at):
            o["customer"] = id.json
            o["by"] = by.json
            o["at"] = at.json
        case .saleCustomerSet(let sale, let id):
            o["sale"] = .int(Int64(clamping: sale))
            o["customer"] = id.json
        case .pointsRedemptionSet(let sale, let points, let value):
            o["sale"] = .int(Int64(clamping: sale))
            o["points"] = .int(points)
            o["value"] = .int(value)
        }
        return .object(o)
    }
}

extension Refusal {
    /// The one mapping from a register refusal to a wire error: a stable code and a sentence.
    public var ipcError: IPCError { ipcError(money: { "\($0) (minor units)" }) }

    /// The same, with amounts written the register's way.
    public func ipcError(money: (Int64) -> String) -> IPCError {
        switch self {
        case .notLoggedIn: return IPCError(.notLoggedIn, "nobody is logged in: log in with a PIN first")
        case .alreadyLoggedIn(let id): return IPCError(.conflict, "\(id) is already logged in")
        case .wrongPIN: return IPCError(.wrongPin, "wrong PIN, or not one that may do this")
        case .unknownBadge: return IPCError(.notFound, "this card is no one's staff badge")
        case .pinDelayed(let ms):
            let seconds = (ms + 999) / 1000
            return IPCError(.pinDelayed, "too many wrong PINs from here: the next one is looked at in \(seconds) s", retryAfterMilliseconds: ms)
        case .permissionDenied(let p): return IPCError(.forbidden, "the logged-in operator may not do this (\(p.rawValue))")
        case .supervisorRequired(let p): return IPCError(.pinRequired, "this needs a supervisor's PIN (\(p.rawValue))")
        case .unknownOperator(let id): return IPCError(.notFound, "no operator \(id)")
        case .operatorDisabled(let id): return IPCError(.forbidden, "operator \(id) is disabled: a technician can enable them again")
        case .operatorExists(let id): return IPCError(.conflict, "operator \(id) already exists")
        case .cannotRemoveSelf: return IPCError(.refused, "you cannot remove yourself")
        case .cannotDisableSelf: return IPCError(.refused, "you cannot disable yourself")
        case .invalidOperatorID: return IPCError(.badArgs, "an operator's id is 1 to 32 printable characters without spaces")
        case .firstOperatorMustBeTechnician: return IPCError(.refused, "the first operator of a new register must be a technician")
        case .notATechnician(let id, let role): return IPCError(.forbidden, "\(id) is a \(role.rawValue), not a technician")
        case .recoveryNotNeeded:
            return IPCError(.refused, "a technician can log in: a recovery code is only for when none can (a technician resets PINs)")
        case .shiftNotOpen: return IPCError(.conflict, "no shift is open: open one with a float first")
        case .shiftAlreadyOpen: return IPCError(.conflict, "a shift is already open")
        case .invalidAmount(let why): return IPCError(.badArgs, why)
        case .overLimit(let kind, let limit): return IPCError(.overLimit, kind.refusal(money(limit)))
        case .reasonRequired: return IPCError(.badArgs, "a reason is required")
        case .noOpenSale: return IPCError(.conflict, "no sale is open")
        case .saleInProgress: return IPCError(.conflict, "a sale is in progress: finish, park or cancel it first")
        case .lookup(let e):
            switch e {
            case .empty: return IPCError(.badArgs, "no code given")
            case .malformed(let c): return IPCError(.badArgs, "'\(c)' is neither a barcode nor a PLU")
            case .invalidCheckDigit(let c): return IPCError(.badArgs, "barcode \(c) has a wrong check digit: scan again")
            case .unknownCode(let c): return IPCError(.notFound, "no item with code \(c)")
            }
        case .unknownItem(let id): return IPCError(.notFound, "no item \(id)")
        case .weightRequired(let id):
            return IPCError(.weightRequired, "\(id) is sold by weight: give its weight in grams (`grams`), not a number of pieces")
        case .quantityNotAllowed(let code):
            return IPCError(.quantityNotAllowed, "\(code) takes no quantity or weight here: a label carries its own, and an item sold by the piece takes a number of pieces")
        case .invalidQuantity(let q): return IPCError(.badArgs, "quantity \(q) is out of range")
        case .noTaxRate(let c, let d): return IPCError(.refused, "tax class \(c) has no rate on \(d): check the configuration")
        case .noSuchLine(let i): return IPCError(.notFound, "the sale has no line \(i)")
        case .lineAlreadyVoided(let i): return IPCError(.conflict, "line \(i) is already voided")
        case .invalidDiscount(let why): return IPCError(.badArgs, why)
        case .saleIsEmpty: return IPCError(.conflict, "the sale has no items")
        case .tendersPresent: return IPCError(.conflict, "payment has started: the sale can no longer be changed")
        case .notSettled(let r): return IPCError(.conflict, "\(money(r)) is still to pay")
        case .cardOverpayment(let r): return IPCError(.badArgs, "a card or voucher cannot pay more than the \(money(r)) due")
        case .alreadySettled: return IPCError(.conflict, "the sale is already paid")
        case .parkLimit(let n): return IPCError(.refused, "at most \(n) sales can be parked")
        case .noSuchParkedSale(let p): return IPCError(.notFound, "no parked sale \(p)")
        case .money(let e): return IPCError(.refused, "amount out of range (\(e))")
        case .trainingModeMismatch: return IPCError(.conflict, "not possible in the current training mode")
        case .unknownReceipt(let n): return IPCError(.notFound, "no receipt \(n) on this register")
        case .refundExceedsSale(let line, let left): return IPCError(.refused, "line \(line) has only \(left) left to refund")
        case .emptyRefund: return IPCError(.badArgs, "name the lines to refund")
        case .cardAuthorisationPending(let reference, let amount):
            return IPCError(.cardPaymentPending, "a card payment of \(money(amount)) (\(reference)) is waiting for the terminal: nothing else can be sold until it has answered")
        case .noSuchCardAuthorisation(let reference): return IPCError(.notFound, "no card payment or refund \(reference) is waiting")
        case .cardRefundPending(let reference, let amount):
            return IPCError(.cardPaymentPending, "a card refund of \(money(amount)) (\(reference)) is waiting for the terminal: nothing else can be sold until it has answered")
        case .timeClock(let problem):
            switch problem {
            case .notClockedIn(let id): return IPCError(.conflict, "\(id) is not clocked in")
            case .alreadyClockedIn(let id): return IPCError(.conflict, "\(id) is already clocked in")
            case .onBreak(let id): return IPCError(.conflict, "\(id) is on a break: end the break first")
            case .notOnBreak(let id): return IPCError(.conflict, "\(id) is not on a break")
            case .punchNotAfterLast(let id):
                return IPCError(.conflict, "the clock is not after \(id)'s last punch: check the time, or ask a supervisor to correct the card")
            case .invalidCorrection(let why): return IPCError(.badArgs, "time card correction: \(why)")
            }
        case .voucher(let problem):
            switch problem {
            case .codeRequired: return IPCError(.badArgs, "a voucher tender needs the voucher's code as 'reference'")
            case .mistyped(let code):
                return IPCError(.badArgs, "voucher code \(code) is mistyped (its check character does not match): type or scan it again")
            case .unknown(let code): return IPCError(.notFound, "no voucher \(code) on this register")
            case .otherRegister(let code, let register):
                return IPCError(.notFound, "voucher \(code) was issued by register \(register), not this one: spend it there")
            case .otherMode(let code, let training):
                return IPCError(.conflict, training
                    ? "voucher \(code) is a training voucher: it pays only in training mode"
                    : "voucher \(code) is a real voucher: training sales cannot spend it")
            case .usedUp(let code): return IPCError(.conflict, "voucher \(code) is used up: its balance is \(money(0))")
            case .voided(let code, let refund): return IPCError(.conflict, "voucher \(code) was refunded (refund \(refund)) and is void")
            case .exceedsBalance(let code, let balance):
                return IPCError(.refused, "voucher \(code) has only \(money(balance)) left: pay at most that with it")
            case .noSaleToPay: return IPCError(.conflict, "no sale is open: a voucher pays for a sale, scan the items first")
            case .quantityGiven: return IPCError(.badArgs, "a voucher is scanned once, without a quantity")
            case .fixedValue(let line): return IPCError(.refused, "line \(line) is a gift voucher: it is sold at its value, without discounts or price changes")
            case .spent(let code, let balance, let issued):
                return IPCError(.refused, "gift voucher \(code) has been spent (\(money(balance)) of \(money(issued)) left): it cannot be refunded")
            }
        case .invalidPromotion(let why): return IPCError(.badArgs, "promotion: \(why)")
        case .unknownPromotion(let id): return IPCError(.notFound, "no promotion '\(id)'")
        case .customer(let problem): return problem.ipcError(money: money)
        }
    }
}

extension AmountLimit {
    /// The sentence of an `over_limit` refusal, with the limit written the register's way.
    func refusal(_ limit: String) -> String {
        switch self {
        case .price: return "a price may be at most \(limit) on this register"
        case .line: return "one line may come to at most \(limit) on this register"
        case .sale: return "one sale may come to at most \(limit) on this register"
        case .tender: return "cash may be at most \(limit) more than what is due"
        case .float: return "a float may be at most \(limit) on this register"
        case .cashMovement: return "one cash in or out may be at most \(limit) on this register"
        case .voucher: return "a gift voucher may be worth at most \(limit) on this register"
        }
    }
}

extension CustomerProblem {
    func ipcError(money: (Int64) -> String) -> IPCError {
        switch self {
        case .emptyName: return IPCError(.badArgs, "a customer needs a name")
        case .tooLong(let field, let limit): return IPCError(.badArgs, "the customer's \(field) is longer than \(limit) bytes")
        case .controlCharacters(let field): return IPCError(.badArgs, "the customer's \(field) must be one line of text")
        case .malformedPhone(let p): return IPCError(.badArgs, "'\(p)' is not a phone number (6 to 15 digits, a leading + for international)")
        case .malformedEmail(let e): return IPCError(.badArgs, "'\(e)' is not an email address")
        case .malformedCard(let c):
            return IPCError(.badArgs, "'\(c)' is not a loyalty card number (4 to 32 printable characters without spaces)")
        case .paymentCardNumber:
            return IPCError(.refused, "that number looks like a payment card's: it cannot be a loyalty card (and was not stored)")
        case .cardInUse(let c, let by): return IPCError(.conflict, "loyalty card \(c) is already customer \(by)'s")
        case .cardIsItemCode(let c, let item): return IPCError(.conflict, "\(c) is the code of item \(item): it cannot be a loyalty card")
        case .cardIsStaffBadge: return IPCError(.conflict, "that card is a staff badge: it cannot be a loyalty card")
        case .cardNotOnCustomer(let c): return IPCError(.notFound, "the customer has no loyalty card \(c)")
        case .tooManyCards(let limit): return IPCError(.badArgs, "a customer has at most \(limit) loyalty cards")
        case .unknownCustomer(let id): return IPCError(.notFound, "no customer \(id)")
        case .unknownCard: return IPCError(.notFound, "that card is no customer's loyalty card")
        case .onSale(let id, let sale):
            return IPCError(.conflict, "customer \(id) is on sale \(sale): finish it or take the customer off it first")
        case .noCustomerOnSale: return IPCError(.conflict, "no customer is on the sale: scan their loyalty card or choose them first")
        case .belowMinimumRedemption(let minimum): return IPCError(.badArgs, "at least \(minimum) points are redeemed at a time")
        case .notEnoughPoints(let balance): return IPCError(.refused, "the customer has only \(balance) points")
        case .redemptionExceedsSale(let value, let sale):
            return IPCError(.refused, "the points are worth \(money(value)) but only \(money(sale)) of the sale is left to take them off: redeem fewer")
        }
    }
}

extension TimePunch: JSONRepresentable {
    public var json: JSONValue { ["action": .string(action.rawValue), "at": at.json] }
}

/// A sales report's figures as `report.sales` sends them, and read back by its clients.
extension SalesFigures: JSONRepresentable {
    /// The figures kept, by their names on the wire; `net` and the averages follow from them.
    static var wireNames: [(String, WritableKeyPath<SalesFigures, Int64>)] {
        [("sales", \.sales), ("items", \.items), ("quantity", \.quantity), ("gross", \.gross), ("tax", \.tax),
         ("refunds", \.refunds), ("refunded", \.refunded), ("refunded_tax", \.refundedTax), ("voided_lines", \.voidedLines),
         ("cancelled_sales", \.cancelledSales), ("price_overrides", \.priceOverrides), ("discounts", \.discounts)]
    }

    public var json: JSONValue {
        var o = JSONObject()
        for (name, figure) in Self.wireNames { o[name] = .int(self[keyPath: figure]) }
        o["net"] = .int(net)
        o["average_sale"] = .int(averageSale)
        o["items_per_sale_tenths"] = .int(itemsPerSaleTenths)
        return .object(o)
    }

    /// A missing figure is 0.
    public init(json: JSONValue) {
        self.init()
        for (name, figure) in Self.wireNames { self[keyPath: figure] = json[name]?.intValue ?? 0 }
    }
}

extension SalesReportRow: JSONRepresentable {
    public var json: JSONValue { ["key": .string(key), "label": .string(label), "figures": figures.json] }

    /// A row of `report.sales`; nil without a key.
    public init?(json: JSONValue) {
        guard let key = json["key"]?.stringValue else { return nil }
        self.init(key: key, label: json["label"]?.stringValue ?? key, figures: SalesFigures(json: json["figures"] ?? .null))
    }
}

extension VoucherIssue: JSONRepresentable {
    public var json: JSONValue {
        var o: JSONObject = ["number": .int(Int64(number)), "code": .string(code), "kind": .string(kind.rawValue),
                             "amount": .int(amount), "training": .bool(training), "by": by.json, "at": at.json]
        switch source {
        case .sale(let receipt, let line):
            o["receipt"] = .int(Int64(receipt))
            o["line"] = .int(Int64(line))
        case .refund(let refund):
            o["refund"] = .int(Int64(refund))
        }
        return .object(o)
    }
}

extension Voucher: JSONRepresentable {
    /// `{code, kind, state, balance, issued:{…}, redemptions:[{sale, receipt?, at?, amount, balance_after}], voided_by_refund?}`
    public var json: JSONValue {
        var o: JSONObject = [
            "code": .string(code), "kind": .string(issue.kind.rawValue), "training": .bool(issue.training),
            "state": .string(stateName),
            "balance": .int(balance), "issued": issue.json,
            "redemptions": .array(redemptions.map(\.json)),
        ]
        if let refund = voidedByRefund { o["voided_by_refund"] = .int(Int64(refund)) }
        return .object(o)
    }
}

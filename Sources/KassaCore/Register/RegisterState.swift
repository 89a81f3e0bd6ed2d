/// A shift: one drawer, one float, one count at the end.
public struct ShiftState: Hashable, Sendable {
    public var number: UInt64
    public var openedBy: OperatorID
    public var openedAt: Timestamp
    public var float: Int64
    /// What should be in the drawer: float + cash taken − change − cash refunded + cash in − cash out.
    public var expectedCash: Int64
}

/// A sale being rung up (or parked).
public struct OpenSale: Hashable, Sendable {
    public var id: UInt64
    public var operatorID: OperatorID
    public var training: Bool
    public var openedAt: Timestamp
    public var lines: [SaleLine] = []
    public var receiptDiscount: Discount?
    public var receiptDiscountBy: OperatorID?
    public var tenders: [Tender] = []
    /// The cashier pressed total: from here on cancelling needs a supervisor.
    public var totalled = false
    /// The promotions each line (by index) was rung up with; lines without any are absent.
    public var offers: [Int: [Promotion]] = [:]

    /// `redeeming`: the value of loyalty points redeemed on the sale (kept beside it in
    /// `RegisterState.saleCustomers`; `RegisterState.totals(of:)` passes it).
    public func totals(_ priceMode: PriceMode, redeeming: Int64 = 0) throws(MoneyError) -> SaleTotals {
        try SaleTotals.compute(lines: lines, receiptDiscount: receiptDiscount, priceMode: priceMode, offers: offers,
                               redemption: redeeming)
    }

    public var hasLiveLines: Bool { lines.contains { !$0.voided } }
}

/// What a refund has already given back of one original line.
public struct RefundedLine: Hashable, Sendable {
    public var quantity: Int64 = 0
    public var gross: Int64 = 0
    public var tax: Int64 = 0
}

/// A receipt as refunds see it: real and training receipts are numbered apart.
public struct ReceiptKey: Hashable, Sendable {
    public var number: UInt64
    public var training: Bool
}

/// The register's whole state: the fold of its events from the empty register.
public struct RegisterState: Hashable, Sendable {
    public var operators: [OperatorID: Operator] = [:]
    public var currentOperator: OperatorID?
    public var pinFailures = 0
    public var pinLockedUntil: Timestamp?
    public var training = false
    public var shift: ShiftState?
    public var shiftsOpened: UInt64 = 0
    public var openSale: OpenSale?
    public var parked: [UInt64: OpenSale] = [:]
    public var lastSaleID: UInt64 = 0
    public var lastReceipt: UInt64 = 0
    public var lastTrainingReceipt: UInt64 = 0
    public var lastRefund: UInt64 = 0
    public var refunded: [ReceiptKey: [Int: RefundedLine]] = [:]
    public var day = ReportCounters()
    public var lastZ: UInt64 = 0
    public var grandTotalSales: Int64 = 0
    public var grandTotalRefunds: Int64 = 0
    /// Settings changed on the box, by key: they override the configuration file.
    public var settings: [String: String] = [:]
    /// Results of the newest keyed requests, oldest first in `requestOrder`.
    public var requestResults: [String: String] = [:]
    public var requestOrder: [String] = []
    /// Printouts owed, by output id: queued and not yet done.
    public var pendingOutputs: [UInt64: PendingOutput] = [:]
    public var lastOutputID: UInt64 = 0
    /// Damaged chains sealed by recoveries, oldest first.
    public var sealedChains: [SealedChain] = []
    /// The card authorisation sent to the terminal and not yet resolved: while there is one, the
    /// register sells nothing else, and after a restart it must ask the terminal first.
    public var pendingCardAuthorisation: CardAuthorisation?
    /// How many card authorisations were ever requested: numbers their references.
    public var cardAuthorisations: UInt64 = 0
    /// Operators a technician disabled: they cannot log in.
    public var disabledOperators: Set<OperatorID> = []
    /// Each employee's time card, oldest punch first. Kept whole (about four punches a day each):
    /// hours of any past week can be asked for, at the price of a snapshot that grows with them.
    public var timeCards: [OperatorID: [TimePunch]] = [:]
    /// Stock on hand per item: pieces, or grams for weighed items. Absent is zero.
    public var stock: [ItemID: Int64] = [:]
    public var reorderRules: [ItemID: ReorderRule] = [:]
    /// The newest cost per piece (or per kilogram) given with goods received.
    public var unitCosts: [ItemID: Int64] = [:]
    /// Every voucher this register issued, real and training, by code; kept when used up, for
    /// their history.
    public var vouchers: [String: Voucher] = [:]
    /// The newest voucher's number (real and training share the numbers).
    public var lastVoucherNumber: UInt64 = 0
    /// Promotions set up, by id; each is in force only within its window.
    public var promotions: [String: Promotion] = [:]
    /// Customers by number; a forgotten one is gone, the number never reused.
    public var customers: [CustomerID: Customer] = [:]
    public var lastCustomerID: UInt64 = 0
    /// Loyalty card number → customer: derived from `customers`, kept for scans and swipes.
    public internal(set) var customerCards: [String: CustomerID] = [:]
    /// The customer on each open or parked sale, by sale id, with the points redeemed on it.
    public var saleCustomers: [UInt64: SaleCustomer] = [:]
    /// How many request results are remembered; older keys are forgotten in order.
    public static let rememberedRequests = 4096

    public init() {}

    public static func replay<S: Sequence>(_ events: S) -> RegisterState where S.Element == RegisterEvent {
        var s = RegisterState()
        for e in events { s.apply(e) }
        return s
    }

    public var currentRole: Role? { currentOperator.flatMap { operators[$0]?.role } }

    /// The promotions in force for a line's item at a local date and minute, in the order of their ids.
    public func promotions(for line: SaleLine, on date: CivilDate, minute: Int) -> [Promotion] {
        promotions.values.filter { $0.applies(to: line) && $0.window.contains(date: date, minute: minute) }
            .sorted { $0.id < $1.id }
    }

    /// Applies one recorded event. Never refuses: decisions were taken before the event existed.
    public mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .operatorAdded(let op):
            operators[op.id] = op
        case .operatorRemoved(let id):
            operators[id] = nil
            disabledOperators.remove(id)
            if currentOperator == id { currentOperator = nil }
        case .operatorDisabled(let id, let disabled, _):
            if disabled {
                disabledOperators.insert(id)
                if currentOperator == id { currentOperator = nil }
            } else {
                disabledOperators.remove(id)
            }
        case .pinReset:
            break
        case .technicianRecovered:
            // Physical access outranks the PIN pad's lockout.
            pinFailures = 0
            pinLockedUntil = nil
        case .loggedIn(let id, _):
            currentOperator = id
            pinFailures = 0
            pinLockedUntil = nil
        case .loggedOut:
            currentOperator = nil
        case .pinRejected:
            pinFailures += 1
        case .pinLockout(let until):
            pinLockedUntil = until
            pinFailures = 0
        case .trainingModeChanged(let on, _):
            training = on

        case .shiftOpened(let number, let by, let float, let at):
            shift = ShiftState(number: number, openedBy: by, openedAt: at, float: float, expectedCash: float)
            shiftsOpened = number
        case .cashMoved(let kind, let amount, _, _):
            if kind == .cashIn {
                day.cashIn += amount
                shift?.expectedCash += amount
            } else {
                day.cashOut += amount
                shift?.expectedCash -= amount
            }
        case .noSale:
            day.noSales += 1
        case .shiftClosed:
            shift = nil

        case .saleOpened(let id, let by, let training, let at):
            openSale = OpenSale(id: id, operatorID: by, training: training, openedAt: at)
            lastSaleID = id
        case .lineAdded(let line):
            openSale?.lines.append(line)
        case .lineVoided(let index, _):
            openSale?.lines[index].voided = true
            if openSale?.training == false { day.voidedLines += 1 }
        case .lineDiscounted(let index, let discount, let by):
            openSale?.lines[index].discount = discount
            if by != nil { openSale?.lines[index].authorisedBy = by }
        case .linePriceOverridden(let index, let price, let by):
            openSale?.lines[index].unitPrice = price
            openSale?.lines[index].authorisedBy = by
            if openSale?.training == false { day.priceOverrides += 1 }
        case .receiptDiscounted(let discount, let by):
            openSale?.receiptDiscount = discount
            openSale?.receiptDiscountBy = by
        case .totalled:
            openSale?.totalled = true
        case .tenderAdded(let tender):
            if tender.kind == .voucher { redeem(tender) }
            openSale?.tenders.append(tender)
            openSale?.totalled = true
        case .saleCompleted(let sale):
            if let id = openSale?.id {
                settleRedemptions(sale, saleID: id)
                saleCustomers[id] = nil
            }
            openSale = nil
            record(sale)
        case .saleCancelled:
            if openSale?.training == false { day.cancelledSales += 1 }
            if let id = openSale?.id { saleCustomers[id] = nil }
            openSale = nil
        case .saleParked(let parkID):
            if let sale = openSale { parked[parkID] = sale }
            openSale = nil
        case .saleResumed(let parkID):
            openSale = parked.removeValue(forKey: parkID)
        case .cardAuthorisationRequested(let authorisation):
            pendingCardAuthorisation = authorisation
            cardAuthorisations += 1
        case .cardAuthorisationResolved(let reference, _):
            if pendingCardAuthorisation?.reference == reference { pendingCardAuthorisation = nil }

        case .refundCompleted(let refund):
            record(refund)
        case .dayClosed(let z):
            lastZ = z.number
            day = ReportCounters()
        case .settingChanged(let key, _, let new, _):
            settings[key] = new
        case .catalogImported:
            break
        case .requestCompleted(let key, let result):
            if requestResults.updateValue(result, forKey: key) == nil { requestOrder.append(key) }
            if requestOrder.count > Self.rememberedRequests {
                requestResults[requestOrder.removeFirst()] = nil
            }
        case .outputQueued(let id, let output):
            pendingOutputs[id] = PendingOutput(output: output)
            lastOutputID = max(lastOutputID, id)
        case .outputSent(let id, _, _):
            pendingOutputs[id]?.sent = true
        case .outputDone(let id, _):
            pendingOutputs[id] = nil
        case .chainRestarted(let link):
            self = link.state
            sealedChains.append(SealedChain(name: link.sealed, receiptSeqs: link.receiptSeqs,
                                            trainingReceiptSeqs: link.trainingReceiptSeqs))

        case .timePunched(let id, let punch):
            timeCards[id, default: []].insertInOrder(punch)
        case .timeCorrected(let c):
            var card = timeCards[c.operatorID] ?? []
            if let removed = c.removed, let i = card.firstIndex(of: removed) { card.remove(at: i) }
            if let added = c.added { card.insertInOrder(added) }
            timeCards[c.operatorID] = card.isEmpty ? nil : card
        case .stockReceived(let item, let quantity, let cost, _, _):
            stock[item, default: 0] &+= quantity
            if let cost { unitCosts[item] = cost }
        case .stockCounted(let item, let counted, _, _):
            stock[item] = counted
        case .stockAdjusted(let item, let delta, _, _):
            stock[item, default: 0] &+= delta
        case .reorderSet(let item, let rule, _):
            reorderRules[item] = rule

        case .voucherIssued(let issue):
            vouchers[issue.code] = Voucher(issue: issue, balance: issue.amount)
            lastVoucherNumber = max(lastVoucherNumber, issue.number)
        case .voucherVoided(let code, let refund, _):
            vouchers[code]?.balance = 0
            vouchers[code]?.voidedByRefund = refund
        case .promotionSet(let p, _):
            promotions[p.id] = p
        case .promotionRemoved(let id, _):
            promotions[id] = nil
        case .lineOffers(let index, let offers):
            openSale?.offers[index] = offers

        case .customerAdded(let id, let profile, _, let at):
            customers[id] = Customer(id: id, profile: profile, since: at)
            lastCustomerID = max(lastCustomerID, id.rawValue)
            for card in profile.cards { customerCards[card] = id }
        case .customerUpdated(let id, let profile, _, _):
            guard let old = customers[id] else { break }
            for card in old.profile.cards { customerCards[card] = nil }
            customers[id]?.profile = profile
            for card in profile.cards { customerCards[card] = id }
        case .customerRemoved(let id, _, _):
            for card in customers[id]?.profile.cards ?? [] { customerCards[card] = nil }
            customers[id] = nil
            saleCustomers = saleCustomers.filter { $0.value.customer != id }
        case .saleCustomerSet(let sale, let id):
            saleCustomers[sale] = id.map { SaleCustomer(customer: $0) }
        case .pointsRedemptionSet(let sale, let points, let value):
            saleCustomers[sale]?.redeemPoints = points
            saleCustomers[sale]?.redeemValue = value
        }
    }

    /// A voucher tender takes its amount off the voucher's balance at once. A reference that is
    /// no voucher of the sale's mode (a free text from before vouchers had balances) moves nothing.
    private mutating func redeem(_ tender: Tender) {
        guard let sale = openSale, let code = tender.reference, var v = vouchers[code], v.issue.training == sale.training else { return }
        let amount = min(max(0, tender.amount), v.balance)
        v.balance -= amount
        v.redemptions.append(VoucherRedemption(saleID: sale.id, amount: amount, balanceAfter: v.balance))
        vouchers[code] = v
    }

    /// The receipt and time of the completed sale go into the history of the vouchers it spent.
    private mutating func settleRedemptions(_ sale: CompletedSale, saleID: UInt64) {
        for code in Set(sale.tenders.compactMap({ $0.kind == .voucher ? $0.reference : nil })) {
            guard var v = vouchers[code] else { continue }
            for i in v.redemptions.indices where v.redemptions[i].saleID == saleID && v.redemptions[i].receipt == nil {
                v.redemptions[i].receipt = sale.receiptNumber
                v.redemptions[i].at = sale.time
            }
            vouchers[code] = v
        }
    }

    /// Rebuilds the card index from the profiles (after a snapshot is read).
    mutating func indexCustomerCards() {
        customerCards = [:]
        for c in customers.values { for card in c.profile.cards { customerCards[card] = c.id } }
    }

    private mutating func record(_ sale: CompletedSale) {
        if sale.training {
            lastTrainingReceipt = sale.receiptNumber
            return
        }
        lastReceipt = sale.receiptNumber
        if let l = sale.loyalty {
            customers[l.customer]?.points = l.balance
            customers[l.customer]?.receipts.append(sale.receiptNumber)
        }
        for line in sale.lines where !line.voided && !line.isGiftVoucher { stock[line.itemID, default: 0] &-= line.stockQuantity }
        // Gift vouchers sold are money taken (in the tenders) but no revenue.
        let vouchersSold = sale.vouchersSold
        if vouchersSold != 0 {
            day.vouchersSoldCount += Int64(sale.lines.filter { $0.isGiftVoucher && !$0.voided }.count)
            day.vouchersSold += vouchersSold
        }
        if !sale.soldOnlyVouchers { day.salesCount += 1 }
        day.salesGross += sale.total - vouchersSold
        day.roundingTotal += sale.rounding
        day.discountTotal += sale.discountTotal
        if sale.discountTotal != 0 { day.discountCount += 1 }
        if day.firstReceipt == nil { day.firstReceipt = sale.receiptNumber }
        day.lastReceipt = sale.receiptNumber
        grandTotalSales += sale.total - vouchersSold
        for b in sale.breakdown { day.salesByTax.add(b) }
        var cash: Int64 = 0
        for t in sale.tenders {
            day.tenders[t.kind, default: 0] += t.amount
            if t.kind == .cash { cash += t.amount }
        }
        if sale.change != 0 { day.tenders[.cash, default: 0] -= sale.change }
        shift?.expectedCash += cash - sale.change
    }

    private mutating func record(_ refund: CompletedRefund) {
        let key = ReceiptKey(number: refund.originalReceipt, training: refund.training)
        for line in refund.lines {
            refunded[key, default: [:]][line.originalLine, default: RefundedLine()].quantity += line.quantity
            refunded[key, default: [:]][line.originalLine, default: RefundedLine()].gross += line.gross
            refunded[key, default: [:]][line.originalLine, default: RefundedLine()].tax += line.tax
        }
        guard !refund.training else { return }
        lastRefund = refund.refundNumber
        if let l = refund.loyalty { customers[l.customer]?.points = l.balance }
        // Refunded goods go back on the shelf (a damaged return is written off with an adjustment).
        // A weighed item's price label comes back as one label here; the refund's decision adds
        // the rest of its grams with an adjustment of its own.
        for line in refund.lines where line.itemID != .giftVoucher { stock[line.itemID, default: 0] &+= line.quantity }
        let vouchersRefunded = refund.vouchersRefunded
        if vouchersRefunded != 0 {
            day.vouchersRefundedCount += Int64(refund.lines.filter { $0.itemID == .giftVoucher }.count)
            day.vouchersRefunded += vouchersRefunded
        }
        if !refund.refundedOnlyVouchers { day.refundsCount += 1 }
        day.refundsGross += refund.total - vouchersRefunded
        day.roundingTotal += refund.total - refund.paidOut
        grandTotalRefunds += refund.total - vouchersRefunded
        for b in refund.breakdown { day.refundsByTax.add(b) }
        day.refundTenders[refund.tender, default: 0] += refund.paidOut
        if refund.tender == .cash { shift?.expectedCash -= refund.paidOut }
    }

    public func xReport(registerID: String) -> XReport {
        XReport(registerID: registerID, nextZNumber: lastZ + 1, counters: day, grandTotalSales: grandTotalSales,
                grandTotalRefunds: grandTotalRefunds, shift: shift)
    }
}

extension Dictionary where Key == TaxKey, Value == TaxAmounts {
    mutating func add(_ b: TaxBreakdownLine) {
        let key = TaxKey(taxClass: b.taxClass, basisPoints: b.basisPoints)
        var amounts = self[key] ?? TaxAmounts()
        amounts.net += b.net
        amounts.tax += b.tax
        amounts.gross += b.gross
        self[key] = amounts
    }
}

extension Array where Element == TimePunch {
    /// Keeps a time card in time order, whatever order its punches arrive in.
    mutating func insertInOrder(_ punch: TimePunch) {
        let i = lastIndex(where: { $0.at <= punch.at }).map { $0 + 1 } ?? 0
        insert(punch, at: i)
    }
}

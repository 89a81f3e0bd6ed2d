/// What the register is asked to do, by the cashier, a supervisor, a technician or a script.
public enum Command: Hashable, Sendable {
    case login(pin: String)
    /// A staff badge swiped on the card reader; unknown cards are no login attempt at all (they
    /// may be loyalty or gift cards), so they count nothing towards the lockout.
    case loginWithBadge(card: String)
    case logout
    case setTraining(Bool, override: String?)

    case openShift(float: Int64)
    case moveCash(CashMovement, amount: Int64, reason: String)
    case noSale(override: String?)
    case closeShift(counted: Int64)

    case openSale
    /// A scanned or typed barcode or PLU; `quantity` pieces (or grams for a weighed item without
    /// an embedded weight).
    case scan(code: String, quantity: Int64?)
    case addItem(ItemID, quantity: Int64)
    /// A gift voucher of this value, sold on a line of its own; it gets its code when the sale completes.
    case sellVoucher(amount: Int64)
    case voidLine(Int)
    case discountLine(Int, Discount?, override: String?)
    case overridePrice(line: Int, unitPrice: Int64, override: String?)
    case discountReceipt(Discount?, override: String?)
    case total
    case tender(Tender)
    /// Pays with a voucher: `amount`, or by default its balance up to what is due. A voucher
    /// `tender` and a scanned voucher code come here too.
    case tenderVoucher(code: String, amount: Int64?)
    case complete
    case cancel(override: String?)
    case park
    case resume(parkID: UInt64)
    /// Asks the card terminal to charge `amount` towards the open sale. `requestKey` is the
    /// client's idempotency key, kept with the request so that a retry gets its outcome.
    case requestCardAuthorisation(amount: Int64, requestKey: String?)
    /// Records what became of the pending card authorisation.
    case resolveCardAuthorisation(reference: String, CardAuthorisationOutcome)

    case refund(original: CompletedSale, lines: [RefundRequestLine], tender: TenderKind, override: String?)
    case closeDay

    /// The time clock, by PIN or by staff badge; nobody needs to be logged in.
    case clock(ClockAction, pin: String)
    case clockWithBadge(ClockAction, card: String)
    /// A supervisor changes an employee's time card: a wrong punch out, a missing one in, or both.
    case correctTime(OperatorID, remove: TimePunch?, add: TimePunch?, reason: String, override: String?)

    case receiveStock(ItemID, quantity: Int64, unitCost: Int64?, reason: String?)
    /// Sets the level to what was counted on the shelf.
    case countStock(ItemID, counted: Int64, override: String?)
    case adjustStock(ItemID, delta: Int64, reason: String, override: String?)
    /// Sets (or with nil removes) an item's reorder point and quantity.
    case setReorder(ItemID, ReorderRule?, override: String?)

    /// Sets up a promotion, or changes the one with its id.
    case setPromotion(Promotion, override: String?)
    case removePromotion(id: String, override: String?)
    case addCustomer(CustomerChanges)
    case updateCustomer(CustomerID, CustomerChanges)
    /// Forgets a customer on their request (a supervisor).
    case removeCustomer(CustomerID, override: String?)
    /// Puts a customer on the open sale (opening one if none is open), or with nil takes them off.
    case setSaleCustomer(CustomerID?)
    /// Redeems the customer's points on the open sale; 0 takes a redemption back.
    case redeemPoints(Int64)

    /// Staff and the technician's administration: see `StaffRules.swift`.
    case addOperator(Operator)
    /// The demo's operators, set up at once on a new register.
    case setUpOperators([Operator])
    case removeOperator(OperatorID)
    case setOperatorDisabled(OperatorID, Bool)
    /// A new PIN for an operator; the PIN itself is kept outside the journal by the runtime.
    case resetPIN(OperatorID)
    /// A staff badge for an operator, kept beside the PINs and never journaled.
    case enrolBadge(OperatorID)
    /// A technician's PIN typed on a connection: opens a technician's session there.
    case openTechnicianSession(pin: String)
    /// With the printed recovery code: `id` becomes an enabled technician with a new PIN.
    case recoverTechnician(OperatorID, name: String?)
    /// A setting changed from `old` to `new`; whether the value itself is sound is the
    /// configuration's to say before it gets here.
    case changeSetting(key: String, old: String?, new: String)
    case importCatalog(items: Int, sha256: String)
    /// The technician opens the drawer to test it: a no-sale of theirs.
    case testDrawer
    case printTestPage(lines: [PrintedLine])
    /// A copy of a receipt or document, owed to the printer like any printout.
    case reprint(Output)
}

public struct RefundRequestLine: Hashable, Sendable {
    public var line: Int
    public var quantity: Int64
    public init(line: Int, quantity: Int64) {
        self.line = line
        self.quantity = quantity
    }
}

/// Why the register said no. Every refusal is one of these, never a crash.
public enum Refusal: Error, Hashable, Sendable {
    case notLoggedIn
    case alreadyLoggedIn(OperatorID)
    case wrongPIN
    case unknownBadge
    case pinLocked(until: Timestamp)
    case permissionDenied(Permission)
    case supervisorRequired(Permission)
    case overrideRejected(Permission)
    case unknownOperator(OperatorID)
    case operatorExists(OperatorID)
    case cannotRemoveSelf
    case operatorDisabled(OperatorID)
    case cannotDisableSelf
    case invalidOperatorID
    case firstOperatorMustBeTechnician
    case notATechnician(OperatorID, Role)

    case shiftNotOpen
    case shiftAlreadyOpen
    case invalidAmount(String)
    case reasonRequired

    case noOpenSale
    case saleInProgress
    case lookup(LookupError)
    case unknownItem(ItemID)
    case weightRequired(ItemID)
    case invalidQuantity(Int64)
    case noTaxRate(TaxClassID, CivilDate)
    case noSuchLine(Int)
    case lineAlreadyVoided(Int)
    case invalidDiscount(String)
    case saleIsEmpty
    case tendersPresent
    case notSettled(remaining: Int64)
    case cardOverpayment(remaining: Int64)
    case alreadySettled
    case parkLimit(Int)
    case noSuchParkedSale(UInt64)
    case money(MoneyError)
    case trainingModeMismatch
    /// The card terminal has not yet said what became of this authorisation: nothing else is sold
    /// until it has.
    case cardAuthorisationPending(reference: String, amount: Int64)
    case noSuchCardAuthorisation(String)

    case unknownReceipt(UInt64)
    case refundExceedsSale(line: Int, refundable: Int64)
    case emptyRefund

    case timeClock(TimeClockProblem)
    case voucher(VoucherProblem)

    case invalidPromotion(String)
    case unknownPromotion(String)
    case customer(CustomerProblem)
}

/// Where a decision is taken: the time and the register's local date (for tax rates), passed in.
public struct Context: Hashable, Sendable {
    public var now: Timestamp
    public var today: CivilDate
    /// Minutes after local midnight (promotions with hours), 0 to 1439.
    public var minuteOfDay: Int
    public init(now: Timestamp, today: CivilDate, minuteOfDay: Int = 0) {
        self.now = now
        self.today = today
        self.minuteOfDay = minuteOfDay
    }
}

/// What a decision needs besides the state: configuration, catalog and the PIN vault.
public struct RegisterEnvironment: Sendable {
    public var config: RegisterConfig
    public var catalog: Catalog
    public var pins: PinVault

    public init(config: RegisterConfig, catalog: Catalog, pins: PinVault) {
        self.config = config
        self.catalog = catalog
        self.pins = pins
    }
}

/// The outcome of a command: the events to record, and a refusal if the command was refused.
/// A refused PIN is still recorded (it counts towards the lockout), hence both at once.
public struct Decision: Hashable, Sendable {
    public var events: [RegisterEvent]
    public var refusal: Refusal?

    public static func accept(_ events: [RegisterEvent]) -> Decision { Decision(events: events, refusal: nil) }
    public static func refuse(_ r: Refusal, recording events: [RegisterEvent] = []) -> Decision {
        Decision(events: events, refusal: r)
    }
}

extension RegisterState {
    /// Decides a command purely: same state, environment, context and command, same decision.
    public func decide(_ command: Command, _ env: RegisterEnvironment, _ ctx: Context, by caller: Caller = .register) -> Decision {
        var pinEvents: [RegisterEvent] = []
        do {
            let events = try acting(as: caller, for: command).decideOrThrow(command, caller, env, ctx, pinEvents: &pinEvents)
            return .accept(events)
        } catch {
            return .refuse(error, recording: pinEvents)
        }
    }

    private func decideOrThrow(_ command: Command, _ caller: Caller, _ env: RegisterEnvironment, _ ctx: Context,
                               pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let config = env.config
        if let pending = pendingCardAuthorisation, !command.allowedWhileCardAuthorisationPending {
            throw .cardAuthorisationPending(reference: pending.reference, amount: pending.amount)
        }
        switch command {
        case .addOperator(let op): return try addOperator(op, caller)
        case .setUpOperators(let ops): return try setUpOperators(ops, caller)
        case .removeOperator(let id): return try removeOperator(id, caller)
        case .setOperatorDisabled(let id, let disable): return try setOperatorDisabled(id, disable, caller)
        case .resetPIN(let id): return try resetPIN(id, caller)
        case .enrolBadge(let id): return try enrolBadge(id, caller)
        case .openTechnicianSession(let pin): return try openTechnicianSession(pin: pin, env, ctx, pinEvents: &pinEvents)
        case .recoverTechnician(let id, let name): return try recoverTechnician(id, name: name, caller, ctx)
        case .changeSetting(let key, let old, let new): return try changeSetting(key: key, old: old, new: new, caller)
        case .importCatalog(let items, let sha256): return try importCatalog(items: items, sha256: sha256, caller)
        case .testDrawer: return try testDrawer(caller)
        case .printTestPage(let lines): return try printTestPage(lines, caller)
        case .reprint(let output): return [.outputQueued(id: lastOutputID + 1, output)]

        case .login(let pin):
            if let until = pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
            guard let id = env.pins.owner(of: pin), operators[id] != nil else {
                pinEvents = rejectedPIN(env, ctx)
                throw .wrongPIN
            }
            guard !disabledOperators.contains(id) else { throw .operatorDisabled(id) }
            var events: [RegisterEvent] = []
            if let current = currentOperator, current != id { events.append(.loggedOut(current)) }
            events.append(.loggedIn(id, at: ctx.now))
            return events

        case .loginWithBadge(let card):
            if let until = pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
            guard let id = env.pins.badgeOwner(of: card), operators[id] != nil else { throw .unknownBadge }
            guard !disabledOperators.contains(id) else { throw .operatorDisabled(id) }
            var events: [RegisterEvent] = []
            if let current = currentOperator, current != id { events.append(.loggedOut(current)) }
            events.append(.loggedIn(id, at: ctx.now))
            return events

        case .logout:
            guard let id = currentOperator else { throw .notLoggedIn }
            return [.loggedOut(id)]

        case .setTraining(let on, let override):
            guard openSale == nil else { throw .saleInProgress }
            let by = try authorise(.trainingMode, override: override, env, ctx, &pinEvents)
            return [.trainingModeChanged(on, by: by)]

        case .openShift(let float):
            let me = try require(.shift)
            guard shift == nil else { throw .shiftAlreadyOpen }
            guard float >= 0 else { throw .invalidAmount("the float cannot be negative") }
            return [.shiftOpened(number: shiftsOpened + 1, by: me, float: float, at: ctx.now)]

        case .moveCash(let kind, let amount, let reason):
            let me = try require(.cashInOut)
            guard shift != nil else { throw .shiftNotOpen }
            guard openSale == nil else { throw .saleInProgress }
            guard amount > 0 else { throw .invalidAmount("cash in or out must be more than zero") }
            guard !reason.trimmingSpaces().isEmpty else { throw .reasonRequired }
            return [.cashMoved(kind, amount: amount, reason: CardNumberMasker.maskAll(in: reason), by: me)]

        case .noSale(let override):
            let me = try require(.sell)
            guard shift != nil else { throw .shiftNotOpen }
            guard openSale == nil else { throw .saleInProgress }
            let by = try authorise(.noSale, override: override, env, ctx, &pinEvents)
            return [.noSale(by: me, authorisedBy: by)]

        case .closeShift(let counted):
            let me = try require(.shift)
            guard let s = shift else { throw .shiftNotOpen }
            guard openSale == nil else { throw .saleInProgress }
            guard counted >= 0 else { throw .invalidAmount("the counted cash cannot be negative") }
            return [.shiftClosed(number: s.number, counted: counted, expected: s.expectedCash, by: me, at: ctx.now)]

        case .openSale:
            let me = try require(.sell)
            guard shift != nil || training else { throw .shiftNotOpen }
            guard openSale == nil else { throw .saleInProgress }
            return [.saleOpened(id: lastSaleID + 1, by: me, training: training, at: ctx.now)]

        case .scan(let code, let quantity):
            if VoucherCode.looksLikeVoucher(code) {
                // The front-end and the scanners redeem a voucher by scanning it, like an item.
                guard quantity == nil || quantity == 1 else { throw .voucher(.quantityGiven) }
                return try redeemVoucher(code, amount: nil, config, ctx)
            }
            let resolution: ScanResolution
            do { resolution = try env.catalog.resolve(code) } catch {
                // Not an item: a loyalty card's barcode puts its customer on the sale.
                if let customer = customerCards[code.trimmingSpaces()], quantity == nil {
                    return try attachCustomer(customer, env, ctx)
                }
                throw .lookup(error)
            }
            switch resolution {
            case .item(let item):
                if item.unit == .weight && quantity == nil { throw .weightRequired(item.id) }
                return try addLine(item, quantity: quantity ?? 1, fixedAmount: nil, env, ctx)
            case .weighed(let item, let grams):
                return try addLine(item, quantity: grams, fixedAmount: nil, env, ctx, weighed: true)
            case .priced(let item, let amount):
                return try addLine(item, quantity: 1, fixedAmount: amount, env, ctx)
            }

        case .addItem(let id, let quantity):
            guard let item = env.catalog.item(id) else { throw .unknownItem(id) }
            return try addLine(item, quantity: quantity, fixedAmount: nil, env, ctx)

        case .sellVoucher(let amount):
            let me = try require(.sell)
            guard amount > 0 else { throw .invalidAmount("a voucher must be worth more than zero") }
            return try appending(.giftVoucher(amount), by: me, config, ctx)

        case .voidLine(let index):
            let me = try require(.sell)
            let sale = try editableSale()
            try checkLine(index, sale)
            return [.lineVoided(index: index, by: me)]

        case .discountLine(let index, let discount, let override):
            try require(.sell)
            let sale = try editableSale()
            try checkLine(index, sale)
            guard !sale.lines[index].isGiftVoucher else { throw .voucher(.fixedValue(line: index)) }
            var by: OperatorID?
            if let d = discount {
                let base: Int64
                do { base = try sale.lines[index].baseAmount() } catch { throw .money(error) }
                try validate(d, base: base)
                if d.basisPoints(of: base) > config.cashierDiscountLimitBP {
                    by = try authorise(.discountOverLimit, override: override, env, ctx, &pinEvents)
                }
            }
            return [.lineDiscounted(index: index, discount, authorisedBy: by)]

        case .overridePrice(let index, let price, let override):
            try require(.sell)
            let sale = try editableSale()
            try checkLine(index, sale)
            guard !sale.lines[index].isGiftVoucher else { throw .voucher(.fixedValue(line: index)) }
            guard price >= 0 else { throw .invalidAmount("a price cannot be negative") }
            guard sale.lines[index].fixedAmount == nil else { throw .invalidAmount("the barcode fixes this line's price") }
            let by = try authorise(.priceOverride, override: override, env, ctx, &pinEvents)
            var probe = sale
            probe.lines[index].unitPrice = price
            try checkTotals(probe, config)
            return [.linePriceOverridden(index: index, unitPrice: price, authorisedBy: by)]

        case .discountReceipt(let discount, let override):
            try require(.sell)
            let sale = try editableSale()
            var by: OperatorID?
            if let d = discount {
                let subtotal: Int64
                do {
                    // Gift vouchers are sold at face value: a receipt discount is on the goods alone.
                    let totals = try SaleTotals.compute(lines: sale.lines, receiptDiscount: nil, priceMode: config.priceMode,
                                                        offers: sale.offers)
                    subtotal = totals.total - totals.vouchers
                } catch { throw .money(error) }
                try validate(d, base: subtotal)
                if d.basisPoints(of: subtotal) > config.cashierDiscountLimitBP {
                    by = try authorise(.discountOverLimit, override: override, env, ctx, &pinEvents)
                }
            }
            return [.receiptDiscounted(discount, authorisedBy: by)]

        case .total:
            try require(.sell)
            guard let sale = openSale else { throw .noOpenSale }
            guard sale.hasLiveLines else { throw .saleIsEmpty }
            return sale.totalled ? [] : [.totalled]

        case .tender(let tender) where tender.kind == .voucher:
            return try redeemVoucher(tender.reference ?? "", amount: tender.amount, config, ctx)

        case .tenderVoucher(let code, let amount):
            return try redeemVoucher(code, amount: amount, config, ctx)

        case .tender(var tender):
            try require(.sell)
            guard let sale = openSale else { throw .noOpenSale }
            try checkTender(tender, sale, config)
            // A reference is typed by hand: a full card number typed there never reaches the
            // journal or the receipt.
            tender.reference = tender.reference.map { CardNumberMasker.maskAll(in: $0) }
            return try paying(sale, with: tender, config, ctx)

        case .requestCardAuthorisation(let amount, let key):
            try require(.sell)
            guard let sale = openSale else { throw .noOpenSale }
            // A training sale must never reach a real terminal.
            guard !sale.training else { throw .trainingModeMismatch }
            try checkTender(Tender(kind: .card, amount: amount), sale, config)
            // Unique per register; the time part keeps it unique if the journal is ever started
            // afresh while the terminal still remembers the old references.
            let reference = "\(config.registerID)-\(cardAuthorisations + 1)-\(String(UInt64(max(0, ctx.now.milliseconds / 1000)), radix: 36))"
            return [.cardAuthorisationRequested(CardAuthorisation(reference: reference, amount: amount, saleID: sale.id,
                                                                  requestKey: key))]

        case .resolveCardAuthorisation(let reference, let outcome):
            // No operator needed: the terminal's answer (or its memory after a restart) is recorded
            // whoever is logged in.
            guard let pending = pendingCardAuthorisation, pending.reference == reference else {
                throw .noSuchCardAuthorisation(reference)
            }
            var events: [RegisterEvent] = [.cardAuthorisationResolved(reference: reference, outcome)]
            if outcome.charged {
                guard let sale = openSale, sale.id == pending.saleID else { throw .noOpenSale }
                events += try paying(sale, with: Tender(kind: .card, amount: pending.amount, reference: reference), config, ctx)
            }
            return events

        case .complete:
            try require(.sell)
            guard let sale = openSale else { throw .noOpenSale }
            guard sale.hasLiveLines else { throw .saleIsEmpty }
            try checkRedemption(sale, config)
            let s = try settlement(sale, config, finishing: true)
            guard s.settled else { throw .notSettled(remaining: s.remainingExact) }
            return try completion(sale, s, config, ctx)

        case .cancel(let override):
            let me = try require(.sell)
            guard let sale = openSale else { throw .noOpenSale }
            guard sale.tenders.allSatisfy({ $0.kind == .cash }) else { throw .tendersPresent }
            var by: OperatorID?
            if sale.totalled { by = try authorise(.cancelAfterTotal, override: override, env, ctx, &pinEvents) }
            return [.saleCancelled(by: me, authorisedBy: by)]

        case .park:
            try require(.sell)
            guard let sale = openSale else { throw .noOpenSale }
            guard sale.tenders.isEmpty else { throw .tendersPresent }
            guard sale.hasLiveLines else { throw .saleIsEmpty }
            guard parked.count < config.maxParkedSales else { throw .parkLimit(config.maxParkedSales) }
            return [.saleParked(parkID: sale.id)]

        case .resume(let parkID):
            try require(.sell)
            guard openSale == nil else { throw .saleInProgress }
            guard let sale = parked[parkID] else { throw .noSuchParkedSale(parkID) }
            guard sale.training == training else { throw .trainingModeMismatch }
            return [.saleResumed(parkID: parkID)]

        case .refund(let original, let lines, let tender, let override):
            let me = try require(.sell)
            guard openSale == nil else { throw .saleInProgress }
            guard shift != nil || training else { throw .shiftNotOpen }
            let by = try authorise(.refund, override: override, env, ctx, &pinEvents)
            var done = try refund(original, lines, tender, me, by, config, ctx)
            done.loyalty = loyalty(of: done, original)
            return [.refundCompleted(done)] + (try vouchersBack(done, by: me)) + storeCredit(done, config)
                + labelsBack(done, original, by: me)

        case .closeDay:
            let me = try require(.zReport)
            guard openSale == nil else { throw .saleInProgress }
            guard !training else { throw .trainingModeMismatch }
            let z = ZReport(number: lastZ + 1, registerID: config.registerID, closedAt: ctx.now, closedBy: me,
                            counters: day, grandTotalSales: grandTotalSales, grandTotalRefunds: grandTotalRefunds)
            return [.dayClosed(z)]

        case .clock(let action, let pin):
            if let until = pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
            guard let id = env.pins.owner(of: pin), operators[id] != nil else {
                pinEvents = rejectedPIN(env, ctx)
                throw .wrongPIN
            }
            return try punch(action, by: id, ctx)

        case .clockWithBadge(let action, let card):
            guard let id = env.pins.badgeOwner(of: card), operators[id] != nil else { throw .unknownBadge }
            return try punch(action, by: id, ctx)

        case .correctTime(let id, let remove, let add, let reason, let override):
            let by = try authorise(.correctTime, override: override, env, ctx, &pinEvents)
            guard operators[id] != nil else { throw .unknownOperator(id) }
            guard !reason.trimmingSpaces().isEmpty else { throw .reasonRequired }
            guard remove != nil || add != nil else { throw .timeClock(.invalidCorrection("name a punch to remove or to add")) }
            var card = timeCards[id] ?? []
            if let remove {
                guard let i = card.firstIndex(of: remove) else {
                    throw .timeClock(.invalidCorrection("\(id) has no such punch to remove"))
                }
                card.remove(at: i)
            }
            if let add {
                guard add.at <= ctx.now else { throw .timeClock(.invalidCorrection("a punch cannot be in the future")) }
                card.insertInOrder(add)
            }
            if let problem = TimeClock.problem(in: card, of: id) { throw .timeClock(problem) }
            return [.timeCorrected(TimeCorrection(operatorID: id, removed: remove, added: add,
                                                  reason: CardNumberMasker.maskAll(in: reason), by: by, at: ctx.now))]

        case .receiveStock(let item, let quantity, let cost, let reason):
            let me = try require(.receiveStock)
            try stockItem(item, env)
            guard quantity > 0 else { throw .invalidQuantity(quantity) }
            if let cost, cost < 0 { throw .invalidAmount("a cost cannot be negative") }
            return [.stockReceived(item, quantity: quantity, unitCost: cost,
                                   reason: CardNumberMasker.maskAll(in: reason ?? ""), by: me)]

        case .countStock(let item, let counted, let override):
            let by = try authorise(.adjustStock, override: override, env, ctx, &pinEvents)
            try stockItem(item, env)
            guard counted >= 0 else { throw .invalidQuantity(counted) }
            return [.stockCounted(item, counted: counted, difference: counted &- (stock[item] ?? 0), by: by)]

        case .adjustStock(let item, let delta, let reason, let override):
            let by = try authorise(.adjustStock, override: override, env, ctx, &pinEvents)
            try stockItem(item, env)
            guard delta != 0 else { throw .invalidQuantity(delta) }
            guard !reason.trimmingSpaces().isEmpty else { throw .reasonRequired }
            return [.stockAdjusted(item, delta: delta, reason: CardNumberMasker.maskAll(in: reason), by: by)]

        case .setReorder(let item, let rule, let override):
            let by = try authorise(.stockSettings, override: override, env, ctx, &pinEvents)
            try stockItem(item, env)
            if let rule {
                guard rule.point >= 0 else { throw .invalidAmount("a reorder point cannot be negative") }
                guard rule.quantity > 0 else { throw .invalidAmount("a reorder quantity must be more than zero") }
            }
            return [.reorderSet(item, rule, by: by)]

        case .setPromotion(var promotion, let override):
            let by = try authorise(.promotions, override: override, env, ctx, &pinEvents)
            promotion.name = promotion.name.trimmingSpaces()
            if let problem = promotion.problem { throw .invalidPromotion(problem) }
            if case .items(let ids) = promotion.target {
                for id in ids { try stockItem(id, env) }
            }
            guard promotions[promotion.id] != promotion else { return [] }
            return [.promotionSet(promotion, by: by)]

        case .removePromotion(let id, let override):
            let by = try authorise(.promotions, override: override, env, ctx, &pinEvents)
            guard promotions[id] != nil else { throw .unknownPromotion(id) }
            return [.promotionRemoved(id: id, by: by)]

        case .addCustomer(let changes):
            return try addCustomer(changes, env, ctx)
        case .updateCustomer(let id, let changes):
            return try updateCustomer(id, changes, env, ctx)
        case .removeCustomer(let id, let override):
            let by = try authorise(.forgetCustomer, override: override, env, ctx, &pinEvents)
            return try removeCustomer(id, by: by, ctx)
        case .setSaleCustomer(let id):
            return try attachCustomer(id, env, ctx)
        case .redeemPoints(let points):
            return try redeemPoints(points, config)
        }
    }

    // MARK: Time clock and stock

    private func punch(_ action: ClockAction, by id: OperatorID, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        guard !disabledOperators.contains(id) else { throw .operatorDisabled(id) }
        let card = timeCards[id] ?? []
        if let problem = TimeClock.check(action, after: TimeClock.status(card), id) { throw .timeClock(problem) }
        // The card must stay in time order; a clock set back must not write hours backwards.
        if let last = card.last, ctx.now <= last.at { throw .timeClock(.punchNotAfterLast(id)) }
        return [.timePunched(id, TimePunch(action, at: ctx.now))]
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

    private func stockItem(_ id: ItemID, _ env: RegisterEnvironment) throws(Refusal) {
        guard env.catalog.item(id) != nil else { throw .unknownItem(id) }
    }

    // MARK: Vouchers

    /// A voucher tendered by its code: checked against the register's vouchers, then paid like
    /// any tender. Its balance goes down as the tender is applied.
    private func redeemVoucher(_ typed: String, amount: Int64?, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard let sale = openSale else { throw .voucher(.noSaleToPay) }
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
    private func vouchersBack(_ refund: CompletedRefund, by: OperatorID) throws(Refusal) -> [RegisterEvent] {
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
    private func storeCredit(_ refund: CompletedRefund, _ config: RegisterConfig) -> [RegisterEvent] {
        guard refund.tender == .voucher, refund.paidOut > 0 else { return [] }
        let number = lastVoucherNumber + 1
        return [.voucherIssued(VoucherIssue(number: number, code: VoucherCode.make(registerID: config.registerID, number: number),
                                            amount: refund.paidOut, training: refund.training,
                                            source: .refund(refund.refundNumber), by: refund.operatorID, at: refund.time))]
    }

    // MARK: Rights

    /// The logged-in operator, if the role has the right.
    @discardableResult
    func require(_ permission: Permission) throws(Refusal) -> OperatorID {
        guard let me = currentOperator, let op = operators[me] else { throw .notLoggedIn }
        if permission == .sell || op.role.allows(permission) { return me }
        throw .permissionDenied(permission)
    }

    /// Who authorises an operation: the operator if the role allows it, else the owner of the
    /// override PIN if theirs does. A wrong override PIN counts towards the lockout.
    func authorise(_ permission: Permission, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                           _ pinEvents: inout [RegisterEvent]) throws(Refusal) -> OperatorID {
        guard let me = currentOperator, let op = operators[me] else { throw .notLoggedIn }
        if op.role.allows(permission) { return me }
        guard let pin = override else { throw .supervisorRequired(permission) }
        if let until = pinLockedUntil, ctx.now < until { throw .pinLocked(until: until) }
        guard let id = env.pins.owner(of: pin), let other = operators[id] else {
            pinEvents = rejectedPIN(env, ctx)
            throw .wrongPIN
        }
        guard other.role.allows(permission) else { throw .overrideRejected(permission) }
        return id
    }

    func rejectedPIN(_ env: RegisterEnvironment, _ ctx: Context) -> [RegisterEvent] {
        var events: [RegisterEvent] = [.pinRejected(at: ctx.now)]
        if pinFailures + 1 >= env.config.maxPinFailures {
            events.append(.pinLockout(until: Timestamp(milliseconds: ctx.now.milliseconds + env.config.pinLockoutMilliseconds)))
        }
        return events
    }

    // MARK: The sale

    func editableSale() throws(Refusal) -> OpenSale {
        guard let sale = openSale else { throw .noOpenSale }
        guard sale.tenders.isEmpty else { throw .tendersPresent }
        return sale
    }

    private func checkTender(_ tender: Tender, _ sale: OpenSale, _ config: RegisterConfig) throws(Refusal) {
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        guard tender.amount > 0 else { throw .invalidAmount("a tender must be more than zero") }
        try checkRedemption(sale, config)
        let before = try settlement(sale, config)
        guard !before.settled else { throw .alreadySettled }
        if tender.kind != .cash && tender.amount > before.remainingExact {
            throw .cardOverpayment(remaining: before.remainingExact)
        }
    }

    /// The tender added to the sale, and the sale completed when that settles it.
    private func paying(_ sale: OpenSale, with tender: Tender, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        var paid = sale
        paid.tenders.append(tender)
        let after = try settlement(paid, config)
        var events: [RegisterEvent] = [.tenderAdded(tender)]
        if after.settled { events += try completion(paid, after, config, ctx) }
        return events
    }

    private func checkLine(_ index: Int, _ sale: OpenSale) throws(Refusal) {
        guard sale.lines.indices.contains(index) else { throw .noSuchLine(index) }
        guard !sale.lines[index].voided else { throw .lineAlreadyVoided(index) }
    }

    private func validate(_ d: Discount, base: Int64) throws(Refusal) {
        switch d {
        case .percent(let bp):
            guard bp > 0 && bp <= 10_000 else { throw .invalidDiscount("a percentage must be above 0 and at most 100") }
        case .amount(let a):
            guard a > 0 else { throw .invalidDiscount("a discount must be more than zero") }
            guard a <= base else { throw .invalidDiscount("the discount is more than the amount") }
        }
    }

    private func checkTotals(_ sale: OpenSale, _ config: RegisterConfig) throws(Refusal) {
        do { _ = try totals(of: sale, config.priceMode) } catch { throw .money(error) }
    }

    private func addLine(_ item: Item, quantity: Int64, fixedAmount: Int64?, _ env: RegisterEnvironment, _ ctx: Context,
                         weighed: Bool = false) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        let limit: ClosedRange<Int64> = item.unit == .weight ? 1...1_000_000 : 1...9_999
        guard limit.contains(quantity) else { throw .invalidQuantity(quantity) }
        guard let bp = env.config.taxes.basisPoints(item.taxClass, on: ctx.today) else {
            throw .noTaxRate(item.taxClass, ctx.today)
        }
        let line = SaleLine(itemID: item.id, name: item.name, department: item.department, unit: item.unit,
                            quantity: quantity, unitPrice: item.price, catalogPrice: item.price,
                            taxClass: item.taxClass, taxBasisPoints: bp, fixedAmount: fixedAmount)
        return try appending(line, by: me, env.config, ctx)
    }

    /// The line added to the open sale, or to a new one.
    private func appending(_ line: SaleLine, by me: OperatorID, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        var events: [RegisterEvent] = []
        var sale: OpenSale
        if let open = openSale {
            guard open.tenders.isEmpty else { throw .tendersPresent }
            sale = open
        } else {
            guard shift != nil || training else { throw .shiftNotOpen }
            sale = OpenSale(id: lastSaleID + 1, operatorID: me, training: training, openedAt: ctx.now)
            events.append(.saleOpened(id: sale.id, by: me, training: training, at: ctx.now))
        }
        sale.lines.append(line)
        events.append(.lineAdded(line))
        let offers = line.isGiftVoucher ? [] : promotions(for: line, on: ctx.today, minute: ctx.minuteOfDay)
        if !offers.isEmpty {
            sale.offers[sale.lines.count - 1] = offers
            events.append(.lineOffers(index: sale.lines.count - 1, offers))
        }
        try checkTotals(sale, config)
        return events
    }

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

    /// The sale completed, and the gift vouchers it sold issued with it, in the same group.
    private func completion(_ sale: OpenSale, _ s: Settlement, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let done = try completed(sale, s, config, ctx)
        var events: [RegisterEvent] = [.saleCompleted(done)]
        var number = lastVoucherNumber
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
        let number = sale.training ? lastTrainingReceipt + 1 : lastReceipt + 1
        return CompletedSale(receiptNumber: number, training: sale.training, registerID: config.registerID,
                             operatorID: sale.operatorID, time: ctx.now, lines: sale.lines, priced: s.totals.lines,
                             receiptDiscount: sale.receiptDiscount, receiptDiscountBy: sale.receiptDiscountBy,
                             breakdown: s.totals.breakdown, total: s.totals.total, tenders: sale.tenders,
                             change: s.change, rounding: s.rounding, discountTotal: s.totals.discountTotal,
                             promotions: s.totals.promotions,
                             loyalty: loyalty(of: sale, s.totals, config))
    }

    // MARK: Refunds

    /// Refunds lines of an original receipt at the money that was paid for them then. Never more
    /// than was sold minus earlier refunds; refunding what is left of a line gives back exactly
    /// what is left of its money, so partial refunds add up to the original to the cent.
    private func refund(_ original: CompletedSale, _ request: [RefundRequestLine], _ tender: TenderKind,
                        _ me: OperatorID, _ by: OperatorID, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> CompletedRefund {
        let last = original.training ? lastTrainingReceipt : lastReceipt
        guard original.receiptNumber >= 1 && original.receiptNumber <= last,
              original.registerID == config.registerID else { throw .unknownReceipt(original.receiptNumber) }
        guard original.training == training else { throw .trainingModeMismatch }
        guard !request.isEmpty else { throw .emptyRefund }
        let key = ReceiptKey(number: original.receiptNumber, training: original.training)
        let before = refunded[key] ?? [:]
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
        return CompletedRefund(refundNumber: lastRefund + 1, originalReceipt: original.receiptNumber,
                               training: original.training, operatorID: me, authorisedBy: by, time: ctx.now,
                               lines: lines, breakdown: breakdown, total: total, tender: tender, paidOut: paidOut,
                               rounding: paidOut - total)
    }
}

extension Command {
    /// While a card authorisation is pending only these go through: who is logged in does not
    /// touch the sale or the money, and the resolution is what ends the wait.
    var allowedWhileCardAuthorisationPending: Bool {
        switch self {
        case .login, .logout, .addOperator, .removeOperator, .resolveCardAuthorisation, .clock, .clockWithBadge,
             .setUpOperators, .setOperatorDisabled, .resetPIN, .enrolBadge, .openTechnicianSession, .recoverTechnician:
            return true
        default: return false
        }
    }
}

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
    /// A scanned or typed barcode or PLU: `quantity` pieces of an item sold by the piece, `grams`
    /// of a weighed item without a weight label; a label carries its own weight or price.
    case scan(code: String, quantity: Int64?, grams: Int64? = nil)
    case addItem(ItemID, quantity: Int64)
    /// A gift voucher of this value, sold on a line of its own; it gets its code when the sale completes.
    case sellVoucher(amount: Int64)
    case voidLine(Int)
    /// A line's quantity changed after it was rung up: pieces, or grams of a weighed item.
    case setQuantity(line: Int, quantity: Int64)
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

    /// Lines of an earlier receipt given back; `tender` nil: the way the sale was paid.
    case refund(original: CompletedSale, lines: [RefundRequestLine], tender: TenderKind?, override: String?)
    /// A refund to the card through the terminal: decided now, done when the terminal credited it.
    case requestCardRefund(original: CompletedSale, lines: [RefundRequestLine], override: String?, requestKey: String?)
    /// Records what became of the pending card refund of `original`.
    case resolveCardRefund(reference: String, CardAuthorisationOutcome, original: CompletedSale)
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
    /// A recovery code is to be printed: allowed only while no technician can log in.
    case printRecoveryCode
    /// With the printed recovery code: `id` becomes an enabled technician with a new PIN.
    case recoverTechnician(OperatorID, name: String?)
    /// A damaged journal is to be recovered onto a new chain: a supervisor's or technician's PIN.
    case confirmJournalRecovery(pin: String)
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
    /// A wrong PIN, or one whose owner is disabled or may not do this: one answer for all three.
    case wrongPIN
    case unknownBadge
    /// Wrong PINs in a row from where this one was typed: it is not looked at for this long.
    case pinDelayed(milliseconds: Int64)
    case permissionDenied(Permission)
    case supervisorRequired(Permission)
    case unknownOperator(OperatorID)
    case operatorExists(OperatorID)
    case cannotRemoveSelf
    case operatorDisabled(OperatorID)
    case cannotDisableSelf
    case invalidOperatorID
    case firstOperatorMustBeTechnician
    case notATechnician(OperatorID, Role)
    /// A technician can log in: a recovery code is for when none can.
    case recoveryNotNeeded

    case shiftNotOpen
    case shiftAlreadyOpen
    case invalidAmount(String)
    /// An amount above the register's limit for its kind (`RegisterConfig.limits`).
    case overLimit(AmountLimit, limit: Int64)
    case reasonRequired

    case noOpenSale
    case saleInProgress
    case lookup(LookupError)
    case unknownItem(ItemID)
    /// A weighed item scanned without its weight, or with a number of pieces instead.
    case weightRequired(ItemID)
    /// A quantity or weight given with a code that makes it meaningless: a weight or price label
    /// (it carries its own), a weight for an item sold by the piece.
    case quantityNotAllowed(String)
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
    /// The card terminal has not yet said whether it credited this refund to the card.
    case cardRefundPending(reference: String, amount: Int64)

    case unknownReceipt(UInt64)
    case refundExceedsSale(line: Int, refundable: Int64)
    case emptyRefund

    case timeClock(TimeClockProblem)
    case voucher(VoucherProblem)

    case invalidPromotion(String)
    case unknownPromotion(String)
    case customer(CustomerProblem)
}

/// Where a decision is taken: the time and the register's local date (for tax rates), and where
/// the request came from (wrong PINs count per source), passed in.
public struct Context: Hashable, Sendable {
    public var now: Timestamp
    public var today: CivilDate
    /// Minutes after local midnight (promotions with hours), 0 to 1439.
    public var minuteOfDay: Int
    public var source: PinSource
    public init(now: Timestamp, today: CivilDate, minuteOfDay: Int = 0, source: PinSource = "register") {
        self.now = now
        self.today = today
        self.minuteOfDay = minuteOfDay
        self.source = source
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
/// A refused PIN is still recorded (it counts towards its source's delay), hence both at once.
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
            let events = try acting(as: caller).decideOrThrow(command, caller, env, ctx, pinEvents: &pinEvents)
            try checkFolds(events)
            return .accept(events)
        } catch {
            return .refuse(error, recording: pinEvents)
        }
    }

    /// What is decided can always be replayed: every amount within what the journal takes, and
    /// the day's counters and grand totals (checked on a copy, they are small) without overflow.
    private func checkFolds(_ events: [RegisterEvent]) throws(Refusal) {
        var shiftAndDay = shiftAndDayState
        do {
            for e in events {
                try FoldCheck.check(e)
                // The open sale only decides what the day counts one by one, which cannot overflow.
                try shiftAndDay.apply(e, openSale: saleState.openSale)
            }
        } catch {
            throw .money(.overflow)
        }
    }

    /// Each command goes to its rule, in the folder of the feature it belongs to. `pinEvents`: what
    /// a wrong PIN records even though the command is refused.
    private func decideOrThrow(_ command: Command, _ caller: Caller, _ env: RegisterEnvironment, _ ctx: Context,
                               pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let config = env.config
        if let pending = saleState.pendingCardAuthorisation, !command.allowedWhileCardAuthorisationPending {
            throw .cardAuthorisationPending(reference: pending.reference, amount: pending.amount)
        }
        if let pending = refundState.pendingCardRefund, !command.allowedWhileCardAuthorisationPending {
            throw .cardRefundPending(reference: pending.reference, amount: pending.amount)
        }
        switch command {
        // Staff/
        case .login(let pin): return try login(pin: pin, env, ctx, pinEvents: &pinEvents)
        case .loginWithBadge(let card): return try login(badge: card, env, ctx)
        case .logout: return try logout()
        case .setTraining(let on, let override): return try setTraining(on, override: override, env, ctx, pinEvents: &pinEvents)
        case .addOperator(let op): return try addOperator(op, caller)
        case .setUpOperators(let ops): return try setUpOperators(ops, caller)
        case .removeOperator(let id): return try removeOperator(id, caller)
        case .setOperatorDisabled(let id, let disable): return try setOperatorDisabled(id, disable, caller)
        case .resetPIN(let id): return try resetPIN(id, caller)
        case .enrolBadge(let id): return try enrolBadge(id, caller)
        case .openTechnicianSession(let pin): return try openTechnicianSession(pin: pin, env, ctx, pinEvents: &pinEvents)
        case .printRecoveryCode: return [.recoveryCodePrinted(try recoveryGround(env), at: ctx.now)]
        case .recoverTechnician(let id, let name): return try recoverTechnician(id, name: name, caller, env, ctx)
        case .confirmJournalRecovery(let pin): return try confirmJournalRecovery(pin: pin, env, ctx, pinEvents: &pinEvents)
        case .changeSetting(let key, let old, let new): return try changeSetting(key: key, old: old, new: new, caller)
        case .importCatalog(let items, let sha256): return try importCatalog(items: items, sha256: sha256, caller)
        case .testDrawer: return try testDrawer(caller)
        case .printTestPage(let lines): return try printTestPage(lines, caller)

        // ShiftAndReports/
        case .openShift(let float): return try openShift(float: float, config, ctx)
        case .moveCash(let kind, let amount, let reason): return try moveCash(kind, amount: amount, reason: reason, config)
        case .noSale(let override): return try noSale(override: override, env, ctx, pinEvents: &pinEvents)
        case .closeShift(let counted): return try closeShift(counted: counted, ctx)
        case .closeDay: return try closeDay(config, ctx)

        // Sale/
        case .openSale: return try startSale(ctx)
        case .scan(let code, let quantity, let grams): return try scan(code, quantity: quantity, grams: grams, env, ctx)
        case .addItem(let id, let quantity): return try addItem(id, quantity: quantity, env, ctx)
        case .voidLine(let index): return try voidLine(index)
        case .setQuantity(let index, let quantity): return try setQuantity(line: index, quantity, env)
        case .discountLine(let index, let discount, let override):
            return try discountLine(index, discount, override: override, env, ctx, pinEvents: &pinEvents)
        case .overridePrice(let index, let price, let override):
            return try overridePrice(line: index, unitPrice: price, override: override, env, ctx, pinEvents: &pinEvents)
        case .discountReceipt(let discount, let override):
            return try discountReceipt(discount, override: override, env, ctx, pinEvents: &pinEvents)
        case .total: return try totalSale()
        case .tender(let tender): return try pay(tender, config, ctx)
        case .complete: return try complete(config, ctx)
        case .cancel(let override): return try cancel(override: override, env, ctx, pinEvents: &pinEvents)
        case .park: return try park(config)
        case .resume(let parkID): return try resume(parkID: parkID)
        case .requestCardAuthorisation(let amount, let key): return try requestCardAuthorisation(amount: amount, requestKey: key, config, ctx)
        case .resolveCardAuthorisation(let reference, let outcome):
            return try resolveCardAuthorisation(reference: reference, outcome, config, ctx)

        // Refunds/
        case .refund(let original, let lines, let tender, let override):
            return try refund(original, lines, tender, override: override, env, ctx, pinEvents: &pinEvents)
        case .requestCardRefund(let original, let lines, let override, let key):
            return try requestCardRefund(original, lines, override: override, requestKey: key, env, ctx, pinEvents: &pinEvents)
        case .resolveCardRefund(let reference, let outcome, let original):
            return try resolveCardRefund(reference: reference, outcome, original: original, config)

        // Vouchers/
        case .sellVoucher(let amount): return try sellVoucher(amount: amount, config, ctx)
        case .tenderVoucher(let code, let amount): return try redeemVoucher(code, amount: amount, config, ctx)

        // TimeClock/
        case .clock(let action, let pin): return try clock(action, pin: pin, env, ctx, pinEvents: &pinEvents)
        case .clockWithBadge(let action, let card): return try clock(action, badge: card, env, ctx)
        case .correctTime(let id, let remove, let add, let reason, let override):
            return try correctTime(id, remove: remove, add: add, reason: reason, override: override, env, ctx, pinEvents: &pinEvents)

        // Stock/
        case .receiveStock(let item, let quantity, let cost, let reason):
            return try receiveStock(item, quantity: quantity, unitCost: cost, reason: reason, env)
        case .countStock(let item, let counted, let override):
            return try countStock(item, counted: counted, override: override, env, ctx, pinEvents: &pinEvents)
        case .adjustStock(let item, let delta, let reason, let override):
            return try adjustStock(item, delta: delta, reason: reason, override: override, env, ctx, pinEvents: &pinEvents)
        case .setReorder(let item, let rule, let override):
            return try setReorder(item, rule, override: override, env, ctx, pinEvents: &pinEvents)

        // Promotions/
        case .setPromotion(let promotion, let override):
            return try setPromotion(promotion, override: override, env, ctx, pinEvents: &pinEvents)
        case .removePromotion(let id, let override): return try removePromotion(id: id, override: override, env, ctx, pinEvents: &pinEvents)

        // Customers/
        case .addCustomer(let changes): return try addCustomer(changes, env, ctx)
        case .updateCustomer(let id, let changes): return try updateCustomer(id, changes, env, ctx)
        case .removeCustomer(let id, let override):
            return try removeCustomer(id, by: authorise(.forgetCustomer, override: override, env, ctx, &pinEvents), ctx)
        case .setSaleCustomer(let id): return try attachCustomer(id, env, ctx)
        case .redeemPoints(let points): return try redeemPoints(points, config)

        // Outputs/
        case .reprint(let output): return try reprint(output)
        }
    }
}

extension Command {
    /// While a card payment or refund is pending only these go through: who is logged in does not
    /// touch the sale or the money, and the resolution is what ends the wait.
    var allowedWhileCardAuthorisationPending: Bool {
        switch self {
        case .login, .logout, .addOperator, .removeOperator, .resolveCardAuthorisation, .resolveCardRefund, .clock, .clockWithBadge,
             .setUpOperators, .setOperatorDisabled, .resetPIN, .enrolBadge, .openTechnicianSession, .recoverTechnician,
             .printRecoveryCode, .confirmJournalRecovery:
            return true
        default: return false
        }
    }
}

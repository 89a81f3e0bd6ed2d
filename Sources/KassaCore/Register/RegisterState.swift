/// The register's whole state: the fold of its events from the empty register, made of one part a
/// feature, each in its feature's folder and applying its own events.
public struct RegisterState: Hashable, Sendable {
    public var staffState = StaffState()
    public var shiftAndDayState = ShiftAndDayState()
    public var saleState = SaleState()
    public var refundState = RefundState()
    public var settingsState = SettingsState()
    public var outputState = OutputState()
    /// Damaged chains sealed by recoveries, oldest first.
    public var sealedChains: [SealedChain] = []
    public var timeClockState = TimeClockState()
    public var stockState = StockState()
    public var voucherState = VoucherState()
    public var promotionState = PromotionState()
    public var customerState = CustomerState()

    /// How many request results are remembered; older keys are forgotten in order.
    public static let rememberedRequests = SettingsState.rememberedRequests

    public init() {}

    public static func replay<S: Sequence>(_ events: S) throws(FoldError) -> RegisterState where S.Element == RegisterEvent {
        var s = RegisterState()
        for e in events { try s.apply(e) }
        return s
    }

    public var currentRole: Role? { staffState.currentOperator.flatMap { staffState.operators[$0]?.role } }

    /// The promotions in force for a line's item at a local date and minute, in the order of their ids.
    public func promotions(for line: SaleLine, on date: CivilDate, minute: Int) -> [Promotion] {
        promotionState.inForce(for: line, on: date, minute: minute)
    }

    /// Applies one recorded event. Never refuses what `decide` decided: the decision was taken
    /// before the event existed. An event that cannot be applied (out of range, naming a line
    /// that is not there, overflowing a total) throws and changes nothing.
    /// Each event goes to the parts it changes; a part that keeps count of the open sale gets the
    /// sale as it was before the event.
    public mutating func apply(_ event: RegisterEvent) throws(FoldError) {
        if case .chainRestarted(let link) = event {
            self = link.state
            sealedChains.append(SealedChain(name: link.sealed, receiptSeqs: link.receiptSeqs,
                                            trainingReceiptSeqs: link.trainingReceiptSeqs))
            return
        }
        try FoldCheck.check(event)
        let open = saleState.openSale
        // The parts that can refuse an event go first: the day's counters on a copy (they are
        // small), the sale and the refunds check before they change.
        var shiftAndDay = shiftAndDayState
        try shiftAndDay.apply(event, openSale: open)
        try saleState.apply(event)
        try refundState.apply(event)
        shiftAndDayState = shiftAndDay
        switch event {
        case .operatorAdded, .operatorRemoved, .operatorDisabled, .loggedIn, .loggedOut,
             .pinRejected, .pinLockout, .pinRefused, .trainingModeChanged:
            staffState.apply(event)
        case .tenderAdded:
            voucherState.apply(event, openSale: open)
        case .saleCompleted:
            voucherState.apply(event, openSale: open)
            customerState.apply(event, openSale: open)
            stockState.apply(event)
        case .saleCancelled:
            customerState.apply(event, openSale: open)
        case .refundCompleted:
            customerState.apply(event, openSale: open)
            stockState.apply(event)
        case .settingChanged, .requestCompleted:
            settingsState.apply(event)
        case .outputQueued, .outputSent, .outputDone:
            outputState.apply(event)
        case .timePunched, .timeCorrected:
            timeClockState.apply(event)
        case .stockReceived, .stockCounted, .stockAdjusted, .reorderSet:
            stockState.apply(event)
        case .voucherIssued, .voucherVoided:
            voucherState.apply(event, openSale: open)
        case .promotionSet, .promotionRemoved:
            promotionState.apply(event)
        case .customerAdded, .customerUpdated, .customerRemoved, .saleCustomerSet, .pointsRedemptionSet:
            customerState.apply(event, openSale: open)
        case .pinReset, .catalogImported, .technicianRecovered, .recoveryCodePrinted:
            // The PINs and the catalog are kept outside the state; the event is the audit.
            break
        case .shiftOpened, .cashMoved, .noSale, .shiftClosed, .dayClosed, .saleOpened, .lineAdded, .lineDiscounted,
             .receiptDiscounted, .lineOffers, .totalled, .saleParked, .saleResumed, .cardAuthorisationRequested,
             .cardAuthorisationResolved, .lineVoided, .lineQuantityChanged, .linePriceOverridden, .chainRestarted, .saleCardDetails,
             .cardRefundRequested, .cardRefundResolved:
            // The day, the sale and the refunds only: applied above.
            break
        }
    }

    public func xReport(registerID: String) -> XReport {
        let d = shiftAndDayState
        return XReport(registerID: registerID, nextZNumber: d.lastZ + 1, counters: d.day, grandTotalSales: d.grandTotalSales,
                grandTotalRefunds: d.grandTotalRefunds, shift: d.shift)
    }
}

/// The state's public face: the names other modules read the state by (and their tests set it
/// by), each forwarding to the feature's part that keeps it. KassaCore itself uses the parts.
extension RegisterState {
    public var operators: [OperatorID: Operator] {
        get { staffState.operators }
        set { staffState.operators = newValue }
    }
    public var currentOperator: OperatorID? {
        get { staffState.currentOperator }
        set { staffState.currentOperator = newValue }
    }
    public var pinAttempts: PinAttempts {
        get { staffState.pinAttempts }
        set { staffState.pinAttempts = newValue }
    }
    public var training: Bool {
        get { staffState.training }
        set { staffState.training = newValue }
    }
    public var disabledOperators: Set<OperatorID> {
        get { staffState.disabledOperators }
        set { staffState.disabledOperators = newValue }
    }
    public var shift: ShiftState? {
        get { shiftAndDayState.shift }
        set { shiftAndDayState.shift = newValue }
    }
    public var shiftsOpened: UInt64 {
        get { shiftAndDayState.shiftsOpened }
        set { shiftAndDayState.shiftsOpened = newValue }
    }
    public var day: ReportCounters {
        get { shiftAndDayState.day }
        set { shiftAndDayState.day = newValue }
    }
    public var lastZ: UInt64 {
        get { shiftAndDayState.lastZ }
        set { shiftAndDayState.lastZ = newValue }
    }
    public var grandTotalSales: Int64 {
        get { shiftAndDayState.grandTotalSales }
        set { shiftAndDayState.grandTotalSales = newValue }
    }
    public var grandTotalRefunds: Int64 {
        get { shiftAndDayState.grandTotalRefunds }
        set { shiftAndDayState.grandTotalRefunds = newValue }
    }
    public var openSale: OpenSale? {
        get { saleState.openSale }
        set { saleState.openSale = newValue }
    }
    public var parked: [UInt64: OpenSale] {
        get { saleState.parked }
        set { saleState.parked = newValue }
    }
    public var lastReceipt: UInt64 {
        get { saleState.lastReceipt }
        set { saleState.lastReceipt = newValue }
    }
    public var lastTrainingReceipt: UInt64 {
        get { saleState.lastTrainingReceipt }
        set { saleState.lastTrainingReceipt = newValue }
    }
    public var pendingCardAuthorisation: CardAuthorisation? {
        get { saleState.pendingCardAuthorisation }
        set { saleState.pendingCardAuthorisation = newValue }
    }
    public var cardAuthorisations: UInt64 {
        get { saleState.cardAuthorisations }
        set { saleState.cardAuthorisations = newValue }
    }
    public var lastRefund: UInt64 {
        get { refundState.lastRefund }
        set { refundState.lastRefund = newValue }
    }
    public var refunded: [ReceiptKey: [Int: RefundedLine]] {
        get { refundState.refunded }
        set { refundState.refunded = newValue }
    }
    public var settings: [String: String] {
        get { settingsState.settings }
        set { settingsState.settings = newValue }
    }
    public var requestResults: [String: String] {
        get { settingsState.requestResults }
        set { settingsState.requestResults = newValue }
    }
    public var pendingOutputs: [UInt64: PendingOutput] {
        get { outputState.pendingOutputs }
        set { outputState.pendingOutputs = newValue }
    }
    public var lastOutputID: UInt64 {
        get { outputState.lastOutputID }
        set { outputState.lastOutputID = newValue }
    }
    public var timeCards: [OperatorID: [TimePunch]] {
        get { timeClockState.timeCards }
        set { timeClockState.timeCards = newValue }
    }
    public var stock: [ItemID: Int64] {
        get { stockState.stock }
        set { stockState.stock = newValue }
    }
    public var reorderRules: [ItemID: ReorderRule] {
        get { stockState.reorderRules }
        set { stockState.reorderRules = newValue }
    }
    public var unitCosts: [ItemID: Int64] {
        get { stockState.unitCosts }
        set { stockState.unitCosts = newValue }
    }
    public var vouchers: [String: Voucher] {
        get { voucherState.vouchers }
        set { voucherState.vouchers = newValue }
    }
    public var lastVoucherNumber: UInt64 {
        get { voucherState.lastVoucherNumber }
        set { voucherState.lastVoucherNumber = newValue }
    }
    public var promotions: [String: Promotion] {
        get { promotionState.promotions }
        set { promotionState.promotions = newValue }
    }
    public var customers: [CustomerID: Customer] {
        get { customerState.customers }
        set { customerState.customers = newValue }
    }
    public var lastCustomerID: UInt64 {
        get { customerState.lastCustomerID }
        set { customerState.lastCustomerID = newValue }
    }
    public var saleCustomers: [UInt64: SaleCustomer] {
        get { customerState.saleCustomers }
        set { customerState.saleCustomers = newValue }
    }
    public internal(set) var customerCards: [String: CustomerID] {
        get { customerState.customerCards }
        set { customerState.customerCards = newValue }
    }
}

/// What kind of event a journal record holds: the record's type field, and the first byte of its
/// payload. Part of the journal format: a number is never renumbered or reused, only added, and
/// each fits a byte.
///
/// Every switch over it is exhaustive, with no `default:`, so that a new event does not compile
/// until the codec, the durability rule and the reports have each said what it is to them.
public enum EventTag: UInt16, CaseIterable, Sendable {
    case operatorAdded = 1
    case operatorRemoved = 2
    case loggedIn = 3
    case loggedOut = 4
    case pinRejected = 5
    case pinLockout = 6
    case trainingModeChanged = 7
    case pinRefused = 8
    case shiftOpened = 10
    case cashMoved = 11
    case noSale = 12
    case shiftClosed = 13
    case saleOpened = 20
    case lineAdded = 21
    case lineVoided = 22
    case lineDiscounted = 23
    case linePriceOverridden = 24
    case receiptDiscounted = 25
    case totalled = 26
    case tenderAdded = 27
    case saleCompleted = 28
    case saleCancelled = 29
    case saleParked = 30
    case saleResumed = 31
    case lineQuantityChanged = 32
    case refundCompleted = 40
    case dayClosed = 50
    case settingChanged = 60
    case catalogImported = 61
    case requestCompleted = 62
    case operatorDisabled = 63
    case pinReset = 64
    case technicianRecovered = 65
    case recoveryCodePrinted = 66
    /// `request_completed` with the digest of the request the key was used for.
    case requestCompletedForDigest = 68
    case outputQueued = 70
    case outputSent = 71
    case outputDone = 72
    case cardAuthorisationRequested = 80
    case cardAuthorisationResolved = 81
    case cardRefundRequested = 82
    case cardRefundResolved = 83
    case saleCardDetails = 84
    /// The first form of `chain_restarted`, only read: its state sat between other fields and
    /// could not grow.
    case chainRestartedWithStateInside = 90
    case chainRestarted = 91
    case timePunched = 100
    case timeCorrected = 101
    case stockReceived = 110
    case stockCounted = 111
    case stockAdjusted = 112
    case reorderSet = 113
    case promotionSet = 120
    case promotionRemoved = 121
    case lineOffers = 122
    case voucherIssued = 130
    case voucherVoided = 131
    case customerAdded = 140
    case customerUpdated = 141
    case customerRemoved = 142
    case saleCustomerSet = 143
    case pointsRedemptionSet = 144

    /// A short stable name, for dumps, logs and IPC events.
    public var name: String {
        switch self {
        case .operatorAdded: return "operator_added"
        case .operatorRemoved: return "operator_removed"
        case .loggedIn: return "logged_in"
        case .loggedOut: return "logged_out"
        case .pinRejected: return "pin_rejected"
        case .pinLockout: return "pin_lockout"
        case .trainingModeChanged: return "training_mode"
        case .pinRefused: return "pin_refused"
        case .shiftOpened: return "shift_opened"
        case .cashMoved: return "cash_moved"
        case .noSale: return "no_sale"
        case .shiftClosed: return "shift_closed"
        case .saleOpened: return "sale_opened"
        case .lineAdded: return "line_added"
        case .lineVoided: return "line_voided"
        case .lineDiscounted: return "line_discounted"
        case .linePriceOverridden: return "price_overridden"
        case .receiptDiscounted: return "receipt_discounted"
        case .totalled: return "totalled"
        case .tenderAdded: return "tender_added"
        case .saleCompleted: return "sale_completed"
        case .saleCancelled: return "sale_cancelled"
        case .saleParked: return "sale_parked"
        case .saleResumed: return "sale_resumed"
        case .lineQuantityChanged: return "line_quantity_changed"
        case .refundCompleted: return "refund_completed"
        case .dayClosed: return "day_closed"
        case .settingChanged: return "setting_changed"
        case .catalogImported: return "catalog_imported"
        case .requestCompleted, .requestCompletedForDigest: return "request_completed"
        case .operatorDisabled: return "operator_disabled"
        case .pinReset: return "pin_reset"
        case .technicianRecovered: return "technician_recovered"
        case .recoveryCodePrinted: return "recovery_code_printed"
        case .outputQueued: return "output_queued"
        case .outputSent: return "output_sent"
        case .outputDone: return "output_done"
        case .chainRestartedWithStateInside, .chainRestarted: return "chain_restarted"
        case .cardAuthorisationRequested: return "card_authorisation_requested"
        case .cardAuthorisationResolved: return "card_authorisation_resolved"
        case .cardRefundRequested: return "card_refund_requested"
        case .cardRefundResolved: return "card_refund_resolved"
        case .saleCardDetails: return "sale_card_details"
        case .timePunched: return "time_punched"
        case .timeCorrected: return "time_corrected"
        case .stockReceived: return "stock_received"
        case .stockCounted: return "stock_counted"
        case .stockAdjusted: return "stock_adjusted"
        case .reorderSet: return "reorder_set"
        case .voucherIssued: return "voucher_issued"
        case .voucherVoided: return "voucher_voided"
        case .promotionSet: return "promotion_set"
        case .promotionRemoved: return "promotion_removed"
        case .lineOffers: return "line_offers"
        case .customerAdded: return "customer_added"
        case .customerUpdated: return "customer_updated"
        case .customerRemoved: return "customer_removed"
        case .saleCustomerSet: return "sale_customer"
        case .pointsRedemptionSet: return "points_redemption"
        }
    }

    /// Whether the runtime must fdatasync the event before any effect or reply depends on it.
    public var isDurable: Bool {
        switch self {
        case .saleCompleted, .refundCompleted, .dayClosed, .shiftOpened, .shiftClosed, .cashMoved, .noSale,
             .operatorAdded, .operatorRemoved, .operatorDisabled, .pinReset, .technicianRecovered, .pinLockout,
             .pinRefused, .recoveryCodePrinted,
             .trainingModeChanged, .saleCancelled, .settingChanged, .catalogImported, .outputQueued,
             .chainRestartedWithStateInside, .chainRestarted, .cardAuthorisationRequested, .cardAuthorisationResolved,
             .cardRefundRequested, .cardRefundResolved, .saleCardDetails, .timePunched, .timeCorrected, .stockReceived, .stockCounted, .stockAdjusted, .reorderSet,
             .voucherIssued, .voucherVoided, .promotionSet, .promotionRemoved,
             .customerAdded, .customerUpdated, .customerRemoved:
            return true
        case .loggedIn, .loggedOut, .pinRejected, .saleOpened, .lineAdded, .lineVoided, .lineQuantityChanged, .lineDiscounted,
             .linePriceOverridden, .receiptDiscounted, .totalled, .tenderAdded, .saleParked, .saleResumed,
             .requestCompleted, .requestCompletedForDigest, .outputSent, .outputDone, .lineOffers, .saleCustomerSet, .pointsRedemptionSet:
            return false
        }
    }
}

extension RegisterEvent {
    public var tag: EventTag {
        switch self {
        case .operatorAdded: return .operatorAdded
        case .operatorRemoved: return .operatorRemoved
        case .operatorDisabled: return .operatorDisabled
        case .pinReset: return .pinReset
        case .technicianRecovered: return .technicianRecovered
        case .recoveryCodePrinted: return .recoveryCodePrinted
        case .loggedIn: return .loggedIn
        case .loggedOut: return .loggedOut
        case .pinRejected: return .pinRejected
        case .pinLockout: return .pinLockout
        case .pinRefused: return .pinRefused
        case .trainingModeChanged: return .trainingModeChanged
        case .shiftOpened: return .shiftOpened
        case .cashMoved: return .cashMoved
        case .noSale: return .noSale
        case .shiftClosed: return .shiftClosed
        case .saleOpened: return .saleOpened
        case .lineAdded: return .lineAdded
        case .lineVoided: return .lineVoided
        case .lineQuantityChanged: return .lineQuantityChanged
        case .lineDiscounted: return .lineDiscounted
        case .linePriceOverridden: return .linePriceOverridden
        case .receiptDiscounted: return .receiptDiscounted
        case .totalled: return .totalled
        case .tenderAdded: return .tenderAdded
        case .saleCompleted: return .saleCompleted
        case .saleCancelled: return .saleCancelled
        case .saleParked: return .saleParked
        case .saleResumed: return .saleResumed
        case .cardAuthorisationRequested: return .cardAuthorisationRequested
        case .cardAuthorisationResolved: return .cardAuthorisationResolved
        case .cardRefundRequested: return .cardRefundRequested
        case .cardRefundResolved: return .cardRefundResolved
        case .saleCardDetails: return .saleCardDetails
        case .refundCompleted: return .refundCompleted
        case .dayClosed: return .dayClosed
        case .settingChanged: return .settingChanged
        case .catalogImported: return .catalogImported
        case .requestCompleted(_, let digest, _): return digest == nil ? .requestCompleted : .requestCompletedForDigest
        case .outputQueued: return .outputQueued
        case .outputSent: return .outputSent
        case .outputDone: return .outputDone
        case .chainRestarted: return .chainRestarted
        case .timePunched: return .timePunched
        case .timeCorrected: return .timeCorrected
        case .stockReceived: return .stockReceived
        case .stockCounted: return .stockCounted
        case .stockAdjusted: return .stockAdjusted
        case .reorderSet: return .reorderSet
        case .voucherIssued: return .voucherIssued
        case .voucherVoided: return .voucherVoided
        case .promotionSet: return .promotionSet
        case .promotionRemoved: return .promotionRemoved
        case .lineOffers: return .lineOffers
        case .customerAdded: return .customerAdded
        case .customerUpdated: return .customerUpdated
        case .customerRemoved: return .customerRemoved
        case .saleCustomerSet: return .saleCustomerSet
        case .pointsRedemptionSet: return .pointsRedemptionSet
        }
    }

    /// The journal record type of this event.
    public var recordType: UInt16 { tag.rawValue }
    public var name: String { tag.name }
    public var isDurable: Bool { tag.isDurable }
}

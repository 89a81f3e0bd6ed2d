/// A finished sale exactly as it was paid: self-contained, so that a refund or a reprint years
/// later needs this record alone, with the prices, rates and discounts of that day.
public struct CompletedSale: Hashable, Sendable {
    public var receiptNumber: UInt64
    public var training: Bool
    public var registerID: String
    public var operatorID: OperatorID
    public var time: Timestamp
    public var lines: [SaleLine]
    /// Parallel to `lines`; nil for voided lines.
    public var priced: [PricedLine?]
    public var receiptDiscount: Discount?
    public var receiptDiscountBy: OperatorID?
    public var breakdown: [TaxBreakdownLine]
    public var total: Int64
    public var tenders: [Tender]
    public var change: Int64
    /// Cash rounding: what was paid beyond (positive) or below (negative) the exact total.
    public var rounding: Int64
    /// Line and receipt discounts and promotions together.
    public var discountTotal: Int64
    /// The promotions in effect, each as its own receipt line with what it took off which line.
    public var promotions: [AppliedPromotion] = []
    /// The customer on the sale and their points (added later: older sales have none).
    public var loyalty: SaleLoyalty? = nil
}

/// A refund against one earlier receipt, line by line.
public struct CompletedRefund: Hashable, Sendable {
    public struct Line: Hashable, Sendable {
        public var originalLine: Int
        public var itemID: ItemID
        public var name: String
        public var quantity: Int64
        public var unit: SaleUnit
        public var gross: Int64
        public var tax: Int64
        public var taxClass: TaxClassID
        public var taxBasisPoints: Int
    }

    public var refundNumber: UInt64
    public var originalReceipt: UInt64
    public var training: Bool
    public var operatorID: OperatorID
    public var authorisedBy: OperatorID
    public var time: Timestamp
    public var lines: [Line]
    public var breakdown: [TaxBreakdownLine]
    /// Positive: the money going back to the customer before cash rounding.
    public var total: Int64
    public var tender: TenderKind
    public var paidOut: Int64
    public var rounding: Int64
    /// The original sale's customer's points taken back and given back (added later).
    public var loyalty: RefundLoyalty? = nil
}

public enum CashMovement: String, Sendable, Hashable {
    case cashIn = "in"
    case cashOut = "out"
}

/// Everything that happens to the register. Its state is `fold(apply, events)`; nothing else.
///
/// Events record decisions already taken (with their amounts), never commands to re-decide, so
/// replay needs neither the catalog nor the configuration of today.
public enum RegisterEvent: Hashable, Sendable {
    case operatorAdded(Operator)
    case operatorRemoved(OperatorID)
    /// A technician disabled (or enabled again) an operator: a disabled one cannot log in, and
    /// stays in the history of every sale they made.
    case operatorDisabled(OperatorID, Bool, by: OperatorID)
    /// A technician set a new PIN for an operator (the PIN itself lives outside the journal).
    case pinReset(OperatorID, by: OperatorID)
    /// Every technician was locked out or forgotten, and someone with the box in hand regained
    /// access with a one-time code printed on the receipt printer; this operator is the result.
    case technicianRecovered(OperatorID, at: Timestamp)
    /// A recovery code was printed, and why a recovery was allowed: no technician could log in.
    case recoveryCodePrinted(RecoveryGround, at: Timestamp)
    case loggedIn(OperatorID, at: Timestamp)
    case loggedOut(OperatorID)
    /// Only in older journals: a wrong PIN with no source, and a lock of the whole PIN pad.
    case pinRejected(at: Timestamp)
    case pinLockout(until: Timestamp)
    /// A wrong PIN, or one that may not do what it was typed for, from `source`: the `failures`-th
    /// in a row from there. Nobody's PIN is named, and the PIN itself is never recorded.
    case pinRefused(PinSource, failures: Int, at: Timestamp)
    case trainingModeChanged(Bool, by: OperatorID)

    case shiftOpened(number: UInt64, by: OperatorID, float: Int64, at: Timestamp)
    case cashMoved(CashMovement, amount: Int64, reason: String, by: OperatorID)
    case noSale(by: OperatorID, authorisedBy: OperatorID)
    case shiftClosed(number: UInt64, counted: Int64, expected: Int64, by: OperatorID, at: Timestamp)

    case saleOpened(id: UInt64, by: OperatorID, training: Bool, at: Timestamp)
    case lineAdded(SaleLine)
    case lineVoided(index: Int, by: OperatorID)
    /// The cashier changed a line's quantity (pieces, or grams) after ringing it up.
    case lineQuantityChanged(index: Int, quantity: Int64, by: OperatorID)
    case lineDiscounted(index: Int, Discount?, authorisedBy: OperatorID?)
    case linePriceOverridden(index: Int, unitPrice: Int64, authorisedBy: OperatorID)
    case receiptDiscounted(Discount?, authorisedBy: OperatorID?)
    case totalled
    case tenderAdded(Tender)
    case saleCompleted(CompletedSale)
    case saleCancelled(by: OperatorID, authorisedBy: OperatorID?)
    case saleParked(parkID: UInt64)
    case saleResumed(parkID: UInt64)
    /// The register asked the card terminal for this authorisation; recorded before the request
    /// leaves. Until it is resolved every selling command is refused.
    case cardAuthorisationRequested(CardAuthorisation)
    /// What became of the pending authorisation. An approval is followed in the same record group
    /// by its `.tenderAdded` (and `.saleCompleted` when that settles the sale).
    case cardAuthorisationResolved(reference: String, CardAuthorisationOutcome)

    case refundCompleted(CompletedRefund)
    /// The register asked the card terminal to credit a refund's money to the card; recorded
    /// before the request leaves. The refund is not done until it is resolved approved, and until
    /// it is resolved every selling command is refused.
    case cardRefundRequested(CardRefundRequest)
    /// What became of the pending card refund. An approval is followed in the same record group by
    /// its `.refundCompleted` (and what the refund does besides: vouchers voided, stock back).
    case cardRefundResolved(reference: String, CardAuthorisationOutcome)
    /// What the terminal said of the cards that paid a sale (brand, masked number, authorisation
    /// code), recorded right after its `.saleCompleted` for the receipt and every copy of it.
    case saleCardDetails(receipt: UInt64, training: Bool, [CardSlip])
    case dayClosed(ZReport)

    /// A setting changed on the box (console or CLI), overriding the configuration file.
    case settingChanged(key: String, old: String?, new: String, by: OperatorID)
    /// A catalog import: its size and SHA-256, so the audit trail says which file was in force.
    case catalogImported(items: Int, sha256: String, by: OperatorID)
    /// A client's mutating request finished with this result; a retry with the same key gets it
    /// back instead of doing the work again, also after a restart.
    /// A keyed request's result; `digest` names the request (operation and arguments) the key
    /// was used for, nil in records written before digests.
    case requestCompleted(key: String, digest: String?, result: String)

    // Outputs: effects with ids, journaled when owed and when done, so that after a
    // crash or an unplug kassad knows what it still owes the customer.
    /// A printout is owed; recorded in the same group as the event that caused it.
    case outputQueued(id: UInt64, Output)
    /// `bytes` of the printout went to the printer (its buffer, not yet the paper), marked as a
    /// copy or not.
    case outputSent(id: UInt64, bytes: Int, copy: Bool)
    /// The printout is done: the printer said it reached the end (`confirmedByPrinter`), or it
    /// went to a printer that cannot say.
    case outputDone(id: UInt64, confirmedByPrinter: Bool)

    /// The first record of a new chain after a damaged one was sealed: the register as rebuilt
    /// from every record that could still be read, and the link to the sealed chain.
    case chainRestarted(ChainLink)

    // The time clock.
    /// An employee clocked in or out or took a break, by PIN or badge.
    case timePunched(OperatorID, TimePunch)
    /// A supervisor corrected an employee's time card.
    case timeCorrected(TimeCorrection)

    // Stock, in pieces or grams. Sales and refunds move it as they are applied.
    /// Goods came in; `unitCost` (per piece or per kilogram) when the delivery note gave one.
    case stockReceived(ItemID, quantity: Int64, unitCost: Int64?, reason: String, by: OperatorID)
    /// The shelf was counted: the level becomes `counted`; `difference` is what the count found
    /// beyond (or short of) the level the register had.
    case stockCounted(ItemID, counted: Int64, difference: Int64, by: OperatorID)
    /// Stock written off or found, with a reason (breakage, spoilage, theft).
    case stockAdjusted(ItemID, delta: Int64, reason: String, by: OperatorID)
    /// The reorder point and quantity of an item set (or removed, nil).
    case reorderSet(ItemID, ReorderRule?, by: OperatorID)

    // Vouchers. Redemptions are the voucher tenders themselves (`tenderAdded`).
    /// A gift voucher sold (with its `saleCompleted`) or store credit given (with its `refundCompleted`).
    case voucherIssued(VoucherIssue)
    /// A gift voucher taken back unspent by a refund (with its `refundCompleted`): worth nothing since.
    case voucherVoided(code: String, refund: UInt64, by: OperatorID)

    // Promotions.
    /// A promotion was set up or changed (same id).
    case promotionSet(Promotion, by: OperatorID)
    case promotionRemoved(id: String, by: OperatorID)
    /// The line just added was rung up while these promotions were in force: it keeps them for
    /// the rest of the sale, whatever the clock or the promotion does after.
    case lineOffers(index: Int, [Promotion])
    // Customers and loyalty points.
    /// A customer's profile, kept with their consent.
    case customerAdded(CustomerID, CustomerProfile, by: OperatorID, at: Timestamp)
    /// The whole profile as it now is.
    case customerUpdated(CustomerID, CustomerProfile, by: OperatorID, at: Timestamp)
    /// Forgotten on the customer's request: the profile and points leave the state; sales keep
    /// the customer's number only.
    case customerRemoved(CustomerID, by: OperatorID, at: Timestamp)
    /// The customer put on (or, nil, taken off) an open sale; redeemed points go with them.
    case saleCustomerSet(sale: UInt64, CustomerID?)
    /// Points to redeem on an open sale and what they take off it (0 points: none).
    case pointsRedemptionSet(sale: UInt64, points: Int64, value: Int64)
}

/// How a new chain continues a sealed, damaged one.
public struct ChainLink: Hashable, Sendable {
    /// The sealed chain's directory name under `sealed/`.
    public var sealed: String
    /// Its highest readable record and that record's chain hash (hex).
    public var lastSeq: UInt64
    public var lastHash: String
    /// The damage that made the journal read-only.
    public var fault: String
    /// Sequence numbers of the sealed chain that could not be read: their events are not in `state`.
    public var unreadable: [ClosedRange<UInt64>]
    public var by: OperatorID
    public var at: Timestamp
    /// The register as rebuilt from the readable records, where the new chain starts from.
    public var state: RegisterState
    /// Where the sealed chain holds each receipt (record sequence numbers by receipt number), so
    /// old receipts can still be reprinted and refunded.
    public var receiptSeqs: [UInt64]
    public var trainingReceiptSeqs: [UInt64]

    public init(sealed: String, lastSeq: UInt64, lastHash: String, fault: String, unreadable: [ClosedRange<UInt64>],
                by: OperatorID, at: Timestamp, state: RegisterState, receiptSeqs: [UInt64], trainingReceiptSeqs: [UInt64]) {
        self.sealed = sealed
        self.lastSeq = lastSeq
        self.lastHash = lastHash
        self.fault = fault
        self.unreadable = unreadable
        self.by = by
        self.at = at
        self.state = state
        self.receiptSeqs = receiptSeqs
        self.trainingReceiptSeqs = trainingReceiptSeqs
    }
}

/// A sealed chain as the register remembers it: where to find its receipts.
public struct SealedChain: Hashable, Sendable {
    public var name: String
    public var receiptSeqs: [UInt64]
    public var trainingReceiptSeqs: [UInt64]

    public init(name: String, receiptSeqs: [UInt64], trainingReceiptSeqs: [UInt64]) {
        self.name = name
        self.receiptSeqs = receiptSeqs
        self.trainingReceiptSeqs = trainingReceiptSeqs
    }
}

/// Something kassad prints.
public enum Output: Hashable, Sendable {
    /// A sale's receipt, rendered again from the journal when needed.
    case receipt(number: UInt64, training: Bool)
    /// A document printed as it was laid out: refund slips, Z reports.
    case document(kind: String, lines: [PrintedLine])
}

/// A printout kassad owes.
public struct PendingOutput: Hashable, Sendable {
    public var output: Output
    /// Some of it went to the printer: printing it again must say it is a copy.
    public var sent: Bool

    public init(output: Output, sent: Bool = false) {
        self.output = output
        self.sent = sent
    }
}

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

/// The sale: the open and parked sales, the last sale and receipt numbers, and the card
/// authorisation awaited from the terminal. A snapshot keeps it in its `sale` and `cardPayments`
/// sections.
public struct SaleState: Hashable, Sendable {
    public var openSale: OpenSale?
    public var parked: [UInt64: OpenSale] = [:]
    public var lastSaleID: UInt64 = 0
    public var lastReceipt: UInt64 = 0
    public var lastTrainingReceipt: UInt64 = 0
    /// The card authorisation sent to the terminal and not yet resolved: while there is one, the
    /// register sells nothing else, and after a restart it must ask the terminal first.
    public var pendingCardAuthorisation: CardAuthorisation?
    /// How many card authorisations were ever requested: numbers their references.
    public var cardAuthorisations: UInt64 = 0
    /// The cards the terminal approved for the open (or just completed) sale, for its receipt
    /// (snapshot section `cardRefunds`, with the refunds' card state).
    public var cardSlips: [CardSlip] = []

    public init() {}

    /// Applies the sale's events; the others change nothing here. An event naming a line the
    /// open sale does not have is refused before anything changes.
    mutating func apply(_ event: RegisterEvent) throws(FoldError) {
        switch event {
        case .lineVoided(let index, _), .lineDiscounted(let index, _, _), .linePriceOverridden(let index, _, _),
             .lineQuantityChanged(let index, _, _):
            if let sale = openSale, !sale.lines.indices.contains(index) { throw .noSuchLine(index, lines: sale.lines.count) }
        default:
            break
        }
        switch event {
        case .saleOpened(let id, let by, let training, let at):
            openSale = OpenSale(id: id, operatorID: by, training: training, openedAt: at)
            lastSaleID = id
            cardSlips = []
        case .lineAdded(let line):
            openSale?.lines.append(line)
        case .lineVoided(let index, _):
            openSale?.lines[index].voided = true
        case .lineQuantityChanged(let index, let quantity, _):
            openSale?.lines[index].quantity = quantity
        case .lineDiscounted(let index, let discount, let by):
            openSale?.lines[index].discount = discount
            if by != nil { openSale?.lines[index].authorisedBy = by }
        case .linePriceOverridden(let index, let price, let by):
            openSale?.lines[index].unitPrice = price
            openSale?.lines[index].authorisedBy = by
        case .receiptDiscounted(let discount, let by):
            openSale?.receiptDiscount = discount
            openSale?.receiptDiscountBy = by
        case .lineOffers(let index, let offers):
            openSale?.offers[index] = offers
        case .totalled:
            openSale?.totalled = true
        case .tenderAdded(let tender):
            openSale?.tenders.append(tender)
            openSale?.totalled = true
        case .saleCompleted(let sale):
            // The cards stay until the next sale opens: the receipt printed now reads them.
            openSale = nil
            if sale.training { lastTrainingReceipt = sale.receiptNumber } else { lastReceipt = sale.receiptNumber }
        case .saleCancelled:
            openSale = nil
            cardSlips = []
        case .saleParked(let parkID):
            if let sale = openSale { parked[parkID] = sale }
            openSale = nil
        case .saleResumed(let parkID):
            openSale = parked.removeValue(forKey: parkID)
        case .cardAuthorisationRequested(let authorisation):
            pendingCardAuthorisation = authorisation
            cardAuthorisations &+= 1
        case .cardAuthorisationResolved(let reference, let outcome):
            guard pendingCardAuthorisation?.reference == reference else { break }
            pendingCardAuthorisation = nil
            if case .approved(let approval) = outcome { cardSlips.append(CardSlip(reference: reference, approval: approval)) }
        default:
            break
        }
    }
}

/// The customers, their loyalty cards and points, and the customer on each open or parked sale.
/// A snapshot keeps it in its `customers` section.
public struct CustomerState: Hashable, Sendable {
    /// Customers by number; a forgotten one is gone, the number never reused.
    public var customers: [CustomerID: Customer] = [:]
    public var lastCustomerID: UInt64 = 0
    /// Loyalty card number → customer: derived from `customers`, kept for scans and swipes.
    public internal(set) var customerCards: [String: CustomerID] = [:]
    /// The customer on each open or parked sale, by sale id, with the points redeemed on it.
    public var saleCustomers: [UInt64: SaleCustomer] = [:]

    public init() {}

    /// Applies the customers' events, and the points that sales and refunds earn or take back
    /// (training ones move none); the other events change nothing here. `openSale`: the sale
    /// open before the event, whose customer leaves with it.
    mutating func apply(_ event: RegisterEvent, openSale: OpenSale?) {
        switch event {
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
        case .saleCompleted(let sale):
            if let id = openSale?.id { saleCustomers[id] = nil }
            if !sale.training, let l = sale.loyalty {
                customers[l.customer]?.points = l.balance
                customers[l.customer]?.receipts.append(sale.receiptNumber)
            }
        case .saleCancelled:
            if let id = openSale?.id { saleCustomers[id] = nil }
        case .refundCompleted(let refund):
            if !refund.training, let l = refund.loyalty { customers[l.customer]?.points = l.balance }
        default:
            break
        }
    }

    /// Rebuilds the card index from the profiles (after a snapshot is read).
    mutating func indexCards() {
        customerCards = [:]
        for c in customers.values { for card in c.profile.cards { customerCards[card] = c.id } }
    }
}

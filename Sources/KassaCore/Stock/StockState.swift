/// Stock on hand, reorder rules and costs, by item. A snapshot keeps it in its `stock` section.
public struct StockState: Hashable, Sendable {
    /// Stock on hand per item: pieces, or grams for weighed items. Absent is zero.
    public var stock: [ItemID: Int64] = [:]
    public var reorderRules: [ItemID: ReorderRule] = [:]
    /// The newest cost per piece (or per kilogram) given with goods received.
    public var unitCosts: [ItemID: Int64] = [:]

    public init() {}

    /// Applies the stock's events, and takes what sales sell off the shelf and what refunds put
    /// back (training sales move nothing); the other events change nothing here.
    mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .stockReceived(let item, let quantity, let cost, _, _):
            stock[item, default: 0] &+= quantity
            if let cost { unitCosts[item] = cost }
        case .stockCounted(let item, let counted, _, _):
            stock[item] = counted
        case .stockAdjusted(let item, let delta, _, _):
            stock[item, default: 0] &+= delta
        case .reorderSet(let item, let rule, _):
            reorderRules[item] = rule
        case .saleCompleted(let sale) where !sale.training:
            for line in sale.lines where !line.voided && !line.isGiftVoucher { stock[line.itemID, default: 0] &-= line.stockQuantity }
        case .refundCompleted(let refund) where !refund.training:
            // Refunded goods go back on the shelf (a damaged return is written off with an adjustment).
            // A weighed item's price label comes back as one label here; the refund's decision adds
            // the rest of its grams with an adjustment of its own.
            for line in refund.lines where line.itemID != .giftVoucher { stock[line.itemID, default: 0] &+= line.quantity }
        default:
            break
        }
    }
}

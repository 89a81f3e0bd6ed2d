/// Stock on hand per item, in the item's own unit: pieces, or grams for weighed items.
///
/// Sales and refunds move it as they are applied (derived from the completed sale or refund
/// itself, so a replay arrives at the same levels); goods received, counts and adjustments are
/// events of their own. Training sales move nothing.

/// When to reorder an item, and how much.
public struct ReorderRule: Hashable, Sendable {
    /// At or below this level the item is low and on the reorder list.
    public var point: Int64
    /// How much to order then.
    public var quantity: Int64

    public init(point: Int64, quantity: Int64) {
        self.point = point
        self.quantity = quantity
    }
}

extension SaleLine {
    /// What the line takes off the shelf: its pieces, or its grams. The grams of a weighed item's
    /// price label are worked back from the price per kilogram, as its line's quantity is when
    /// it is scanned (lines journaled before that hold a quantity of 1 there).
    public var stockQuantity: Int64 {
        guard unit == .weight, let amount = fixedAmount else { return quantity }
        guard unitPrice > 0, let grams = try? Checked.mulDiv(amount, 1000, unitPrice) else { return 0 }
        return grams
    }
}

/// One item's row in the stock reports.
public struct StockLine: Hashable, Sendable {
    public var itemID: ItemID
    /// Empty when the item is no longer in the catalog.
    public var name: String
    public var unit: SaleUnit
    public var level: Int64
    public var reorder: ReorderRule?
    /// Minor units per piece or per kilogram, from the catalog.
    public var price: Int64?
    /// The newest cost per piece or per kilogram given with goods received.
    public var unitCost: Int64?

    public var isLow: Bool { reorder.map { level <= $0.point } ?? false }

    /// What the stock on hand is worth at `perUnit` (per piece or per kilogram); a negative level
    /// (sold before it was received or counted) is worth nothing.
    public func value(at perUnit: Int64) -> Int64 {
        guard level > 0 else { return 0 }
        if unit == .piece { return (try? Checked.multiply(level, perUnit)) ?? Int64.max }
        return (try? Checked.mulDiv(level, perUnit, 1000)) ?? Int64.max
    }

    public var retailValue: Int64 { price.map(value(at:)) ?? 0 }
    public var costValue: Int64? { unitCost.map(value(at:)) }
}

/// The stock-value report's totals.
public struct StockValue: Hashable, Sendable {
    /// At the catalog's selling price (as the catalog states it: with or without VAT per the price mode).
    public var retail: Int64 = 0
    /// At the newest cost given with goods received, for the items that have one.
    public var cost: Int64 = 0
    /// Items with stock on hand but no cost known: left out of `cost`.
    public var itemsWithoutCost = 0
}

public enum StockReport {
    /// Every catalog item, and every item with a level or a rule that has left the catalog, by id.
    public static func lines(_ state: RegisterState, _ catalog: Catalog) -> [StockLine] {
        let stock = state.stockState
        var ids = Set(catalog.items.keys)
        ids.formUnion(stock.stock.keys)
        ids.formUnion(stock.reorderRules.keys)
        return ids.sorted().map { id in
            let item = catalog.item(id)
            return StockLine(itemID: id, name: item?.name ?? "", unit: item?.unit ?? .piece,
                             level: stock.stock[id] ?? 0, reorder: stock.reorderRules[id], price: item?.price,
                             unitCost: stock.unitCosts[id])
        }
    }

    /// Items at or below their reorder point, with how much to order.
    public static func reorderList(_ state: RegisterState, _ catalog: Catalog) -> [StockLine] {
        lines(state, catalog).filter(\.isLow)
    }

    public static func value(_ lines: [StockLine]) -> StockValue {
        var v = StockValue()
        for l in lines {
            v.retail = (try? Checked.add(v.retail, l.retailValue)) ?? Int64.max
            if let c = l.costValue {
                v.cost = (try? Checked.add(v.cost, c)) ?? Int64.max
            } else if l.level > 0 {
                v.itemsWithoutCost += 1
            }
        }
        return v
    }
}

extension RegisterState {
    /// Items at or below their reorder point, by id: what the low-stock alarm names.
    public var lowStockItems: [ItemID] {
        stockState.reorderRules.filter { (stockState.stock[$0.key] ?? 0) <= $0.value.point }.keys.sorted()
    }
}

import KassaCore

/// One item's stock as the stock reports show it (`StockLine` in PROTOCOL.md).
public struct StockLineReply: ReplyValue, Hashable {
    public var item: ItemID
    /// Empty when the item is no longer in the catalog.
    public var name: String
    public var unit: SaleUnit
    /// Pieces, or grams if weighed.
    public var level: Int64
    public var reorderPoint: Int64?
    public var reorderQuantity: Int64?
    public var low: Bool
    public var price: Int64?
    public var unitCost: Int64?
    public var retailValue: Int64
    public var costValue: Int64?
    /// Only on the reorder list's pages: how much to order.
    public var order: Int64?

    public init(_ l: StockLine, order: Int64? = nil) {
        item = l.itemID
        name = l.name
        unit = l.unit
        level = l.level
        reorderPoint = l.reorder?.point
        reorderQuantity = l.reorder?.quantity
        low = l.isLow
        price = l.price
        unitCost = l.unitCost
        retailValue = l.retailValue
        costValue = l.costValue
        self.order = order
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        item = ItemID(try f.string("item"))
        name = try f.string("name")
        unit = try f.named("unit")
        level = try f.int("level")
        reorderPoint = try f.optionalInt("reorder_point")
        reorderQuantity = try f.optionalInt("reorder_quantity")
        low = try f.bool("low")
        price = try f.optionalInt("price")
        unitCost = try f.optionalInt("unit_cost")
        retailValue = try f.int("retail_value")
        costValue = try f.optionalInt("cost_value")
        order = try f.optionalInt("order")
    }

    public var json: JSONValue {
        var o: JSONObject = [
            "item": .string(item.rawValue), "name": .string(name), "unit": .string(unit.rawValue), "level": .int(level),
            "reorder_point": reorderPoint.map(JSONValue.int) ?? .null, "reorder_quantity": reorderQuantity.map(JSONValue.int) ?? .null,
            "low": .bool(low), "price": price.map(JSONValue.int) ?? .null, "unit_cost": unitCost.map(JSONValue.int) ?? .null,
            "retail_value": .int(retailValue), "cost_value": costValue.map(JSONValue.int) ?? .null,
        ]
        if let order { o["order"] = .int(order) }
        return .object(o)
    }
}

/// A page of stock lines (`stock.levels`, `stock.reorder_list`, `stock.value`); `next` is the
/// offset of the following page, nil after the last. `stock.value` puts its totals in front.
public struct StockPageReply: ReplyValue, Hashable {
    /// `stock.value`'s totals over every page.
    public struct Valuation: Hashable, Sendable {
        public var retailValue: Int64
        public var costValue: Int64
        public var itemsWithoutCost: Int64
        /// `inclusive` or `exclusive` (of VAT), as the catalog's prices are.
        public var priceMode: String
        public var basis: String

        public init(retailValue: Int64, costValue: Int64, itemsWithoutCost: Int64, priceMode: String, basis: String) {
            self.retailValue = retailValue
            self.costValue = costValue
            self.itemsWithoutCost = itemsWithoutCost
            self.priceMode = priceMode
            self.basis = basis
        }
    }

    public var valuation: Valuation?
    public var items: [StockLineReply]
    public var totalItems: Int64
    public var next: Int64?

    public init(valuation: Valuation? = nil, items: [StockLineReply], totalItems: Int64, next: Int64?) {
        self.valuation = valuation
        self.items = items
        self.totalItems = totalItems
        self.next = next
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        if let retail = try f.optionalInt("retail_value") {
            valuation = Valuation(retailValue: retail, costValue: try f.int("cost_value"), itemsWithoutCost: try f.int("items_without_cost"),
                                  priceMode: try f.string("price_mode"), basis: try f.string("basis"))
        }
        items = try f.values("items")
        totalItems = try f.int("total_items")
        next = try f.optionalInt("next")
    }

    public var json: JSONValue {
        var o: JSONObject = [:]
        if let v = valuation {
            o["retail_value"] = .int(v.retailValue)
            o["cost_value"] = .int(v.costValue)
            o["items_without_cost"] = .int(v.itemsWithoutCost)
            o["price_mode"] = .string(v.priceMode)
            o["basis"] = .string(v.basis)
        }
        o["items"] = items.json
        o["total_items"] = .int(totalItems)
        o["next"] = next.map(JSONValue.int) ?? .null
        return .object(o)
    }
}

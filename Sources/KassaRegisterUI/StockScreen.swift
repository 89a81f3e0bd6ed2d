import KassaCore
import KassaIPC

/// The stock list as kassad's `stock.levels` and `stock.value` give it: the items to reorder
/// first, then the rest by id, and what the stock on hand is worth.
public struct StockList: Sendable {
    public struct Item: Equatable, Sendable {
        public var id: String
        public var name: String
        public var weighed: Bool
        public var level: Int64
        public var reorderPoint: Int64?
        /// How much to order: only for an item at or below its reorder point.
        public var order: Int64?
        public var low: Bool

        init(json: JSONValue) {
            id = json["item"]?.stringValue ?? "?"
            name = json["name"]?.stringValue ?? ""
            weighed = json["unit"]?.stringValue == "weight"
            level = json["level"]?.intValue ?? 0
            reorderPoint = json["reorder_point"]?.intValue
            low = json["low"]?.boolValue == true
            order = low ? json["order"]?.intValue ?? json["reorder_quantity"]?.intValue : nil
        }
    }

    public var items: [Item]
    public var retailValue: Int64
    public var costValue: Int64
    public var itemsWithoutCost: Int64

    /// `levels`: the StockLines of every page of `stock.levels`; `value`: a `stock.value` reply.
    public init(levels: [JSONValue], value: JSONValue) {
        let all = levels.map(Item.init(json:))
        items = all.filter(\.low) + all.filter { !$0.low }
        retailValue = value["retail_value"]?.intValue ?? 0
        costValue = value["cost_value"]?.intValue ?? 0
        itemsWithoutCost = value["items_without_cost"]?.intValue ?? 0
    }

    public var lowCount: Int { items.filter(\.low).count }

    /// The list at `width`: the name column takes what the figures leave.
    func layout(width: Int, _ t: Texts, _ m: RegisterModel) -> Page.Layout {
        let name = max(8, width - 44)
        func row(_ code: String, _ item: String, _ level: String, _ point: String, _ order: String) -> String {
            " " + TextLayout.pad(code, to: 8) + " " + TextLayout.pad(item, to: name) + " " + TextLayout.pad(level, to: 11, alignment: .right)
                + " " + TextLayout.pad(point, to: 11, alignment: .right) + " " + TextLayout.pad(order, to: 8, alignment: .right)
        }
        let heading = [Page.Line(row(t.code, t.columnItem, t.columnInStock, t.columnReorderAt, t.columnOrder), Style(.white, bright: true))]
        var lines = [lowCount == 0 ? Page.Line(" " + t.nothingToReorder, .dim) : Page.Line(" \(lowCount) " + t.toReorder, .warning)]
        for i in items {
            let text = row(i.id, i.name, RegisterScreen.quantity(i.level, weighed: i.weighed, m),
                           i.reorderPoint.map { RegisterScreen.quantity($0, weighed: i.weighed, m) } ?? "",
                           i.order.map { RegisterScreen.quantity($0, weighed: i.weighed, m) } ?? "")
            lines.append(Page.Line(text, i.low ? .warning : .normal))
        }
        lines.append(Page.Line(""))
        lines.append(Page.Line(" " + t.valueAtPrice + ": " + m.money(retailValue), .total))
        var cost = " " + t.valueAtCost + ": " + m.money(costValue)
        if itemsWithoutCost > 0 { cost += " (\(itemsWithoutCost) " + t.withoutCost + ")" }
        lines.append(Page.Line(cost, .total))
        return Page.Layout(heading: heading, lines: lines)
    }
}

/// The menu's stock screen: levels with the reorder list first, and what a till may do about
/// stock: goods received (anyone logged in) and a count (a supervisor, or their PIN, as kassad
/// asks through `pin_required`).
extension RegisterApp {
    func openStock() {
        allPages(.stockLevels, ["limit": 500], items: "items") { [unowned self] levels, _ in
            request(.stockValue, ["limit": 1]) { [unowned self] value in
                open(stockPage(StockList(levels: levels, value: value)), back: .sale)
            }
        }
    }

    func stockPage(_ list: StockList) -> Page {
        let (t, m) = (texts, model)
        return Page(title: texts.stock, layout: { list.layout(width: $0, t, m) }, hint: texts.stockHint,
                    keys: [.character("r"): { [unowned self] in changeStock(receive: true) },
                           .character("c"): { [unowned self] in changeStock(receive: false) }])
    }

    /// Goods received or counted: the item (scanned, or typed as a code or an item id), then the
    /// quantity in its unit, then the list again with the new level.
    private func changeStock(receive: Bool) {
        let back = mode
        ask(Prompt(label: texts.itemCode, input: .text) { [unowned self] code in
            guard !code.isEmpty else { return }
            stockLine(code) { [unowned self] line in
                let id = line["item"]?.stringValue ?? code
                let name = line["name"]?.stringValue ?? id
                let weighed = line["unit"]?.stringValue == "weight"
                let level = RegisterScreen.quantity(line["level"]?.intValue ?? 0, weighed: weighed, model)
                let label = (receive ? texts.quantityReceived : texts.quantityCounted) + (weighed ? " (g)" : "") + ": " + name
                    + " (" + texts.inStock + " " + level + ")"
                ask(Prompt(label: label, input: weighed ? .amount : .digits) { [unowned self] typed in
                    guard let quantity = typed == "0" ? 0 : (weighed ? Entry.grams(typed) : Int64(typed)), quantity > 0 || !receive else {
                        return show(texts.notANumber, error: true)
                    }
                    let args: JSONObject = receive ? ["item": .string(id), "quantity": .int(quantity)] : ["item": .string(id), "counted": .int(quantity)]
                    request(receive ? Op.stockReceive : Op.stockCount, args) { [unowned self] r in
                        let now = RegisterScreen.quantity(r["level"]?.intValue ?? 0, weighed: weighed, model)
                        show(name + ": " + texts.inStock + " " + now)
                        openStock()
                    }
                }, back: back)
            }
        }, back: back)
    }

    /// The item's StockLine: a barcode or PLU is looked up in the catalog, anything else is
    /// tried as an item id.
    private func stockLine(_ code: String, then: @escaping (JSONValue) -> Void) {
        let line = { [unowned self] (id: String) in
            request(.stockLevels, ["item": .string(id)]) { r in
                if let first = r["items"]?.arrayValue?.first { then(first) }
            }
        }
        request(.catalogLookup, ["code": .string(code)], onError: { e in
            guard e.code == .notFound else { return false }
            line(code)
            return true
        }) { r in
            line(r["item"]?["id"]?.stringValue ?? code)
        }
    }
}

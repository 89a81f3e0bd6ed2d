import KassaCore
import KassaIPC

/// Finding an item without its barcode: Enter on a name (a few letters) lists the items whose
/// names contain them, and Enter on an empty code field the shop's quick keys (the `quick_keys`
/// setting); ↑/↓ or the option's key, then Enter, sell the one chosen. A quantity typed first
/// (`3*kahvi`) sells that many.
extension RegisterApp {
    /// How many items a search lists: what a 25-row screen shows at once.
    static let searchLimit = 12

    /// Enter on the sale screen.
    func sell(_ typed: String) {
        guard !typed.isEmpty else { return showQuickKeys() }
        guard let (quantity, code) = Entry.scan(typed) else { return show(texts.notANumber, error: true) }
        if Entry.isName(code) { return findByName(code, quantity: quantity) }
        scan(code, quantity: quantity)
    }

    private func findByName(_ name: String, quantity: Int64?) {
        request(.catalogSearch, ["query": .string(name), "limit": .int(Int64(Self.searchLimit))]) { [unowned self] r in
            let items = r["items"]?.arrayValue ?? []
            guard !items.isEmpty else {
                bellPending = true
                return show(texts.noItemNamed + " " + name, error: true)
            }
            choose(texts.itemsNamed + " " + name, items.map { option($0, quantity: quantity) }, back: .sale)
        }
    }

    private func showQuickKeys() {
        request(.catalogQuickKeys) { [unowned self] r in
            let items = r["items"]?.arrayValue ?? []
            guard !items.isEmpty else { return show(texts.noQuickKeys) }
            choose(texts.quickKeys, items.prefix(Choice.keys.count).map { option($0, quantity: nil) }, back: .sale)
        }
    }

    /// An item as a line to choose: its name, its price (per kg when weighed) and a code to
    /// learn for next time.
    private func option(_ item: JSONValue, quantity: Int64?) -> Choice.Option {
        let name = item["name"]?.stringValue ?? "?"
        let weighed = item["unit"]?.stringValue == "weight"
        let price = model.money(item["price"]?.intValue ?? 0) + (weighed ? "/kg" : "")
        let code = item["plus"]?.arrayValue?.first?.stringValue ?? item["barcodes"]?.arrayValue?.first?.stringValue ?? ""
        let text = TextLayout.pad(name, to: 36) + " " + TextLayout.pad(price, to: 14, alignment: .right) + "  " + code
        return Choice.Option(text: text) { [unowned self] in
            mode = .sale
            guard let id = item["id"]?.stringValue else { return }
            if let quantity { return add(id, quantity: quantity) }
            if weighed {
                return askWeight(for: name) { [unowned self] grams in add(id, quantity: grams) }
            }
            add(id, quantity: 1)
        }
    }

    private func add(_ id: String, quantity: Int64) {
        request(.saleAdd, ["item": .string(id), "quantity": .int(quantity)], as: SaleReply?.self) { [unowned self] sale in
            model.apply(sale: sale)
            model.selectedLine = nil
        }
    }

    /// Asks the weight of a weighed item, in grams or as kilograms with a comma.
    func askWeight(for what: String, then: @escaping (Int64) -> Void) {
        ask(Prompt(label: texts.weightPrompt + " (" + what + ")", input: .amount) { [unowned self] t in
            mode = .sale
            guard let g = Entry.grams(t) else { return show(texts.notANumber, error: true) }
            then(g)
        }, back: .sale)
    }
}

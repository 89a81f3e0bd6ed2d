import KassaCore
import KassaIPC

/// The catalog over the socket: an item by a code as the scanner reads it, items by a few letters
/// of their name, and the register screen's page of quick keys.
extension RegisterService {

    /// The result of a catalog read, or nil when `op` is none of them.
    func performCatalog(_ op: Op, _ args: inout RequestArguments) throws(IPCError) -> JSONValue? {
        switch op {
        case .catalogLookup:
            let code = try args.string("code")
            do {
                switch try env.catalog.resolve(code) {
                case .item(let item): return ["item": Views.item(item)]
                case .weighed(let item, let grams): return ["item": Views.item(item), "grams": .int(grams)]
                case .priced(let item, let amount): return ["item": Views.item(item), "amount": .int(amount)]
                }
            } catch {
                throw Refusal.lookup(error).ipcError
            }
        case .catalogSearch:
            let query = try args.string("query").trimmingSpaces()
            let limit = try args.optionalInt("limit") ?? 20
            guard !query.isEmpty else { throw IPCError(.badArgs, "'query' must have at least one letter of the name") }
            let found = env.catalog.search(name: query, limit: Int(limit))
            return ["items": .array(found.map(Views.item))]
        case .catalogQuickKeys:
            // A code no longer in the catalog is left out: the setting outlives catalog imports.
            var items: [JSONValue] = []
            var missing: [JSONValue] = []
            for code in fileConfig.quickKeys {
                if let item = env.catalog.item(plu: code) ?? env.catalog.item(barcode: code) ?? env.catalog.item(ItemID(code)) {
                    items.append(Views.item(item))
                } else {
                    missing.append(.string(code))
                }
            }
            return ["items": .array(items), "missing": .array(missing)]
        default:
            return nil
        }
    }
}

import KassaCore
import KassaIPC

/// The console's `stock`: levels, the reorder list, and reorder points (a technician may set
/// them without logging in to the register).
enum StockConsole {
    static let command = ConsoleCommand(
        usage: "stock [ITEM] | stock low | stock reorder ITEM POINT QTY | ITEM off",
        help: """
            Without a word: every item's stock (pieces, or grams if weighed).
            ITEM: one item. low: the reorder list (at or below the reorder point).
            reorder ITEM POINT QTY: reorder QTY when the stock falls to POINT;
            reorder ITEM off removes it. Journaled; the low_stock alarm follows.
            """,
        run: stock)

    static func stock(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case nil:
            show(c, try allPages(c, .stockLevels))
        case "low":
            try ConsoleCommands.expect(args, 1...1, "stock low")
            let r = try allPages(c, .stockReorderList)
            if r.isEmpty { c.say("Nothing is at or below its reorder point.") }
            show(c, r)
        case "reorder":
            try ConsoleCommands.expect(args, 3...4, "stock reorder ITEM POINT QTY, or stock reorder ITEM off")
            var a: JSONObject = ["item": .string(args[1])]
            if args.count == 3 && args[2] == "off" {
                a["remove"] = true
            } else {
                guard args.count == 4, let point = Int64(args[2]), let qty = Int64(args[3]) else {
                    throw .usage("stock reorder ITEM POINT QTY (whole numbers), or stock reorder ITEM off")
                }
                a["point"] = .int(point)
                a["quantity"] = .int(qty)
            }
            show(c, [try c.call(.stockSetReorder, a, as: StockLineReply?.self)].compactMap { $0 })
            c.say("Journaled.")
        default:
            try ConsoleCommands.expect(args, 1...1, "stock, stock ITEM, stock low or stock reorder …")
            show(c, try c.call(.stockLevels, ["item": .string(args[0])], as: StockPageReply.self).items)
        }
    }

    /// Every page of a stock list, as one list.
    static func allPages(_ c: Console, _ op: Op) throws(ConsoleError) -> [StockLineReply] {
        var items: [StockLineReply] = []
        var offset: Int64 = 0
        while true {
            let page = try c.call(op, ["offset": .int(offset)], as: StockPageReply.self)
            items += page.items
            guard let next = page.next else { return items }
            offset = next
        }
    }

    static func show(_ c: Console, _ items: [StockLineReply]) {
        for l in items {
            let unit = l.unit == .weight ? " g" : ""
            var line = ConsoleCommands.pad(Wrap.clip(l.item.rawValue, width: 14), 14) + " "
                + ConsoleCommands.pad(Wrap.clip(l.name, width: 22), 22) + " "
                + TextLayout.pad("\(l.level)\(unit)", to: 11, alignment: .right)
            if let point = l.reorderPoint {
                line += "  at \(point): \(l.reorderQuantity ?? 0)"
            }
            if l.low { line += " LOW" }
            c.say(Wrap.clip(line, width: 80))
        }
    }
}

import KassaCore
import KassaIPC

/// The console's `customer`: find a customer, show their profile, points and purchases, and
/// forget them on their request (the technician's session stands in for a supervisor).
enum CustomerConsole {
    static let command = ConsoleCommand(
        usage: "customer find NAME… | card CARD | phone PHONE | ID | forget ID",
        help: """
            find: customers whose name holds the words (any case); card: by a
            loyalty card's number; phone: by phone number (040… or +358 40…).
            ID: the profile, the points and the newest purchases.
            forget ID: on the customer's request, their profile and points go for
            good (type the number again to confirm); their sales stay, naming only
            the number. Journaled; earlier journal records keep what they held.
            """,
        run: customer)

    static func customer(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case "find", "card", "phone":
            guard args.count >= 2 else { throw .usage("customer \(args[0]) needs what to look for") }
            let what = args.dropFirst().joined(separator: " ")
            let key = args[0] == "find" ? "name" : args[0]
            let r = try c.call(.customerFind, [key: .string(what), "limit": .int(Int64(Customers.maxFound))], as: CustomerFindReply.self)
            if r.customers.isEmpty { c.say("No customer found.") }
            for f in r.customers { c.say(line(f)) }
            if r.more { c.say("More match: narrow the search.") }
        case "forget":
            try ConsoleCommands.expect(args, 2...2, "customer forget ID")
            guard let id = Int64(args[1]), id > 0 else { throw .usage("customer forget ID (a customer's number)") }
            let shown = try c.call(.customerGet, ["customer": .int(id), "history_limit": 1], as: CustomerHistoryReply.self)
            c.say(line(shown.customer))
            guard let typed = c.ask("Forget this customer for good? Type the number again to confirm: ") else { return }
            guard typed == args[1] else { throw .failed("the number was not typed again; nothing was done") }
            _ = try c.call(.customerRemove, ["customer": .int(id)])
            c.say("Forgotten. Journaled.")
        case let word?:
            try ConsoleCommands.expect(args, 1...1, "customer find NAME…, customer card CARD, customer phone PHONE or customer ID")
            guard let id = Int64(word), id > 0 else { throw .usage("customer find NAME…, card CARD, phone PHONE, ID or forget ID") }
            let r = try c.call(.customerGet, ["customer": .int(id), "history_limit": 10], as: CustomerHistoryReply.self)
            let code = try c.call(.configGet, ["key": .string(SettingKey.currency)])[SettingKey.currency]?.stringValue ?? ""
            show(c, r, currency: Currency.known[code] ?? .EUR)
        case nil:
            throw .usage("customer find NAME…, card CARD, phone PHONE, ID or forget ID")
        }
    }

    static func show(_ c: Console, _ r: CustomerHistoryReply, currency: Currency) {
        func money(_ minor: Int64) -> String { MoneyFormat.plain(currency).format(minor, currency: currency) }
        let p = r.customer
        c.say(line(p))
        for (label, value) in [("email", p.email), ("notes", p.detail?.notes)] {
            if let v = value, !v.isEmpty { c.say("  " + ConsoleCommands.pad(label, 10) + v) }
        }
        if let m = p.detail?.marketing {
            c.say("  marketing " + (m.given ? "yes" : "no") + " since " + m.localTime)
        }
        c.say("  purchases \(r.historyTotal)")
        for h in r.history {
            var text = "  #" + ConsoleCommands.pad(String(h.receipt), 7)
            guard let figures = h.figures else {
                c.say(text + "?" + "  " + TextLayout.pad(money(0), to: 12, alignment: .right) + "  +0")
                continue
            }
            text += figures.localTime + "  " + TextLayout.pad(money(figures.total), to: 12, alignment: .right)
                + "  +\(figures.pointsEarned)"
            if figures.pointsRedeemed > 0 { text += " -\(figures.pointsRedeemed)" }
            if figures.refunded > 0 { text += "  refunded " + money(figures.refunded) }
            c.say(text)
        }
    }

    static func line(_ f: CustomerReply) -> String {
        Wrap.clip(TextLayout.pad(String(f.id.rawValue), to: 6, alignment: .right) + "  "
                  + ConsoleCommands.pad(Wrap.clip(f.name, width: 26), 26) + " "
                  + ConsoleCommands.pad(f.phone ?? "", 15) + " "
                  + TextLayout.pad("\(f.points) p", to: 9, alignment: .right) + "  " + f.cards.joined(separator: ","), width: 80)
    }
}

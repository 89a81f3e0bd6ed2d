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
            let r = try c.call(.customerFind, [key: .string(what), "limit": .int(Int64(Customers.maxFound))])
            let found = r["customers"]?.arrayValue ?? []
            if found.isEmpty { c.say("No customer found.") }
            for f in found { c.say(line(f)) }
            if r["more"]?.boolValue == true { c.say("More match: narrow the search.") }
        case "forget":
            try ConsoleCommands.expect(args, 2...2, "customer forget ID")
            guard let id = Int64(args[1]), id > 0 else { throw .usage("customer forget ID (a customer's number)") }
            let shown = try c.call(.customerGet, ["customer": .int(id), "history_limit": 1])
            c.say(line(shown["customer"] ?? .null))
            guard let typed = c.ask("Forget this customer for good? Type the number again to confirm: ") else { return }
            guard typed == args[1] else { throw .failed("the number was not typed again; nothing was done") }
            _ = try c.call(.customerRemove, ["customer": .int(id)])
            c.say("Forgotten. Journaled.")
        case let word?:
            try ConsoleCommands.expect(args, 1...1, "customer find NAME…, customer card CARD, customer phone PHONE or customer ID")
            guard let id = Int64(word), id > 0 else { throw .usage("customer find NAME…, card CARD, phone PHONE, ID or forget ID") }
            let r = try c.call(.customerGet, ["customer": .int(id), "history_limit": 10])
            let code = try c.call(.configGet, ["key": .string(SettingKey.currency)])[SettingKey.currency]?.stringValue ?? ""
            show(c, r, currency: Currency.known[code] ?? .EUR)
        case nil:
            throw .usage("customer find NAME…, card CARD, phone PHONE, ID or forget ID")
        }
    }

    static func show(_ c: Console, _ r: JSONValue, currency: Currency) {
        func money(_ minor: Int64?) -> String { MoneyFormat.plain(currency).format(minor ?? 0, currency: currency) }
        let p = r["customer"] ?? .null
        c.say(line(p))
        for (label, key) in [("email", "email"), ("notes", "notes")] {
            if let v = p[key]?.stringValue, !v.isEmpty { c.say("  " + ConsoleCommands.pad(label, 10) + v) }
        }
        if let m = p["marketing"], m != .null {
            c.say("  marketing " + (m["given"]?.boolValue == true ? "yes" : "no") + " since " + (m["local_time"]?.stringValue ?? "?"))
        }
        c.say("  purchases \(r["history_total"]?.intValue ?? 0)")
        for h in r["history"]?.arrayValue ?? [] {
            var text = "  #" + ConsoleCommands.pad(String(h["receipt"]?.intValue ?? 0), 7) + (h["local_time"]?.stringValue ?? "?")
                + "  " + TextLayout.pad(money(h["total"]?.intValue), to: 12, alignment: .right)
                + "  +\(h["points_earned"]?.intValue ?? 0)"
            if let redeemed = h["points_redeemed"]?.intValue, redeemed > 0 { text += " -\(redeemed)" }
            if let refunded = h["refunded"]?.intValue, refunded > 0 { text += "  refunded " + money(refunded) }
            c.say(text)
        }
    }

    static func line(_ f: JSONValue) -> String {
        let cards = (f["cards"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
        return Wrap.clip(TextLayout.pad(String(f["id"]?.intValue ?? 0), to: 6, alignment: .right) + "  "
                         + ConsoleCommands.pad(Wrap.clip(f["name"]?.stringValue ?? "?", width: 26), 26) + " "
                         + ConsoleCommands.pad(f["phone"]?.stringValue ?? "", 15) + " "
                         + TextLayout.pad("\(f["points"]?.intValue ?? 0) p", to: 9, alignment: .right) + "  " + cards, width: 80)
    }
}

import KassaCore
import KassaIPC

/// `kassa customer …`: customers, their loyalty cards and points.
enum CustomerCommands {
    static let usage = """
          customer add NAME… [--phone P] [--email E] [--notes TEXT] [--marketing yes|no] [--card CARD]…
          customer update ID [--name NAME] [--phone P] [--email E] [--notes TEXT] [--marketing yes|no]
                          [--add-card CARD] [--remove-card CARD]   (an empty value removes phone or email)
          customer find NAME… | customer find --card CARD | customer find --phone PHONE
          customer show ID [--from N]    profile, points and purchases (newest first, from the Nth)
          customer forget ID [--override]   on the customer's request: profile and points go for good
          customer attach ID | customer attach --card CARD | customer detach   (the open sale)
          customer redeem POINTS         redeem the sale's customer's points (0 takes it back)
        """

    static func run(_ args: inout Arguments, _ s: Session) throws -> (op: String, result: JSONValue) {
        let sub = try args.positional("customer command (add, update, find, show, forget, attach, detach, redeem)")
        func number(_ what: String) throws -> Int64 { try args.integer(what) }
        func details(_ a: inout JSONObject) throws {
            for (option, key) in [("--name", "name"), ("--phone", "phone"), ("--email", "email"), ("--notes", "notes")] {
                if let v = try args.option(option) { a[key] = .string(v) }
            }
            if let m = try args.option("--marketing") {
                guard m == "yes" || m == "no" else { throw UsageError("--marketing yes or --marketing no, not '\(m)'") }
                a["marketing"] = .bool(m == "yes")
            }
        }
        switch sub {
        case "add":
            var a: JSONObject = [:]
            try details(&a)
            var cards: [JSONValue] = []
            while let card = try args.option("--card") { cards.append(.string(card)) }
            if !cards.isEmpty { a["cards"] = .array(cards) }
            if a["name"] == nil { a["name"] = .string(args.rest()) }
            try args.finish()
            return ("customer", try s.call(.customerAdd, a))
        case "update":
            var a: JSONObject = ["customer": .int(try number("customer number"))]
            try details(&a)
            if let card = try args.option("--add-card") { a["add_card"] = .string(card) }
            if let card = try args.option("--remove-card") { a["remove_card"] = .string(card) }
            try args.finish()
            return ("customer", try s.call(.customerUpdate, a))
        case "find":
            var a: JSONObject = [:]
            if let card = try args.option("--card") { a["card"] = .string(card) }
            if let phone = try args.option("--phone") { a["phone"] = .string(phone) }
            let name = args.rest()
            if !name.isEmpty { a["name"] = .string(name) }
            try args.finish()
            a["limit"] = .int(Int64(Customers.maxFound))
            return ("customers", try s.call(.customerFind, a))
        case "show":
            let id = try number("customer number")
            let from = try args.option("--from").map { text throws -> Int64 in
                guard let v = Int64(text), v >= 1 else { throw UsageError("--from is the purchase to start at (1 or more), not '\(text)'") }
                return v - 1
            } ?? 0
            try args.finish()
            return ("customer-history", try s.call(.customerGet, ["customer": .int(id), "history_offset": .int(from), "history_limit": 50]))
        case "forget":
            var a: JSONObject = ["customer": .int(try number("customer number"))]
            if args.flag("--override") { a["override_pin"] = .string(try PinPrompt.read("Supervisor PIN")) }
            try args.finish()
            return ("done", try s.call(.customerRemove, a))
        case "attach":
            var a: JSONObject = [:]
            if let card = try args.option("--card") { a["card"] = .string(card) } else { a["customer"] = .int(try number("customer number")) }
            try args.finish()
            return ("sale", try s.call(.saleCustomer, a))
        case "detach":
            try args.finish()
            return ("sale", try s.call(.saleCustomer))
        case "redeem":
            let points = try number("points")
            try args.finish()
            return ("sale", try s.call(.saleRedeemPoints, ["points": .int(points)]))
        default:
            throw UsageError("unknown customer command '\(sub)'")
        }
    }

    /// Prints the results of these commands; false when `op` is not one of theirs.
    static func show(_ op: String, _ r: JSONValue, _ s: Session) throws(CommandFailure) -> Bool {
        switch op {
        case "customer":
            if let c = try Session.read(r, as: CustomerResultReply.self).customer { print(line(c)) }
        case "customers":
            let found = try Session.read(r, as: CustomerFindReply.self)
            if found.customers.isEmpty { print("no customer found") }
            for c in found.customers { print(line(c)) }
            if found.more { print("(more match: narrow the search)") }
        case "customer-history":
            let r = try Session.read(r, as: CustomerHistoryReply.self)
            let c = r.customer
            print(line(c))
            if let email = c.email { print("  email     \(email)") }
            if let notes = c.detail?.notes, !notes.isEmpty { print("  notes     \(notes)") }
            if let m = c.detail?.marketing {
                print("  marketing \(m.given ? "yes" : "no") since \(m.localTime)")
            }
            print("  purchases \(r.historyTotal)")
            for h in r.history {
                let figures = h.figures
                var text = "  #" + TextLayout.pad(String(h.receipt), to: 7) + " " + (figures?.localTime ?? "?")
                    + " " + TextLayout.pad(s.money(figures?.total), to: 12, alignment: .right)
                text += "  +\(figures?.pointsEarned ?? 0)"
                if let redeemed = figures?.pointsRedeemed, redeemed > 0 { text += " -\(redeemed)" }
                if let refunded = figures?.refunded, refunded > 0 { text += "  refunded \(s.money(refunded))" }
                print(text)
            }
            if let next = r.next { print("  (more: --from \(next + 1))") }
        default:
            return false
        }
        return true
    }

    static func line(_ c: CustomerReply) -> String {
        let cards = c.cards.joined(separator: ",")
        return TextLayout.pad(String(c.id.rawValue), to: 6, alignment: .right) + "  "
            + TextLayout.pad(c.name, to: 28) + " " + TextLayout.pad(c.phone ?? "", to: 16)
            + " " + TextLayout.pad("\(c.points) p", to: 10, alignment: .right) + (cards.isEmpty ? "" : "  " + cards)
    }
}

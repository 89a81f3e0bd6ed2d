import KassaCore

/// A customer as `customer.find` lists them; `customer.get`, `customer.add` and `customer.update`
/// add the profile's `detail`.
public struct CustomerReply: ReplyValue, Hashable {
    /// The marketing consent with the register's local time of it.
    public struct Marketing: ReplyValue, Hashable {
        public var given: Bool
        public var at: Int64
        public var localTime: String

        public init(given: Bool, at: Int64, localTime: String) {
            self.given = given
            self.at = at
            self.localTime = localTime
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(given: try f.bool("given"), at: try f.int("at"), localTime: try f.string("local_time"))
        }

        public var json: JSONValue { ["given": .bool(given), "at": .int(at), "local_time": .string(localTime)] }
    }

    public struct Detail: Hashable, Sendable {
        public var notes: String
        public var marketing: Marketing?
        /// Milliseconds since the epoch.
        public var since: Int64
        public var purchases: Int64

        public init(notes: String, marketing: Marketing?, since: Int64, purchases: Int64) {
            self.notes = notes
            self.marketing = marketing
            self.since = since
            self.purchases = purchases
        }
    }

    public var id: CustomerID
    public var name: String
    public var phone: String?
    public var email: String?
    public var cards: [String]
    public var points: Int64
    public var detail: Detail?

    public init(id: CustomerID, name: String, phone: String?, email: String?, cards: [String], points: Int64, detail: Detail? = nil) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
        self.cards = cards
        self.points = points
        self.detail = detail
    }

    /// The summary `customer.find` lists.
    public init(summary c: Customer) {
        self.init(id: c.id, name: c.profile.name, phone: c.profile.phone, email: c.profile.email, cards: c.profile.cards, points: c.points)
    }

    /// The whole profile, times also in the register's local time.
    public init(_ c: Customer, localTime: (Timestamp) -> String) {
        self.init(summary: c)
        detail = Detail(notes: c.profile.notes,
                        marketing: c.profile.marketing.map { Marketing(given: $0.given, at: $0.at.milliseconds, localTime: localTime($0.at)) },
                        since: c.since.milliseconds, purchases: Int64(c.receipts.count))
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(id: CustomerID(UInt64(clamping: try f.int("id"))), name: try f.string("name"), phone: try f.optionalString("phone"),
                  email: try f.optionalString("email"), cards: try f.strings("cards"), points: try f.int("points"))
        if let notes = try f.optionalString("notes") {
            detail = Detail(notes: notes, marketing: try f.optionalValue("marketing"), since: try f.int("since"),
                            purchases: try f.int("purchases"))
        }
    }

    public var json: JSONValue {
        var o: JSONObject = ["id": id.json, "name": .string(name), "phone": phone.map(JSONValue.string) ?? .null,
                             "email": email.map(JSONValue.string) ?? .null, "cards": .array(cards.map(JSONValue.string)),
                             "points": .int(points)]
        if let detail {
            o["notes"] = .string(detail.notes)
            o["marketing"] = detail.marketing.json
            o["since"] = .int(detail.since)
            o["purchases"] = .int(detail.purchases)
        }
        return .object(o)
    }
}

/// `{"customer": …}`: the customer a clerk just added or changed.
public struct CustomerResultReply: ReplyValue, Hashable {
    public var customer: CustomerReply?

    public init(customer: CustomerReply?) {
        self.customer = customer
    }

    public init(json: JSONValue) throws(IPCError) {
        self.init(customer: try ReplyFields(json).value("customer"))
    }

    public var json: JSONValue { ["customer": customer.json] }
}

/// `customer.find`: the customers found, and whether more match than were listed.
public struct CustomerFindReply: ReplyValue, Hashable {
    public var customers: [CustomerReply]
    public var more: Bool

    public init(customers: [CustomerReply], more: Bool) {
        self.customers = customers
        self.more = more
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(customers: try f.values("customers"), more: try f.bool("more"))
    }

    public var json: JSONValue { ["customers": customers.json, "more": .bool(more)] }
}

/// `customer.get`: the customer and a page of their purchases, newest first; `next` is the offset
/// of the next page, nil after the last.
public struct CustomerHistoryReply: ReplyValue, Hashable {
    /// One purchase as read from the journal; only its receipt number when it could not be read.
    public struct Purchase: ReplyValue, Hashable {
        public struct Figures: Hashable, Sendable {
            /// Milliseconds since the epoch.
            public var time: Int64
            public var localTime: String
            public var total: Int64
            public var refunded: Int64
            public var pointsEarned: Int64
            public var pointsRedeemed: Int64

            public init(time: Int64, localTime: String, total: Int64, refunded: Int64, pointsEarned: Int64, pointsRedeemed: Int64) {
                self.time = time
                self.localTime = localTime
                self.total = total
                self.refunded = refunded
                self.pointsEarned = pointsEarned
                self.pointsRedeemed = pointsRedeemed
            }
        }

        public var receipt: Int64
        /// Nil when the sale could not be read (`unreadable` on the wire).
        public var figures: Figures?

        public init(receipt: Int64, figures: Figures?) {
            self.receipt = receipt
            self.figures = figures
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            receipt = try f.int("receipt")
            if try f.optionalBool("unreadable") == true {
                figures = nil
            } else {
                figures = Figures(time: try f.int("time"), localTime: try f.string("local_time"), total: try f.int("total"),
                                  refunded: try f.int("refunded"), pointsEarned: try f.int("points_earned"),
                                  pointsRedeemed: try f.int("points_redeemed"))
            }
        }

        public var json: JSONValue {
            guard let p = figures else { return ["receipt": .int(receipt), "unreadable": true] }
            return ["receipt": .int(receipt), "time": .int(p.time), "local_time": .string(p.localTime), "total": .int(p.total),
                    "refunded": .int(p.refunded), "points_earned": .int(p.pointsEarned), "points_redeemed": .int(p.pointsRedeemed)]
        }
    }

    public var customer: CustomerReply
    public var history: [Purchase]
    public var historyTotal: Int64
    public var next: Int64?

    public init(customer: CustomerReply, history: [Purchase], historyTotal: Int64, next: Int64?) {
        self.customer = customer
        self.history = history
        self.historyTotal = historyTotal
        self.next = next
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(customer: try f.value("customer"), history: try f.values("history"), historyTotal: try f.int("history_total"),
                  next: try f.optionalInt("next"))
    }

    public var json: JSONValue {
        ["customer": customer.json, "history": history.json, "history_total": .int(historyTotal),
         "next": next.map(JSONValue.int) ?? .null]
    }
}

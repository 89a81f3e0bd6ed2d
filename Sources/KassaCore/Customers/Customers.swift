/// Customers: profiles the shop keeps with the customer's consent, found by loyalty card, phone or
/// name, and forgotten when the customer asks.
///
/// A profile is personal data. It lives in `customerAdded`/`customerUpdated` events and in the
/// register's state; `customerRemoved` drops it from the state (and so from every snapshot written
/// after, from lookups, receipts and reports), while sales keep only the customer's number and
/// points. The journal itself is append-only and hash-chained: the earlier events stay in it.

/// A customer, numbered by the register from 1 and never reused.
public struct CustomerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
    public static func < (a: CustomerID, b: CustomerID) -> Bool { a.rawValue < b.rawValue }
}

/// Whether the customer agreed to marketing, and when they said so (given or withdrawn).
public struct MarketingConsent: Hashable, Sendable {
    public var given: Bool
    public var at: Timestamp

    public init(given: Bool, at: Timestamp) {
        self.given = given
        self.at = at
    }
}

/// What the customer told the shop about themselves, validated and normalised.
public struct CustomerProfile: Hashable, Sendable {
    public var name: String
    /// Digits, with a leading "+" when given in international form.
    public var phone: String?
    public var email: String?
    public var notes: String
    /// Nil until the customer was asked.
    public var marketing: MarketingConsent?
    /// Loyalty card numbers (barcode or magnetic stripe), as read from the card.
    public var cards: [String]

    public init(name: String, phone: String? = nil, email: String? = nil, notes: String = "",
                marketing: MarketingConsent? = nil, cards: [String] = []) {
        self.name = name
        self.phone = phone
        self.email = email
        self.notes = notes
        self.marketing = marketing
        self.cards = cards
    }
}

/// A customer as the register knows them.
public struct Customer: Hashable, Sendable {
    public var id: CustomerID
    public var profile: CustomerProfile
    public var since: Timestamp
    /// Loyalty points; never below zero.
    public var points: Int64
    /// Receipt numbers of the (non-training) sales made to this customer, oldest first.
    public var receipts: [UInt64]

    public init(id: CustomerID, profile: CustomerProfile, since: Timestamp, points: Int64 = 0, receipts: [UInt64] = []) {
        self.id = id
        self.profile = profile
        self.since = since
        self.points = points
        self.receipts = receipts
    }
}

/// A new customer's details, or the changes to an existing one's: what is nil stays as it is.
public struct CustomerChanges: Hashable, Sendable {
    public var name: String?
    /// A phone number, or "" to remove it.
    public var phone: String?
    /// An email address, or "" to remove it.
    public var email: String?
    public var notes: String?
    /// The customer gave (true) or withdrew (false) consent to marketing; stamped with the time.
    public var marketing: Bool?
    public var addCards: [String]
    public var removeCards: [String]

    public init(name: String? = nil, phone: String? = nil, email: String? = nil, notes: String? = nil, marketing: Bool? = nil,
                addCards: [String] = [], removeCards: [String] = []) {
        self.name = name
        self.phone = phone
        self.email = email
        self.notes = notes
        self.marketing = marketing
        self.addCards = addCards
        self.removeCards = removeCards
    }
}

/// Why a customer or loyalty request was refused.
public enum CustomerProblem: Error, Hashable, Sendable {
    case emptyName
    case tooLong(field: String, limit: Int)
    case controlCharacters(field: String)
    case malformedPhone(String)
    case malformedEmail(String)
    case malformedCard(String)
    /// The number could be a payment card's (`CardNumberMasker.couldBePaymentCard`): it is never
    /// stored, so the refusal does not repeat it.
    case paymentCardNumber
    case cardInUse(String, by: CustomerID)
    case cardIsItemCode(String, ItemID)
    case cardIsStaffBadge
    case cardNotOnCustomer(String)
    case tooManyCards(limit: Int)
    case unknownCustomer(CustomerID)
    case unknownCard
    /// The customer is on an open or parked sale: finish or detach it first.
    case onSale(CustomerID, sale: UInt64)
    case noCustomerOnSale
    case belowMinimumRedemption(minimum: Int64)
    case notEnoughPoints(balance: Int64)
    /// The points are worth more than what is left of the sale to take them off.
    case redemptionExceedsSale(value: Int64, sale: Int64)
}

public enum Customers {
    public static let maxNameBytes = 100
    public static let maxNotesBytes = 500
    public static let maxCards = 5
    /// The most customers one `find` returns.
    public static let maxFound = 50

    /// The profile these changes make of `current` (an empty one for a new customer), checked.
    /// A card may not be another customer's, an item's code, a staff badge or a payment card.
    static func profile(_ current: CustomerProfile?, _ changes: CustomerChanges, id: CustomerID?, state: RegisterState,
                        env: RegisterEnvironment, now: Timestamp) throws(CustomerProblem) -> CustomerProfile {
        var p = current ?? CustomerProfile(name: "")
        if let name = changes.name {
            p.name = try text(name, field: "name", limit: maxNameBytes)
        }
        guard !p.name.isEmpty else { throw .emptyName }
        if let phone = changes.phone {
            if phone.trimmingSpaces().isEmpty {
                p.phone = nil
            } else {
                guard let normalised = normalisedPhone(phone) else { throw .malformedPhone(phone) }
                p.phone = normalised
            }
        }
        if let email = changes.email {
            let e = email.trimmingSpaces()
            if e.isEmpty { p.email = nil } else {
                guard isEmail(e) else { throw .malformedEmail(email) }
                p.email = e
            }
        }
        if let notes = changes.notes {
            p.notes = try text(notes, field: "notes", limit: maxNotesBytes)
        }
        if let given = changes.marketing, p.marketing?.given != given {
            p.marketing = MarketingConsent(given: given, at: now)
        }
        for raw in changes.removeCards {
            let card = raw.trimmingSpaces()
            guard let i = p.cards.firstIndex(of: card) else { throw .cardNotOnCustomer(card) }
            p.cards.remove(at: i)
        }
        for raw in changes.addCards {
            let card = try checkedCard(raw, state: state, env: env)
            if let owner = state.customerCards[card], owner != id { throw .cardInUse(card, by: owner) }
            if !p.cards.contains(card) { p.cards.append(card) }
        }
        guard p.cards.count <= maxCards else { throw .tooManyCards(limit: maxCards) }
        return p
    }

    /// One line of text, trimmed, card numbers in it masked.
    private static func text(_ raw: String, field: String, limit: Int) throws(CustomerProblem) -> String {
        let t = raw.trimmingSpaces()
        guard !t.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .controlCharacters(field: field)
        }
        guard t.utf8.count <= limit else { throw .tooLong(field: field, limit: limit) }
        return CardNumberMasker.maskAll(in: t)
    }

    private static func checkedCard(_ raw: String, state: RegisterState, env: RegisterEnvironment) throws(CustomerProblem) -> String {
        let card = raw.trimmingSpaces()
        // First, so that a payment card's number is never repeated in any other refusal.
        guard !CardNumberMasker.couldBePaymentCard(card) else { throw .paymentCardNumber }
        guard (4...32).contains(card.utf8.count), card.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw .malformedCard(card)
        }
        if let resolved = try? env.catalog.resolve(card) {
            switch resolved {
            case .item(let item), .weighed(let item, _), .priced(let item, _): throw .cardIsItemCode(card, item.id)
            }
        }
        guard env.pins.badgeOwner(of: card) == nil else { throw .cardIsStaffBadge }
        return card
    }

    /// A phone number as digits, with "+" kept in front of an international one; spaces, dashes,
    /// dots and brackets may separate them. Nil unless it has 6 to 15 digits (E.164's most).
    public static func normalisedPhone(_ raw: String) -> String? {
        let t = raw.trimmingSpaces()
        var digits = ""
        for (i, c) in t.enumerated() {
            if c.isASCII, c.isNumber {
                digits.append(c)
            } else if c == "+" {
                guard i == 0 else { return nil }
            } else if !" -.()".contains(c) {
                return nil
            }
        }
        guard (6...15).contains(digits.count) else { return nil }
        return (t.first == "+" ? "+" : "") + digits
    }

    /// Whether two phone numbers are the same line: the same digits once a national trunk "0" and
    /// an international "+" are left out, one ending with the other (a country code in front),
    /// and the shorter at least 6 digits.
    public static func phoneMatches(_ stored: String, _ query: String) -> Bool {
        func core(_ s: String) -> Substring {
            let digits = s.filter { $0.isASCII && $0.isNumber }
            return digits.drop { $0 == "0" }
        }
        let a = core(stored)
        let b = core(query)
        guard min(a.count, b.count) >= 6 else { return a == b && !a.isEmpty }
        return a.hasSuffix(b) || b.hasSuffix(a)
    }

    static func isEmail(_ s: String) -> Bool {
        guard s.utf8.count <= 254, !s.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        return domain.contains(".") && domain.first != "." && domain.last != "." && !String(domain).includes("..")
    }

    /// A card number as a receipt or a list may show it: its last four characters.
    public static func masked(_ card: String) -> String {
        guard card.count > 4 else { return card }
        return String(repeating: "*", count: card.count - 4) + card.suffix(4)
    }
}

/// How to look a customer up.
public enum CustomerQuery: Hashable, Sendable {
    /// A loyalty card's number, exactly.
    case card(String)
    /// A phone number in any common writing (see `Customers.phoneMatches`).
    case phone(String)
    /// Part of the name, in any case.
    case name(String)
}

extension RegisterState {
    /// Customers matching the query, by name (then number), at most `limit`; `more` when others
    /// match too.
    public func findCustomers(_ query: CustomerQuery, limit: Int) -> (found: [Customer], more: Bool) {
        var found: [Customer]
        switch query {
        case .card(let card):
            found = customerState.customerCards[card.trimmingSpaces()].flatMap { customerState.customers[$0] }.map { [$0] } ?? []
        case .phone(let phone):
            found = customerState.customers.values.filter { c in
                c.profile.phone.map { Customers.phoneMatches($0, phone) } ?? false
            }
        case .name(let part):
            let needle = part.trimmingSpaces().lowercased()
            guard !needle.isEmpty else { return ([], false) }
            found = customerState.customers.values.filter { $0.profile.name.lowercased().includes(needle) }
        }
        found.sort { ($0.profile.name.lowercased(), $0.id) < ($1.profile.name.lowercased(), $1.id) }
        let n = max(0, limit)
        return (Array(found.prefix(n)), found.count > n)
    }

    /// What refunds have given back of a (non-training) receipt so far.
    public func refundedAmount(ofReceipt number: UInt64) -> Int64 {
        (refundState.refunded[ReceiptKey(number: number, training: false)] ?? [:]).values.reduce(Int64(0)) { $0 &+ $1.gross }
    }

    /// The open or parked sale a customer is on, if any.
    func saleOf(_ id: CustomerID) -> UInt64? {
        customerState.saleCustomers.filter { $0.value.customer == id }.keys.min()
    }

    // MARK: Decisions

    func addCustomer(_ changes: CustomerChanges, _ env: RegisterEnvironment, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        let id = CustomerID(customerState.lastCustomerID + 1)
        do {
            let profile = try Customers.profile(nil, changes, id: id, state: self, env: env, now: ctx.now)
            return [.customerAdded(id, profile, by: me, at: ctx.now)]
        } catch { throw .customer(error) }
    }

    func updateCustomer(_ id: CustomerID, _ changes: CustomerChanges, _ env: RegisterEnvironment,
                        _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        guard let current = customerState.customers[id] else { throw .customer(.unknownCustomer(id)) }
        do {
            let profile = try Customers.profile(current.profile, changes, id: id, state: self, env: env, now: ctx.now)
            guard profile != current.profile else { return [] }
            return [.customerUpdated(id, profile, by: me, at: ctx.now)]
        } catch { throw .customer(error) }
    }

    func removeCustomer(_ id: CustomerID, by: OperatorID, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        guard customerState.customers[id] != nil else { throw .customer(.unknownCustomer(id)) }
        if let sale = saleOf(id) { throw .customer(.onSale(id, sale: sale)) }
        return [.customerRemoved(id, by: by, at: ctx.now)]
    }

    /// Puts the customer on the open sale (opening one if none is open), or takes them off it.
    func attachCustomer(_ id: CustomerID?, _ env: RegisterEnvironment, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        if let id, customerState.customers[id] == nil { throw .customer(.unknownCustomer(id)) }
        guard let open = saleState.openSale else {
            guard let id else { throw .noOpenSale }
            guard shiftAndDayState.shift != nil || staffState.training else { throw .shiftNotOpen }
            let sale = saleState.lastSaleID + 1
            return [.saleOpened(id: sale, by: me, training: staffState.training, at: ctx.now), .saleCustomerSet(sale: sale, id)]
        }
        guard open.tenders.isEmpty else { throw .tendersPresent }
        let current = customerState.saleCustomers[open.id]?.customer
        guard id != nil || current != nil else { throw .customer(.noCustomerOnSale) }
        guard id != current else { return [] }
        return [.saleCustomerSet(sale: open.id, id)]
    }
}

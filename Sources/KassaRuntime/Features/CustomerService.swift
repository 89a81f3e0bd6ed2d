import KassaCore
import KassaIPC

/// Customers and loyalty points over the socket. Every change is decided by
/// `RegisterState.decide` and journaled before the reply.
///
/// Rights: anyone logged in finds, reads, adds and updates customers (a cashier signs a customer
/// up at the till), puts them on a sale and redeems their points; a technician's session (the
/// console) may find and read them too. Forgetting a customer needs a supervisor (logged in, or
/// their PIN as `override_pin`) or a technician's session.
extension RegisterService {

    /// The result of a customer or loyalty operation, or nil when `op` is none of them.
    func performCustomers(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID,
                          key: RequestKey?) throws(IPCError) -> JSONValue? {
        switch op {
        case .customerAdd:
            var changes = try customerChanges(&args)
            if let cards = args.value("cards") {
                guard let list = cards.arrayValue?.compactMap(\.stringValue), list.count == cards.arrayValue?.count else {
                    throw IPCError(.badArgs, "customer.add: 'cards' must be a list of card numbers")
                }
                changes.addCards = list
            }
            return try run(.addCustomer(changes), key: key) { [self] s, events in
                for e in events {
                    if case .customerAdded(let id, _, _, _) = e { return customerResult(s.customers[id]) }
                }
                return [:]
            }
        case .customerUpdate:
            let id = try customerID(&args)
            var changes = try customerChanges(&args)
            if let card = try args.optionalString("add_card") { changes.addCards = [card] }
            if let card = try args.optionalString("remove_card") { changes.removeCards = [card] }
            return try run(.updateCustomer(id, changes), key: key) { [self] s, _ in customerResult(s.customers[id]) }
        case .customerRemove:
            let id = try customerID(&args)
            let pin = try args.optionalString("override_pin")
            let result = try run(.removeCustomer(id, override: pin), key: key,
                                 caller: pin == nil ? consoleCaller(connection) : .register) { _, _ in
                ["customer": id.json, "removed": true]
            }
            log.notice("customer forgotten on request", ["customer": id.description])
            return result
        case .customerFind:
            let card = try args.optionalString("card")
            let phone = try args.optionalString("phone")
            let name = try args.optionalString("name")
            let limit = try args.optionalInt("limit") ?? 20
            let query: CustomerQuery
            switch (card, phone, name) {
            case (let c?, nil, nil): query = .card(c)
            case (nil, let p?, nil): query = .phone(p)
            case (nil, nil, let n?): query = .name(n)
            default: throw IPCError(.badArgs, "customer.find: give one of 'card', 'phone' or 'name'")
            }
            guard (1...Int64(Customers.maxFound)).contains(limit) else {
                throw IPCError(.badArgs, "customer.find: 'limit' must be 1 to \(Customers.maxFound)")
            }
            let (found, more) = ledger.state.findCustomers(query, limit: Int(limit))
            return CustomerFindReply(customers: found.map { CustomerReply(summary: $0) }, more: more).json
        case .customerGet:
            let id = try customerID(&args)
            let offset = try args.optionalInt("history_offset") ?? 0
            let limit = try args.optionalInt("history_limit") ?? 20
            guard offset >= 0, (1...100).contains(limit) else {
                throw IPCError(.badArgs, "customer.get: 'history_offset' must be 0 or more and 'history_limit' 1 to 100")
            }
            guard let customer = ledger.state.customers[id] else { throw Refusal.customer(.unknownCustomer(id)).ipcError }
            return purchaseHistory(customer, offset: Int(offset), limit: Int(limit))

        case .saleCustomer:
            let id = try args.optionalInt("customer")
            let card = try args.optionalString("card")
            let customer: CustomerID?
            switch (id, card) {
            case (let id?, nil):
                guard id > 0 else { throw IPCError(.badArgs, "sale.customer: 'customer' is a customer's number (1 or more)") }
                customer = CustomerID(UInt64(id))
            case (nil, let card?):
                guard let found = ledger.state.customerCards[card.trimmingSpaces()] else {
                    throw Refusal.customer(.unknownCard).ipcError
                }
                customer = found
            case (nil, nil): customer = nil
            default: throw IPCError(.badArgs, "sale.customer: give 'customer' or 'card' (neither takes the customer off)")
            }
            if ledger.state.openSale == nil { try refuseNewSaleWhenDiskFull() }
            return try runSale(.setSaleCustomer(customer), key: key)
        case .saleRedeemPoints:
            let points = try args.int("points")
            return try runSale(.redeemPoints(points), key: key)
        default:
            return nil
        }
    }

    /// A sale's or refund's customer as its receipt names them: the name, with the last digits of
    /// a loyalty card; nil once forgotten (the receipt then shows their number).
    func customerLabel(_ id: CustomerID) -> String? {
        guard let c = ledger.state.customers[id] else { return nil }
        return c.profile.name + (c.profile.cards.first.map { " (\(Customers.masked($0)))" } ?? "")
    }

    private func customerID(_ args: inout RequestArguments) throws(IPCError) -> CustomerID {
        let id = try args.int("customer")
        guard id > 0 else { throw IPCError(.badArgs, "\(args.op): 'customer' is a customer's number (1 or more)") }
        return CustomerID(UInt64(id))
    }

    private func customerChanges(_ args: inout RequestArguments) throws(IPCError) -> CustomerChanges {
        CustomerChanges(name: try args.optionalString("name"), phone: try args.optionalString("phone"),
                        email: try args.optionalString("email"), notes: try args.optionalString("notes"),
                        marketing: try args.optionalBool("marketing"))
    }

    /// `{"customer": …}` with the whole profile, nil once forgotten.
    func customerResult(_ customer: Customer?) -> JSONValue {
        CustomerResultReply(customer: customer.map { CustomerReply($0, localTime: localTimeText) }).json
    }

    /// The customer and a page of their purchases, newest first, each read from the journal.
    private func purchaseHistory(_ c: Customer, offset: Int, limit: Int) -> JSONValue {
        var rows: [CustomerHistoryReply.Purchase] = []
        for number in c.receipts.reversed().dropFirst(offset).prefix(limit) {
            guard let (sale, _) = try? ledger.sale(receipt: number) else {
                rows.append(.init(receipt: Int64(number), figures: nil))
                continue
            }
            let refunded = ledger.state.refundedAmount(ofReceipt: number)
            rows.append(.init(receipt: Int64(number), figures: .init(
                time: sale.time.milliseconds, localTime: localTimeText(sale.time), total: sale.total, refunded: refunded,
                pointsEarned: sale.loyalty?.earned ?? 0, pointsRedeemed: sale.loyalty?.redeemed ?? 0)))
        }
        let next = offset + rows.count < c.receipts.count ? Int64(offset + rows.count) : nil
        return CustomerHistoryReply(customer: CustomerReply(c, localTime: localTimeText), history: rows,
                                    historyTotal: Int64(c.receipts.count), next: next).json
    }
}

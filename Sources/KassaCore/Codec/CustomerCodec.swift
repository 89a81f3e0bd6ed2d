/// The binary form of customers and their loyalty points: profiles, the customer on a sale and
/// the points redeemed on it.
extension ByteWriter {
    /// Added and updated alike: the whole profile as it now is.
    mutating func customerChanged(_ customer: CustomerID, _ p: CustomerProfile, by: OperatorID, at: Timestamp) {
        varint(customer.rawValue); profile(p); id(by); time(at)
    }

    mutating func customerRemoved(_ customer: CustomerID, by: OperatorID, at: Timestamp) { varint(customer.rawValue); id(by); time(at) }
    mutating func saleCustomerSet(_ sale: UInt64, _ customer: CustomerID?) { varint(sale); optional(customer) { $0.varint($1.rawValue) } }
    mutating func pointsRedemptionSet(_ sale: UInt64, points: Int64, value: Int64) { varint(sale); zigzag(points); zigzag(value) }

    mutating func profile(_ p: CustomerProfile) {
        string(p.name)
        optional(p.phone) { $0.string($1) }
        optional(p.email) { $0.string($1) }
        string(p.notes)
        optional(p.marketing) { w, m in w.bool(m.given); w.time(m.at) }
        array(p.cards) { $0.string($1) }
    }

    /// In a snapshot: the customers, their points, and the customer on each open or parked sale.
    mutating func customersState(_ s: CustomerState) {
        varint(s.lastCustomerID)
        array(s.customers.keys.sorted()) { w, k in
            let c = s.customers[k]!
            w.varint(k.rawValue); w.profile(c.profile); w.time(c.since); w.zigzag(c.points)
            w.array(c.receipts) { w, r in w.varint(r) }
        }
        array(s.saleCustomers.keys.sorted()) { w, k in
            let c = s.saleCustomers[k]!
            w.varint(k); w.varint(c.customer.rawValue); w.zigzag(c.redeemPoints); w.zigzag(c.redeemValue)
        }
    }
}

extension ByteReader {
    mutating func customerAdded() throws(CodecError) -> RegisterEvent {
        .customerAdded(CustomerID(try varint()), try profile(), by: try id(), at: try time())
    }

    mutating func customerUpdated() throws(CodecError) -> RegisterEvent {
        .customerUpdated(CustomerID(try varint()), try profile(), by: try id(), at: try time())
    }

    mutating func customerRemoved() throws(CodecError) -> RegisterEvent {
        .customerRemoved(CustomerID(try varint()), by: try id(), at: try time())
    }

    mutating func saleCustomerSet() throws(CodecError) -> RegisterEvent {
        .saleCustomerSet(sale: try varint(), try optional { r throws(CodecError) in CustomerID(try r.varint()) })
    }

    mutating func pointsRedemptionSet() throws(CodecError) -> RegisterEvent {
        .pointsRedemptionSet(sale: try varint(), points: try zigzag(), value: try zigzag())
    }

    mutating func profile() throws(CodecError) -> CustomerProfile {
        CustomerProfile(name: try string(), phone: try optional { r throws(CodecError) in try r.string() },
                        email: try optional { r throws(CodecError) in try r.string() }, notes: try string(),
                        marketing: try optional { r throws(CodecError) in MarketingConsent(given: try r.bool(), at: try r.time()) },
                        cards: try array { r throws(CodecError) in try r.string() })
    }

    mutating func customersState(into s: inout CustomerState) throws(CodecError) {
        s.lastCustomerID = try varint()
        for _ in 0..<(try count()) {
            let id = CustomerID(try varint())
            s.customers[id] = Customer(id: id, profile: try profile(), since: try time(), points: try zigzag(),
                                       receipts: try array { r throws(CodecError) in try r.varint() })
        }
        for _ in 0..<(try count()) {
            let sale = try varint()
            s.saleCustomers[sale] = SaleCustomer(customer: CustomerID(try varint()), redeemPoints: try zigzag(),
                                                 redeemValue: try zigzag())
        }
        s.indexCards()
    }
}

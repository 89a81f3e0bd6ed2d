import KassaCore

/// The open sale (`sale.get`, every sale operation, the `sale.changed` event): its lines priced,
/// its totals, and what is still due.
public struct SaleReply: ReplyValue, Hashable {
    public var id: Int64
    public var training: Bool
    public var operatorID: OperatorID
    public var lines: [Line]
    public var tenders: [Tender]
    public var totalled: Bool
    /// Before the receipt discount and promotions.
    public var subtotal: Int64
    public var total: Int64
    public var discountTotal: Int64
    public var breakdown: [TaxBreakdownLine]
    public var paid: Int64
    public var due: Int64
    /// What is due in cash, after cash rounding.
    public var cashDue: Int64
    public var receiptDiscount: Discount?
    /// Nil when no promotion applies.
    public var promotions: [AppliedPromotion]?
    public var customer: Customer?
    /// Nil when no points are redeemed.
    public var redeem: Redemption?

    public init(id: Int64, training: Bool, operatorID: OperatorID, lines: [Line], tenders: [Tender], totalled: Bool,
                subtotal: Int64, total: Int64, discountTotal: Int64, breakdown: [TaxBreakdownLine], paid: Int64, due: Int64,
                cashDue: Int64, receiptDiscount: Discount? = nil, promotions: [AppliedPromotion]? = nil,
                customer: Customer? = nil, redeem: Redemption? = nil) {
        self.id = id
        self.training = training
        self.operatorID = operatorID
        self.lines = lines
        self.tenders = tenders
        self.totalled = totalled
        self.subtotal = subtotal
        self.total = total
        self.discountTotal = discountTotal
        self.breakdown = breakdown
        self.paid = paid
        self.due = due
        self.cashDue = cashDue
        self.receiptDiscount = receiptDiscount
        self.promotions = promotions
        self.customer = customer
        self.redeem = redeem
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(id: try f.int("id"), training: try f.bool("training"), operatorID: OperatorID(try f.string("operator")),
                  lines: try f.values("lines"), tenders: try f.values("tenders"), totalled: try f.bool("totalled"),
                  subtotal: try f.int("subtotal"), total: try f.int("total"), discountTotal: try f.int("discount_total"),
                  breakdown: try f.values("breakdown"), paid: try f.int("paid"), due: try f.int("due"),
                  cashDue: try f.int("cash_due"), receiptDiscount: try f.optionalValue("receipt_discount"),
                  promotions: try f.optionalValues("promotions"), customer: try f.optionalValue("customer"),
                  redeem: try f.optionalValue("redeem"))
    }

    public var json: JSONValue {
        var o: JSONObject = [
            "id": .int(id), "training": .bool(training), "operator": operatorID.json,
            "lines": .array(lines.map(\.json)), "tenders": .array(tenders.map(\.json)), "totalled": .bool(totalled),
            "subtotal": .int(subtotal), "total": .int(total), "discount_total": .int(discountTotal),
            "breakdown": .array(breakdown.map(\.json)), "paid": .int(paid), "due": .int(due), "cash_due": .int(cashDue),
        ]
        if let receiptDiscount { o["receipt_discount"] = receiptDiscount.json }
        if let promotions { o["promotions"] = .array(promotions.map(\.json)) }
        if let customer { o["customer"] = customer.json }
        if let redeem { o["redeem"] = redeem.json }
        return .object(o)
    }

    /// A line as sold, with its position in the sale and what it comes to after discounts.
    public struct Line: ReplyValue, Hashable {
        public var sold: SaleLineReply
        /// 0-based, voided lines included.
        public var line: Int64
        /// After line and receipt discounts and promotions; nil when the sale could not be priced.
        public var gross: Int64?
        /// What promotions took off; nil when none did.
        public var promotion: Int64?

        public init(sold: SaleLineReply, line: Int64, gross: Int64? = nil, promotion: Int64? = nil) {
            self.sold = sold
            self.line = line
            self.gross = gross
            self.promotion = promotion
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(sold: try SaleLineReply(json: json), line: try f.int("line"), gross: try f.optionalInt("gross"),
                      promotion: try f.optionalInt("promotion"))
        }

        public var json: JSONValue {
            guard case .object(var o) = sold.json else { return sold.json }
            o["line"] = .int(line)
            if let gross { o["gross"] = .int(gross) }
            if let promotion { o["promotion"] = .int(promotion) }
            return .object(o)
        }
    }

    /// The customer on the sale and their points before it.
    public struct Customer: ReplyValue, Hashable {
        public var id: Int64
        public var name: String
        public var points: Int64

        public init(id: Int64, name: String, points: Int64) {
            self.id = id
            self.name = name
            self.points = points
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(id: try f.int("id"), name: try f.string("name"), points: try f.int("points"))
        }

        public var json: JSONValue { ["id": .int(id), "name": .string(name), "points": .int(points)] }
    }

    /// Points redeemed on the sale and the money they take off.
    public struct Redemption: ReplyValue, Hashable {
        public var points: Int64
        public var value: Int64

        public init(points: Int64, value: Int64) {
            self.points = points
            self.value = value
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(points: try f.int("points"), value: try f.int("value"))
        }

        public var json: JSONValue { ["points": .int(points), "value": .int(value)] }
    }
}

/// A sale line as the wire shows it, in the sale and in `kassa journal dump`.
public struct SaleLineReply: ReplyValue, Hashable {
    public var item: String
    public var name: String
    public var department: String
    /// `piece` or `weight` (grams).
    public var unit: String
    public var quantity: Int64
    public var unitPrice: Int64
    public var catalogPrice: Int64
    public var taxClass: String
    public var taxBasisPoints: Int64
    public var voided: Bool
    public var discount: Discount?
    public var authorisedBy: OperatorID?
    public var fixedAmount: Int64?
    /// After the line's own discount; nil when it does not fit in an amount.
    public var amount: Int64?

    public init(item: String, name: String, department: String, unit: String, quantity: Int64, unitPrice: Int64,
                catalogPrice: Int64, taxClass: String, taxBasisPoints: Int64, voided: Bool, discount: Discount? = nil,
                authorisedBy: OperatorID? = nil, fixedAmount: Int64? = nil, amount: Int64? = nil) {
        self.item = item
        self.name = name
        self.department = department
        self.unit = unit
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.catalogPrice = catalogPrice
        self.taxClass = taxClass
        self.taxBasisPoints = taxBasisPoints
        self.voided = voided
        self.discount = discount
        self.authorisedBy = authorisedBy
        self.fixedAmount = fixedAmount
        self.amount = amount
    }

    public init(_ l: SaleLine) {
        self.init(item: l.itemID.rawValue, name: l.name, department: l.department, unit: l.unit.rawValue, quantity: l.quantity,
                  unitPrice: l.unitPrice, catalogPrice: l.catalogPrice, taxClass: l.taxClass.rawValue,
                  taxBasisPoints: Int64(l.taxBasisPoints), voided: l.voided, discount: l.discount, authorisedBy: l.authorisedBy,
                  fixedAmount: l.fixedAmount, amount: try? l.baseAmount())
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(item: try f.string("item"), name: try f.string("name"), department: try f.string("department"),
                  unit: try f.string("unit"), quantity: try f.int("quantity"), unitPrice: try f.int("unit_price"),
                  catalogPrice: try f.int("catalog_price"), taxClass: try f.string("tax_class"),
                  taxBasisPoints: try f.int("tax_bp"), voided: try f.bool("voided"), discount: try f.optionalValue("discount"),
                  authorisedBy: try f.optionalString("authorised_by").map { OperatorID($0) }, fixedAmount: try f.optionalInt("fixed_amount"),
                  amount: try f.optionalInt("amount"))
    }

    public var json: JSONValue {
        var o: JSONObject = [
            "item": .string(item), "name": .string(name), "department": .string(department), "unit": .string(unit),
            "quantity": .int(quantity), "unit_price": .int(unitPrice), "catalog_price": .int(catalogPrice),
            "tax_class": .string(taxClass), "tax_bp": .int(taxBasisPoints), "voided": .bool(voided),
        ]
        if let discount { o["discount"] = discount.json }
        if let authorisedBy { o["authorised_by"] = authorisedBy.json }
        if let fixedAmount { o["fixed_amount"] = .int(fixedAmount) }
        if let amount { o["amount"] = .int(amount) }
        return .object(o)
    }
}

/// A sale on hold, as `sale.parked` and `status` list it.
public struct ParkedSaleReply: ReplyValue, Hashable {
    public var parkID: Int64
    /// Lines not voided.
    public var lines: Int64
    public var total: Int64

    public init(parkID: Int64, lines: Int64, total: Int64) {
        self.parkID = parkID
        self.lines = lines
        self.total = total
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(parkID: try f.int("park_id"), lines: try f.int("lines"), total: try f.int("total"))
    }

    public var json: JSONValue { ["park_id": .int(parkID), "lines": .int(lines), "total": .int(total)] }
}

/// A list reply (`sale.parked`, `device.list`): an array of one shape.
extension Array: ReplyValue where Element: ReplyValue {
    public init(json: JSONValue) throws(IPCError) {
        guard let values = json.arrayValue else { throw ReplyFields.mismatch("the reply", "is not an array") }
        self = []
        for (i, v) in values.enumerated() {
            do throws(IPCError) { append(try Element(json: v)) } catch {
                throw IPCError(error.code, "[\(i)].\(error.message)")
            }
        }
    }
}

extension Array: JSONRepresentable where Element: JSONRepresentable {
    public var json: JSONValue { .array(map(\.json)) }
}

extension Discount: ReplyValue {
    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        if let bp = try f.optionalInt("percent_bp") {
            self = .percent(Int(clamping: bp))
        } else {
            self = .amount(try f.int("amount"))
        }
    }
}

extension Tender: ReplyValue {
    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(kind: try f.named("kind"), amount: try f.int("amount"), reference: try f.optionalString("reference"))
    }
}

extension TaxBreakdownLine: ReplyValue {
    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(taxClass: TaxClassID(try f.string("tax_class")), basisPoints: Int(clamping: try f.int("tax_bp")),
                  net: try f.int("net"), tax: try f.int("tax"), gross: try f.int("gross"))
    }
}

extension AppliedPromotion: ReplyValue {
    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        let shares: [ShareReply] = try f.values("lines")
        self.init(id: try f.string("id"), name: try f.string("name"), amount: try f.int("amount"), lines: shares.map(\.share))
    }

    /// One line's part of a promotion, read on its own so that an error names it.
    private struct ShareReply: ReplyValue {
        var share: LineShare
        init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            share = LineShare(line: Int(clamping: try f.int("line")), amount: try f.int("amount"))
        }
        var json: JSONValue { ["line": .int(Int64(share.line)), "amount": .int(share.amount)] }
    }
}

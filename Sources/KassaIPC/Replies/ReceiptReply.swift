import KassaCore

/// A completed sale as its payment's reply (`completed`) and the `sale.completed` event show it:
/// the receipt's figures, its printed text, and the vouchers it issued.
public struct ReceiptReply: ReplyValue, Hashable {
    public var receipt: Int64
    public var training: Bool
    public var total: Int64
    public var change: Int64
    public var rounding: Int64
    public var tenders: [Tender]
    public var breakdown: [TaxBreakdownLine]
    public var vouchers: [IssuedVoucherReply]
    /// The receipt as printed, one string a line.
    public var text: [String]

    public init(receipt: Int64, training: Bool, total: Int64, change: Int64, rounding: Int64, tenders: [Tender],
                breakdown: [TaxBreakdownLine], vouchers: [IssuedVoucherReply], text: [String]) {
        self.receipt = receipt
        self.training = training
        self.total = total
        self.change = change
        self.rounding = rounding
        self.tenders = tenders
        self.breakdown = breakdown
        self.vouchers = vouchers
        self.text = text
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(receipt: try f.int("receipt"), training: try f.bool("training"), total: try f.int("total"),
                  change: try f.int("change"), rounding: try f.int("rounding"), tenders: try f.values("tenders"),
                  breakdown: try f.values("breakdown"), vouchers: try f.values("vouchers"), text: try f.strings("text"))
    }

    public var json: JSONValue {
        ["receipt": .int(receipt), "training": .bool(training), "total": .int(total), "change": .int(change),
         "rounding": .int(rounding), "tenders": .array(tenders.map(\.json)), "breakdown": .array(breakdown.map(\.json)),
         "vouchers": .array(vouchers.map(\.json)), "text": .array(text.map(JSONValue.string))]
    }

    /// What the customer handed over, change included.
    public var paid: Int64 { tenders.reduce(0) { $0 + $1.amount } }
}

/// A voucher a sale or a refund issued, with the code to hand the customer.
public struct IssuedVoucherReply: ReplyValue, Hashable {
    public var code: String
    /// `gift` or `store_credit`.
    public var kind: String
    public var balance: Int64

    public init(code: String, kind: String, balance: Int64) {
        self.code = code
        self.kind = kind
        self.balance = balance
    }

    public init(_ issue: VoucherIssue) {
        self.init(code: issue.code, kind: issue.kind.rawValue, balance: issue.amount)
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(code: try f.string("code"), kind: try f.string("kind"), balance: try f.int("balance"))
    }

    public var json: JSONValue { ["code": .string(code), "kind": .string(kind), "balance": .int(balance)] }
}

/// A tender's reply: the receipt when it completed the sale, otherwise the sale with what is
/// still due (and, for a card the terminal did not charge, `charged: false`).
public struct PaymentReply: ReplyValue, Hashable {
    public var completed: ReceiptReply?
    /// The sale as it stands when the payment did not complete it.
    public var sale: SaleReply?
    /// False when the card terminal did not charge; nil otherwise.
    public var charged: Bool?

    public init(completed: ReceiptReply) {
        self.completed = completed
    }

    public init(sale: SaleReply?, charged: Bool? = nil) {
        self.sale = sale
        self.charged = charged
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        if let completed: ReceiptReply = try f.optionalValue("completed") {
            self.init(completed: completed)
        } else {
            self.init(sale: try f.value("sale"), charged: try f.optionalBool("charged"))
        }
    }

    public var json: JSONValue {
        if let completed { return ["completed": completed.json] }
        var o: JSONObject = ["sale": sale.json]
        if let charged { o["charged"] = .bool(charged) }
        return .object(o)
    }
}

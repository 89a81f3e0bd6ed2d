import KassaCore

/// A voucher as `voucher.get` and `voucher.list` show it: the journal's view of it (`Voucher`'s
/// JSON) with the register's local times and the issuer's name added.
public struct VoucherReply: ReplyValue, Hashable {
    public var voucher: Voucher
    public var issuedLocalTime: String
    public var issuedByName: String
    /// Each redemption's local time, in order; nil while its sale is still open.
    public var redemptionLocalTimes: [String?]

    public init(_ voucher: Voucher, issuedByName: String, localTime: (Timestamp) -> String) {
        self.voucher = voucher
        issuedLocalTime = localTime(voucher.issue.at)
        self.issuedByName = issuedByName
        redemptionLocalTimes = voucher.redemptions.map { $0.at.map(localTime) }
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        let issued = try f.value("issued") as Issued
        let redemptions = try f.values("redemptions") as [Redemption]
        voucher = Voucher(issue: issued.issue, balance: try f.int("balance"), redemptions: redemptions.map(\.redemption),
                          voidedByRefund: try f.optionalInt("voided_by_refund").map { UInt64(clamping: $0) })
        issuedLocalTime = try f.string("issued_local_time")
        issuedByName = try f.string("issued_by_name")
        redemptionLocalTimes = redemptions.map(\.localTime)
    }

    public var json: JSONValue {
        guard case .object(var o) = voucher.json else { return voucher.json }
        o["issued_local_time"] = .string(issuedLocalTime)
        o["issued_by_name"] = .string(issuedByName)
        o["redemptions"] = .array(zip(voucher.redemptions, redemptionLocalTimes).map { r, local in
            Redemption(redemption: r, localTime: local).json
        })
        return .object(o)
    }

    private struct Issued: ReplyValue {
        var issue: VoucherIssue

        init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            let source: VoucherSource
            if let refund = try f.optionalInt("refund") {
                source = .refund(UInt64(clamping: refund))
            } else {
                source = .sale(receipt: UInt64(clamping: try f.int("receipt")), line: Int(clamping: try f.int("line")))
            }
            issue = VoucherIssue(number: UInt64(clamping: try f.int("number")), code: try f.string("code"), amount: try f.int("amount"),
                                 training: try f.bool("training"), source: source, by: OperatorID(try f.string("by")),
                                 at: Timestamp(milliseconds: try f.int("at")))
        }

        var json: JSONValue { issue.json }
    }

    private struct Redemption: ReplyValue {
        var redemption: VoucherRedemption
        var localTime: String?

        init(redemption: VoucherRedemption, localTime: String?) {
            self.redemption = redemption
            self.localTime = localTime
        }

        init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            redemption = VoucherRedemption(saleID: UInt64(clamping: try f.int("sale")), receipt: try f.optionalInt("receipt").map { UInt64(clamping: $0) },
                                           at: try f.optionalInt("at").map { Timestamp(milliseconds: $0) }, amount: try f.int("amount"),
                                           balanceAfter: try f.int("balance_after"))
            localTime = try f.optionalString("local_time")
        }

        var json: JSONValue {
            guard case .object(var o) = redemption.json else { return redemption.json }
            o["local_time"] = localTime.map(JSONValue.string) ?? .null
            return .object(o)
        }
    }
}

/// `voucher.list`: a page of vouchers, oldest first, and what the shop owes on the real ones
/// still worth something (over every page).
public struct VoucherListReply: ReplyValue, Hashable {
    public var vouchers: [VoucherReply]
    public var totalVouchers: Int64
    public var next: Int64?
    public var outstandingCount: Int64
    public var outstandingTotal: Int64

    public init(vouchers: [VoucherReply], totalVouchers: Int64, next: Int64?, outstandingCount: Int64, outstandingTotal: Int64) {
        self.vouchers = vouchers
        self.totalVouchers = totalVouchers
        self.next = next
        self.outstandingCount = outstandingCount
        self.outstandingTotal = outstandingTotal
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(vouchers: try f.values("vouchers"), totalVouchers: try f.int("total_vouchers"), next: try f.optionalInt("next"),
                  outstandingCount: try f.int("outstanding_count"), outstandingTotal: try f.int("outstanding_total"))
    }

    public var json: JSONValue {
        ["vouchers": vouchers.json, "total_vouchers": .int(totalVouchers), "next": next.map(JSONValue.int) ?? .null,
         "outstanding_count": .int(outstandingCount), "outstanding_total": .int(outstandingTotal)]
    }
}

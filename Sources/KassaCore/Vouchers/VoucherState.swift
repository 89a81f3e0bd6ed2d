/// Every voucher this register issued, with its balance and history. A snapshot keeps it in its
/// `vouchers` section.
public struct VoucherState: Hashable, Sendable {
    /// Every voucher this register issued, real and training, by code; kept when used up, for
    /// their history.
    public var vouchers: [String: Voucher] = [:]
    /// The newest voucher's number (real and training share the numbers).
    public var lastVoucherNumber: UInt64 = 0

    public init() {}

    /// Applies the vouchers' events, and the voucher tenders of sales; the other events change
    /// nothing here. `openSale`: the sale open before the event, which a voucher tender pays.
    mutating func apply(_ event: RegisterEvent, openSale: OpenSale?) {
        switch event {
        case .voucherIssued(let issue):
            vouchers[issue.code] = Voucher(issue: issue, balance: issue.amount)
            lastVoucherNumber = max(lastVoucherNumber, issue.number)
        case .voucherVoided(let code, let refund, _):
            vouchers[code]?.balance = 0
            vouchers[code]?.voidedByRefund = refund
        case .tenderAdded(let tender):
            if tender.kind == .voucher, let sale = openSale { redeem(tender, in: sale) }
        case .saleCompleted(let sale):
            if let id = openSale?.id { settleRedemptions(sale, saleID: id) }
        default:
            break
        }
    }

    /// A voucher tender takes its amount off the voucher's balance at once. A reference that is
    /// no voucher of the sale's mode (a free text from before vouchers had balances) moves nothing.
    private mutating func redeem(_ tender: Tender, in sale: OpenSale) {
        guard let code = tender.reference, var v = vouchers[code], v.issue.training == sale.training else { return }
        let amount = min(max(0, tender.amount), v.balance)
        v.balance -= amount
        v.redemptions.append(VoucherRedemption(saleID: sale.id, amount: amount, balanceAfter: v.balance))
        vouchers[code] = v
    }

    /// The receipt and time of the completed sale go into the history of the vouchers it spent.
    private mutating func settleRedemptions(_ sale: CompletedSale, saleID: UInt64) {
        for code in Set(sale.tenders.compactMap({ $0.kind == .voucher ? $0.reference : nil })) {
            guard var v = vouchers[code] else { continue }
            for i in v.redemptions.indices where v.redemptions[i].saleID == saleID && v.redemptions[i].receipt == nil {
                v.redemptions[i].receipt = sale.receiptNumber
                v.redemptions[i].at = sale.time
            }
            vouchers[code] = v
        }
    }
}

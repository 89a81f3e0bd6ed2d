import KassaCore
import KassaIPC

/// Vouchers over the socket: a voucher's balance and history by its code, and the list of those
/// still worth something with what the shop owes on them. Selling and spending vouchers are sale
/// operations (`sale.sell_voucher`, `sale.tender` with `kind: voucher`, `sale.scan` of a code).
extension RegisterService {

    /// The result of a voucher lookup, or nil when `op` is none of them.
    func performVouchers(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID) throws(IPCError) -> JSONValue? {
        switch op {
        case .voucherGet:
            let typed = try args.string("code")
            let voucher: Voucher
            do { voucher = try ledger.state.voucher(code: typed, registerID: config.registerID) } catch {
                throw error.ipcError(money: config.format)
            }
            return voucherView(voucher).json
        case .voucherList:
            let all = try args.optionalBool("all") ?? false
            let training = try args.optionalBool("training") ?? false
            let offset = try args.optionalInt("offset") ?? 0
            let limit = try args.optionalInt("limit") ?? 200
            guard offset >= 0, (1...500).contains(limit) else { throw IPCError(.badArgs, "'offset' must be 0 or more and 'limit' 1 to 500") }
            let s = ledger.state
            let vouchers = s.vouchers.values
                .filter { $0.issue.training == training && (all || $0.isOutstanding) }
                .sorted { $0.issue.number < $1.issue.number }
            let start = Int(min(offset, Int64(vouchers.count)))
            let end = min(vouchers.count, start + Int(limit))
            let liability = s.voucherLiability
            return VoucherListReply(vouchers: vouchers[start..<end].map(voucherView), totalVouchers: Int64(vouchers.count),
                                    next: end < vouchers.count ? Int64(end) : nil, outstandingCount: Int64(liability.count),
                                    outstandingTotal: liability.total).json
        default:
            return nil
        }
    }

    /// A voucher as clients see it: the journal's view with local times added.
    func voucherView(_ v: Voucher) -> VoucherReply {
        VoucherReply(v, issuedByName: ledger.state.operators[v.issue.by]?.name ?? v.issue.by.rawValue, localTime: localTimeText)
    }
}

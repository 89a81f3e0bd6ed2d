import KassaCore
import KassaDevices
import KassaIPC

/// How the register's state looks to clients: the reply types of KassaIPC, built from the state.
enum Views {
    static func device(_ d: any Device) -> DeviceReply {
        DeviceReply(id: d.id, kind: d.kind.rawValue, state: d.state.rawValue, power: d.power.rawValue,
                    status: d.status.map(\.rawValue), via: d.detail, model: d.model)
    }

    /// A USB device discovery left alone, listed so that nobody wonders why it does nothing.
    static func ignored(_ d: IgnoredDevice) -> DeviceReply {
        DeviceReply(id: d.usb, kind: d.kind.rawValue, state: "ignored", power: PowerState.unknown.rawValue, status: [],
                    via: d.place, model: d.model, reason: d.reason)
    }

    /// The state's open sale, with its customer and the points redeemed on it.
    static func sale(_ state: RegisterState, _ config: RegisterConfig) -> SaleReply? {
        guard let sale = state.openSale else { return nil }
        let totals = try? state.totals(of: sale, config.priceMode)
        let subtotal = (try? SaleTotals.compute(lines: sale.lines, receiptDiscount: nil, priceMode: config.priceMode,
                                                offers: sale.offers).total) ?? 0
        let lines = sale.lines.enumerated().map { i, l in
            let priced = totals?.lines[i]
            return SaleReply.Line(sold: SaleLineReply(l), line: Int64(i), gross: priced?.gross,
                                  promotion: priced.flatMap { $0.promotion != 0 ? $0.promotion : nil })
        }
        let total = totals?.total ?? 0
        var cash: Int64 = 0
        var nonCash: Int64 = 0
        for t in sale.tenders { if t.kind == .cash { cash += t.amount } else { nonCash += t.amount } }
        var reply = SaleReply(
            id: Int64(sale.id), training: sale.training, operatorID: sale.operatorID, lines: lines, tenders: sale.tenders,
            totalled: sale.totalled, subtotal: subtotal, total: total, discountTotal: totals?.discountTotal ?? 0,
            breakdown: totals?.breakdown ?? [], paid: cash + nonCash, due: max(0, total - cash - nonCash),
            cashDue: max(0, config.cashRounding.round(total - nonCash) - cash), receiptDiscount: sale.receiptDiscount)
        if let applied = totals?.promotions, !applied.isEmpty { reply.promotions = applied }
        if let on = state.saleCustomers[sale.id] {
            let c = state.customers[on.customer]
            reply.customer = SaleReply.Customer(id: Int64(clamping: on.customer.rawValue), name: c?.profile.name ?? "",
                                                points: c?.points ?? 0)
            if on.redeemPoints > 0 { reply.redeem = SaleReply.Redemption(points: on.redeemPoints, value: on.redeemValue) }
        }
        return reply
    }

    /// `vouchers`: those the sale issued or spent; the issued ones are listed with their codes.
    static func receipt(_ s: CompletedSale, text: [String], vouchers: [Voucher] = []) -> ReceiptReply {
        let issued = vouchers.filter { if case .sale(let receipt, _) = $0.issue.source { return receipt == s.receiptNumber }; return false }
        return ReceiptReply(receipt: Int64(s.receiptNumber), training: s.training, total: s.total, change: s.change,
                            rounding: s.rounding, tenders: s.tenders, breakdown: s.breakdown,
                            vouchers: issued.map { IssuedVoucherReply($0.issue) }, text: text)
    }

    static func `operator`(_ op: Operator?) -> OperatorReply? { op.map { OperatorReply($0) } }

    /// Who is logged in now.
    static func session(_ state: RegisterState) -> OperatorResultReply {
        OperatorResultReply(operator: `operator`(state.currentOperator.flatMap { state.operators[$0] }))
    }

    /// A catalog item as `catalog.lookup` and `catalog.search` send it.
    static func item(_ item: Item) -> JSONValue { item.json }

    static func parked(_ state: RegisterState, _ config: RegisterConfig) -> [ParkedSaleReply] {
        state.parked.keys.sorted().map { id in
            let s = state.parked[id]!
            return ParkedSaleReply(parkID: Int64(id), lines: Int64(s.lines.filter { !$0.voided }.count),
                                   total: (try? state.totals(of: s, config.priceMode).total) ?? 0)
        }
    }
}

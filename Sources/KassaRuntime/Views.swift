import KassaCore
import KassaDevices
import KassaIPC

/// How the register's state looks to clients (PROTOCOL.md: Sale, Receipt, status parts).
enum Views {
    static func device(_ d: any Device) -> JSONValue {
        ["id": .string(d.id), "kind": .string(d.kind.rawValue), "state": .string(d.state.rawValue),
         "power": .string(d.power.rawValue), "status": .array(d.status.map { .string($0.rawValue) }), "via": .string(d.detail),
         "model": d.model.map(JSONValue.string) ?? .null]
    }

    /// The state's open sale, with its customer and the points redeemed on it.
    static func sale(_ state: RegisterState, _ config: RegisterConfig) -> JSONValue {
        guard let sale = state.openSale else { return .null }
        let totals = try? state.totals(of: sale, config.priceMode)
        let subtotal = (try? SaleTotals.compute(lines: sale.lines, receiptDiscount: nil, priceMode: config.priceMode,
                                                offers: sale.offers).total) ?? 0
        var lines: [JSONValue] = []
        for (i, l) in sale.lines.enumerated() {
            guard case .object(var o) = l.json else { continue }
            o["line"] = .int(Int64(i))
            if let p = totals?.lines[i] {
                o["gross"] = .int(p.gross)
                if p.promotion != 0 { o["promotion"] = .int(p.promotion) }
            }
            lines.append(.object(o))
        }
        let total = totals?.total ?? 0
        var cash: Int64 = 0
        var nonCash: Int64 = 0
        for t in sale.tenders { if t.kind == .cash { cash += t.amount } else { nonCash += t.amount } }
        var o: JSONObject = [
            "id": .int(Int64(sale.id)), "training": .bool(sale.training), "operator": sale.operatorID.json,
            "lines": .array(lines), "tenders": .array(sale.tenders.map(\.json)), "totalled": .bool(sale.totalled),
            "subtotal": .int(subtotal), "total": .int(total), "discount_total": .int(totals?.discountTotal ?? 0),
            "breakdown": .array((totals?.breakdown ?? []).map(\.json)), "paid": .int(cash + nonCash),
            "due": .int(max(0, total - cash - nonCash)),
            "cash_due": .int(max(0, config.cashRounding.round(total - nonCash) - cash)),
        ]
        if let d = sale.receiptDiscount { o["receipt_discount"] = d.json }
        if let applied = totals?.promotions, !applied.isEmpty { o["promotions"] = .array(applied.map(\.json)) }
        if let on = state.saleCustomers[sale.id] {
            let c = state.customers[on.customer]
            o["customer"] = ["id": on.customer.json, "name": .string(c?.profile.name ?? ""), "points": .int(c?.points ?? 0)]
            if on.redeemPoints > 0 { o["redeem"] = ["points": .int(on.redeemPoints), "value": .int(on.redeemValue)] }
        }
        return .object(o)
    }

    /// `vouchers`: those the sale issued or spent; the issued ones are listed with their codes.
    static func receipt(_ s: CompletedSale, text: [String], vouchers: [Voucher] = []) -> JSONValue {
        let issued = vouchers.filter { if case .sale(let receipt, _) = $0.issue.source { return receipt == s.receiptNumber }; return false }
        return ["receipt": .int(Int64(s.receiptNumber)), "training": .bool(s.training), "total": .int(s.total),
                "change": .int(s.change), "rounding": .int(s.rounding), "tenders": .array(s.tenders.map(\.json)),
                "breakdown": .array(s.breakdown.map(\.json)), "vouchers": .array(issued.map { RegisterService.issuedView($0.issue) }),
                "text": .array(text.map(JSONValue.string))]
    }

    static func `operator`(_ op: Operator?) -> JSONValue {
        guard let op else { return .null }
        return ["id": op.id.json, "name": .string(op.name), "role": .string(op.role.rawValue)]
    }

    static func item(_ item: Item) -> JSONValue {
        ["id": .string(item.id.rawValue), "name": .string(item.name), "department": .string(item.department),
         "price": .int(item.price), "tax_class": .string(item.taxClass.rawValue), "unit": .string(item.unit.rawValue),
         "barcodes": .array(item.barcodes.map(JSONValue.string)), "plus": .array(item.plus.map(JSONValue.string))]
    }

    static func parked(_ state: RegisterState, _ config: RegisterConfig) -> JSONValue {
        .array(state.parked.keys.sorted().map { id in
            let s = state.parked[id]!
            return ["park_id": .int(Int64(id)), "lines": .int(Int64(s.lines.filter { !$0.voided }.count)),
                    "total": .int((try? state.totals(of: s, config.priceMode).total) ?? 0)]
        })
    }
}

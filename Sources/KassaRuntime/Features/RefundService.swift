import KassaCore
import KassaDevices
import KassaIPC

/// Refunds: lines of an earlier receipt given back. Without a `tender` they go back the way the
/// sale was paid (the core's rule); one to a card goes through the terminal when there is one,
/// and is done only when the terminal has credited the card.
extension RegisterService {
    /// The reply, or nil when it comes later (a refund to the card waits for the terminal).
    func refund(_ args: inout RequestArguments, key: RequestKey?, from connection: ConnectionID, _ id: RequestID) throws(IPCError) -> JSONValue? {
        let tender = try args.optionalString("tender") == nil ? nil : try args.tenderKind("tender")
        let pin = try args.optionalString("override_pin")
        let (original, lines) = try refundRequest(&args)
        let command = Command.refund(original: original, lines: lines, tender: tender, override: pin)
        if paymentTerminal != nil, !ledger.state.training, refundsToCard(command) {
            return try startCardRefund(.requestCardRefund(original: original, lines: lines, override: pin, requestKey: key?.key),
                                       key: key, from: connection, id) { [self] _, events in refundReply(events) }
        }
        let result = try run(command, key: key) { [self] _, events in refundReply(events) }
        return result
    }

    /// A refund's receipt and lines, as `refund` and `refund.preview` take them.
    func refundRequest(_ args: inout RequestArguments) throws(IPCError) -> (CompletedSale, [RefundRequestLine]) {
        let number = try args.int("receipt")
        var lines: [RefundRequestLine] = []
        for v in try args.array("lines") {
            guard let line = v["line"]?.intValue, let qty = v["quantity"]?.intValue, let l = Int(exactly: line),
                  v.objectValue?.count == 2 else {
                throw IPCError(.badArgs, "refund: each of 'lines' must be {\"line\": N, \"quantity\": Q}")
            }
            lines.append(RefundRequestLine(line: l, quantity: qty))
        }
        do {
            return (try ledger.sale(receipt: UInt64(max(0, number)), training: ledger.state.training).0, lines)
        } catch {
            throw IPCError(.notFound, "no receipt \(number) on this register")
        }
    }

    /// Whether the refund, as the core would decide it now, goes back to a card.
    private func refundsToCard(_ command: Command) -> Bool {
        for e in ledger.state.decide(command, env, context()).events {
            if case .refundCompleted(let r) = e { return r.tender == .card }
        }
        return false
    }

    /// A refund's reply: its numbers, the store credit it gave, and its slip's text (with what
    /// the terminal said of the card it was credited to).
    func refundReply(_ events: [RegisterEvent]) -> JSONValue {
        let card = Self.cardApproval(in: events)
        for e in events {
            if case .refundCompleted(let r) = e {
                let credit = Self.storeCredit(in: events)
                var o: JSONObject = ["refund": .int(Int64(r.refundNumber)), "total": .int(r.total), "paid_out": .int(r.paidOut),
                                     "rounding": .int(r.rounding), "tender": .string(r.tender.rawValue),
                                     "voucher": credit.map(IssuedVoucherReply.init).json,
                                     "text": .array(refundLines(r, storeCredit: credit, card: card).map { .string($0.text) })]
                if let card { o["card"] = card.json }
                return .object(o)
            }
        }
        return [:]
    }

    /// The sale a pending card refund refunds, from the journal.
    func originalSale(of refund: CompletedRefund) throws(IPCError) -> CompletedSale {
        do {
            return try ledger.sale(receipt: refund.originalReceipt, training: refund.training).0
        } catch {
            throw IPCError(.internal, "receipt \(refund.originalReceipt) of the card refund cannot be read: \(error)")
        }
    }
}

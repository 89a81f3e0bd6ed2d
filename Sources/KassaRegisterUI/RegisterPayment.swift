import KassaCore
import KassaIPC

/// The payment screen: cash with quick amounts, card through kassad's terminal, split between
/// them; the change comes back with the completed sale.
extension RegisterApp {
    func paymentKey(_ key: Key) {
        if edit(key, allowed: { Self.isDigit($0) || ",.".contains($0) }) { return }
        guard let action = KeyBindings.action(for: key, in: KeyBindings.payment), let sale = model.sale else {
            if model.sale == nil { mode = .sale }
            return
        }
        let typed = entry
        switch action {
        case .help:
            mode = .help(back: .payment)
        case .cashTyped, .cashExact, .cashNextNote, .card:
            guard !model.cardPending else { return show(texts.cardPending) }
            entry = ""
            var amount: Int64?
            switch action {
            case .cashExact: amount = sale.cashDue
            case .cashNextNote: amount = Entry.nextNote(above: sale.cashDue, currency: model.currency)
            case .card: amount = typed.isEmpty ? sale.due : Entry.amount(typed, currency: model.currency)
            default: amount = typed.isEmpty ? sale.cashDue : Entry.amount(typed, currency: model.currency)
            }
            guard let amount, amount > 0 else { return show(texts.notANumber, error: true) }
            if action == .cashTyped, let over = confirmTenderOver, amount - sale.cashDue > over {
                // Far more than is due: a slip of the keys, or digits meant for a code.
                let label = texts.confirmCash.replacingFirst("%@", with: model.money(amount)).replacingFirst("%@", with: model.money(sale.cashDue))
                return ask(Prompt(label: label, input: .confirm) { [unowned self] _ in
                    mode = .payment
                    tender("cash", amount)
                }, back: .payment)
            }
            tender(action == .card ? "card" : "cash", amount)
        case .cancel:
            // While the terminal waits for the card, cancel gives the card payment up: the
            // tender's own reply then says whether the card was charged after all.
            guard !model.cardPending else {
                return request(.cardCancel, onError: { [.cardNotCharged, .cardDeclined].contains($0.code) }) { _ in }
            }
            confirmCancel(back: .payment)
        case .backToSale:
            entry = ""
            mode = .sale
        default:
            break
        }
    }

    private func tender(_ kind: String, _ amount: Int64) {
        if kind == "card" {
            model.cardPending = true
            show(texts.cardPending)
        }
        request(.saleTender, ["kind": .string(kind), "amount": .int(amount)], as: PaymentReply.self, onError: { [unowned self] _ in
            model.cardPending = false
            return false
        }) { [unowned self] r in
            model.cardPending = false
            if let done = r.completed {
                let c = CompletedView(done)
                model.lastCompleted = c
                model.apply(sale: nil)
                model.lastCompleted = c
                mode = .sale
                show(texts.receipt + " " + c.number + " · " + texts.change + " " + model.money(c.change))
            } else {
                model.apply(sale: r.sale)
                message = nil
            }
        }
    }
}

/// Paying by card through the terminal: the request, and what became of it.
extension RegisterState {
    /// Asks the terminal to charge `amount` towards the open sale.
    func requestCardAuthorisation(amount: Int64, requestKey key: String?, _ config: RegisterConfig,
                                  _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard let sale = saleState.openSale else { throw .noOpenSale }
        // A training sale must never reach a real terminal.
        guard !sale.training else { throw .trainingModeMismatch }
        try checkTender(Tender(kind: .card, amount: amount), sale, config)
        // Unique per register; the time part keeps it unique if the journal is ever started
        // afresh while the terminal still remembers the old references.
        let reference = "\(config.registerID)-\(saleState.cardAuthorisations + 1)-\(String(UInt64(max(0, ctx.now.milliseconds / 1000)), radix: 36))"
        return [.cardAuthorisationRequested(CardAuthorisation(reference: reference, amount: amount, saleID: sale.id,
                                                              requestKey: key))]
    }

    /// No operator needed: the terminal's answer (or its memory after a restart) is recorded
    /// whoever is logged in.
    func resolveCardAuthorisation(reference: String, _ outcome: CardAuthorisationOutcome, _ config: RegisterConfig,
                                  _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        guard let pending = saleState.pendingCardAuthorisation, pending.reference == reference else {
            throw .noSuchCardAuthorisation(reference)
        }
        var events: [RegisterEvent] = [.cardAuthorisationResolved(reference: reference, outcome)]
        if outcome.charged {
            guard let sale = saleState.openSale, sale.id == pending.saleID else { throw .noOpenSale }
            var slip: CardSlip?
            if case .approved(let approval) = outcome { slip = CardSlip(reference: reference, approval: approval) }
            events += try paying(sale, with: Tender(kind: .card, amount: pending.amount, reference: reference), slip: slip, config, ctx)
        }
        return events
    }
}

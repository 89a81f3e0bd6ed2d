import KassaCore
import KassaDevices
import KassaIPC

/// Card payments through the terminal: "authorisation requested"
/// is journaled durably before the request leaves; the reply to the client waits for the
/// terminal; an answer that never came (a timeout, a crash of kassad) is settled by asking the
/// terminal what it last did, or by reversing, before anything else is sold. A card is never
/// charged twice, and never charged without its sale.
extension RegisterService {
    /// Whether this `sale.tender` goes through the terminal: a card tender without a reference
    /// (with a reference, the cashier typed in what a standalone terminal printed).
    func isTerminalCardTender(_ op: Op, _ request: Request) -> Bool {
        guard op == .saleTender, paymentTerminal != nil else { return false }
        return request.args["kind"]?.stringValue == "card" && request.args["reference"] == nil
    }

    /// Journals the request, sends it, and answers the client when the terminal has.
    func startCardPayment(_ request: Request, key: RequestKey?, from connection: ConnectionID) throws(IPCError) {
        var args = RequestArguments(.saleTender, request)
        _ = try args.tenderKind("kind")
        let amount = try args.int("amount")
        guard let terminal = paymentTerminal else { throw IPCError(.deviceUnavailable, "no card terminal") }
        let decision = ledger.state.decide(.requestCardAuthorisation(amount: amount, requestKey: key?.key), env, context())
        if let refusal = decision.refusal {
            try record(decision.events)
            throw refusal.ipcError(money: config.format)
        }
        // Durable before the request leaves: after a crash, kassad knows to ask the terminal.
        try record(decision.events)
        guard case .cardAuthorisationRequested(let authorisation)? = decision.events.last else {
            throw IPCError(.internal, "no authorisation was decided")
        }
        cardWaiters = [(connection, request.id)]
        cardRequestDigest = key?.digest
        log.notice("card authorisation requested", ["reference": authorisation.reference, "amount": String(amount)])
        broadcast("card.status", ["reference": .string(authorisation.reference), "state": "requested", "amount": .int(amount)])
        terminal.authorise(reference: authorisation.reference, amount: amount, currency: config.currency) { [weak self] result in
            self?.terminalAnswered(authorisation, result)
        }
    }

    private func terminalAnswered(_ a: CardAuthorisation, _ result: Result<AuthorisationAnswer, PaymentTerminalError>) {
        switch result {
        case .success(.approved(let approval)): settle(a, .approved(approval))
        case .success(.declined(let reason)): settle(a, .declined(reason: reason))
        case .failure(let error) where error.outcomeUnknown:
            log.warning("card authorisation outcome unknown; asking the terminal", ["reference": a.reference, "error": error.description])
            askTerminal(about: a)
        case .failure(let error):
            settle(a, .notCharged(reason: error.description))
        }
    }

    /// The outcome is unknown (no answer, or kassad restarted meanwhile): the terminal's memory
    /// decides; when it cannot tell, the charge is reversed so that nothing is charged.
    func askTerminal(about a: CardAuthorisation) {
        guard let terminal = paymentTerminal else {
            log.error("a card authorisation is unresolved and no card terminal is configured", ["reference": a.reference])
            setAlarm("card_unresolved", "card payment \(a.reference) is unresolved and no terminal is configured to ask")
            return
        }
        setAlarm("card_unresolved", "card payment \(a.reference): asking the terminal what became of it")
        terminal.lastTransaction { [weak self] result in
            guard let self else { return }
            if case .success(let last?) = result, last.reference == a.reference {
                switch last.outcome {
                case .approved(let approval):
                    if last.amount == a.amount {
                        return self.settle(a, .approved(approval))
                    }
                    return self.reverse(a, because: "the terminal charged \(last.amount), not \(a.amount)")
                case .declined(let reason): return self.settle(a, .declined(reason: reason))
                case .reversed: return self.settle(a, .notCharged(reason: "the terminal reversed it"))
                case .aborted: return self.settle(a, .notCharged(reason: "the terminal gave it up"))
                }
            }
            if case .success = result {
                // The terminal's last transaction is another one: this request never reached it,
                // or it did not charge it. Reversing makes sure.
                return self.reverse(a, because: "the terminal does not remember it as its last transaction")
            }
            self.reverse(a, because: "the terminal could not say what became of it")
        }
    }

    private func reverse(_ a: CardAuthorisation, because why: String) {
        guard let terminal = paymentTerminal else { return }
        terminal.reverse(reference: a.reference) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(.reversed): self.settle(a, .reversed(reason: why))
            case .success(.nothingCharged): self.settle(a, .notCharged(reason: why))
            case .failure(let error):
                // Still unknown: keep asking, selling stays stopped, the alarm says why.
                self.log.error("card reversal failed; will ask again", ["reference": a.reference, "error": error.description])
                self.setAlarm("card_unresolved", "card payment \(a.reference) is unresolved: \(error). Retrying.")
                self.later(5_000) { [weak self] in self?.askTerminal(about: a) }
            }
        }
    }

    /// Records the outcome (with the tender and the completed sale when charged) and answers the
    /// client that asked, if it is still there.
    private func settle(_ a: CardAuthorisation, _ outcome: CardAuthorisationOutcome) {
        let waiters = cardWaiters
        let key = a.requestKey.map { RequestKey(key: $0, digest: cardRequestDigest) }
        cardWaiters = []
        cardRequestDigest = nil
        setAlarm("card_unresolved", nil)
        var result: JSONValue = .null
        var failure: IPCError?
        do throws(IPCError) {
            let value = try run(.resolveCardAuthorisation(reference: a.reference, outcome), key: key) { [self] s, events in
                for e in events {
                    if case .saleCompleted(let sale) = e {
                        return PaymentReply(completed: receiptView(sale, state: s)).json
                    }
                }
                return PaymentReply(sale: Views.sale(s, config), charged: outcome.charged ? nil : false).json
            }
            result = value
            switch outcome {
            case .approved: break
            case .declined(let reason): failure = IPCError(.cardDeclined, "the card was declined: \(reason)")
            case .notCharged(let reason): failure = IPCError(.cardNotCharged, "the card was not charged: \(reason)")
            case .reversed(let reason): failure = IPCError(.cardNotCharged, "the card was not charged (reversed: \(reason))")
            }
        } catch {
            failure = error
            log.error("card outcome could not be recorded", ["reference": a.reference, "error": error.message])
        }
        log.notice("card authorisation settled", ["reference": a.reference, "outcome": Self.name(outcome)])
        broadcast("card.status", ["reference": .string(a.reference), "state": .string(Self.name(outcome))])
        for (connection, id) in waiters {
            server?.send(failure.map { .error(id, $0) } ?? .ok(id, result), to: connection)
        }
    }

    static func name(_ outcome: CardAuthorisationOutcome) -> String {
        switch outcome {
        case .approved: return "approved"
        case .declined: return "declined"
        case .notCharged: return "not_charged"
        case .reversed: return "reversed"
        }
    }

    /// At start: an authorisation journaled as requested and never resolved is settled first.
    func resolveCardAuthorisationLeftOpen() {
        guard let pending = ledger.state.pendingCardAuthorisation else { return }
        log.warning("a card authorisation was left unresolved; asking the terminal before selling", ["reference": pending.reference])
        askTerminal(about: pending)
    }
}

import KassaCore
import KassaDevices
import KassaIPC

/// A request to the card terminal the register is waiting on: a payment towards the open sale or
/// a refund credited to the card.
enum PendingCard {
    case payment(CardAuthorisation)
    case refund(CardRefundRequest)

    var reference: String {
        switch self {
        case .payment(let a): return a.reference
        case .refund(let r): return r.reference
        }
    }

    var amount: Int64 {
        switch self {
        case .payment(let a): return a.amount
        case .refund(let r): return r.amount
        }
    }

    var requestKey: String? {
        switch self {
        case .payment(let a): return a.requestKey
        case .refund(let r): return r.requestKey
        }
    }

    var kind: CardRequest.Kind {
        if case .refund = self { return .refund }
        return .payment
    }

    /// "card authorisation" or "card refund", for logs, alarms and messages.
    var what: String { kind == .refund ? "card refund" : "card authorisation" }
}

/// Card payments and refunds through the terminal: the request is journaled durably before it
/// leaves; the reply to the client waits for the terminal; an answer that never came (a timeout,
/// a crash of kassad) is settled by asking the terminal what it last did, or by reversing, before
/// anything else is sold. A card is never charged twice, never charged without its sale, and a
/// refund is done only once the card is credited.
extension RegisterService {
    /// Whether this `sale.tender` goes through the terminal: a card tender without a reference
    /// (with a reference, the cashier typed in what a standalone terminal printed).
    func isTerminalCardTender(_ op: Op, _ request: Request) -> Bool {
        guard op == .saleTender, paymentTerminal != nil else { return false }
        return request.args["kind"]?.stringValue == "card" && request.args["reference"] == nil
    }

    /// The card request waiting for the terminal, if any.
    var pendingCard: PendingCard? {
        if let a = ledger.state.pendingCardAuthorisation { return .payment(a) }
        return ledger.state.refundState.pendingCardRefund.map(PendingCard.refund)
    }

    /// Journals the request, sends it, and answers the client when the terminal has.
    func startCardPayment(_ request: Request, key: RequestKey?, from connection: ConnectionID) throws(IPCError) {
        var args = RequestArguments(.saleTender, request)
        _ = try args.tenderKind("kind")
        let amount = try args.int("amount")
        guard paymentTerminal != nil else { throw IPCError(.deviceUnavailable, "no card terminal") }
        let events = try decidedCardRequest(.requestCardAuthorisation(amount: amount, requestKey: key?.key))
        guard case .cardAuthorisationRequested(let authorisation)? = events.last else {
            throw IPCError(.internal, "no authorisation was decided")
        }
        send(.payment(authorisation), key: key, from: connection, request.id)
    }

    /// A refund to the card: journaled as requested, sent to the terminal as a credit, done when
    /// the terminal has credited the card. Nil when nothing goes to the card (a refund of 0,00
    /// is done at once: its reply is returned).
    func startCardRefund(_ command: Command, key: RequestKey?, from connection: ConnectionID, _ id: RequestID,
                         reply: @escaping (RegisterState, [RegisterEvent]) -> JSONValue) throws(IPCError) -> JSONValue? {
        let events = try decidedCardRequest(command)
        guard case .cardRefundRequested(let refund)? = events.last else { return reply(ledger.state, events) }
        send(.refund(refund), key: key, from: connection, id)
        return nil
    }

    /// Decides and journals a card request (durable before the request leaves: after a crash,
    /// kassad knows to ask the terminal); a refusal records what it must (wrong PINs) and throws.
    private func decidedCardRequest(_ command: Command) throws(IPCError) -> [RegisterEvent] {
        let decision = ledger.state.decide(command, env, context())
        try record(decision.events)
        if let refusal = decision.refusal { throw refusal.ipcError(money: config.format) }
        return decision.events
    }

    private func send(_ p: PendingCard, key: RequestKey?, from connection: ConnectionID, _ id: RequestID) {
        guard let terminal = paymentTerminal else { return }
        cardWaiters = [(connection, id)]
        cardRequestDigest = key?.digest
        log.notice("\(p.what) requested", ["reference": p.reference, "amount": String(p.amount)])
        broadcast("card.status", ["reference": .string(p.reference), "kind": .string(p.kind.rawValue), "state": "requested",
                                  "amount": .int(p.amount)])
        terminal.transact(CardRequest(p.kind, reference: p.reference, amount: p.amount, currency: config.currency)) { [weak self] result in
            self?.terminalAnswered(p, result)
        }
    }

    /// The cashier gives up the card request still waiting for the card: the terminal is asked
    /// to abort, and the request's outcome (not charged, or charged after all when the card was
    /// faster) is journaled and answers this request too.
    func cancelCardRequest(from connection: ConnectionID, _ id: RequestID) throws(IPCError) {
        guard let p = pendingCard else { throw IPCError(.notFound, "no card payment or refund is waiting for the terminal") }
        guard let terminal = paymentTerminal else { throw IPCError(.deviceUnavailable, "no card terminal") }
        log.notice("\(p.what) cancel requested", ["reference": p.reference, "operator": ledger.state.currentOperator?.rawValue ?? "-"])
        cardWaiters.append((connection, id))
        terminal.abort { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(.aborting):
                self.log.notice("the terminal gives up the \(p.what)", ["reference": p.reference])
            case .success(.tooLate), .success(.nothingToAbort):
                // The card was faster: its answer (or, lost, the terminal's memory) settles it.
                self.log.notice("too late to cancel the \(p.what): its answer will settle it", ["reference": p.reference])
            case .failure(let error):
                self.cardWaiters.removeAll { $0.0 == connection && $0.1 == id }
                self.server?.send(.error(id, IPCError(.deviceUnavailable, "the terminal did not take the cancel: \(error)")), to: connection)
            }
        }
    }

    private func terminalAnswered(_ p: PendingCard, _ result: Result<AuthorisationAnswer, PaymentTerminalError>) {
        switch result {
        case .success(.approved(let approval)): settle(p, .approved(approval))
        case .success(.declined(let decline)): settle(p, .declined(reason: decline.sentence))
        case .success(.aborted): settle(p, .notCharged(reason: "it was cancelled at the register"))
        case .failure(let error) where error.outcomeUnknown:
            log.warning("\(p.what) outcome unknown; asking the terminal", ["reference": p.reference, "error": error.description])
            askTerminal(about: p)
        case .failure(let error):
            settle(p, .notCharged(reason: error.description))
        }
    }

    /// The outcome is unknown (no answer, or kassad restarted meanwhile): the terminal's memory
    /// decides; when it cannot tell, the transaction is reversed so that nothing stands.
    func askTerminal(about p: PendingCard) {
        guard let terminal = paymentTerminal else {
            log.error("a \(p.what) is unresolved and no card terminal is configured", ["reference": p.reference])
            setAlarm("card_unresolved", "\(p.what) \(p.reference) is unresolved and no terminal is configured to ask")
            return
        }
        setAlarm("card_unresolved", "\(p.what) \(p.reference): asking the terminal what became of it")
        terminal.lastTransaction { [weak self] result in
            guard let self else { return }
            if case .success(let last?) = result, last.reference == p.reference {
                switch last.outcome {
                case .approved(let approval):
                    if last.amount == p.amount && last.kind == p.kind {
                        return self.settle(p, .approved(approval))
                    }
                    return self.reverse(p, because: "the terminal did a \(last.kind.rawValue) of \(last.amount), not a \(p.kind.rawValue) of \(p.amount)")
                case .declined(let decline): return self.settle(p, .declined(reason: decline.sentence))
                case .reversed: return self.settle(p, .notCharged(reason: "the terminal reversed it"))
                case .aborted: return self.settle(p, .notCharged(reason: "the terminal gave it up"))
                }
            }
            if case .success = result {
                // The terminal's last transaction is another one: this request never reached it,
                // or it did not act on it. Reversing makes sure.
                return self.reverse(p, because: "the terminal does not remember it as its last transaction")
            }
            self.reverse(p, because: "the terminal could not say what became of it")
        }
    }

    private func reverse(_ p: PendingCard, because why: String) {
        guard let terminal = paymentTerminal else { return }
        terminal.reverse(reference: p.reference) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(.reversed): self.settle(p, .reversed(reason: why))
            case .success(.nothingCharged): self.settle(p, .notCharged(reason: why))
            case .failure(let error):
                // Still unknown: keep asking, selling stays stopped, the alarm says why.
                self.log.error("card reversal failed; will ask again", ["reference": p.reference, "error": error.description])
                self.setAlarm("card_unresolved", "\(p.what) \(p.reference) is unresolved: \(error). Retrying.")
                self.later(5_000) { [weak self] in self?.askTerminal(about: p) }
            }
        }
    }

    /// Records the outcome (with the tender and the completed sale, or the refund, when the card
    /// was charged or credited) and answers the clients that asked, if they are still there.
    private func settle(_ p: PendingCard, _ outcome: CardAuthorisationOutcome) {
        let waiters = cardWaiters
        let key = p.requestKey.map { RequestKey(key: $0, digest: cardRequestDigest) }
        cardWaiters = []
        cardRequestDigest = nil
        setAlarm("card_unresolved", nil)
        var result: JSONValue = .null
        var failure: IPCError?
        do throws(IPCError) {
            switch p {
            case .payment(let a):
                result = try run(.resolveCardAuthorisation(reference: a.reference, outcome), key: key) { [self] s, events in
                    for e in events {
                        if case .saleCompleted(let sale) = e {
                            return PaymentReply(completed: receiptView(sale, state: s)).json
                        }
                    }
                    return PaymentReply(sale: Views.sale(s, config), charged: outcome.charged ? nil : false).json
                }
            case .refund(let r):
                let original = try originalSale(of: r.refund)
                result = try run(.resolveCardRefund(reference: r.reference, outcome, original: original), key: key) { [self] _, events in
                    refundReply(events)
                }
            }
            failure = Self.failure(p, outcome)
        } catch {
            failure = error
            log.error("card outcome could not be recorded", ["reference": p.reference, "error": error.message])
        }
        log.notice("\(p.what) settled", ["reference": p.reference, "outcome": Self.name(outcome)])
        broadcast("card.status", ["reference": .string(p.reference), "kind": .string(p.kind.rawValue), "state": .string(Self.name(outcome))])
        for (connection, id) in waiters {
            server?.send(failure.map { .error(id, $0) } ?? .ok(id, result), to: connection)
        }
    }

    /// What the client reads when the card was not charged or credited: one sentence.
    static func failure(_ p: PendingCard, _ outcome: CardAuthorisationOutcome) -> IPCError? {
        let undone = p.kind == .refund ? "The refund was not credited to the card, and is not done" : "The card was not charged"
        switch outcome {
        case .approved: return nil
        case .declined(let reason):
            return IPCError(.cardDeclined, p.kind == .refund ? "\(reason) The refund is not done." : reason)
        case .notCharged(let reason): return IPCError(.cardNotCharged, "\(undone): \(reason).")
        case .reversed(let reason): return IPCError(.cardNotCharged, "\(undone) (reversed: \(reason)).")
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

    /// At start: a card request journaled as requested and never resolved is settled first.
    func resolveCardAuthorisationLeftOpen() {
        guard let pending = pendingCard else { return }
        log.warning("a \(pending.what) was left unresolved; asking the terminal before selling", ["reference": pending.reference])
        askTerminal(about: pending)
    }
}

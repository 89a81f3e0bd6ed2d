import KassaCore
import KassaIPC

/// Running commands: every write is decided by the core for its caller, journaled with the
/// printouts it obliges and its idempotency record, and only then has its effects.
extension RegisterService {
    /// Decides `command` for `caller`, journals the events with the result under `key`, then runs
    /// their effects.
    @discardableResult
    func run(_ command: Command, key: RequestKey?, caller: Caller = .register,
             result: (RegisterState, [RegisterEvent]) -> JSONValue) throws(IPCError) -> JSONValue {
        try commit(try decided(command, caller: caller), key: key, result: result)
    }

    /// Decides `command` for `caller`. A refusal is recorded as far as it must be (a wrong PIN
    /// counts towards its source's delay, journaled or not) and thrown; nothing else is recorded yet.
    func decided(_ command: Command, caller: Caller = .register) throws(IPCError) -> [RegisterEvent] {
        let decision = ledger.state.decide(command, env, context(), by: caller)
        if let refusal = decision.refusal {
            recordRefused(decision)
            throw refusal.ipcError(money: config.format)
        }
        return decision.events
    }

    /// Journals decided events with the printouts they oblige and the result under `key`, then
    /// runs their effects.
    @discardableResult
    func commit(_ decided: [RegisterEvent], key: RequestKey?,
                result: (RegisterState, [RegisterEvent]) -> JSONValue) throws(IPCError) -> JSONValue {
        var after = ledger.state
        do { for e in decided { try after.apply(e) } } catch {
            throw IPCError(.internal, "the register decided something it cannot record (nothing was recorded): \(error)")
        }
        let value = result(after, decided)
        var events = decided + owedOutputs(for: decided)
        events += completed(key, value)
        try record(events)
        effects(events)
        return value
    }

    /// Who a technician's operation comes from: a new box being set up, or this connection's
    /// technician session (the table let nobody else through).
    func administrator(_ connection: ConnectionID) -> Caller {
        if ledger.state.operators.isEmpty { return .firstBoot }
        return consoleCaller(connection)
    }

    func record(_ events: [RegisterEvent]) throws(IPCError) {
        guard !events.isEmpty else { return }
        do {
            try ledger.record(events, at: context().now)
            snapshotWhenDue()
        } catch {
            log.error("journal write failed", ["error": error.description])
            if case .readOnly(.writerFailed) = ledger.journal.mode { onWriterFailed() }
            refreshAlarms()
            switch error {
            case .noSpace: throw IPCError(.refused, "the disk is full: \(error)")
            case .readOnly: throw IPCError(.readOnly, error.description)
            default:
                if case .readOnly(let reason) = ledger.journal.mode, reason.isUnusableRecord {
                    throw IPCError(.readOnly, "nothing more can be recorded: \(reason)")
                }
                throw IPCError(.internal, "the journal could not record this: \(error)")
            }
        }
    }
}

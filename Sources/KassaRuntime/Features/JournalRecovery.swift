import Glibc
import KassaCore
import KassaIPC
import KassaJournal

extension RegisterService {
    /// A damaged journal is sealed and the register goes on from a new chain: confirmed by an
    /// enabled supervisor's or technician's PIN (wrong ones count, in memory while the journal
    /// cannot record them) and the register's id typed out, journaled as the new chain's first record.
    func recoverJournal(pin: String, confirm: String) throws(IPCError) -> JSONValue {
        let damaged: Bool
        switch ledger.journal.mode {
        case .readOnly(.damaged): damaged = true
        case .readOnly(let reason) where reason.isUnusableRecord: damaged = true
        default: damaged = verifiedDamage != nil
        }
        guard damaged else { throw IPCError(.conflict, "the journal is not damaged: there is nothing to recover") }
        guard confirm == config.registerID else {
            throw IPCError(.badArgs, "journal.recover: 'confirm' must be this register's id ('\(config.registerID)')")
        }
        _ = try decided(.confirmJournalRecovery(pin: pin))
        guard let id = env.pins.owner(of: pin) else { throw Refusal.wrongPIN.ipcError }
        let link: ChainLink
        do {
            link = try ledger.recoverOntoNewChain(by: id, at: context().now, damage: verifiedDamage)
        } catch {
            log.error("journal recovery failed", ["error": "\(error)"])
            throw IPCError(.internal, "the journal could not be recovered: \(error)")
        }
        verifiedDamage = nil
        // The verification's mark and last sound pass were the sealed chain's.
        unlink(stateDirectory + "/" + VerifyProgress.fileName)
        verification = nil
        let lost = link.unreadable.reduce(UInt64(0)) { $0 + $1.upperBound - $1.lowerBound + 1 }
        log.warning("journal recovered onto a new chain", [
            "sealed": link.sealed, "by": id.rawValue, "last_seq": String(link.lastSeq),
            "unreadable": link.unreadable.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ","),
        ])
        refreshAlarms()
        let result = JournalRecoveryReply(
            sealed: link.sealed, sealedLastSeq: Int64(link.lastSeq), fault: link.fault,
            unreadable: link.unreadable.map { .init(first: Int64($0.lowerBound), last: Int64($0.upperBound)) },
            unreadableRecords: Int64(lost), by: id).json
        broadcast("journal.recovered", result)
        return result
    }
}

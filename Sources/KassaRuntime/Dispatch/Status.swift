import Glibc
import KassaCore
import KassaDevices
import KassaIPC
import KassaJournal
import KassaSystem

/// `status` and `journal.status`: the register as a client sees it at a glance.
extension RegisterService {
    func journalStatus() -> JournalStatusReply {
        var reply = JournalStatusReply(lastSeq: Int64(ledger.journal.lastSeq), durableSeq: Int64(ledger.journal.durableSeq),
                                       headHash: Hex.encode(ledger.journal.lastHash), mode: "read_write",
                                       verification: verificationStatus())
        if case .readOnly(let reason) = ledger.journal.mode {
            reply.mode = "read_only"
            reply.reason = reason.description
        }
        var fs = statvfs()
        if statvfs(stateDirectory, &fs) == 0 { reply.freeBytes = Self.trustedFreeBytes(fs) }
        return reply
    }

    /// The space left to kassad on a file system, or nil (unknown) when its answer cannot be trusted:
    /// some (FUSE, network and virtual ones) report no blocks at all, which would read as a full
    /// disk. The disk-space reserve does not depend on it: the journal reserves its space ahead
    /// (fallocate) and raises `lowSpace` when it cannot.
    static func trustedFreeBytes(_ fs: statvfs) -> Int64? {
        guard fs.f_blocks > 0, fs.f_frsize > 0, fs.f_bavail <= fs.f_blocks else { return nil }
        return Int64(fs.f_bavail) * Int64(fs.f_frsize)
    }

    func status(_ connection: ConnectionID) -> JSONValue {
        let s = ledger.state
        let now = clock()
        return StatusReply(
            register: config.registerID, store: config.storeName, version: KassaCore.version,
            uptimeSeconds: (monotonicMilliseconds() - startedAt) / 1000, time: now, timeZone: fileConfig.timeZone.name,
            localTime: localTimeText(Timestamp(milliseconds: now)), operator: Views.session(s).operator, training: s.training,
            shift: s.shift.map(ShiftReply.init), sale: Views.sale(s, config), parked: Views.parked(s, config),
            journal: journalStatus(),
            alarms: alarms.keys.sorted().map { AlarmReply(code: $0, message: alarms[$0]!, active: true) },
            technicianSession: technicianSessions[connection] != nil,
            printoutsOwed: s.pendingOutputs.keys.sorted().map { Int64($0) }, devices: devices.map(Views.device),
            needsSetUp: s.operators.isEmpty, screen: currentSettings().filter { SettingKey.screen.contains($0.key) }
        ).json
    }
}

import KassaJournal

/// When kassad writes a snapshot, so that a start replays a bounded tail whatever the uptime: as
/// soon as `snapshotInterval` records have passed since the last one (once the request that
/// reached it is answered), a second after a start that replayed a long tail, on a timer as a
/// retry after a failed one, and at a clean stop.
extension RegisterService {
    /// After each journaled group: a snapshot soon when enough records have passed.
    func snapshotWhenDue() {
        guard !snapshotScheduled, ledger.snapshotDue else { return }
        snapshotScheduled = true
        later(0) { [weak self] in
            guard let self else { return }
            snapshotScheduled = false
            if ledger.snapshotDue { takeSnapshot(because: "records since the last one") }
        }
    }

    /// Writes a snapshot now, unless nothing can be recorded or a restored state waits for a restart.
    func takeSnapshot(because reason: String) {
        guard !restoredPendingRestart, case .readWrite = ledger.journal.mode else { return }
        let tail = ledger.recordsSinceSnapshot
        do {
            try ledger.snapshot()
            log.info("snapshot", ["records": String(tail), "because": reason])
        } catch {
            log.error("snapshot failed", ["error": "\(error)"])
        }
    }
}

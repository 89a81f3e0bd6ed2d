import Glibc
import KassaCore
import KassaIPC

/// The runtime's side of wrong PINs: where a request came from, a log line for each wrong PIN,
/// and the alarm that tells a supervisor someone is guessing. The delays themselves are the
/// core's (`PinAttempts`), decided with every PIN.
extension RegisterService {
    /// Where a connection's PINs count: the user the kernel says is on the other end. The register
    /// screen runs as one user and the console as another, so each is a source of its own; a
    /// client cannot become a new source by reconnecting or by saying it is one.
    func pinSource(of connection: ConnectionID) -> PinSource {
        guard let peer = server?.peer(connection) else { return Self.internalSource }
        return PinSource("uid:\(peer.uid)")
    }

    /// Requests kassad makes itself (a badge swiped on its card reader, a card terminal's answer).
    static let internalSource: PinSource = "kassad"

    /// A source as people read it: `uid:1001` with its user's name.
    func describe(_ source: PinSource) -> String {
        guard source.rawValue.hasPrefix("uid:"), let uid = UInt32(source.rawValue.dropFirst(4)) else { return source.rawValue }
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var text = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &text, text.count, &result) == 0, result != nil, let name = pwd.pw_name else {
            return "uid \(uid)"
        }
        return "user \(String(cString: name)) (uid \(uid))"
    }

    /// Records what a refused command decided to record. A wrong PIN that cannot be journaled
    /// (read-only, disk full) still counts, in memory; each gets a log line, never with the PIN.
    func recordRefused(_ decision: Decision) {
        var journaled = false
        if case .readWrite = ledger.journal.mode {
            do throws(IPCError) {
                try record(decision.events)
                journaled = true
            } catch {}
        }
        if !journaled { ledger.countUnrecorded(decision.events) }
        for case .pinRefused(let source, let failures, _) in decision.events {
            let delay = config.pinDelays.delay(afterFailures: failures)
            log.warning("wrong PIN", ["source": describe(source), "in_a_row": String(failures),
                                      "next_in_s": String((delay + 999) / 1000), "journaled": journaled ? "yes" : "no"])
        }
        refreshPinAlarm()
    }

    /// Raised with the first delay (more wrong PINs in a row from one source than slips of the
    /// finger), until a supervisor or technician logs in at the register.
    func refreshPinAlarm() {
        let unseen = ledger.state.pinAttempts.unseen(atLeast: config.pinDelays.freeFailures)
        setAlarm("pin_guessing", unseen.isEmpty ? nil : unseen.map { source, failures in
            "\(failures.count) wrong PINs in a row from \(describe(source)), the last at \(localTimeText(failures.last))"
        }.joined(separator: "; ") + ": someone may be guessing PINs (a supervisor's log-in clears this)")
    }
}

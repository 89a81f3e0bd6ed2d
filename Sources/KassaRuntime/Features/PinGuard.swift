import Glibc
import KassaCore
import KassaIPC
import KassaSystem

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
        if !journaled {
            ledger.countUnrecorded(decision.events)
            keepUnjournaled(decision.events)
        }
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

    /// Where wrong PINs that could not be journaled are kept, so that restarting a read-only kassad
    /// (or one whose disk was full) does not give a guesser a fresh start. No secret is in it:
    /// a line per source, `source<TAB>wrong PINs in a row<TAB>the last one's time in ms`.
    var unjournaledPinsPath: String { stateDirectory + "/pins-unjournaled" }

    private func keepUnjournaled(_ events: [RegisterEvent]) {
        var latest = Self.unjournaledPinRefusals(at: unjournaledPinsPath)
        for case .pinRefused(let source, let failures, let at) in events { latest[source] = (failures, at) }
        let text = latest.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)\t\($0.value.0)\t\($0.value.1.milliseconds)\n" }.joined()
        do throws(SystemError) { try writeFileAtomically(unjournaledPinsPath, Array(text.utf8)) } catch {
            log.warning("wrong PINs not kept across a restart", ["error": error.description])
        }
    }

    /// At start: the wrong PINs an earlier run could not journal count again, journaled now when
    /// the journal takes them (the file then goes), else in memory as before.
    func restoreUnjournaledPinRefusals() {
        let kept = Self.unjournaledPinRefusals(at: unjournaledPinsPath)
        guard !kept.isEmpty else { return }
        let events = kept.sorted { $0.key < $1.key }.map { RegisterEvent.pinRefused($0.key, failures: $0.value.0, at: $0.value.1) }
        if case .readWrite = ledger.journal.mode, (try? record(events)) != nil {
            unlink(unjournaledPinsPath)
            log.notice("wrong PINs from a run that could not journal them are journaled now", ["sources": String(events.count)])
        } else {
            ledger.countUnrecorded(events)
        }
        refreshPinAlarm()
    }

    static func unjournaledPinRefusals(at path: String) -> [PinSource: (Int, Timestamp)] {
        guard let bytes = try? readWholeFile(path) else { return [:] }
        var kept: [PinSource: (Int, Timestamp)] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, let count = Int(fields[1]), count > 0, let ms = Int64(fields[2]) else { continue }
            kept[PinSource(String(fields[0]))] = (count, Timestamp(milliseconds: ms))
        }
        return kept
    }
}

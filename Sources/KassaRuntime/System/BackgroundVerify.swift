import Glibc
import KassaJournal
import KassaSystem

/// Verifies the whole journal on a thread of its own: after READY (start-up reads only the
/// snapshot and the tail, so damage in older records is found here) and whenever a technician
/// asks. Progress and the verdict come back to the reactor as lines through a pipe; the thread
/// shares nothing else with it.
private final class VerifyJob: @unchecked Sendable {
    let stateDirectory: String
    let throughSeq: UInt64
    let writeFD: Int32

    init(stateDirectory: String, throughSeq: UInt64, writeFD: Int32) {
        self.stateDirectory = stateDirectory
        self.throughSeq = throughSeq
        self.writeFD = writeFD
    }

    func run() {
        var message: String
        do {
            let reader = try JournalReader(stateDirectory: stateDirectory)
            let v = try reader.verify(throughSeq: throughSeq) { checked in self.send("progress \(checked)") }
            message = v.firstFault.map { "DAMAGED \($0)" } ?? "sound \(v.records) \(v.segments)"
        } catch {
            message = "ERROR \(error)"
        }
        send(message)
        close(writeFD)
    }

    private func send(_ line: String) {
        _ = try? writeAll(writeFD, Array((line + "\n").utf8))
    }
}

/// A verification of the journal, running or finished.
struct JournalVerifyRun {
    enum Verdict {
        case sound(records: UInt64, segments: Int)
        case damaged(String)
        case failed(String)
    }

    var throughSeq: UInt64
    var checked: UInt64 = 0
    var verdict: Verdict?
}

extension RegisterService {
    /// Starts a verification of every record up to the journal's last one, unless one runs.
    func startJournalVerification(reactor: Reactor) {
        if let run = verification, run.verdict == nil { return }
        let through = ledger.journal.lastSeq
        verification = JournalVerifyRun(throughSeq: through)
        // kassad execs nothing, but a descriptor should never leak into a child all the same.
        let fds: [Int32]
        do throws(SystemError) {
            let pipe = try makePipe()
            fds = [pipe.read, pipe.write]
        } catch {
            verification?.verdict = .failed("cannot make a pipe (errno \(error.errno))")
            log.error("cannot start the journal verification", ["errno": String(error.errno)])
            return
        }
        var pending: [UInt8] = []
        do {
            try reactor.add(fds[0], events: .readable) { [unowned self] _ in
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { SystemCall.read(fds[0], $0.baseAddress, $0.count) }
                if n > 0 {
                    pending += chunk[..<n]
                    while let end = pending.firstIndex(of: 10) {
                        verificationReported(String(decoding: pending[..<end], as: UTF8.self))
                        pending.removeSubrange(...end)
                    }
                    return
                }
                reactor.remove(fds[0])
                close(fds[0])
                if verification?.verdict == nil { verification?.verdict = .failed("the verification thread ended without a verdict") }
            }
        } catch {
            verification?.verdict = .failed("cannot watch the verification: \(error)")
            log.error("cannot watch the journal verification", ["error": "\(error)"])
            close(fds[0])
            close(fds[1])
            return
        }
        let job = Unmanaged.passRetained(VerifyJob(stateDirectory: stateDirectory, throughSeq: through, writeFD: fds[1]))
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<VerifyJob>.fromOpaque(raw!).takeRetainedValue()
            job.run()
            return nil
        }, job.toOpaque())
        if started == 0 {
            pthread_detach(thread)
        } else {
            job.release()
            close(fds[1])
            verification?.verdict = .failed("cannot start a thread (\(started))")
            log.error("cannot start the journal verification thread", ["error": String(started)])
        }
    }

    private func verificationReported(_ line: String) {
        if line.hasPrefix("progress "), let n = UInt64(line.dropFirst(9)) {
            verification?.checked = n
        } else if line.hasPrefix("sound ") {
            let parts = line.split(separator: " ")
            let records = UInt64(parts[1]) ?? 0
            verification?.checked = records
            verification?.verdict = .sound(records: records, segments: Int(parts[2]) ?? 0)
            log.info("journal verified", ["records": String(parts[1]), "segments": String(parts[2])])
        } else if line.hasPrefix("DAMAGED ") {
            let fault = String(line.dropFirst(8))
            verification?.verdict = .damaged(fault)
            log.error("journal verification found damage", ["fault": fault])
            journalDamaged(fault)
        } else {
            let message = line.hasPrefix("ERROR ") ? String(line.dropFirst(6)) : line
            verification?.verdict = .failed(message)
            log.error("journal verification failed", ["error": message])
        }
    }
}

import Glibc
import KassaJournal
import KassaSystem

/// One verification of the journal through `throughSeq`. It goes on from the mark that an
/// earlier run of kassad left in `verify-progress` when that mark still holds (see `VerifyMark`),
/// so that the whole journal is checked even when no run lives long enough to do it alone, and
/// keeps the mark up to date as it goes. A pass that reaches its end is recorded as the last sound
/// one and the next verification starts from the first record again: damage that appears in
/// records a pass has already checked is found by the next pass.
struct JournalVerifyPass {
    let stateDirectory: String
    /// Go on from the mark (the verification after READY), or start a new pass (a technician's).
    var resume = true
    /// Keep the mark on disk; not on a register started read-only.
    var keepMarks = true
    var markInterval: UInt64 = 10_000
    /// Marks are written (an fsync each) at most this often.
    var markSpacingMilliseconds: Int64 = 200
    var clock: () -> Int64 = { wallClockMilliseconds() }

    var progressPath: String { stateDirectory + "/" + VerifyProgress.fileName }

    /// What a run reports, in order: `start`, then `progress` now and then, then the verdict.
    enum Report: Equatable {
        case start(resumedAfter: UInt64, passStartedAt: Int64, soundThrough: UInt64, soundAt: Int64)
        case progress(checked: UInt64)
        case sound(through: UInt64, segments: Int, at: Int64)
        case damaged(String)
        case failed(String)
        /// Something to log that does not end the verification.
        case note(String)

        /// One line through the pipe from the thread to the reactor, and back.
        var line: String {
            switch self {
            case .start(let r, let p, let s, let a): return "start \(r) \(p) \(s) \(a)"
            case .progress(let n): return "progress \(n)"
            case .sound(let n, let segments, let at): return "sound \(n) \(segments) \(at)"
            case .damaged(let fault): return "DAMAGED " + fault
            case .failed(let message): return "ERROR " + message
            case .note(let message): return "NOTE " + message
            }
        }

        init(line: String) {
            let words = line.split(separator: " ")
            func number(_ i: Int) -> Int64 { i < words.count ? Int64(words[i]) ?? 0 : 0 }
            switch words.first {
            case "start": self = .start(resumedAfter: UInt64(number(1)), passStartedAt: number(2), soundThrough: UInt64(number(3)),
                                        soundAt: number(4))
            case "progress": self = .progress(checked: UInt64(number(1)))
            case "sound": self = .sound(through: UInt64(number(1)), segments: Int(number(2)), at: number(3))
            case "DAMAGED": self = .damaged(String(line.dropFirst(8)))
            case "NOTE": self = .note(String(line.dropFirst(5)))
            default: self = .failed(line.hasPrefix("ERROR ") ? String(line.dropFirst(6)) : line)
            }
        }
    }

    func run(throughSeq: UInt64, report: (Report) -> Void) {
        let reader: JournalReader
        do { reader = try JournalReader(stateDirectory: stateDirectory) } catch {
            return report(.failed("\(error)"))
        }
        let key = reader.registerID
        var saved = (try? readWholeFile(progressPath)).flatMap { VerifyProgress(decoding: $0, registerID: key) } ?? VerifyProgress()
        // The first mark is kept at once: a run in a crash loop may not live much longer.
        var lastWrite: Int64?
        func keep() {
            guard keepMarks else { return }
            do throws(SystemError) {
                try writeFileAtomically(progressPath, saved.encoded(registerID: key), mode: 0o640)
            } catch {
                report(.note("cannot keep the verification's progress: \(error)"))
            }
            lastWrite = monotonicMilliseconds()
        }
        do {
            let v = try reader.verify(throughSeq: throughSeq, resumingAt: resume ? saved.mark : nil, markInterval: markInterval,
                                      starting: { resumedAfter in
                if resumedAfter == 0 {
                    saved.mark = nil
                    saved.passStartedAt = clock()
                }
                report(.start(resumedAfter: resumedAfter, passStartedAt: saved.passStartedAt, soundThrough: saved.soundThrough,
                              soundAt: saved.soundAt))
            }, progress: { mark in
                saved.mark = mark
                if lastWrite.map({ monotonicMilliseconds() - $0 >= markSpacingMilliseconds }) ?? true { keep() }
                report(.progress(checked: mark.seq))
            })
            if let fault = v.firstFault {
                keep()
                report(.damaged(fault.description))
            } else {
                saved = VerifyProgress(soundThrough: v.lastSeq, soundAt: clock())
                keep()
                report(.sound(through: v.lastSeq, segments: v.segments, at: saved.soundAt))
            }
        } catch {
            report(.failed("\(error)"))
        }
    }
}

/// Runs a `JournalVerifyPass` on a thread of its own, its reports going to the reactor as lines
/// through a pipe; the thread shares nothing else with it.
private final class VerifyJob: @unchecked Sendable {
    let pass: JournalVerifyPass
    let throughSeq: UInt64
    let writeFD: Int32

    init(pass: JournalVerifyPass, throughSeq: UInt64, writeFD: Int32) {
        self.pass = pass
        self.throughSeq = throughSeq
        self.writeFD = writeFD
    }

    func run() {
        pass.run(throughSeq: throughSeq) { report in _ = try? writeAll(writeFD, Array((report.line + "\n").utf8)) }
        close(writeFD)
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
    /// Records 1 through `checked` are verified, by this run and, before `resumedAfter`, earlier ones.
    var checked: UInt64 = 0
    var resumedAfter: UInt64 = 0
    var passStartedAt: Int64 = 0
    /// The newest pass that reached its end (this run's or an earlier one's): sound through this record, at this time.
    var soundThrough: UInt64 = 0
    var soundAt: Int64 = 0
    var verdict: Verdict?
}

extension RegisterService {
    /// Starts a verification of every record up to the journal's last one, unless one runs:
    /// going on from where an earlier run of kassad left off (`resume`), or from the first record.
    func startJournalVerification(reactor: Reactor, resume: Bool) {
        if let run = verification, run.verdict == nil { return }
        // A journal that opened damaged ends, for the writer, right before the bad record: the
        // verification goes through that record too, so that it finds and names the same damage
        // as the journal's mode, its alarm and `kassa journal verify`, never "sound" before it.
        var through = ledger.journal.lastSeq
        if case .readOnly(.damaged(let fault)) = ledger.journal.mode { through = max(through, fault.seq) }
        var run = JournalVerifyRun(throughSeq: through)
        if let previous = verification {
            run.soundThrough = previous.soundThrough
            run.soundAt = previous.soundAt
        }
        verification = run
        var pass = JournalVerifyPass(stateDirectory: stateDirectory)
        pass.resume = resume
        if case .readOnly(.requested) = ledger.journal.mode { pass.keepMarks = false }
        if case .readOnly(.notWritable) = ledger.journal.mode { pass.keepMarks = false }
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
                        verificationReported(JournalVerifyPass.Report(line: String(decoding: pending[..<end], as: UTF8.self)))
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
        let job = Unmanaged.passRetained(VerifyJob(pass: pass, throughSeq: through, writeFD: fds[1]))
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

    private func verificationReported(_ report: JournalVerifyPass.Report) {
        switch report {
        case .start(let resumedAfter, let passStartedAt, let soundThrough, let soundAt):
            verification?.resumedAfter = resumedAfter
            verification?.checked = resumedAfter
            verification?.passStartedAt = passStartedAt
            verification?.soundThrough = soundThrough
            verification?.soundAt = soundAt
            if resumedAfter > 0 { log.info("journal verification goes on from an earlier run", ["after": String(resumedAfter)]) }
        case .progress(let checked):
            verification?.checked = checked
        case .sound(let through, let segments, let at):
            verification?.checked = through
            verification?.soundThrough = through
            verification?.soundAt = at
            verification?.verdict = .sound(records: through, segments: segments)
            log.info("journal verified", ["records": String(through), "segments": String(segments),
                                          "resumed_after": String(verification?.resumedAfter ?? 0)])
        case .damaged(let fault):
            verification?.verdict = .damaged(fault)
            log.error("journal verification found damage", ["fault": fault])
            journalDamaged(fault)
        case .failed(let message):
            verification?.verdict = .failed(message)
            log.error("journal verification failed", ["error": message])
        case .note(let message):
            log.warning("journal verification", ["message": message])
        }
    }
}

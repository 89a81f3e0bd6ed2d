import Glibc
import KassaJournal

/// Verifies the whole journal on a thread of its own after READY: start-up reads only the
/// snapshot and the tail, so damage in older records is found here. The verdict comes back to
/// the reactor through a pipe; the thread shares nothing else with it.
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
            let v = try reader.verify(throughSeq: throughSeq)
            message = v.firstFault.map { "DAMAGED \($0)" } ?? "sound \(v.records) \(v.segments)"
        } catch {
            message = "ERROR \(error)"
        }
        var bytes = Array(message.utf8)
        bytes.withUnsafeMutableBytes { raw in _ = write(writeFD, raw.baseAddress, raw.count) }
        close(writeFD)
    }
}

func startBackgroundVerify(_ stateDirectory: String, throughSeq: UInt64, reactor: Reactor, log: Logger,
                           service: RegisterService) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else {
        log.error("cannot start the background journal verification", ["errno": String(errno)])
        return
    }
    // kassad execs nothing, but a descriptor should never leak into a child all the same.
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    var verdict: [UInt8] = []
    do {
        try reactor.add(fds[0], events: .readable) { _ in
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n > 0 {
                verdict += chunk[..<n]
                return
            }
            reactor.remove(fds[0])
            close(fds[0])
            let text = String(decoding: verdict, as: UTF8.self)
            if text.hasPrefix("sound ") {
                let parts = text.split(separator: " ")
                log.info("journal verified", ["records": String(parts[1]), "segments": String(parts[2])])
            } else if text.hasPrefix("DAMAGED ") {
                log.error("journal verification found damage", ["fault": String(text.dropFirst(8))])
                service.journalDamaged(String(text.dropFirst(8)))
            } else {
                log.error("journal verification failed", ["error": text])
            }
        }
    } catch {
        log.error("cannot watch the background verification", ["error": "\(error)"])
        close(fds[0])
        close(fds[1])
        return
    }
    let job = Unmanaged.passRetained(VerifyJob(stateDirectory: stateDirectory, throughSeq: throughSeq, writeFD: fds[1]))
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
        log.error("cannot start the background journal verification thread", ["error": String(started)])
    }
}

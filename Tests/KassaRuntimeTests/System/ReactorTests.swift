import Glibc
import Testing
@testable import KassaRuntime

/// Stops a reactor after `milliseconds` so a broken test fails instead of hanging.
private func guardTimeout(_ reactor: Reactor, _ milliseconds: Int64 = 2_000) throws {
    try reactor.addTimer(after: milliseconds) { [unowned reactor] in
        Issue.record("reactor test timed out")
        reactor.stop()
    }
}

@Suite struct ReactorLoop {
    @Test func aOneShotTimerFiresOnceAndARepeatingOneUntilCancelled() throws {
        let reactor = try Reactor()
        var oneShot = 0
        var repeats = 0
        try reactor.addTimer(after: 0) { oneShot += 1 }
        var repeating: TimerID?
        repeating = try reactor.addTimer(after: 1, repeating: 1) { [unowned reactor] in
            repeats += 1
            if repeats == 5 { reactor.cancelTimer(repeating!) }
        }
        try reactor.addTimer(after: 50) { [unowned reactor] in reactor.stop() }
        try reactor.run()
        #expect(oneShot == 1)
        #expect(repeats == 5)
        // Only the descriptors still owned remain: none of the three timers.
        #expect(reactor.watchedCount == 0)
    }

    @Test func aSignalArrivesAsAnEventThroughTheSignalfd() throws {
        // Thread-directed (pthread_kill), since the test process's other threads do not block
        // SIGHUP and a process-directed SIGHUP would end the test run. kassad blocks it for the
        // whole process before any thread exists (prepareProcessSignals).
        var set = sigset_t()
        var previous = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &set, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }

        let reactor = try Reactor()
        var received: [Int32] = []
        try reactor.watchSignals([SIGHUP]) { [unowned reactor] signal in
            received.append(signal)
            reactor.stop()
        }
        try guardTimeout(reactor)
        pthread_kill(pthread_self(), SIGHUP)
        try reactor.run()
        #expect(received == [SIGHUP])
    }

    @Test func aDescriptorRemovedByAnEarlierCallbackIsNotCalledInTheSameTurn() throws {
        let reactor = try Reactor()
        var a: [Int32] = [0, 0]
        var b: [Int32] = [0, 0]
        pipe(&a)
        pipe(&b)
        defer { for fd in a + b { close(fd) } }
        _ = write(a[1], "x", 1)
        _ = write(b[1], "x", 1)
        var calls = 0
        try reactor.add(a[0], events: .readable) { [unowned reactor] _ in calls += 1; reactor.remove(b[0]); reactor.remove(a[0]) }
        try reactor.add(b[0], events: .readable) { [unowned reactor] _ in calls += 1; reactor.remove(a[0]); reactor.remove(b[0]) }
        var ticks = 0
        reactor.onTick = { [unowned reactor] in
            ticks += 1
            reactor.stop()
        }
        try reactor.run()
        #expect(calls == 1)
        #expect(ticks == 1)
    }

    @Test func writeInterestCanBeTurnedOnAndOff() throws {
        let reactor = try Reactor()
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        defer { for fd in fds { close(fd) } }
        var writable = 0
        try reactor.add(fds[1], events: []) { [unowned reactor] ready in
            if ready.contains(.writable) { writable += 1 }
            try? reactor.modify(fds[1], events: [])
        }
        try reactor.addTimer(after: 5) { [unowned reactor] in try? reactor.modify(fds[1], events: .writable) }
        try reactor.addTimer(after: 30) { [unowned reactor] in reactor.stop() }
        try reactor.run()
        #expect(writable == 1)
    }
}

@Suite struct ReactorSlowCallbacks {
    @Test func aCallbackThatHoldsTheLoopIsReportedByItsName() throws {
        let reactor = try Reactor()
        reactor.slowCallbackMilliseconds = 100
        var reports: [(String, Int64)] = []
        reactor.onSlowCallback = { reports.append(($0, $1)) }
        try reactor.addTimer(after: 0, label: "the snapshot timer") { usleep(300_000) }
        try reactor.addTimer(after: 1, label: "a quick timer") {}
        try reactor.addTimer(after: 400) { [unowned reactor] in reactor.stop() }
        try reactor.run()
        #expect(reports.map(\.0) == ["the snapshot timer"])
        #expect(reports.first.map { $0.1 >= 300 } == true)
    }

    @Test func anUnnamedDescriptorIsNamedAsTheKernelSeesIt() throws {
        let reactor = try Reactor()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        try reactor.add(fds[0], events: .readable) { _ in }
        #expect(reactor.describe(fds[0]).hasPrefix("descriptor \(fds[0]) (pipe:["))
        reactor.remove(fds[0])
        try reactor.add(fds[0], events: .readable, label: "a client's request") { _ in }
        #expect(reactor.describe(fds[0]) == "a client's request")
    }
}

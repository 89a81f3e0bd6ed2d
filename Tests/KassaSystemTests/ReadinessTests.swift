import CLinux
import Glibc
import KassaSystem
import Testing

@Suite struct ReadinessTests {
    private static func polled(_ fd: Int32, _ interest: Readiness) -> Readiness {
        var p = pollfd(fd: fd, events: interest.pollEvents, revents: 0)
        return poll(&p, 1, 0) == 1 ? Readiness(pollEvents: p.revents) : []
    }

    @Test func whatPollReportsOnAPipeDecodes() throws {
        let pipe = try makePipe()
        #expect(Self.polled(pipe.write, .writable) == .writable)
        #expect(Self.polled(pipe.read, .readable) == [])
        try writeAll(pipe.write, [1])
        #expect(Self.polled(pipe.read, .readable) == .readable)
        close(pipe.write)
        // Unasked for, the hang-up is reported beside the byte still to read.
        #expect(Self.polled(pipe.read, .readable) == [.readable, .hangup])
        close(pipe.read)
    }

    @Test func aWriteEndWhoseReaderHasGoneReportsAnError() throws {
        let pipe = try makePipe()
        close(pipe.read)
        defer { close(pipe.write) }
        #expect(Self.polled(pipe.write, .writable).contains(.error))
    }

    @Test func whatEpollReportsDecodes() throws {
        let pipe = try makePipe()
        defer { close(pipe.read) }
        let epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        defer { close(epoll) }
        var interest = epoll_event(events: Readiness([.readable, .writable]).rawValue, data: epoll_data_t(fd: pipe.read))
        #expect(epoll_ctl(epoll, EPOLL_CTL_ADD, pipe.read, &interest) == 0)
        try writeAll(pipe.write, [1])
        close(pipe.write)
        var reported = epoll_event()
        #expect(epoll_wait(epoll, &reported, 1, 0) == 1)
        #expect(Readiness(rawValue: reported.events) == [.readable, .hangup])
    }

    @Test func pollBitsRoundTripAndOtherConditionsAreLeftOut() {
        let all: Readiness = [.readable, .writable, .error, .hangup]
        #expect(Readiness(pollEvents: all.pollEvents) == all)
        #expect(Readiness(pollEvents: Int16(POLLPRI) | Int16(POLLOUT)) == .writable)
    }
}

import Glibc
import KassaDevices
import KassaSystem

/// Loops and links for testing drivers and transports without kassad's reactor.

/// A loop with a hand-turned clock, for drivers over fake links: `advance(ms)` fires the timers
/// that come due, in order.
public final class ManualLoop: DeviceLoop {
    public init() {}
    public private(set) var now: Int64 = 0
    private var timers: [(id: Int64, at: Int64, handler: () -> Void)] = []
    private var nextID: Int64 = 1

    public func watch(_ fd: Int32, _ interest: Readiness, handler: @escaping (Readiness) -> Void) throws(DeviceError) {
        throw DeviceError(device: "manual loop", message: "has no descriptors")
    }
    public func rewatch(_ fd: Int32, _ interest: Readiness) {}
    public func unwatch(_ fd: Int32) {}

    @discardableResult
    public func schedule(after milliseconds: Int64, _ handler: @escaping () -> Void) -> LoopTimer {
        let id = nextID
        nextID += 1
        timers.append((id, now + milliseconds, handler))
        return LoopTimer(id: id)
    }

    public func cancel(_ timer: LoopTimer) { timers.removeAll { $0.id == timer.id } }

    public func advance(_ milliseconds: Int64) {
        let end = now + milliseconds
        while let next = timers.filter({ $0.at <= end }).min(by: { ($0.at, $0.id) < ($1.at, $1.id) }) {
            timers.removeAll { $0.id == next.id }
            now = next.at
            next.handler()
        }
        now = end
    }

    public var pendingTimers: Int { timers.count }
}

/// A link whose other end is the test: it records what the driver sends and lets the test
/// complete sends, deliver bytes and pull the plug.
public final class FakeLink: ByteLink {
    public let name: String
    public private(set) var isOpen = true
    public var onReceive: ([UInt8]) -> Void = { _ in }
    public var onClose: (DeviceError) -> Void = { _ in }
    /// Every send in order, completed or not.
    public private(set) var sent: [[UInt8]] = []
    private var completions: [(LinkResult) -> Void] = []
    /// Complete each send at once (the common case) or leave it to `completeNext`.
    public var autoComplete = true

    public init(name: String = "fake") { self.name = name }

    public func send(_ bytes: [UInt8], completion: @escaping (LinkResult) -> Void) {
        sent.append(bytes)
        if autoComplete { completion(.sent) } else { completions.append(completion) }
    }

    public func completeNext(_ result: LinkResult = .sent) { completions.removeFirst()(result) }

    public var waitingSends: Int { completions.count }

    public func deliver(_ bytes: [UInt8]) { onReceive(bytes) }

    /// The device goes away: unfinished sends fail, then the link reports its end.
    public func unplug() {
        isOpen = false
        let pending = completions
        completions = []
        for c in pending { c(.failed(DeviceError(device: name, message: "unplugged"), bytesSent: 0)) }
        onClose(DeviceError(device: name, message: "unplugged"))
    }

    public func close() { isOpen = false }

    public var allBytes: [UInt8] { sent.flatMap { $0 } }
}

/// A loop over real descriptors (poll(2)) for transport tests: `run(until:)` turns it until the
/// condition holds or the deadline passes.
public final class PollLoop: DeviceLoop {
    public init() {}
    /// Refuse every descriptor, as an epoll that will not take one would.
    public var refusesDescriptors = false
    private var watched: [Int32: (interest: Readiness, handler: (Readiness) -> Void)] = [:]
    private var timers: [(id: Int64, at: Int64, handler: () -> Void)] = []
    private var nextID: Int64 = 1

    public var now: Int64 { monotonicMilliseconds() }

    public func watch(_ fd: Int32, _ interest: Readiness, handler: @escaping (Readiness) -> Void) throws(DeviceError) {
        guard !refusesDescriptors else { throw DeviceError(device: "poll loop", message: "EPERM") }
        watched[fd] = (interest, handler)
    }
    public func rewatch(_ fd: Int32, _ interest: Readiness) { watched[fd]?.interest = interest }
    public func unwatch(_ fd: Int32) { watched[fd] = nil }

    @discardableResult
    public func schedule(after milliseconds: Int64, _ handler: @escaping () -> Void) -> LoopTimer {
        let id = nextID
        nextID += 1
        timers.append((id, now + milliseconds, handler))
        return LoopTimer(id: id)
    }
    public func cancel(_ timer: LoopTimer) { timers.removeAll { $0.id == timer.id } }

    /// Turns until `done()` or `timeout` ms; returns whether `done()` became true.
    @discardableResult
    public func run(timeout: Int64 = 3000, until done: () -> Bool) -> Bool {
        let deadline = now + timeout
        while !done() {
            let t = now
            if t >= deadline { return false }
            if let due = timers.filter({ $0.at <= t }).min(by: { $0.at < $1.at }) {
                timers.removeAll { $0.id == due.id }
                due.handler()
                continue
            }
            let fds = Array(watched.keys)
            var polls = fds.map { pollfd(fd: $0, events: watched[$0]!.interest.pollEvents, revents: 0) }
            let wait = min(deadline, timers.map(\.at).min() ?? deadline) - t
            let n = poll(&polls, nfds_t(polls.count), Int32(max(1, min(wait, 50))))
            guard n > 0 else { continue }
            for p in polls where p.revents != 0 {
                watched[p.fd]?.handler(Readiness(pollEvents: p.revents))
            }
        }
        return true
    }
}

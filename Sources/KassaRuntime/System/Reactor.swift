import CLinux
import Glibc
import KassaDevices
import KassaIPC
import KassaSystem

/// A timer's handle, for cancelling it.
public struct TimerID: Hashable, Sendable {
    fileprivate let fd: Int32
}

/// The supervisor's one event loop: epoll over every descriptor kassad watches.
///
/// Everything runs on the thread that calls `run()`, one callback at a time, so callbacks need no
/// locks. The reactor is confined to that thread and deliberately not Sendable. Timers are timerfds
/// and signals arrive through a signalfd, so both are just more descriptors in the same loop.
/// The reactor keeps its callbacks, so a callback that refers to the reactor captures it
/// `unowned`; a strong capture would keep the reactor and its descriptors alive forever.
///
/// kassad runs the reactor on the main thread. Closures written in `main.swift`'s top-level code
/// are main-actor isolated in Swift 6, and the runtime traps when such a closure is called on any
/// other thread; the main thread is the one place where they can all run unchanged.
public final class Reactor: DeviceLoop {
    public typealias Handler = (Readiness) -> Void

    private let epollFD: Int32
    private var handlers: [Int32: Handler] = [:]
    /// What each descriptor is, for the slow-callback report; unnamed ones are described by the
    /// kernel's name for them (`socket:[…]`, `/dev/bus/usb/…`).
    private var labels: [Int32: String] = [:]
    /// Timer and signal descriptors the reactor created, and so closes.
    private var ownedFDs: Set<Int32> = []
    private var running = false
    /// Device-layer timers by their never-reused ids (timer descriptors are reused).
    private var pendingSoon: [() -> Void] = []
    private var loopTimers: [Int64: TimerID] = [:]
    private var nextLoopTimer: Int64 = 1
    /// Called once per loop turn after the ready callbacks: the place for work that must follow
    /// every batch of events (flushing, sweeping stalled clients).
    public var onTick: () -> Void = {}
    /// A callback that held the loop this long (ms) is reported through `onSlowCallback`: while
    /// it runs, nothing else does, not even SIGTERM, so a stop that times out starts here.
    public var slowCallbackMilliseconds: Int64 = 1_000
    public var onSlowCallback: (_ what: String, _ milliseconds: Int64) -> Void = { _, _ in }

    public init() throws(SystemError) {
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw .last("epoll_create1") }
    }

    deinit {
        for fd in ownedFDs { close(fd) }
        close(epollFD)
    }

    /// Blocks the signals kassad handles in the calling thread's mask, so every thread started
    /// later inherits the block and the signals queue for `watchSignals`; ignores SIGPIPE, since
    /// a vanished client must be an EPIPE and never kill the daemon. Call first thing in `main`,
    /// before libusb or anything else starts a thread.
    public static func prepareProcessSignals(_ signals: [Int32] = [SIGTERM, SIGHUP, SIGINT]) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    // MARK: Descriptors

    /// Watches `fd` (level-triggered) and calls `handler` with what is ready.
    public func add(_ fd: Int32, events: Readiness, label: String? = nil, handler: @escaping Handler) throws(SystemError) {
        var ev = epoll_event(events: events.rawValue, data: epoll_data_t(fd: fd))
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &ev) == 0 else { throw .last("epoll_ctl(ADD \(fd))") }
        handlers[fd] = handler
        labels[fd] = label
    }

    public func modify(_ fd: Int32, events: Readiness) throws(SystemError) {
        var ev = epoll_event(events: events.rawValue, data: epoll_data_t(fd: fd))
        guard epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &ev) == 0 else { throw .last("epoll_ctl(MOD \(fd))") }
    }

    /// Stops watching `fd`. Call before closing it; an event already collected for it in this turn
    /// is then skipped.
    public func remove(_ fd: Int32) {
        guard handlers.removeValue(forKey: fd) != nil else { return }
        labels[fd] = nil
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    public var watchedCount: Int { handlers.count }

    // MARK: Timers

    /// Calls `handler` after `milliseconds`, and then every `repeating` milliseconds if given.
    /// Runs on CLOCK_MONOTONIC, so setting the wall clock (a box without an RTC) moves no timer.
    @discardableResult
    public func addTimer(after milliseconds: Int64, repeating: Int64? = nil, label: String = "a timer",
                         handler: @escaping () -> Void) throws(SystemError) -> TimerID {
        let fd = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        guard fd >= 0 else { throw .last("timerfd_create") }
        // A zero it_value would disarm the timer; the shortest wait is one nanosecond.
        var spec = itimerspec(it_interval: Reactor.timespec(ms: repeating ?? 0),
                              it_value: Reactor.timespec(ms: milliseconds))
        if milliseconds <= 0 { spec.it_value = Glibc.timespec(tv_sec: 0, tv_nsec: 1) }
        guard timerfd_settime(fd, 0, &spec, nil) == 0 else {
            let e = SystemError.last("timerfd_settime")
            close(fd)
            throw e
        }
        let id = TimerID(fd: fd)
        let oneShot = repeating == nil
        try adopt(fd, label: label) { [unowned self] in
            var expirations: UInt64 = 0
            guard read(fd, &expirations, 8) == 8 else { return }
            if oneShot { self.cancelTimer(id) }
            handler()
        }
        return id
    }

    public func cancelTimer(_ id: TimerID) {
        guard ownedFDs.remove(id.fd) != nil else { return }
        remove(id.fd)
        close(id.fd)
    }

    private static func timespec(ms: Int64) -> Glibc.timespec {
        Glibc.timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
    }

    // MARK: Signals

    /// Delivers `signals` to `handler` through a signalfd. They must already be blocked
    /// (`prepareProcessSignals`), or the default action would still run.
    public func watchSignals(_ signals: [Int32], handler: @escaping (Int32) -> Void) throws(SystemError) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        let fd = signalfd(-1, &set, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        guard fd >= 0 else { throw .last("signalfd") }
        try adopt(fd, label: "the signal handler") {
            var info = signalfd_siginfo()
            while read(fd, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size {
                handler(Int32(info.ssi_signo))
            }
        }
    }

    /// Watches a descriptor the reactor created itself, closing it if it cannot be watched.
    private func adopt(_ fd: Int32, label: String, onReadable: @escaping () -> Void) throws(SystemError) {
        do throws(SystemError) {
            try add(fd, events: .readable, label: label) { _ in onReadable() }
        } catch {
            close(fd)
            throw error
        }
        ownedFDs.insert(fd)
    }

    // MARK: The device layer's loop

    public func watch(_ fd: Int32, _ interest: Readiness, handler: @escaping (Readiness) -> Void) throws(DeviceError) {
        do throws(SystemError) {
            try add(fd, events: interest, handler: handler)
        } catch {
            throw DeviceError(device: "fd \(fd)", message: error.description)
        }
    }

    public func rewatch(_ fd: Int32, _ interest: Readiness) {
        try? modify(fd, events: interest)
    }

    public func unwatch(_ fd: Int32) { remove(fd) }

    @discardableResult
    public func schedule(after milliseconds: Int64, _ handler: @escaping () -> Void) -> LoopTimer {
        let id = nextLoopTimer
        nextLoopTimer += 1
        do {
            loopTimers[id] = try addTimer(after: milliseconds, label: "a device timer") { [unowned self] in
                self.loopTimers[id] = nil
                handler()
            }
        } catch {
            // Out of descriptors: a timer that cannot be armed fires on the next turn instead of
            // never, so no device waits forever.
            pendingSoon.append(handler)
        }
        return LoopTimer(id: id)
    }

    public func cancel(_ timer: LoopTimer) {
        guard let t = loopTimers.removeValue(forKey: timer.id) else { return }
        cancelTimer(t)
    }

    public var now: Int64 { monotonicMilliseconds() }

    // MARK: Loop

    /// Runs until `stop()` is called from a callback.
    public func run() throws(SystemError) {
        running = true
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while running {
            let n = events.withUnsafeMutableBufferPointer { SystemCall.epollWait(epollFD, $0.baseAddress!, $0.count, -1) }
            if n < 0 { throw .last("epoll_wait") }
            for i in 0..<Int(n) {
                let fd = events[i].data.fd
                // An earlier callback in this batch may have removed it.
                guard let handler = handlers[fd] else { continue }
                // Named before it runs: a one-shot timer's descriptor is gone (and may be reused) after.
                let label = labels[fd]
                let began = monotonicMilliseconds()
                handler(Readiness(rawValue: events[i].events))
                reportIfSlow(began) { label ?? self.describe(fd) }
            }
            let began = monotonicMilliseconds()
            while !pendingSoon.isEmpty { pendingSoon.removeFirst()() }
            onTick()
            reportIfSlow(began) { "the work after a turn" }
        }
    }

    private func reportIfSlow(_ began: Int64, _ what: () -> String) {
        let took = monotonicMilliseconds() - began
        guard took >= slowCallbackMilliseconds else { return }
        onSlowCallback(what(), took)
    }

    /// A descriptor as the log names it: its label, else what the kernel calls it.
    func describe(_ fd: Int32) -> String {
        if let label = labels[fd] { return label }
        var target = [CChar](repeating: 0, count: 256)
        let n = readlink("/proc/self/fd/\(fd)", &target, target.count - 1)
        return n > 0 ? "descriptor \(fd) (\(String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)))" : "descriptor \(fd)"
    }

    /// Makes `run()` return after the current turn.
    public func stop() {
        running = false
    }
}

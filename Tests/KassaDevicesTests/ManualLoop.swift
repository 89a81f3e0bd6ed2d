import Glibc
import KassaDevices

/// A device loop whose time moves only when a test says so: timers fire in order, on the test's
/// thread, inside `advance`. Descriptors are not watched: the drivers tested with it use none.
final class ManualLoop: DeviceLoop {
    private(set) var now: Int64 = 0
    private var timers: [(id: Int64, due: Int64, handler: () -> Void)] = []
    private var nextID: Int64 = 1

    var scheduledCount: Int { timers.count }

    func watch(_ fd: Int32, _ interest: Readiness, handler: @escaping (Readiness) -> Void) throws(DeviceError) {
        throw DeviceError(device: "manual-loop", message: "watches no descriptors")
    }
    func rewatch(_ fd: Int32, _ interest: Readiness) {}
    func unwatch(_ fd: Int32) {}

    @discardableResult
    func schedule(after milliseconds: Int64, _ handler: @escaping () -> Void) -> LoopTimer {
        let id = nextID
        nextID += 1
        timers.append((id, now + max(0, milliseconds), handler))
        return LoopTimer(id: id)
    }

    func cancel(_ timer: LoopTimer) { timers.removeAll { $0.id == timer.id } }

    /// Moves time on by `milliseconds`, firing every timer that falls due, earliest first.
    func advance(by milliseconds: Int64) {
        let end = now + milliseconds
        while let next = timers.filter({ $0.due <= end }).min(by: { ($0.due, $0.id) < ($1.due, $1.id) }) {
            timers.removeAll { $0.id == next.id }
            now = next.due
            next.handler()
        }
        now = end
    }
}

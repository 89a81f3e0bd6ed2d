import KassaSystem

/// The event loop the device layer runs on. kassad's reactor conforms (KassaRuntime), tests use a
/// small loop of their own. Everything a transport or driver does happens in callbacks on the
/// loop's one thread: descriptors that became ready and timers that fired. No locks, no threads.
public protocol DeviceLoop: AnyObject {
    /// Watches `fd` (level-triggered) for `interest`; `handler` gets what is ready. Errors and
    /// hang-ups are reported whether asked for or not.
    func watch(_ fd: Int32, _ interest: Readiness, handler: @escaping (Readiness) -> Void) throws(DeviceError)
    /// Changes what a watched descriptor waits for (say, writable only while output is queued).
    func rewatch(_ fd: Int32, _ interest: Readiness)
    /// Stops watching; call before closing the descriptor.
    func unwatch(_ fd: Int32)
    /// Calls `handler` once after `milliseconds` of monotonic time.
    @discardableResult
    func schedule(after milliseconds: Int64, _ handler: @escaping () -> Void) -> LoopTimer
    func cancel(_ timer: LoopTimer)
    /// Monotonic milliseconds, for timeouts and measurements.
    var now: Int64 { get }
}

/// A scheduled timer's handle.
public struct LoopTimer: Hashable, Sendable {
    public let id: Int64
    public init(id: Int64) { self.id = id }
}

/// A byte stream to one device: a serial port, a TCP connection to a network printer, a USB
/// printer's bulk endpoints, a HID device's interrupt reports. Drivers speak their protocol
/// over a link and never know which transport is underneath.
///
/// A link reports everything through its callbacks on the loop's thread. Once `onClose` has been
/// called the link is finished: the device manager makes a new one when the device comes back.
public protocol ByteLink: AnyObject {
    /// For logs and status: `/dev/ttyUSB0`, `tcp 192.0.2.7:9100`, `usb 1-1.2`.
    var name: String { get }
    var isOpen: Bool { get }
    /// Queues `bytes`; `completion` runs once: success when the transport took all of them (a tty
    /// or socket accepted them, a USB transfer finished: the device's buffer has them, not the
    /// paper), or the error and how many bytes went out before it.
    func send(_ bytes: [UInt8], completion: @escaping (LinkResult) -> Void)
    /// Bytes (or, for HID links, one whole report per call) as they arrive.
    var onReceive: ([UInt8]) -> Void { get set }
    /// The link ended: the device was unplugged, the peer hung up, a transfer failed for good.
    /// Not called for `close()`.
    var onClose: (DeviceError) -> Void { get set }
    /// Closes the link; queued sends complete with an error.
    func close()
}

public enum LinkResult: Sendable, Equatable {
    case sent
    /// `bytesSent` of the send's bytes left before the error; 0 means none of them did.
    case failed(DeviceError, bytesSent: Int)
}

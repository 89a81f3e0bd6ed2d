import CLinux
import Glibc

/// What a descriptor is ready for, in epoll's bits. poll(2) reports the same conditions, so the
/// reactor, libusb's pollfds and the test loops all speak this one type.
public struct Readiness: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = Readiness(rawValue: EPOLLIN.rawValue)
    public static let writable = Readiness(rawValue: EPOLLOUT.rawValue)
    /// Reported whether asked for or not: the descriptor failed.
    public static let error = Readiness(rawValue: EPOLLERR.rawValue)
    /// Reported whether asked for or not: the other end hung up.
    public static let hangup = Readiness(rawValue: EPOLLHUP.rawValue)

    private static let pollBits: [(bit: Int16, readiness: Readiness)] = [
        (Int16(POLLIN), .readable), (Int16(POLLOUT), .writable), (Int16(POLLERR), .error), (Int16(POLLHUP), .hangup),
    ]

    /// The conditions of a poll(2) `events` or `revents` field; bits of other conditions are left out.
    public init(pollEvents: Int16) {
        self = []
        for entry in Readiness.pollBits where pollEvents & entry.bit != 0 { insert(entry.readiness) }
    }

    /// These conditions as a poll(2) `events` field.
    public var pollEvents: Int16 {
        Readiness.pollBits.reduce(0) { bits, entry in contains(entry.readiness) ? bits | entry.bit : bits }
    }
}

import KassaIPC

/// Puts an `IPCServer` on the reactor: the listening socket and every connection become reactor
/// descriptors, readiness changes the server asks for become epoll changes, and each decoded
/// request goes to `onRequest` on the reactor thread. Whoever handles a request must answer it
/// with `server.send(_:to:)`, now or later, exactly once.
public final class IPCService {
    public let server: IPCServer
    private let reactor: Reactor
    private let log: Logger

    public init(server: IPCServer, reactor: Reactor, log: Logger,
                onRequest: @escaping (_ connection: Int32, Request) -> Void) throws(SystemError) {
        self.server = server
        self.reactor = reactor
        self.log = log
        server.onInterestChange = { [unowned reactor, log] fd, interest in
            var events: IOEvents = []
            if interest.read { events.insert(.readable) }
            if interest.write { events.insert(.writable) }
            do throws(SystemError) { try reactor.modify(fd, events: events) } catch { log.error("cannot watch client", ["error": error.description]) }
        }
        server.onClose = { [unowned reactor] fd in reactor.remove(fd) }
        try reactor.add(server.listeningFD, events: .readable) { [unowned self] _ in
            for fd in server.acceptPending() {
                do throws(SystemError) {
                    try reactor.add(fd, events: .readable) { [unowned self] ready in
                        self.connectionReady(fd, ready, onRequest)
                    }
                } catch {
                    log.error("cannot watch client", ["error": error.description])
                    server.close(fd)
                }
            }
        }
        let sweepEvery = max(10, server.configuration.stallTimeoutMilliseconds / 2)
        try reactor.addTimer(after: sweepEvery, repeating: sweepEvery) { server.sweep() }
    }

    private func connectionReady(_ fd: Int32, _ ready: IOEvents, _ onRequest: (Int32, Request) -> Void) {
        if ready.contains(.writable) { server.handleWritable(fd) }
        // A hangup still needs a read: it drains what was sent before and sees the end of file.
        if ready.contains(.readable) || ready.contains(.hangup) || ready.contains(.error) {
            for input in server.handleReadable(fd) {
                switch input {
                case .request(let request):
                    onRequest(fd, request)
                case .rejected(let error):
                    log.debug("rejected client line", ["fd": String(fd), "code": error.code.rawValue])
                }
            }
        }
    }
}

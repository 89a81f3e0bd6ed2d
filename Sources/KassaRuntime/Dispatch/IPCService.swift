import KassaIPC
import KassaSystem

/// Puts an `IPCServer` on the reactor: the listening socket and every connection become reactor
/// descriptors, readiness changes the server asks for become epoll changes, and each decoded
/// request goes to `onRequest` on the reactor thread. Whoever handles a request must answer it
/// with `server.send(_:to:)`, now or later, exactly once.
public final class IPCService {
    public let server: IPCServer
    private let reactor: Reactor
    private let log: Logger
    private var sweepTimer: TimerID?
    /// Called with the descriptor of every connection the server closed.
    public var onDisconnect: (Int32) -> Void = { _ in }

    public init(server: IPCServer, reactor: Reactor, log: Logger,
                onRequest: @escaping (ConnectionID, Request) -> Void) throws(SystemError) {
        self.server = server
        self.reactor = reactor
        self.log = log
        server.onInterestChange = { [unowned reactor, log] fd, interest in
            var events: Readiness = []
            if interest.read { events.insert(.readable) }
            if interest.write { events.insert(.writable) }
            do throws(SystemError) { try reactor.modify(fd, events: events) } catch {
                log.error("cannot watch client", ["error": error.description])
            }
        }
        server.onOpen = { [unowned self, unowned reactor, log] fd in
            do throws(SystemError) {
                try reactor.add(fd, events: .readable, label: "a client's request") { [unowned self] ready in
                    self.connectionReady(fd, ready, onRequest)
                }
                return true
            } catch {
                log.error("cannot watch client", ["error": error.description])
                return false
            }
        }
        server.onClose = { [unowned self, unowned reactor] fd in
            reactor.remove(fd)
            self.onDisconnect(fd)
        }
        try reactor.add(server.listeningFD, events: .readable, label: "accepting clients") { _ in _ = server.acceptPending() }
        let sweepEvery = max(10, server.configuration.stallTimeoutMilliseconds / 2)
        sweepTimer = try reactor.addTimer(after: sweepEvery, repeating: sweepEvery, label: "the client sweep") { [unowned server] in server.sweep() }
    }

    /// Takes the server off the reactor; its connections are closed.
    deinit {
        reactor.remove(server.listeningFD)
        if let sweepTimer { reactor.cancelTimer(sweepTimer) }
        server.disconnectAll()
    }

    private func connectionReady(_ fd: Int32, _ ready: Readiness, _ onRequest: (ConnectionID, Request) -> Void) {
        let inputs: [ServerInput]
        if ready.contains(.hangup) || ready.contains(.error) {
            inputs = server.handleHangup(fd)
        } else {
            if ready.contains(.writable) { server.handleWritable(fd) }
            inputs = ready.contains(.readable) ? server.handleReadable(fd) : []
        }
        for input in inputs {
            switch input {
            case .request(let request, let from):
                onRequest(from, request)
            case .rejected(let error, let from):
                log.debug("rejected client line", ["connection": from.description, "code": error.code.rawValue])
            }
        }
    }
}

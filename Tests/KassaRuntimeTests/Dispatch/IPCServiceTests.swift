import Glibc
import KassaIPC
import KassaSystem
import Testing
@testable import KassaRuntime

/// A reactor serving a test IPC protocol on its own thread, as kassad will, with the test thread
/// as the client. The reactor, server and handlers are built here and then touched only by the
/// reactor thread until `stop()` has joined it; the class is @unchecked Sendable for that hand-over.
private final class RunningService: @unchecked Sendable {
    let directory: String
    let path: String
    private let reactor: Reactor
    private var service: IPCService?
    private var wake: [Int32] = [0, 0]
    private var thread = pthread_t()

    init(_ configure: (inout IPCServer.Configuration) -> Void = { _ in }) throws {
        var template = Array("/tmp/kassa-svc-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template)!)
        path = directory + "/kassad.sock"
        var config = IPCServer.Configuration(path: path, greeting: Greeting(serverVersion: "test", capabilities: ["events"]))
        configure(&config)
        reactor = try Reactor()
        let server = try IPCServer(config)
        let log = Logger(threshold: .warning)
        service = try IPCService(server: server, reactor: reactor, log: log) { connection, request in
            RunningService.handle(server, connection, request)
        }
        pipe(&wake)
        try reactor.add(wake[0], events: .readable) { [unowned reactor] _ in reactor.stop() }
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            let me = Unmanaged<RunningService>.fromOpaque(raw!).takeRetainedValue()
            do { try me.reactor.run() } catch { Issue.record("reactor failed: \(error)") }
            return nil
        }, box)
    }

    /// The test protocol: `ping`, `subscribe`, `count` (open connections) and `flood` (n events).
    private static func handle(_ server: IPCServer, _ connection: ConnectionID, _ request: Request) {
        switch request.op {
        case "ping":
            server.send(.ok(request.id, "pong"), to: connection)
        case "subscribe":
            server.setSubscribed(connection, true)
            server.send(.ok(request.id), to: connection)
        case "count":
            server.send(.ok(request.id, .int(Int64(server.connectionCount))), to: connection)
        case "flood":
            let n = request.args["n"]?.intValue ?? 0
            let payload = JSONValue.string(String(repeating: "e", count: 1000))
            for _ in 0..<n { server.broadcast("tick", data: payload) }
            server.send(.ok(request.id), to: connection)
        default:
            server.send(.error(request.id, IPCError(.unknownOp, "unknown operation '\(request.op)'")), to: connection)
        }
    }

    func stop() {
        _ = write(wake[1], "x", 1)
        pthread_join(thread, nil)
        service = nil
        close(wake[0])
        close(wake[1])
        unlink(path)
        rmdir(directory)
    }

    func rawConnect() -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #expect(try! UnixSocketAddress(path).withSockaddr { connect(fd, $0, $1) } == 0)
        return fd
    }
}

@Suite struct IPCOverTheReactor {
    @Test func theClientReadsTheGreetingAndGetsRepliesAndErrors() throws {
        let s = try RunningService()
        defer { s.stop() }
        let client = try IPCClient(path: s.path)
        #expect(client.greeting == Greeting(serverVersion: "test", capabilities: ["events"]))
        #expect(try client.call(name: "ping") == "pong")
        #expect(throws: IPCClientError.remote(IPCError(.unknownOp, "unknown operation 'sell_twice'"))) {
            try client.call(name: "sell_twice")
        }
        try client.sendRaw(Array("{oops}\n".utf8))
        #expect(try client.awaitReply(nil).outcome.map { _ in 0 } == .failure(IPCError(.badJSON, "unexpected byte 0x6f at byte 1")))
        #expect(try client.call(name: "ping") == "pong")
    }

    @Test func aThousandQuickConnectionsLeaveNothingBehind() throws {
        let s = try RunningService()
        defer { s.stop() }
        for i in 0..<1000 {
            if i % 2 == 0 {
                _ = try IPCClient(path: s.path)
            } else {
                close(s.rawConnect())  // gone before the greeting could be read
            }
        }
        let client = try IPCClient(path: s.path)
        var open: JSONValue = .null
        for _ in 0..<100 {
            open = try client.call(name: "count")
            if open == 1 { break }
            usleep(10_000)
        }
        #expect(open == 1)
    }

    @Test func aStalledClientDoesNotSlowAnotherDown() throws {
        let s = try RunningService()
        defer { s.stop() }
        // Half a line, then silence; and a subscriber that never reads its events.
        let halfLine = s.rawConnect()
        defer { close(halfLine) }
        _ = Array(#"{"id":1,"op":"pi"#.utf8).withUnsafeBytes { send(halfLine, $0.baseAddress, $0.count, 0) }
        let deaf = try IPCClient(path: s.path)
        _ = try deaf.call(.subscribe)

        let client = try IPCClient(path: s.path, timeoutMilliseconds: 1_000)
        _ = try client.call(name: "flood", args: ["n": 2_000])
        let start = monotonicMilliseconds()
        for _ in 0..<200 { #expect(try client.call(name: "ping") == "pong") }
        #expect(monotonicMilliseconds() - start < 1_000)
    }

    @Test func theConnectionCapRefusesTheNextClientWithAnError() throws {
        let s = try RunningService { $0.maximumConnections = 3 }
        defer { s.stop() }
        let clients = try (0..<3).map { _ in try IPCClient(path: s.path) }
        #expect(throws: IPCClientError.remote(IPCError(.tooManyConnections, "connection limit reached"))) {
            try IPCClient(path: s.path)
        }
        #expect(try clients[0].call(name: "ping") == "pong")
    }

    @Test func aSlowSubscriberSeesAGapThenIsDisconnectedIfItStaysStalled() throws {
        let s = try RunningService {
            $0.outputCapacity = 16 * 1024
            $0.stallTimeoutMilliseconds = 100
        }
        defer { s.stop() }
        let subscriber = try IPCClient(path: s.path)
        _ = try subscriber.call(.subscribe)
        let other = try IPCClient(path: s.path)
        _ = try other.call(name: "flood", args: ["n": 2_000])
        usleep(400_000)
        var events = 0
        var ended = false
        while !ended {
            do throws(IPCClientError) {
                if case .event = try subscriber.nextEvent() { events += 1 }
            } catch {
                #expect(error == .disconnected)
                ended = true
            }
        }
        #expect(events > 0 && events < 2_000)
        #expect(try other.call(name: "count") == 1)
    }
}

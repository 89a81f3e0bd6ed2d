import Glibc
import KassaSystem
import Testing
@testable import KassaIPC

/// A server in a fresh temporary directory, pumped by hand from the test thread: the server owns
/// no thread, so these tests drive it exactly as the reactor would, one readiness at a time.
private final class Fixture {
    let directory: String
    let server: IPCServer
    var clients: [Int32] = []

    init(_ configure: (inout IPCServer.Configuration) -> Void = { _ in }) throws {
        var template = Array("/tmp/kassa-ipc-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template)!)
        var config = IPCServer.Configuration(path: directory + "/kassad.sock",
                                             greeting: Greeting(serverVersion: "test", capabilities: ["events"]))
        configure(&config)
        server = try IPCServer(config)
    }

    deinit {
        for fd in clients { close(fd) }
        // The server's own deinit runs after this one and unlinks nothing that is still here.
        for name in ["kassad.sock", "stale.sock"] { unlink(directory + "/" + name) }
        rmdir(directory)
    }

    /// A raw client socket, connected (the backlog accepts before the server does).
    func connectRaw() -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let address = try! UnixSocketAddress(server.configuration.path)
        #expect(address.withSockaddr { connect(fd, $0, $1) } == 0)
        clients.append(fd)
        return fd
    }

    func write(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads one line from a raw client, pumping the server's writes meanwhile; nil at end of file.
    func readLine(_ fd: Int32, _ reader: inout LineReader, serverFD: Int32? = nil) -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if case .line(let bytes) = reader.next() { return String(decoding: bytes, as: UTF8.self) }
            if let serverFD { server.handleWritable(serverFD) }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 2000) == 1 else { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            chunk.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }
}

@Suite struct ServerOverARealSocket {
    @Test func theServerGreetsFirstAndAnswersMalformedLinesWithoutClosing() throws {
        let f = try Fixture()
        let client = f.connectRaw()
        let accepted = f.server.acceptPending()
        #expect(accepted.count == 1)
        var reader = LineReader()
        #expect(f.readLine(client, &reader) == #"{"kassa":"test","protocol":1,"capabilities":["events"]}"#)

        f.write(client, "not json\n{\"id\":1,\"op\":\"ping\"}\n{\"id\":2,\"op\":\"x\",\"bogus\":true}\n")
        let inputs = f.server.handleReadable(accepted[0].fd)
        #expect(inputs.count == 3)
        #expect(inputs[1] == .request(Request(id: .int(1), op: "ping"), from: accepted[0]))
        f.server.send(.ok(.int(1), "pong"), to: accepted[0])

        #expect(f.readLine(client, &reader)?.hasPrefix(#"{"id":null,"ok":false,"error":{"code":"bad_json""#) == true)
        #expect(f.readLine(client, &reader) == #"{"id":2,"ok":false,"error":{"code":"unknown_field","message":"unknown request field \"bogus\""}}"#)
        #expect(f.readLine(client, &reader) == #"{"id":1,"ok":true,"result":"pong"}"#)
    }

    @Test func invalidUTF8AndOverLongLinesGetTheirOwnCodesAndTheConnectionRecovers() throws {
        let f = try Fixture { $0.maximumLineLength = 100 }
        let client = f.connectRaw()
        let id = f.server.acceptPending()[0]
        var reader = LineReader()
        _ = f.readLine(client, &reader)
        _ = [UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\""), 0x0A].withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
        f.write(client, String(repeating: "x", count: 500) + "\n" + #"{"id":9,"op":"ping"}"# + "\n")
        let inputs = f.server.handleReadable(id.fd)
        #expect(inputs.count == 3)
        #expect(inputs.last == .request(Request(id: .int(9), op: "ping"), from: id))
        #expect(f.readLine(client, &reader)?.contains(#""code":"invalid_utf8""#) == true)
        #expect(f.readLine(client, &reader)?.contains(#""code":"line_too_long""#) == true)
    }

    @Test func theSocketIsGroupReadableWritableOnlyAndNamesThePeer() throws {
        let f = try Fixture()
        var st = stat()
        #expect(stat(f.server.configuration.path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o660)
        _ = f.connectRaw()
        let id = f.server.acceptPending()[0]
        #expect(f.server.peer(id) == PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()))
        #expect(f.server.peer(id)?.isMember(ofGroup: getgid()) == true)
    }

    @Test func aStaleSocketFileIsReplacedButALiveServerIsNotStolen() throws {
        let f = try Fixture()
        let config = f.server.configuration
        #expect(throws: SystemError.self) { try IPCServer(config) }
        // A socket file nobody listens on, as a crash leaves it.
        let stalePath = f.directory + "/stale.sock"
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        _ = try UnixSocketAddress(stalePath).withSockaddr { bind(stale, $0, $1) }
        close(stale)
        var replacement = config
        replacement.path = stalePath
        #expect(throws: Never.self) { _ = try IPCServer(replacement) }
    }

    @Test func anUnknownSocketGroupIsAStartupErrorAndLeavesNoFile() throws {
        let f = try Fixture()
        var config = f.server.configuration
        config.path = f.directory + "/stale.sock"
        config.group = "no-such-group-kassa"
        #expect(throws: SystemError("no group named 'no-such-group-kassa'", errno: ENOENT)) { try IPCServer(config) }
        #expect(access(config.path, F_OK) != 0)
    }

    @Test func aConnectionTheReactorCannotWatchIsClosedUngreeted() throws {
        let f = try Fixture()
        f.server.onOpen = { _ in false }
        let client = f.connectRaw()
        #expect(f.server.acceptPending().isEmpty)
        #expect(f.server.connectionCount == 0)
        var reader = LineReader()
        #expect(f.readLine(client, &reader) == nil)
    }

    @Test func disconnectingAClientClosesItAndTellsTheReactor() throws {
        let f = try Fixture()
        var closed: [Int32] = []
        f.server.onClose = { closed.append($0) }
        let client = f.connectRaw()
        let id = f.server.acceptPending()[0]
        f.server.disconnect(id)
        #expect(closed == [id.fd] && f.server.connectionCount == 0)
        var reader = LineReader()
        _ = f.readLine(client, &reader)
        #expect(f.readLine(client, &reader) == nil)
    }

    @Test func clientsBeyondTheCapAreRefusedWithAnError() throws {
        let f = try Fixture { $0.maximumConnections = 2 }
        let clients = (0..<3).map { _ in f.connectRaw() }
        #expect(f.server.acceptPending().count == 2)
        #expect(f.server.connectionCount == 2)
        var reader = LineReader()
        #expect(f.readLine(clients[2], &reader)?.contains(#""code":"too_many_connections""#) == true)
        #expect(f.readLine(clients[2], &reader) == nil)
    }

    @Test func aHalfClosedClientStillGetsItsReplyAndIsThenClosed() throws {
        let f = try Fixture()
        var closed: [Int32] = []
        f.server.onClose = { closed.append($0) }
        let client = f.connectRaw()
        let id = f.server.acceptPending()[0]
        let fd = id.fd
        f.write(client, #"{"id":1,"op":"ping"}"# + "\n")
        shutdown(client, Int32(SHUT_WR))
        #expect(f.server.handleReadable(fd) == [.request(Request(id: .int(1), op: "ping"), from: id)])
        // The reactor reports the descriptor readable again for the end of file.
        #expect(f.server.handleReadable(fd).isEmpty)
        #expect(closed.isEmpty)
        f.server.send(.ok(.int(1)), to: id)
        #expect(closed == [fd])
        var reader = LineReader()
        _ = f.readLine(client, &reader)
        #expect(f.readLine(client, &reader) == #"{"id":1,"ok":true,"result":null}"#)
        #expect(f.readLine(client, &reader) == nil)
    }

    @Test func aLateReplyNeverReachesANewcomerOnTheSameDescriptorNumber() throws {
        let f = try Fixture()
        let first = f.connectRaw()
        let old = f.server.acceptPending()[0]
        f.write(first, #"{"id":1,"op":"slow"}"# + "\n")
        _ = f.server.handleReadable(old.fd)
        close(first)
        f.clients.removeAll { $0 == first }
        #expect(f.server.handleHangup(old.fd).isEmpty)
        var second = f.connectRaw()
        var new = f.server.acceptPending()[0]
        // Tests run side by side in one process: another may take the freed number first. Try
        // again until the kernel hands this test the old number (bounded, polling).
        for _ in 0..<500 where new.fd != old.fd {
            f.server.disconnect(new)
            close(second)
            f.clients.removeAll { $0 == second }
            usleep(10_000)
            second = f.connectRaw()
            new = f.server.acceptPending()[0]
        }
        #expect(new.fd == old.fd && new != old)
        f.server.send(.ok(.int(1), "for the first client"), to: old)
        f.server.disconnect(old)
        #expect(f.server.isOpen(new))
        f.server.send(.ok(.int(2), "for the second"), to: new)
        var reader = LineReader()
        _ = f.readLine(second, &reader)
        #expect(f.readLine(second, &reader) == #"{"id":2,"ok":true,"result":"for the second"}"#)
    }

    @Test func aSubscriberThatFallsBehindGetsAGapMarkerThenFreshEvents() throws {
        let f = try Fixture { $0.outputCapacity = 8 * 1024 }
        let client = f.connectRaw()
        let id = f.server.acceptPending()[0]
        let fd = id.fd
        f.server.setSubscribed(id, true)
        let payload = JSONValue.string(String(repeating: "e", count: 1000))
        for _ in 0..<2000 { f.server.broadcast("tick", data: payload) }

        var reader = LineReader()
        #expect(f.readLine(client, &reader, serverFD: fd)?.hasPrefix(#"{"kassa""#) == true)
        var expected: UInt64 = 1
        var gap: Gap?
        while gap == nil, let line = f.readLine(client, &reader, serverFD: fd) {
            switch try ServerMessage(json: JSONValue.parse(line)) {
            case .event(let e):
                #expect(e.seq == expected)
                expected += 1
            case .gap(let g): gap = g
            default: Issue.record("unexpected \(line)")
            }
        }
        #expect(gap == Gap(first: expected, last: 2000))
        f.server.broadcast("tick", data: "after")
        #expect(f.readLine(client, &reader, serverFD: fd) == #"{"event":"tick","seq":2001,"data":"after"}"#)
    }

    @Test func aSubscriberThatStaysStalledIsDisconnected() throws {
        var clock: Int64 = 0
        let f = try Fixture {
            $0.outputCapacity = 8 * 1024
            $0.stallTimeoutMilliseconds = 5_000
        }
        f.server.now = { clock }
        _ = f.connectRaw()
        let id = f.server.acceptPending()[0]
        let other = f.connectRaw()
        _ = f.server.acceptPending()
        f.server.setSubscribed(id, true)
        for _ in 0..<1000 { f.server.broadcast("tick", data: .string(String(repeating: "e", count: 1000))) }
        clock = 4_999
        f.server.sweep()
        #expect(f.server.connectionCount == 2)
        clock = 5_000
        f.server.sweep()
        #expect(f.server.connectionCount == 1)
        #expect(!f.server.isOpen(id))
        var reader = LineReader()
        #expect(f.readLine(other, &reader)?.hasPrefix(#"{"kassa""#) == true)
    }
}

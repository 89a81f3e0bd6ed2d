import Foundation
import CLinux
import Glibc
import Testing
import KassaIPC
import KassaTestSupport

/// Bad input gets a specific error; the daemon and every other client carry on.
@Suite("Bad input and limits")
struct InputAndLimitsTests {
    /// Sends raw bytes and returns the error code of the one reply.
    func rawError(_ c: IPCClient, _ bytes: [UInt8], id: RequestID? = nil) throws -> ErrorCode? {
        try c.sendRaw(bytes)
        let reply = try c.awaitReply(id)
        if case .failure(let e) = reply.outcome { return e.code }
        return nil
    }

    /// The door: every operation of the table refuses what its row does not allow before any
    /// handler runs, on the real kassad, which stays up.
    @Test func everyOperationRefusesAnUnknownArgumentAndTechnicianOnesWantASession() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        for op in Op.allCases {
            #expect(c.errorCode(op, ["no_such_argument": 1]) == .badArgs, "\(op.name)")
        }
        for op in Op.allCases where op.spec.access == .technician && op.spec.arguments.allSatisfy({ !$0.required }) {
            #expect(c.errorCode(op) == .pinRequired, "\(op.name)")
        }
        for op in Op.allCases where op.spec.access == .loggedIn && op.spec.arguments.allSatisfy({ !$0.required }) {
            #expect(c.errorCode(op) == .notLoggedIn, "\(op.name)")
        }
        #expect(c.errorCode(.shiftOpen, ["float": .int(Int64.max)]) == .badArgs)
        #expect(try c.call(.status)["register"] != nil)
        #expect(d.process?.isRunning == true)
    }

    @Test func eachKindOfBadInputGetsItsOwnErrorAndTheConnectionStaysUsable() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        #expect(try rawError(c, [UInt8](repeating: 0x61, count: 70_000) + [10]) == .lineTooLong)
        #expect(try rawError(c, Array("{not json}\n".utf8)) == .badJSON)
        #expect(try rawError(c, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D, 0x0A]) == .invalidUTF8)
        #expect(try rawError(c, Array(#"{"id":1,"op":"status","extra":true}"#.utf8) + [10], id: .int(1)) == .unknownField)
        #expect(c.errorCode(name: "no.such.op") == .unknownOp)
        try c.readyToSell()
        #expect(c.errorCode(.saleScan, ["code": 101]) == .badArgs)
        #expect(c.errorCode(.saleScan, ["code": "101", "colour": "red"]) == .badArgs)
        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(c.errorCode(.saleTender, ["kind": "cash", "amount": "x"]) == .badArgs)
        #expect(c.errorCode(.saleTender, ["kind": "cash", "amount": .decimal("12.5")]) == .badArgs)
        #expect(c.errorCode(.saleTender, ["kind": "gold", "amount": 100]) == .badArgs)
        #expect(c.errorCode(.saleScan, ["code": "6400000000018"]) == .badArgs)  // wrong check digit
        // Still the same connection, still working.
        #expect(try c.call(.saleGet)["lines"]?.arrayValue?.count == 1)
        #expect(d.process?.isRunning == true)
    }

    /// With nobody logged in (the register locked, an idle box), only the greeting and `status`
    /// answer; every other read of the table wants an operator or a technician's session.
    @Test func withNobodyLoggedInOnlyStatusAnswers() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        let anyone = Op.allCases.filter { $0.spec.access == .anyone }
        #expect(Set(anyone) == [.status, .subscribe, .technicianRecoveryCode])
        for op in Op.allCases where op.spec.effect == .read && op.spec.access == .loggedInOrTechnician {
            let args: JSONObject
            switch op {
            case .receiptGet, .receiptReprint: args = ["receipt": 1]
            case .voucherGet, .catalogLookup: args = ["code": "101"]
            case .catalogSearch: args = ["query": "kahvi"]
            case .timeclockHours: args = ["from": "2026-01-01", "to": "2026-01-02"]
            case .customerGet: args = ["customer": 1]
            default: args = [:]
            }
            #expect(c.errorCode(op, args) == .notLoggedIn, "\(op.name)")
        }
        let status = try c.call(.status, as: StatusReply.self)
        #expect(status.screen[SettingKey.language] != nil && status.screen[SettingKey.storeName] == nil)
        #expect(!status.needsSetUp)
        // A technician's session on the connection reads them.
        _ = try c.call(.technician, args: ["pin": "3333"])
        #expect(try c.call(.configGet, args: ["key": "store_name"])["store_name"] != nil)
        #expect(try c.call(.operatorList).arrayValue?.count == 3)
        // So does a cashier logged in at the register; the X report, though, is a supervisor's
        // while a shift is open (the close is a blind count).
        let cashier = try d.client()
        try cashier.readyToSell()
        #expect(cashier.errorCode(.receiptGet, ["receipt": 1]) == .notFound)  // past the door: no receipt yet
        #expect(try cashier.call(.catalogLookup, args: ["code": "101"])["item"] != nil)
        #expect(cashier.errorCode(.reportX) == .forbidden)
        _ = try cashier.call(.logout)
        _ = try cashier.call(.login, args: ["pin": "2222"])
        #expect(try cashier.call(.reportX)["report"] != nil)
    }

    @Test func aCashierCannotDoSupervisorOrTechnicianWork() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        #expect(c.errorCode(.reportZ) == .forbidden)
        #expect(c.errorCode(.drawerNoSale) == .pinRequired)
        #expect(c.errorCode(.configSet, ["key": "store_name", "value": "X"]) == .pinRequired)
        #expect(c.errorCode(.operatorAdd, ["id": "x", "name": "X", "role": "technician", "pin": "9999"]) == .pinRequired)
        // A supervisor's PIN does not open a technician session, and is answered as a wrong one.
        #expect(c.errorCode(.technician, ["pin": "2222"]) == .wrongPin)
        _ = try c.call(.technician, args: ["pin": "3333"])
        #expect(try c.call(.configSet, args: ["key": "store_name", "value": "Kahvila X"])["new"]?.stringValue == "Kahvila X")
        // The technician session belongs to that connection only.
        #expect(try d.client().errorCode(.configSet, ["key": "store_name", "value": "Y"]) == .pinRequired)
    }

    @Test func guessingPINsIsSlowedLoggedAndRaisedWithoutLockingTheTill() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        // Three wrong PINs are looked at at once; then each waits longer, and says how long.
        var answers: [IPCError] = []
        for n in 0..<13 where answers.last?.code != .pinDelayed {
            guard case .failure(let e) = c.attempt(.login, ["pin": .string(String(9170 + n))]) else { break }
            answers.append(e)
        }
        #expect(answers.prefix(3).allSatisfy { $0.code == .wrongPin })
        let delayed = try #require(answers.last)
        #expect(delayed.code == .pinDelayed)
        #expect((1...300_000).contains(delayed.retryAfterMilliseconds ?? 0))
        let wrong = answers.filter { $0.code == .wrongPin }.count
        #expect(d.log.components(separatedBy: "wrong PIN").count - 1 >= wrong)
        #expect(!d.log.contains("9171") && !d.log.contains("9172"))
        let alarms = try c.call(.status)["alarms"]?.arrayValue ?? []
        #expect(alarms.contains { $0["code"]?.stringValue == "pin_guessing" })
    }

    @Test func aThousandQuickConnectionsAndAStalledClientSlowNobodyDown() throws {
        let d = Daemon()
        try d.start()
        for _ in 0..<1000 { _ = try d.client() }
        // One client sends half a line and stalls; another subscribes and never reads.
        let stalled = try d.client()
        try stalled.sendRaw(Array(#"{"id":1,"op":"sta"#.utf8))
        let deaf = try d.client()
        _ = try deaf.call(.subscribe)
        let c = try d.client()
        try c.readyToSell()
        let started = Date()
        for _ in 0..<300 {
            _ = try c.call(.saleScan, args: ["code": "101"])
            _ = try c.call(.saleVoidLine, args: ["line": 0])
            _ = try c.call(.saleCancel)
        }
        // 900 requests, each publishing events the deaf subscriber never reads.
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(try c.call(.status)["register"]?.stringValue == "demo-1")
    }

    @Test func aBacklogOfClientsAlreadyGoneDoesNotCrowdOutALiveOne() throws {
        let d = Daemon()
        try d.start()
        let pid = d.process!.processIdentifier
        kill(pid, SIGSTOP)
        // While kassad is stopped, its listen backlog fills with clients that connect and leave.
        for _ in 0..<64 {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in d.socket.utf8.enumerated() { raw[i] = b } }
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            close(fd)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { _ = kill(pid, SIGCONT) }
        #expect(try d.client().call(.status)["register"] != nil)
    }

    @Test func theConnectionCapAnswersTooManyConnections() throws {
        let d = Daemon()
        try d.start()
        var held: [IPCClient] = []
        var refused: IPCClientError?
        for _ in 0..<80 {
            do { held.append(try d.client()) } catch {
                refused = error as? IPCClientError
                break
            }
        }
        #expect(held.count == 64)
        if case .remote(let e)? = refused { #expect(e.code == .tooManyConnections) } else { Issue.record("no refusal: \(String(describing: refused))") }
        held.removeAll()
        usleep(100_000)
        #expect(try d.client().call(.status)["register"] != nil)
    }
}

@Suite("Who may connect", .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
struct SocketPermissionTests {
    @Test func anotherUserOutsideTheGroupIsRefusedByTheSocketsPermissions() throws {
        let d = Daemon()
        try d.start()
        var st = stat()
        #expect(stat(d.socket, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o660)
        // The same CLI, dropped to nobody without supplementary groups (a copy nobody may run,
        // wherever the build tree lives).
        let cli = d.directory + "/kassa"
        try FileManager.default.copyItem(atPath: Run.binary("kassa"), toPath: cli)
        chmod(d.directory, 0o755)
        chmod(cli, 0o755)
        // A process another test forks while the copy is still open for writing holds it open
        // until it execs: the kernel then refuses to run the copy (ETXTBSY) for that moment.
        let asNobody = { try Run.command("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                                cli, "--socket", d.socket, "status"]) }
        var r = try asNobody()
        for _ in 0..<20 where r.status == 126 && r.stderr.contains("Text file busy") {
            usleep(100_000)
            r = try asNobody()
        }
        #expect(r.status == 3)
        #expect(r.stderr.contains("Permission denied"))
        // Root, as the register front-end may run, still gets in.
        #expect(try d.kassa(["status"]).status == 0)
    }
}

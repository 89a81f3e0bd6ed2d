import Testing
import KassaCore
@testable import KassaIPC
@testable import KassaRuntime

/// Every operation of the table reaches a handler. The table's route in `perform` is checked by
/// the compiler, but a feature's own switch over its operations ends in a `default:` that answers
/// `internal`: this walks every operation, so a case left out of a feature fails here.
@Suite struct RoutingTests {
    @Test func everyOperationInTheTableIsAnsweredByItsFeature() throws {
        let r = try InProcessRegister()
        _ = try r.call(.login, ["pin": "3333"])
        _ = try r.call(.technician, ["pin": "3333"])
        var unanswered: [String] = []
        for op in Op.allCases {
            // Arguments each operation takes, all empty or absent: most refuse them as bad, which
            // proves the feature looked at the request.
            guard let reply = r.reply(op, [:], connection: ConnectionID(fd: -1, serial: 1)) else { continue }
            if case .failure(let e) = reply, e == RegisterService.unrouted(op) { unanswered.append(op.name) }
        }
        #expect(unanswered.isEmpty, "operations no feature answers: \(unanswered)")
    }
}

import Glibc
import Testing
import KassaCore
import KassaDevices
import KassaJournal
@testable import KassaIPC
@testable import KassaRuntime
import KassaTestSupport

/// Snapshots follow the records while kassad runs, not only a timer: a register that never lives
/// long still replays a bounded tail at its next start.
@Suite("Snapshots by record count")
struct SnapshottingTests {
    @Test func enoughRecordsCallForASnapshotOnceTheRequestIsAnswered() throws {
        let dir = TemporaryDirectory()
        let ledger = try Ledger(stateDirectory: dir.path, registerID: "R1", snapshotInterval: 40, warning: { _ in })
        let pins = try PinStore(stateDirectory: dir.path)
        try pins.setPIN("1111", for: "anna", minimumLength: 4)
        try ledger.record([.operatorAdded(Operator(id: "anna", name: "Anna", role: .cashier))], at: Timestamp(milliseconds: 0))
        let service = RegisterService(ledger: ledger, config: KassaConfig(), catalog: DemoCatalog.catalog, pins: pins,
                                      printer: SimulatedPrinter(outputPath: dir.path + "/printer.txt", log: { _ in }),
                                      drawer: SimulatedDrawer(log: { _ in }), display: SimulatedDisplay(log: { _ in }),
                                      stateDirectory: dir.path, log: Logger(threshold: .error, sink: { _ in }))
        var later: [() -> Void] = []
        service.later = { _, body in later.append(body) }
        var id: Int64 = 0
        func call(_ op: Op, _ args: JSONObject = [:]) throws {
            id += 1
            _ = try #require(service.handle(Request(id: .int(id), op: op, args: args), from: ConnectionID(fd: -1, serial: 1))).outcome.get()
        }
        func snapshots() -> [String] {
            ((try? PosixFileSystem().listDirectory(dir.path + "/snapshots")) ?? []).filter { $0.hasPrefix("snap-") }
        }
        try call(.login, ["pin": "1111"])
        try call(.shiftOpen, ["float": 0])
        while !ledger.snapshotDue {
            try call(.saleScan, ["code": "101"])
            try call(.saleTender, ["kind": "cash", "amount": 500])
        }
        #expect(snapshots().isEmpty, "not while the request is handled")
        let due = later
        later.removeAll()
        for body in due { body() }
        #expect(snapshots().count == 1)
        #expect(ledger.recordsSinceSnapshot == 0)
        try call(.saleScan, ["code": "101"])
        #expect(later.isEmpty, "nothing more is due")
    }
}

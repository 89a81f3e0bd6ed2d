import Testing
import KassaCore
import KassaDevices
@testable import KassaIPC
import KassaJournal
import KassaSystem
@testable import KassaRuntime
import KassaTestSupport

/// kassad's request handling in the test's process, with a clock the test sets: a cashier (anna,
/// 1111), a supervisor (sami, 2222) and a technician (tero, 3333), a simulated printer writing
/// `printer.txt`, and the log kept for the test to read.
final class InProcessRegister {
    let dir = TemporaryDirectory()
    private(set) var service: RegisterService
    private let config: KassaConfig
    private let clock: Clock
    var now: Int64 {
        get { clock.now }
        set { clock.now = newValue }
    }
    private var nextID: Int64 = 0
    private let logLines = LogHistory()

    var log: [String] { logLines.last(500) }
    var printerPath: String { dir.path + "/printer.txt" }
    /// The lines the simulated printer printed, read from its ESC/POS bytes.
    var printed: [String] {
        get throws { EscPosReader.printedLines(try readWholeFile(printerPath)) }
    }

    /// `readOnly` opens the journal as `kassad --read-only` does, after the operators were journaled.
    init(config: KassaConfig = KassaConfig(), readOnly: Bool = false) throws {
        let clock = Clock(1_767_000_000_000)
        self.clock = clock
        var ledger = try Ledger(stateDirectory: dir.path, registerID: "R1", warning: { _ in })
        let pins = try PinStore(stateDirectory: dir.path)
        for (id, pin) in [("anna", "1111"), ("sami", "2222"), ("tero", "3333")] {
            try pins.setPIN(pin, for: OperatorID(id), minimumLength: 4)
        }
        try pins.save()
        _ = try ledger.record([.operatorAdded(Operator(id: "anna", name: "Anna", role: .cashier)),
                               .operatorAdded(Operator(id: "sami", name: "Sami", role: .supervisor)),
                               .operatorAdded(Operator(id: "tero", name: "Tero", role: .technician))],
                              at: Timestamp(milliseconds: clock.now))
        if readOnly { ledger = try Ledger(stateDirectory: dir.path, registerID: "R1", readOnly: "a test", warning: { _ in }) }
        self.config = config
        service = Self.service(ledger, pins, config, dir.path, logLines, clock)
    }

    /// kassad started again on the same state directory, read-only as `kassad --read-only` or not.
    func restart(readOnly: Bool) throws {
        let ledger = try Ledger(stateDirectory: dir.path, registerID: "R1", readOnly: readOnly ? "a test" : nil, warning: { _ in })
        let pins = try PinStore(stateDirectory: dir.path)
        service = Self.service(ledger, pins, config, dir.path, logLines, clock)
    }

    private static func service(_ ledger: Ledger, _ pins: PinStore, _ config: KassaConfig, _ path: String, _ lines: LogHistory,
                                _ clock: Clock) -> RegisterService {
        let log = Logger(threshold: .debug, sink: { lines.append($0) })
        return RegisterService(ledger: ledger, config: config, catalog: DemoCatalog.catalog, pins: pins,
                               printer: SimulatedPrinter(outputPath: path + "/printer.txt", log: { log.info($0) }),
                               drawer: SimulatedDrawer(log: { _ in }), display: SimulatedDisplay(log: { _ in }),
                               stateDirectory: path, log: log, clock: { clock.now })
    }

    /// The test's time, which the services it starts read.
    final class Clock {
        var now: Int64
        init(_ now: Int64) { self.now = now }
    }

    func reply(_ op: Op, _ args: JSONObject, connection: ConnectionID) -> Result<JSONValue, IPCError>? {
        nextID += 1
        return service.handle(Request(id: .int(nextID), op: op, args: args), from: connection)?.outcome
    }

    func call(_ op: Op, _ args: JSONObject = [:], connection: ConnectionID = ConnectionID(fd: -1, serial: 1)) throws -> JSONValue {
        try #require(reply(op, args, connection: connection)).get()
    }

    func error(_ op: Op, _ args: JSONObject = [:], connection: ConnectionID = ConnectionID(fd: -1, serial: 1)) -> IPCError? {
        guard case .failure(let e)? = reply(op, args, connection: connection) else { return nil }
        return e
    }

    /// The events journaled so far, by name.
    func journaled() throws -> [String] {
        let reader = try JournalReader(stateDirectory: dir.path)
        var names: [String] = []
        _ = try reader.forEachRecord(fromSeq: 1) { view in names.append(try EventCodec.decode(view.payload).name) }
        return names
    }
}

import Glibc
import CLinux
import KassaCore
import KassaDevices
import KassaIPC
import KassaJournal
import KassaSystem

/// kassad's command line.
public struct DaemonOptions: Sendable {
    public var stateDirectory = "/var/lib/kassa"
    public var socketPath = "/run/kassa/kassad.sock"
    public var configPath = "/etc/kassa/kassa.conf"
    /// Whether the configuration path was given: a missing default file is fine, a named one is not.
    public var configGiven = false
    public var demo = false
    public var catalogPath: String?
    public var verbose = false
    /// Start without writing anything (systemd's fallback after repeated failures).
    public var readOnly = false

    public static let usage = """
        usage: kassad [--state-dir DIR] [--socket PATH] [--config FILE] [--demo] [--catalog FILE.csv] [--read-only] [--verbose]
          --state-dir DIR   journal, snapshots and secrets (default /var/lib/kassa)
          --socket PATH     the clients' Unix socket (default /run/kassa/kassad.sock)
          --config FILE     kassa.conf (default /etc/kassa/kassa.conf; optional when not given)
          --demo            embedded default: demo catalog, demo operators, simulated devices
          --catalog FILE    a catalog CSV to sell from (replaces the demo or stored catalog)
          --read-only       record nothing: serve status, reports and receipts, refuse the rest and
                            say why (systemd starts this after kassad failed too often)
          --verbose         debug logging
        """

    public struct UsageError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ args: [String]) throws(UsageError) -> DaemonOptions {
        var o = DaemonOptions()
        var i = 0
        func value(_ flag: String) throws(UsageError) -> String {
            guard i + 1 < args.count, !args[i + 1].isEmpty else { throw UsageError(description: "\(flag) needs a value") }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--state-dir": o.stateDirectory = try value(a)
            case "--socket": o.socketPath = try value(a)
            case "--config":
                o.configPath = try value(a)
                o.configGiven = true
            case "--catalog": o.catalogPath = try value(a)
            case "--demo": o.demo = true
            case "--verbose": o.verbose = true
            case "--read-only": o.readOnly = true
            default: throw UsageError(description: "unknown argument '\(a)'")
            }
            i += 1
        }
        return o
    }
}

/// The supervisor: opens the journal, wires the register, the socket and the devices onto one
/// reactor thread, tells systemd, and runs until SIGTERM.
public enum Supervisor {
    public static let demoOperators: [(Operator, String)] = [
        (Operator(id: "anna", name: "Anna", role: .cashier), "1111"),
        (Operator(id: "sami", name: "Sami", role: .supervisor), "2222"),
        (Operator(id: "tero", name: "Tero", role: .technician), "3333"),
    ]

    public static func main(_ arguments: [String], environment: [String: String]) -> Int32 {
        // Before any thread exists: the signals we handle are blocked (signalfd reads them), SIGPIPE ignored.
        Reactor.prepareProcessSignals()
        let options: DaemonOptions
        do { options = try DaemonOptions.parse(arguments) } catch {
            printToStandardError("kassad: \(error)\n\(DaemonOptions.usage)")
            return 2
        }
        let history = LogHistory()
        let log = Logger(threshold: options.verbose ? .debug : .info) { line in
            history.append(line)
            Logger.writeToStandardError(line)
        }
        // Its memory holds the PIN key and the PIN digests: no core dump may carry them away.
        do throws(SystemError) { try forbidCoreDumps() } catch {
            log.warning("core dumps could not be turned off", ["error": error.description])
        }
        var config: KassaConfig
        var readOnlyWhy = "kassad was started read-only (--read-only), after it failed too often to keep running; "
            + "its log (journalctl -u kassad) says why"
        do { config = try loadConfig(options) } catch {
            printToStandardError("kassad: \(error)")
            guard options.readOnly else { return 78 }  // EX_CONFIG
            // Read-only, a broken file must not keep the register from showing what it has.
            config = KassaConfig()
            readOnlyWhy += "; the configuration file is broken: \(error)"
        }
        do {
            return try run(options, config, readOnly: options.readOnly ? readOnlyWhy : nil, log: log, history: history,
                           environment: environment)
        } catch {
            log.error("kassad cannot run", ["error": "\(error)"])
            return 1
        }
    }

    static func loadConfig(_ options: DaemonOptions) throws(ConfigError) -> KassaConfig {
        var config = KassaConfig()
        if options.demo {
            config.registerID = "demo-1"
            config.storeName = "Kassa Demo Café"
            config.storeAddress = "Esplanadi 1, Helsinki"
            config.receiptFooter = "Kiitos käynnistä! Thank you!"
            config.cashRoundingIncrement = 5
            if let zone = try? ZoneInfo.load("Europe/Helsinki") { config.timeZone = zone }
        }
        var st = stat()
        guard options.configGiven || stat(options.configPath, &st) == 0 else { return config }
        let file = try ConfigFile.load(path: options.configPath)
        let parsed = try KassaConfig(file)
        guard options.demo else { return parsed }
        // The demo keeps its own defaults where the file is silent.
        var merged = parsed
        if file["register"]?["id"] == nil { merged.registerID = config.registerID }
        if file["register"]?["store_name"] == nil { merged.storeName = config.storeName }
        if file["register"]?["cash_rounding"] == nil { merged.cashRoundingIncrement = config.cashRoundingIncrement }
        if file["register"]?["time_zone"] == nil { merged.timeZone = config.timeZone }
        return merged
    }

    static func loadCatalog(_ options: DaemonOptions, _ config: KassaConfig, log: Logger) throws(SystemError) -> Catalog {
        let stored = options.stateDirectory + "/catalog.csv"
        var st = stat()
        let path = options.catalogPath ?? (stat(stored, &st) == 0 ? stored : nil)
        guard let path else {
            return options.demo ? DemoCatalog.catalog : Catalog(embeddedRules: config.scaleBarcodes)
        }
        let bytes = try readWholeFile(path)
        do {
            let catalog = try parseCatalog(bytes, config)
            log.info("catalog loaded", ["file": path, "items": String(catalog.count)])
            return catalog
        } catch {
            throw SystemError("\(path): \(error)", errno: EINVAL)
        }
    }

    /// A catalog file read as a start reads it: with the configured currency, tax classes and
    /// scale barcodes (a restore checks the catalog it would install with it).
    static func parseCatalog(_ bytes: [UInt8], _ config: KassaConfig) throws(CatalogImportError) -> Catalog {
        try CatalogCSV.parse(bytes, currency: config.currency, taxClasses: Set(config.taxTable.classes.keys),
                             embeddedRules: config.scaleBarcodes)
    }

    static func run(_ options: DaemonOptions, _ configured: KassaConfig, readOnly: String? = nil, log: Logger,
                    history: LogHistory? = nil, environment: [String: String]) throws -> Int32 {
        try makeDirectories(options.stateDirectory)
        var config = configured
        // A state restored from another box's backup keeps that register's id (and its journal).
        if let bytes = try? readWholeFile(options.stateDirectory + "/register-id"),
           let restored = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init),
           !restored.isEmpty, restored != config.registerID {
            log.notice("register id taken from the restored state", ["register": restored, "configured": config.registerID])
            config.registerID = restored
        }
        let catalog = try loadCatalog(options, config, log: log)
        // Parsing a big CSV leaves megabytes of freed heap behind; give them back to the system.
        malloc_trim(0)
        // Read-only, the journal's own register id is taken: the configuration may be what failed.
        let key = readOnly == nil ? nil : (try? JournalReader(stateDirectory: options.stateDirectory))?.registerID
        let ledger = try Ledger(stateDirectory: options.stateDirectory, registerID: config.registerID, readOnly: readOnly,
                                journalKey: key == 0 ? nil : key, warning: { log.warning("journal", ["message": $0]) })
        if let readOnly { log.warning("starting read-only", ["reason": readOnly]) }
        log.info("journal open", ["records": String(ledger.journal.lastSeq),
                                  "snapshot": ledger.journal.snapshot.map { String($0.throughSeq) } ?? "none",
                                  "mode": "\(ledger.journal.mode)"])
        let pins = try PinStore(stateDirectory: options.stateDirectory)
        if options.demo && ledger.state.operators.isEmpty, case .readWrite = ledger.journal.mode {
            let now = Timestamp(milliseconds: wallClockMilliseconds())
            let setUp = ledger.state.decide(.setUpOperators(demoOperators.map(\.0)),
                                            RegisterEnvironment(config: config.registerConfig(), catalog: catalog, pins: pins.vault),
                                            Context(now: now, today: config.timeZone.localTime(now).date), by: .firstBoot)
            if let refusal = setUp.refusal { throw SystemError("the demo operators cannot be set up: \(refusal)", errno: EINVAL) }
            // The README's four digits for every role: a demo is for trying, not for guarding.
            for (op, pin) in demoOperators { try pins.setPIN(pin, for: op.id, minimumLength: PinVault.pinLengths.lowerBound) }
            try pins.save()
            try ledger.record(setUp.events, at: now)
            log.notice("demo operators created (PINs in the README)")
        }
        if ledger.state.operators.isEmpty {
            log.notice("no operators yet: add the first technician (kassa operator add, or the console's first-boot set-up)")
        }
        let deviceSettings = Settings.deviceSettings(ledger.state.settings)
        if !deviceSettings.isEmpty {
            do { config.devices = try config.devicesWith(settings: deviceSettings) } catch {
                log.error("journaled device settings ignored: the devices of kassa.conf are used", ["error": "\(error)"])
            }
        }
        let reactor = try Reactor()
        let hardware = Hardware(options, config, reactor: reactor, log: log)
        let service = RegisterService(ledger: ledger, config: config, catalog: catalog, pins: pins, printer: hardware.printer,
                                      drawer: hardware.drawer, display: hardware.display,
                                      stateDirectory: options.stateDirectory, log: log)
        hardware.connect(to: service)
        service.logHistory = history
        if config.cardTerminal == "simulator" || (options.demo && config.cardTerminal == nil) {
            // A real terminal is a box of its own that remembers its transactions across a
            // restart of kassad; the simulator keeps them in a file beside the journal.
            service.paymentTerminal = SimulatedPaymentTerminal(
                id: "card_terminal", loop: reactor, logPath: options.stateDirectory + "/card-terminal-sim.log",
                timing: SimulatedPaymentTerminal.Timing(timeout: Int64(config.cardTerminalTimeoutSeconds) * 1000),
                log: { log.info($0) })
        }
        service.later = { [unowned reactor] ms, body in reactor.schedule(after: ms, body) }
        let group = groupExists(config.socketGroup) ? config.socketGroup : nil
        if group == nil { log.warning("socket group missing; the socket is left to its owner's group", ["group": config.socketGroup]) }
        var serverConfig = IPCServer.Configuration(
            path: options.socketPath, group: group,
            greeting: Greeting(serverVersion: KassaCore.version, capabilities: ["events", "idempotency"],
                               register: ["register": .string(config.registerID),
                                          "currency": ["code": .string(config.currency.code),
                                                       "decimals": .int(Int64(config.currency.minorUnits))]]))
        serverConfig.maximumConnections = 64
        let server = try IPCServer(serverConfig)
        service.server = server
        let clientGroup = group.flatMap { try? groupID(named: $0) }
        let ownUID = getuid()
        let ipc = try IPCService(server: server, reactor: reactor, log: log) { connection, request in
            if let gid = clientGroup, let peer = server.peer(connection), peer.uid != 0, peer.uid != ownUID,
               !peer.isMember(ofGroup: gid), request.op != "status" {
                server.send(.error(request.id, IPCError(.forbidden, "only members of group \(config.socketGroup) may use the register")),
                            to: connection)
                return
            }
            if let reply = service.handle(request, from: connection) { server.send(reply, to: connection) }
        }
        ipc.onDisconnect = { service.disconnected(fd: $0) }

        let notifier = try SystemdNotifier.fromEnvironment(environment)
        var stopping = false
        try reactor.watchSignals([SIGTERM, SIGINT, SIGHUP]) { signal in
            if signal == SIGHUP {
                do {
                    let fresh = try loadConfig(options)
                    service.reload(fresh)
                    log.notice("configuration reloaded", ["file": options.configPath])
                    try? notifier?.status("configuration reloaded")
                } catch {
                    log.error("configuration not reloaded, keeping the old one", ["error": "\(error)"])
                }
                return
            }
            guard !stopping else { return }
            stopping = true
            log.notice("stopping", ["signal": signal == SIGTERM ? "SIGTERM" : "SIGINT"])
            try? notifier?.stopping(status: "stopping")
            reactor.stop()
        }
        // Snapshots follow the records (see `snapshotWhenDue`); the timer retries after a failed one.
        try reactor.addTimer(after: 30_000, repeating: 30_000, label: "the snapshot timer") {
            if ledger.snapshotDue { service.takeSnapshot(because: "records since the last one") }
        }
        if ledger.recordsSinceSnapshot >= Ledger.longTail, case .readWrite = ledger.journal.mode {
            // Soon, not at once: READY and the first sale come first.
            try reactor.addTimer(after: 1_000, label: "the snapshot after a long replay") { service.takeSnapshot(because: "a long replay at start") }
        }
        try reactor.addTimer(after: 2_000, repeating: 2_000, label: "the alarm check") { service.refreshAlarms() }
        reactor.onSlowCallback = { what, ms in
            log.warning("the event loop was held up: requests, devices and signals waited", ["by": what, "ms": String(ms)])
        }
        if let notifier {
            try reactor.startWatchdog(notifier) { log.warning("watchdog ping failed", ["error": $0.description]) }
        }
        service.resumeOwedOutputs()
        hardware.manager?.start()
        hardware.manager?.startDiscovery()
        service.resolveCardAuthorisationLeftOpen()
        service.showOpenSale()
        service.refreshAlarms()
        let ready = "register \(config.registerID) ready: \(ledger.journal.lastSeq) records, \(catalog.count) items"
        try notifier?.ready(status: ready)
        log.notice(ready, ["socket": options.socketPath])
        service.reactor = reactor
        service.startJournalVerification(reactor: reactor, resume: true)

        // A failed write or fsync closes the journal's writer for good: what is on disk is known
        // only after a reopen. Exit so that systemd restarts kassad, which replays it; if that
        // keeps failing, systemd's start limit ends in the read-only kassad instead of a loop.
        var writerFailed = false
        service.onWriterFailed = {
            guard !writerFailed else { return }
            writerFailed = true
            log.error("the journal's writer failed: exiting for a restart that replays the journal")
            try? notifier?.stopping(status: "journal writer failed")
            reactor.stop()
        }
        service.onRestartRequested = {
            try? notifier?.stopping(status: "restarting to load a restored state")
            reactor.stop()
        }

        try reactor.run()

        // Each phase of the stop is timed in the last log line: systemd kills a kassad that takes
        // longer than TimeoutStopSec, and the log must say where the time went.
        let stopBegan = monotonicMilliseconds()
        hardware.manager?.stop()
        server.disconnectAll()
        // Closures on the reactor keep the server alive to the end: remove its socket explicitly.
        unlink(options.socketPath)
        let devicesAndClients = monotonicMilliseconds() - stopBegan
        if case .readWrite = ledger.journal.mode, !service.restoredPendingRestart {
            // The next start replays every record since the last snapshot: an error, not a line among the rest.
            do { try ledger.snapshot() } catch { log.error("snapshot failed at stop", ["error": "\(error)"]) }
        }
        log.notice("stopped", ["devices_and_clients_ms": String(devicesAndClients),
                               "snapshot_ms": String(monotonicMilliseconds() - stopBegan - devicesAndClients)])
        return writerFailed ? 75 : 0  // EX_TEMPFAIL: try again
    }

    static func makeDirectories(_ path: String) throws(SystemError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            partial += "/" + part
            try makeDirectory(partial, mode: 0o750)
        }
    }

    static func groupExists(_ name: String) -> Bool { (try? groupID(named: name)) != nil }
}

func printToStandardError(_ text: String) {
    var bytes = Array((text + "\n").utf8)
    bytes.withUnsafeMutableBytes { raw in _ = write(2, raw.baseAddress, raw.count) }
}

/// The devices kassad runs with: the configured ones (`[device.*]`), or with `--demo` and none
/// configured, simulators that write what they would print to `STATE/printer.out`.
struct Hardware {
    let printer: any ReceiptPrinter
    let drawer: any CashDrawer
    let display: any CustomerDisplay
    let manager: DeviceManager?

    init(_ options: DaemonOptions, _ config: KassaConfig, reactor: Reactor, log: Logger) {
        if options.demo && config.devices.isEmpty {
            printer = SimulatedPrinter(outputPath: options.stateDirectory + "/printer.out", log: { log.info($0) })
            drawer = SimulatedDrawer(log: { log.info($0) })
            display = SimulatedDisplay(log: { log.debug($0) })
            manager = nil
            return
        }
        let manager = DeviceManager(specs: config.devices, discover: true, loop: reactor)
        manager.log = { message, fields in log.notice(message, fields) }
        // Without a configured printer or display the register still has one, not connected:
        // printouts wait for it and the alarm says so.
        let printer = manager.printer ?? EscPosPrinter(id: "printer", profile: .epson80mm, loop: reactor)
        self.printer = printer
        drawer = KickPortDrawer(id: "drawer", printer: printer)
        display = manager.display ?? LineDisplay(id: "display", profile: DisplayProfile(commandSet: .epson, table: .pc858))
        self.manager = manager
    }

    func connect(to service: RegisterService) {
        printer.onOutput = { [unowned service] in service.outputReported($0) }
        service.drawerAlarmSeconds = manager?.specs.first { $0.role == .printer }?.drawerAlarmSeconds ?? 60
        if let p = printer as? EscPosPrinter {
            p.onChange = { [unowned service, drawer] in
                service.deviceChanged(p)
                service.deviceChanged(drawer)
            }
        }
        if let d = display as? LineDisplay {
            d.idleText = (TextLayout.center(service.config.storeName, in: 20), TextLayout.center(service.fileConfig.words.welcome, in: 20))
            d.onChange = { [unowned service] in service.deviceChanged(d) }
        }
        func wire(_ r: InputReader) {
            r.onInput = { [unowned service] in service.input($0, from: r.id) }
            r.onChange = { [unowned service] in service.deviceChanged(r) }
        }
        for r in manager?.readers ?? [] { wire(r) }
        service.readers = manager?.readers ?? []
        service.ignoredDevices = { [weak manager] in manager?.ignored.values.sorted { $0.place < $1.place } ?? [] }
        manager?.onReaderAdded = { [unowned service] r in
            wire(r)
            service.readers.append(r)
            service.deviceChanged(r)
        }
    }
}

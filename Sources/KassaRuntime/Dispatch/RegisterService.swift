import Glibc
import KassaCore
import KassaDevices
import KassaIPC
import KassaJournal
import KassaSystem

/// The register as the socket sees it: each request becomes a command for `RegisterState.decide`,
/// the decided events are journaled (durable ones fdatasync'd), and only then do the effects run —
/// receipt, drawer, display, reply and events to subscribers.
final class RegisterService {
    let ledger: Ledger
    var env: RegisterEnvironment
    var fileConfig: KassaConfig
    let pins: PinStore
    let printer: any ReceiptPrinter
    let drawer: any CashDrawer
    let display: any CustomerDisplay
    /// Scanners and card readers.
    var readers: [InputReader] = []
    /// The card terminal, when one is configured (the demo has its simulator).
    var paymentTerminal: (any PaymentTerminal)?
    /// The USB devices discovery left alone, in the order of where they are.
    var ignoredDevices: () -> [IgnoredDevice] = { [] }
    /// The requests waiting for the card terminal's answer: the one that asked and its retries
    /// under the same idempotency key. Each gets one reply.
    var cardWaiters: [(ConnectionID, RequestID)] = []
    /// The digest of the request the pending card payment's key was used for (nil after a
    /// restart, when only the key was journaled).
    var cardRequestDigest: String?
    /// Seconds the drawer may stay open before the alarm; nil never alarms.
    var drawerAlarmSeconds: Int?
    /// When the drawer was last seen opening (monotonic ms), while it stays open.
    var drawerOpenSince: Int64?
    /// Runs a closure later on the reactor (the display's return to its idle text).
    var later: (_ milliseconds: Int64, _ body: @escaping () -> Void) -> Void = { _, _ in }
    /// Counts completed sales, so a return to idle knows whether another sale came since.
    var displayGeneration = 0
    let stateDirectory: String
    let log: Logger
    let startedAt: Int64
    weak var server: IPCServer?
    /// Connections that entered a technician's PIN.
    var technicianSessions: [ConnectionID: OperatorID] = [:]
    /// A technician asked to see the next scan instead of selling it, until this time (monotonic ms).
    var scanTestUntil: Int64?
    private(set) var alarms: [String: String] = [:]
    /// The newest verification of the whole journal (after start-up, or a technician's).
    var verification: JournalVerifyRun?
    /// The one-time code that regains technician access with the box in hand, while valid.
    var recoveryCode: RecoveryCode?
    /// The daemon's recent log lines, for the console's `log`.
    var logHistory: LogHistory?
    weak var reactor: Reactor?
    /// A restore swapped the state directory's contents: nothing more is taken until kassad
    /// has restarted on them.
    var restoredPendingRestart = false
    /// A catalog file sent in parts (catalog.upload), for files longer than a line may be.
    var catalogUpload: [UInt8] = []
    var onRestartRequested: () -> Void = {}
    /// Reports read from the whole journal, by query and the journal's last record.
    var journalReads: [String: JournalRead] = [:]
    /// Reads of the whole journal under way on their own threads, with the clients waiting for each.
    var journalReadJobs: [String: [JournalReadWaiter]] = [:]
    /// Damage the background verification found in records that start-up did not read.
    var verifiedDamage: String?
    /// A snapshot by record count waits for the request that called for it to be answered.
    var snapshotScheduled = false

    /// The background verification of the whole journal found damage: stop recording, say why.
    func journalDamaged(_ message: String) {
        verifiedDamage = message
        setAlarm("journal_read_only", "the journal failed verification and the register is read-only: \(message)")
    }
    /// The wall clock; tests and the clock check replace or re-read it.
    var clock: () -> Int64 = { wallClockMilliseconds() }
    /// Where the request being handled came from: its PINs count there.
    var requestSource = RegisterService.internalSource

    init(ledger: Ledger, config: KassaConfig, catalog: Catalog, pins: PinStore, printer: any ReceiptPrinter,
         drawer: any CashDrawer, display: any CustomerDisplay, stateDirectory: String, log: Logger,
         clock: @escaping () -> Int64 = { wallClockMilliseconds() }) {
        self.ledger = ledger
        self.clock = clock
        self.fileConfig = config
        self.pins = pins
        self.printer = printer
        self.drawer = drawer
        self.display = display
        self.stateDirectory = stateDirectory
        self.log = log
        startedAt = monotonicMilliseconds()
        env = RegisterEnvironment(config: config.registerConfig(), catalog: catalog, pins: pins.vault)
        applySettings()
        restoreUnjournaledPinRefusals()
    }

    var config: RegisterConfig { env.config }

    // MARK: Time

    func context() -> Context {
        let now = Timestamp(milliseconds: clock())
        let local = fileConfig.timeZone.localTime(now)
        return Context(now: now, today: local.date, minuteOfDay: local.hour * 60 + local.minute, source: requestSource)
    }

    /// The clock is behind the newest journaled time: a box without a real-time clock booted
    /// with a wrong time. Selling waits until it is set, or receipts would go back in time.
    var clockBehindBy: Int64? {
        let behind = ledger.journal.lastTime - clock()
        return behind > 0 ? behind : nil
    }

    /// Re-checks the alarms that come from outside the register (clock, journal, disk).
    func refreshAlarms() {
        ledger.journal.retryReservation()
        setAlarm("clock_behind", clockBehindBy.map {
            "the clock is \($0 / 1000) s behind the newest journaled time: set the time (NTP, console or CLI) to sell again"
        })
        if case .readOnly(let reason) = ledger.journal.mode {
            setAlarm("journal_read_only", "the register is read-only: \(reason)")
        } else if let damage = verifiedDamage {
            setAlarm("journal_read_only", "the journal failed verification and the register is read-only: \(damage)")
        } else {
            setAlarm("journal_read_only", nil)
        }
        setAlarm("disk_low", ledger.journal.lowSpace ? "the disk is full: new sales are refused until space is freed" : nil)
        refreshDeviceAlarms()
        refreshStockAlarm()
        refreshPinAlarm()
    }

    func setAlarm(_ code: String, _ message: String?) {
        guard alarms[code] != message else { return }
        if let message {
            alarms[code] = message
            log.warning("alarm", ["code": code, "message": message])
        } else {
            alarms[code] = nil
            log.notice("alarm cleared", ["code": code])
        }
        broadcast("alarm", AlarmReply(code: code, message: message ?? "", active: message != nil).json)
    }

    // MARK: Requests

    func disconnected(fd: Int32) {
        technicianSessions = technicianSessions.filter { $0.key.fd != fd }
        // The card payment goes on without its client; the outcome is journaled and broadcast.
        cardWaiters.removeAll { $0.0.fd == fd }
    }

    /// The reply, or nil when it comes later (a card payment waits for the terminal).
    ///
    /// The door: the operation's row in the table is checked (arguments, whether the register
    /// can take it now, who may call it) before any handler runs.
    func handle(_ request: Request, from connection: ConnectionID) -> Reply? {
        if restoredPendingRestart {
            return .error(request.id, IPCError(.shuttingDown, "kassad is restarting to load the restored state"))
        }
        guard let op = Op(name: request.op) else {
            return .error(request.id, IPCError(.unknownOp, "no operation '\(request.op)'"))
        }
        requestSource = pinSource(of: connection)
        defer { requestSource = Self.internalSource }
        let spec = op.spec
        let writes = spec.effect.writes
        let key = writes ? request.idempotencyKey.map { RequestKey(key: $0, digest: spec.digest(of: op, request.args)) } : nil
        do throws(IPCError) {
            if let key, let earlier = try answered(key, op) {
                return .ok(request.id, earlier)
            }
            if let key, let pending = pendingCard, pending.requestKey == key.key {
                // A retry of the card payment still waiting for the terminal waits for the same
                // answer; both requests get it.
                guard cardRequestDigest == nil || cardRequestDigest == key.digest else { throw key.reused(for: op) }
                cardWaiters.append((connection, request.id))
                return nil
            }
            try spec.check(request.args, op: op)
            try mayProceed(mutating: writes && !spec.whileReadOnly, selling: spec.selling)
            try authorise(op, connection: connection)
            if isTerminalCardTender(op, request) {
                try startCardPayment(request, key: key, from: connection)
                return nil
            }
            if op == .reportSales || op == .reportZExport { return try report(op, request, from: connection) }
            var args = RequestArguments(op, request)
            if op == .cardCancel {
                try cancelCardRequest(from: connection, request.id)
                return nil
            }
            if op == .refund {
                return try refund(&args, key: key, from: connection, request.id).map { .ok(request.id, $0) }
            }
            let result = try perform(op, &args, connection: connection, key: key)
            return .ok(request.id, result)
        } catch {
            return .error(request.id, error)
        }
    }

    /// Every setting as it is now, by key: the file's, with what was changed on the box.
    func currentSettings() -> [String: String] {
        Settings.current(fileConfig, today: context().today, deviceSettings: Settings.deviceSettings(ledger.state.settings))
    }

    /// Who may call: the table's `Access` against the register's operator and this connection's
    /// technician session. The register's own rules (roles, override PINs) come after, in `decide`.
    func authorise(_ op: Op, connection: ConnectionID) throws(IPCError) {
        switch op.spec.access {
        case .anyone, .credential:
            return
        case .loggedIn:
            guard ledger.state.currentOperator != nil else { throw Refusal.notLoggedIn.ipcError }
        case .loggedInOrTechnician:
            // A new box with no operators has nothing to keep: its first technician is being set up.
            guard ledger.state.currentOperator != nil || technicianSession(connection) != nil || ledger.state.operators.isEmpty else {
                throw IPCError(.notLoggedIn, "\(op.name): log in first, or enter a technician's PIN in this session")
            }
        case .supervisorOrTechnician:
            if technicianSession(connection) != nil { return }
            guard let id = ledger.state.currentOperator else { throw IPCError(.notLoggedIn, "\(op.name): log in first") }
            guard let role = ledger.state.operators[id]?.role, role.allows(.salesReports) else {
                throw IPCError(.forbidden, "\(op.name) is for a supervisor or a technician")
            }
        case .technician:
            try requireTechnician(connection)
        }
    }

    /// The enabled technician whose PIN was entered on this connection.
    func technicianSession(_ connection: ConnectionID) -> OperatorID? {
        guard let id = technicianSessions[connection], ledger.state.operators[id] != nil,
              !ledger.state.disabledOperators.contains(id) else { return nil }
        return id
    }

    /// Refuses a request the register cannot take now: nothing can be recorded, or the clock
    /// is behind the journal.
    func mayProceed(mutating: Bool, selling: Bool) throws(IPCError) {
        refreshAlarms()
        if mutating, case .readOnly(let reason) = ledger.journal.mode {
            throw IPCError(.readOnly, "nothing can be recorded: \(reason)")
        }
        if mutating, let damage = verifiedDamage {
            throw IPCError(.readOnly, "the journal failed verification, nothing can be recorded: \(damage)")
        }
        if selling, let behind = clockBehindBy {
            throw IPCError(.clockBehind, "the clock is \(behind / 1000) s behind the newest journaled time: set the time to sell again")
        }
    }

    private func perform(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID, key: RequestKey?) throws(IPCError) -> JSONValue {
        switch op {
        case .status:
            return status(connection)
        case .login:
            let pin = try args.string("pin")
            let result = try run(.login(pin: pin), key: key) { s, _ in Views.session(s).json }
            return result
        case .logout:
            let result = try run(.logout, key: key) { _, _ in [:] }
            return result
        case .technician:
            let pin = try args.string("pin")
            _ = try decided(.openTechnicianSession(pin: pin))
            guard let id = env.pins.owner(of: pin) else { throw Refusal.wrongPIN.ipcError }
            technicianSessions[connection] = id
            return OperatorResultReply(operator: Views.operator(ledger.state.operators[id])).json
        case .subscribe:
            server?.setSubscribed(connection, true)
            return ["seq": .int(Int64(server?.lastEventSeq ?? 0))]
        case .journalStatus:
            return journalStatus().json
        case .journalRecover:
            let pin = try args.string("pin")
            let confirm = try args.string("confirm")
            return try recoverJournal(pin: pin, confirm: confirm)
        case .clockCheck:
            refreshAlarms()
            return ClockCheckReply(ok: clockBehindBy == nil, time: clock(), newestJournalTime: ledger.journal.lastTime).json

        case .saleGet:
            return Views.sale(ledger.state, config).json
        case .saleParked:
            return Views.parked(ledger.state, config).json
        case .saleOpen:
            try refuseNewSaleWhenDiskFull()
            return try runSale(.openSale, key: key)
        case .saleScan:
            let code = try args.string("code")
            let quantity = try args.optionalInt("quantity")
            let grams = try args.optionalInt("grams")
            return try scan(code, quantity: quantity, grams: grams, key: key)
        case .saleAdd:
            let item = try args.string("item")
            let quantity = try args.int("quantity")
            if ledger.state.openSale == nil { try refuseNewSaleWhenDiskFull() }
            return try runSale(.addItem(ItemID(item), quantity: quantity), key: key)
        case .saleSellVoucher:
            let amount = try args.int("amount")
            if ledger.state.openSale == nil { try refuseNewSaleWhenDiskFull() }
            return try runSale(.sellVoucher(amount: amount), key: key)
        case .saleVoidLine:
            let line = try lineIndex(&args)
            return try runSale(.voidLine(line), key: key)
        case .saleSetQuantity:
            let line = try lineIndex(&args)
            return try runSale(.setQuantity(line: line, quantity: try args.int("quantity")), key: key)
        case .saleDiscountLine:
            let line = try lineIndex(&args)
            let d = try args.discount()
            let pin = try args.optionalString("override_pin")
            return try runSale(.discountLine(line, d, override: pin), key: key)
        case .saleOverridePrice:
            let line = try lineIndex(&args)
            let price = try args.int("unit_price")
            let pin = try args.optionalString("override_pin")
            return try runSale(.overridePrice(line: line, unitPrice: price, override: pin), key: key)
        case .saleDiscount:
            let d = try args.discount()
            let pin = try args.optionalString("override_pin")
            return try runSale(.discountReceipt(d, override: pin), key: key)
        case .saleTotal:
            return try runSale(.total, key: key)
        case .saleTender:
            let kind = try args.tenderKind("kind")
            let reference = try args.optionalString("reference")
            if kind == .voucher {
                // A voucher pays its balance (up to what is due) unless told an amount.
                let amount = try args.optionalInt("amount")
                return try runPayment(.tenderVoucher(code: reference ?? "", amount: amount), key: key)
            }
            let amount = try args.int("amount")
            return try runPayment(.tender(Tender(kind: kind, amount: amount, reference: reference)), key: key)
        case .saleComplete:
            return try runPayment(.complete, key: key)
        case .saleCancel:
            let pin = try args.optionalString("override_pin")
            let result = try run(.cancel(override: pin), key: key) { _, _ in [:] }
            return result
        case .salePark:
            let result = try run(.park, key: key) { _, events in
                for e in events { if case .saleParked(let id) = e { return ["park_id": .int(Int64(id))] } }
                return [:]
            }
            return result
        case .saleResume:
            let id = try args.int("park_id")
            return try runSale(.resume(parkID: UInt64(max(0, id))), key: key)

        case .refund, .cardCancel:
            // They may answer later: `handle` sends them to `refund` and `cancelCardRequest`.
            throw IPCError(.internal, "\(op.name) is answered when the terminal has, not here")
        case .refundPreview:
            let (original, lines) = try refundRequest(&args)
            do throws(Refusal) {
                let r = try ledger.state.refundPreview(original, lines, config, context())
                return ["total": .int(r.total), "lines": .array(r.lines.map { ["line": .int(Int64($0.originalLine)), "name": .string($0.name),
                                                                                "quantity": .int($0.quantity), "gross": .int($0.gross)] })]
            } catch {
                throw error.ipcError(money: config.format)
            }
        case .receiptGet:
            let number = try args.int("receipt")
            let training = try receiptsReachable(&args)
            do { return try ledger.sale(receipt: UInt64(max(0, number)), training: training).0.json } catch {
                throw IPCError(.notFound, "no receipt \(number) on this register")
            }
        case .receiptReprint:
            let number = try args.int("receipt")
            let training = try receiptsReachable(&args)
            return try reprint(UInt64(max(0, number)), training: training)
        case .drawerNoSale:
            let pin = try args.optionalString("override_pin")
            guard drawer.state != .offline else {
                throw IPCError(.deviceUnavailable, "the drawer cannot be opened: \(drawer.id) is offline (nothing was queued)")
            }
            let result = try run(.noSale(override: pin), key: key) { _, _ in [:] }
            return result
        case .shiftOpen:
            let float = try args.int("float")
            let result = try run(.openShift(float: float), key: key) { s, _ in ShiftResultReply(shift: s.shift.map(ShiftReply.init)).json }
            return result
        case .shiftCashIn, .shiftCashOut:
            let amount = try args.int("amount")
            let reason = try args.string("reason")
            let result = try run(.moveCash(op == .shiftCashIn ? .cashIn : .cashOut, amount: amount, reason: reason), key: key) { _, _ in [:] }
            return result
        case .shiftClose:
            let counted = try args.int("counted")
            let result = try run(.closeShift(counted: counted), key: key) { _, events in
                for e in events {
                    if case .shiftClosed(let n, let counted, let expected, _, _) = e {
                        return ["shift": .int(Int64(n)), "counted": .int(counted), "expected": .int(expected),
                                "over_short": .int(counted - expected)]
                    }
                }
                return [:]
            }
            return result
        case .reportX:
            // The close is a blind count: while a shift is open, the drawer's expected cash is
            // for a supervisor's (or a technician's) eyes, not the cashier who will count it.
            if ledger.state.shift != nil, technicianSession(connection) == nil,
               let me = ledger.state.currentOperator, ledger.state.operators[me]?.role.allows(.salesReports) != true {
                throw IPCError(.forbidden, "report.x is a supervisor's while a shift is open: the shift is closed by a blind count")
            }
            let x = ledger.state.xReport(registerID: config.registerID)
            return ["report": x.counters.json, "next_z": .int(Int64(x.nextZNumber)),
                    "grand_total_sales": .int(x.grandTotalSales), "grand_total_refunds": .int(x.grandTotalRefunds),
                    "text": .array(ReportText.x(x, config, at: localTimeText(context().now)).map(JSONValue.string))]
        case .reportZ:
            let result = try run(.closeDay, key: key) { [self] _, events in
                for e in events {
                    if case .dayClosed(let z) = e {
                        let anchor = zAnchor(z)
                        return ["z": .int(Int64(z.number)), "report": z.counters.json,
                                "grand_total_sales": .int(z.grandTotalSales), "grand_total_refunds": .int(z.grandTotalRefunds),
                                "anchor": anchor.map { .string($0.short) } ?? .null,
                                "text": .array(ReportText.z(z, config, at: localTimeText(z.closedAt), anchor: anchor).map(JSONValue.string))]
                    }
                }
                return [:]
            }
            return result

        case .catalogImport:
            let text = try args.optionalString("csv")
            let uploaded = try args.optionalBool("uploaded") ?? false
            let csv: String
            if let text, !uploaded {
                csv = text
            } else if uploaded, text == nil {
                csv = String(decoding: catalogUpload, as: UTF8.self)
                catalogUpload = []
            } else {
                throw IPCError(.badArgs, "catalog.import: either 'csv' (the file's text) or 'uploaded': true after catalog.upload")
            }
            return try importCatalog(csv, connection: connection, key: key)
        case .configGet:
            let only = try args.optionalString("key")
            let all = currentSettings()
            if let only {
                guard let v = all[only] else { throw IPCError(.notFound, "no setting '\(only)'") }
                return [only: .string(v)]
            }
            var o = JSONObject()
            for k in all.keys.sorted() { o[k] = .string(all[k]!) }
            return .object(o)
        case .configSet:
            let k = try args.string("key")
            let v = try args.string("value")
            return try setSetting(k, v, connection: connection, key: key)
        case .configKeys:
            return Settings.table.map { s in
                SettingKeyReply(key: s.key, file: "[\(s.section)] \(s.fileKey)", help: s.help, settable: s.atRunTime)
            }.json
        case .operatorList:
            let disabled = ledger.state.disabledOperators
            return .array(ledger.state.operators.values.sorted { $0.id < $1.id }.map { op in
                OperatorReply(op, disabled: disabled.contains(op.id) ? true : nil).json
            })
        case .operatorAdd:
            return try addOperator(&args, connection: connection, key: key)
        case .operatorRemove:
            let id = try args.string("id")
            let result = try run(.removeOperator(OperatorID(id)), key: key, caller: administrator(connection)) { _, _ in [:] }
            pins.remove(OperatorID(id))
            do { try pins.save() } catch { log.error("cannot save PINs", ["error": error.description]) }
            env.pins = pins.vault
            return result
        case .operatorSetBadge:
            let id = OperatorID(try args.string("id"))
            let card = try args.string("card")
            _ = try decided(.enrolBadge(id), caller: administrator(connection))
            do { try pins.setBadge(card, for: id) } catch {
                if case .alreadyInUse = error { throw IPCError(.conflict, "that card is already someone's badge") }
                throw IPCError(.badArgs, "operator.set_badge: 'card' is the number on the badge's stripe (printable, at most 64 characters)")
            }
            do { try pins.save() } catch { throw IPCError(.internal, "cannot store the badge: \(error)") }
            env.pins = pins.vault
            log.notice("badge enrolled", ["operator": id.rawValue])
            return ["operator": .string(id.rawValue)]
        case .devicesTestPrint:
            return try run(.printTestPage(lines: testPage()), key: key, caller: administrator(connection)) { [self] s, _ in
                TestPrintReply(output: Int64(s.lastOutputID), printer: Views.device(printer)).json
            }
        case .devicesDisplayTest:
            display.show("ABCDEFGHIJKLMNOPQRST", "0123456789 äöå € -+*")
            return ["display": Views.device(display).json]
        case .devicesScanTest:
            let seconds = try args.optionalInt("seconds") ?? 30
            guard (1...600).contains(seconds) else { throw IPCError(.badArgs, "'seconds' must be 1 to 600") }
            scanTestUntil = monotonicMilliseconds() + seconds * 1000
            return ["until_s": .int(seconds), "readers": readers.map(Views.device).json]
        case .trainingSet:
            let on = try args.bool("on")
            let pin = try args.optionalString("override_pin")
            let result = try run(.setTraining(on, override: pin), key: key) { s, _ in ["training": .bool(s.training)] }
            return result
        case .devicesList:
            return (devices.map(Views.device) + ignoredDevices().map(Views.ignored)).json
        // Every other operation by the feature that handles it: a new operation does not compile
        // until it is routed here.
        case .operatorDisable, .operatorEnable, .operatorResetPIN, .devicesOpenDrawer, .logTail, .journalVerify,
             .journalVerifyStatus, .journalExport, .catalogUpload, .devicesSimulate, .technicianRecoveryCode, .technicianRecover:
            return try performTechnician(op, &args, connection: connection, key: key)
        case .backupList, .backupRead, .restoreBegin, .restoreWrite, .restoreCommit:
            return try routed(performBackup(op, &args, connection: connection), op)
        case .timeclockIn, .timeclockOut, .timeclockBreakStart, .timeclockBreakEnd, .timeclockCorrect, .timeclockStatus,
             .timeclockHours, .stockReceive, .stockCount, .stockAdjust, .stockSetReorder, .stockLevels, .stockReorderList, .stockValue:
            return try routed(performStaffAndStock(op, &args, connection: connection, key: key), op)
        case .catalogLookup, .catalogSearch, .catalogQuickKeys:
            return try routed(performCatalog(op, &args), op)
        case .voucherGet, .voucherList:
            return try routed(performVouchers(op, &args, connection: connection), op)
        case .promotionSet, .promotionRemove, .promotionList:
            return try routed(performPromotion(op, &args, connection: connection, key: key), op)
        case .customerAdd, .customerUpdate, .customerRemove, .customerFind, .customerGet, .saleCustomer, .saleRedeemPoints:
            return try routed(performCustomers(op, &args, connection: connection, key: key), op)
        case .reportSales, .reportZExport:
            // Read from the journal on a thread of their own: `handle` sends them to `report`.
            throw IPCError(.internal, "\(op.name) is answered from the journal, not here")
        }
    }

    /// A feature's handler answers for the operations routed to it; nil would be a routing bug.
    private func routed(_ result: JSONValue?, _ op: Op) throws(IPCError) -> JSONValue {
        guard let result else { throw Self.unrouted(op) }
        return result
    }

    /// What a request gets when it was routed to a feature that has no case for it.
    static func unrouted(_ op: Op) -> IPCError { IPCError(.internal, "no handler answered \(op.name)") }

    /// The journaled result of an earlier request with this key; `conflict` when the key was used
    /// for a different request (another operation, or other arguments).
    private func answered(_ key: RequestKey, _ op: Op) throws(IPCError) -> JSONValue? {
        guard let earlier = ledger.state.requestResults[key.key] else { return nil }
        if let digest = ledger.state.settingsState.requestDigests[key.key], digest != key.digest {
            log.warning("idempotency key reused for a different request", ["op": op.name])
            throw key.reused(for: op)
        }
        log.info("idempotent retry answered from the journal", ["op": op.name])
        return (try? JSONValue.parse(earlier)) ?? .null
    }

    /// The idempotency record of a mutating request's result, to journal with its events.
    func completed(_ key: RequestKey?, _ result: JSONValue) -> [RegisterEvent] {
        key.map { [.requestCompleted(key: $0.key, digest: $0.digest, result: result.serialized())] } ?? []
    }

    var devices: [any Device] {
        var all: [any Device] = [printer, drawer, display] + readers.map { $0 as any Device }
        if let paymentTerminal { all.append(paymentTerminal) }
        return all
    }

    private func lineIndex(_ args: inout RequestArguments) throws(IPCError) -> Int {
        let line = try args.int("line")
        guard let i = Int(exactly: line), i >= 0 else { throw IPCError(.badArgs, "'line' must be 0 or more") }
        return i
    }

    func refuseNewSaleWhenDiskFull() throws(IPCError) {
        if ledger.journal.lowSpace {
            throw IPCError(.refused, "the disk is full: no new sale can start until space is freed (started sales still finish)")
        }
    }

    /// The technician of this connection (who changes are journaled as made by).
    @discardableResult
    func requireTechnician(_ connection: ConnectionID) throws(IPCError) -> OperatorID {
        // First boot: with no operators at all, the first one may be set up without a PIN.
        if ledger.state.operators.isEmpty { return OperatorID("first-boot") }
        guard let id = technicianSession(connection) else {
            throw IPCError(.pinRequired, "a technician's PIN is needed in this session first (op 'technician')")
        }
        return id
    }

    /// The journal's writer failed (a write or fsync error): kassad must restart and replay.
    var onWriterFailed: () -> Void = {}

    func runSale(_ command: Command, key: RequestKey?) throws(IPCError) -> JSONValue {
        let result = try run(command, key: key) { [config] s, _ in Views.sale(s, config).json }
        return result
    }

    private func runPayment(_ command: Command, key: RequestKey?) throws(IPCError) -> JSONValue {
        let result = try run(command, key: key) { [self] s, events in
            for e in events {
                if case .saleCompleted(let sale) = e {
                    return PaymentReply(completed: receiptView(sale, state: s)).json
                }
            }
            return PaymentReply(sale: Views.sale(s, config)).json
        }
        return result
    }

    /// Training receipts in training mode, real ones outside it; `conflict` for the other kind.
    private func receiptsReachable(_ args: inout RequestArguments) throws(IPCError) -> Bool {
        let asked = try args.optionalBool("training")
        do throws(Refusal) { return try ledger.state.receiptsReachable(asked: asked) } catch {
            throw IPCError(.conflict, asked == true ? "training receipts are reached only in training mode"
                                                    : "in training mode only training receipts are reached")
        }
    }

    private func reprint(_ number: UInt64, training: Bool) throws(IPCError) -> JSONValue {
        let sale: CompletedSale
        let hash: [UInt8]
        do { (sale, hash) = try ledger.sale(receipt: number, training: training) } catch {
            throw IPCError(.notFound, "no receipt \(number) on this register")
        }
        let text = receiptLines(sale, hash: hash, copy: true).map(\.text)
        reprintOutput(.receipt(number: number, training: training))
        return ["text": .array(text.map(JSONValue.string))]
    }

    private func addOperator(_ args: inout RequestArguments, connection: ConnectionID, key: RequestKey?) throws(IPCError) -> JSONValue {
        let id = try args.string("id")
        let name = try args.string("name")
        let roleName = try args.string("role")
        let pin = try args.string("pin")
        guard let role = Role(rawValue: roleName) else {
            throw IPCError(.badArgs, "operator.add: role must be cashier, supervisor or technician")
        }
        let op = Operator(id: OperatorID(id), name: name, role: role)
        let events = try decided(.addOperator(op), caller: administrator(connection))
        try storePIN(pin, for: op.id, role: role)
        let result = try commit(events, key: key) { _, _ in OperatorResultReply(operator: OperatorReply(op)).json }
        log.notice("operator added", ["operator": id, "role": roleName])
        return result
    }

    private func importCatalog(_ csv: String, connection: ConnectionID, key: RequestKey?) throws(IPCError) -> JSONValue {
        let catalog: Catalog
        do {
            catalog = try CatalogCSV.parse(Array(csv.utf8), currency: config.currency,
                                           taxClasses: Set(config.taxes.classes.keys), embeddedRules: env.catalog.embeddedRules)
        } catch {
            throw IPCError(.badArgs, "catalog.import: \(error)")
        }
        let digest = Hex.encode(SHA256.hash(Array(csv.utf8)))
        let events = try decided(.importCatalog(items: catalog.count, sha256: digest), caller: administrator(connection))
        do { try writeFileAtomically(stateDirectory + "/catalog.csv", Array(csv.utf8), mode: 0o640) } catch {
            throw IPCError(.internal, "cannot store the catalog: \(error)")
        }
        let result = try commit(events, key: key) { _, _ in CatalogImportReply(items: Int64(catalog.count)).json }
        env.catalog = catalog
        log.notice("catalog imported", ["items": String(catalog.count), "sha256": digest])
        return result
    }

}

func wallClockMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

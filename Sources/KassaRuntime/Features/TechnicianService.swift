import Glibc
import KassaCore
import KassaDevices
import KassaIPC
import KassaJournal
import KassaSystem

/// A one-time code printed on the receipt printer while no technician can log in: whoever can
/// read the paper has the box in hand, and may make a technician with it. It is never journaled
/// or logged, and is spent by its use, by three wrong tries or by five minutes passing.
struct RecoveryCode {
    var digits: String
    /// Monotonic milliseconds.
    var expires: Int64
    var attemptsLeft: Int

    static let lifetimeMilliseconds: Int64 = 5 * 60_000
    static let attempts = 3
}

/// The technician console's operations: operators, the drawer, the log, verification and export
/// of the journal, and physical-access recovery. Each is journaled when it changes anything.
extension RegisterService {

    func performTechnician(_ op: Op, _ args: inout RequestArguments, connection: ConnectionID, key: RequestKey?) throws(IPCError) -> JSONValue {
        switch op {
        case .operatorDisable, .operatorEnable:
            let id = OperatorID(try args.string("id"))
            let disable = op == .operatorDisable
            let caller = administrator(connection)
            let result = try run(.setOperatorDisabled(id, disable), key: key, caller: caller) { _, _ in
                ["operator": .string(id.rawValue), "disabled": .bool(disable)]
            }
            log.notice(disable ? "operator disabled" : "operator enabled", ["operator": id.rawValue, "by": caller.description])
            return result
        case .operatorResetPIN:
            let id = OperatorID(try args.string("id"))
            let pin = try args.string("pin")
            let caller = administrator(connection)
            let events = try decided(.resetPIN(id), caller: caller)
            try storePIN(pin, for: id, role: ledger.state.operators[id]?.role ?? .cashier)
            let result = try commit(events, key: key) { _, _ in ["operator": .string(id.rawValue)] }
            log.notice("PIN reset", ["operator": id.rawValue, "by": caller.description])
            return result
        case .devicesOpenDrawer:
            guard drawer.state != .offline else {
                throw IPCError(.deviceUnavailable, "the drawer cannot be opened: \(drawer.id) is offline (nothing was queued)")
            }
            let events = try decided(.testDrawer, caller: administrator(connection))
            let result: JSONValue = ["drawer": Views.device(drawer).json]
            try record(events + completed(key, result))
            do { try drawer.open() } catch {
                throw IPCError(.deviceUnavailable, "the drawer did not open: \(error) (the no-sale is journaled)")
            }
            return result
        case .logTail:
            let count = try args.optionalInt("lines") ?? 20
            guard (1...500).contains(count) else { throw IPCError(.badArgs, "'lines' must be 1 to 500") }
            return LogTailReply(lines: logHistory?.last(Int(count)) ?? []).json
        case .journalVerify:
            guard let reactor else { throw IPCError(.internal, "no reactor to run the verification on") }
            startJournalVerification(reactor: reactor, resume: false)
            return verificationStatus().json
        case .journalVerifyStatus:
            return verificationStatus().json
        case .journalExport:
            let from = try args.optionalInt("from") ?? 1
            let limit = try args.optionalInt("limit") ?? 500
            guard from >= 1, (1...2000).contains(limit) else { throw IPCError(.badArgs, "'from' must be 1 or more and 'limit' 1 to 2000") }
            return try exportPage(from: UInt64(from), limit: Int(limit))
        case .catalogUpload:
            let offset = try args.int("offset")
            let data = try args.string("data")
            guard let bytes = Base64.decode(data) else { throw IPCError(.badArgs, "catalog.upload: 'data' is not base64") }
            if offset == 0 { catalogUpload = [] }
            guard offset == Int64(catalogUpload.count) else {
                throw IPCError(.conflict, "catalog.upload: expected offset \(catalogUpload.count), not \(offset)")
            }
            guard catalogUpload.count + bytes.count <= 64 << 20 else { throw IPCError(.badArgs, "catalog.upload: a catalog is at most 64 MiB") }
            catalogUpload += bytes
            return ["received": .int(Int64(catalogUpload.count))]
        case .devicesSimulate:
            let condition = try args.string("condition")
            guard let simulated = printer as? SimulatedPrinter else {
                throw IPCError(.conflict, "only a simulated printer (kassad --demo without devices) can be told what to do")
            }
            switch condition {
            case "paper_out": simulated.setPaperOut(true)
            case "paper_ok": simulated.setPaperOut(false)
            default: throw IPCError(.badArgs, "devices.simulate: 'condition' is paper_out or paper_ok")
            }
            refreshAlarms()
            broadcast("device.status", Views.device(printer).json)
            return ["printer": Views.device(printer).json]
        case .technicianRecoveryCode:
            return try printRecoveryCode(key: key)
        case .technicianRecover:
            let code = try args.string("code")
            let id = OperatorID(try args.string("id"))
            let name = try args.optionalString("name")
            let pin = try args.string("pin")
            return try recoverTechnician(code: code, id: id, name: name, pin: pin, connection: connection)
        default:
            throw Self.unrouted(op)
        }
    }

    /// A new PIN for an operator of `role`: supervisors and technicians need longer ones.
    func storePIN(_ pin: String, for id: OperatorID, role: Role) throws(IPCError) {
        do { try pins.setPIN(pin, for: id, minimumLength: config.minimumPinLength(for: role)) } catch { throw pinRefusal(error, role) }
        do { try pins.save() } catch { throw IPCError(.internal, "cannot store the PIN: \(error)") }
        env.pins = pins.vault
    }

    /// Checks a new PIN for an operator of `role` before anything else is done with the request.
    func checkNewPIN(_ pin: String, role: Role) throws(IPCError) {
        do { try PinVault.validate(pin, minimumLength: config.minimumPinLength(for: role)) } catch { throw pinRefusal(error, role) }
    }

    private func pinRefusal(_ error: PinVault.PinError, _ role: Role) -> IPCError {
        switch error {
        case .notDigits: return IPCError(.badArgs, "a PIN is digits only")
        case .wrongLength(let n): return IPCError(.badArgs, "a PIN has 4 to 8 digits, not \(n)")
        case .shorterThan(let minimum):
            return IPCError(.badArgs, "a \(role.rawValue)'s PIN has at least \(minimum) digits (setting privileged_pin_length)")
        case .alreadyInUse: return IPCError(.conflict, "that PIN is already in use: choose another")
        }
    }

    func verificationStatus() -> JournalVerificationReply {
        guard let run = verification else { return JournalVerificationReply(running: false) }
        var reply = JournalVerificationReply(running: run.verdict == nil, throughSeq: Int64(run.throughSeq), checked: Int64(run.checked),
                                             resumedAfter: Int64(run.resumedAfter))
        if run.passStartedAt > 0 { reply.passStartedAt = run.passStartedAt }
        if run.soundThrough > 0 {
            reply.soundThrough = Int64(run.soundThrough)
            reply.soundAt = run.soundAt
        }
        switch run.verdict {
        case .sound(let records, let segments)?:
            reply.result = .init(sound: true, records: Int64(records), segments: Int64(segments))
        case .damaged(let fault)?:
            reply.result = .init(sound: false, fault: fault)
        case .failed(let message)?:
            reply.result = .init(sound: false, error: message)
        case nil:
            break
        }
        return reply
    }

    /// Records from `from` as JSON objects and as accounting CSV rows, at most `limit` of them
    /// and about 32 KiB of text, so that every reply fits well within a line.
    private func exportPage(from: UInt64, limit: Int) throws(IPCError) -> JSONValue {
        struct PageFull: Error {}
        var records: [JSONValue] = []
        var rows: [String] = []
        var bytes = 0
        var next = from
        let through = ledger.journal.durableSeq
        let fault: JournalFault?
        do {
            let reader = try JournalReader(stateDirectory: stateDirectory)
            fault = try reader.forEachRecord(fromSeq: from) { view in
                guard view.seq <= through, records.count < limit, bytes < 32_768 else { throw PageFull() }
                var o: JSONObject = ["seq": .int(Int64(view.seq)), "time": .int(view.time)]
                switch Result(catching: { () throws(CodecError) in try EventCodec.decode(view.payload) }) {
                case .success(let event):
                    o["event"] = event.json
                    for row in AccountingCSV.rows(event) {
                        rows.append(row)
                        bytes += row.utf8.count
                    }
                case .failure(let error):
                    o["undecodable"] = .string("\(error)")
                }
                let value = JSONValue.object(o)
                bytes += value.serialized().utf8.count
                records.append(value)
                next = view.seq + 1
            }
        } catch is PageFull {
            fault = nil
        } catch {
            throw IPCError(.internal, "cannot read the journal: \(error)")
        }
        return JournalExportPage(records: records, csv: rows, next: Int64(next), lastSeq: Int64(through), csvHeader: AccountingCSV.header,
                                 fault: fault.flatMap { $0.seq <= through ? $0.description : nil }).json
    }

    /// Only while no technician can log in, and journaled with why: a printer is not proof of
    /// anything while a technician could do the job.
    private func printRecoveryCode(key: RequestKey?) throws(IPCError) -> JSONValue {
        let now = monotonicMilliseconds()
        if let code = recoveryCode, code.expires - RecoveryCode.lifetimeMilliseconds + 30_000 > now {
            throw IPCError(.conflict, "a recovery code was printed less than 30 s ago; use that one")
        }
        guard printer.state != .offline else {
            throw IPCError(.deviceUnavailable, "the recovery code goes to the receipt printer, and \(printer.id) is offline")
        }
        let events = try decided(.printRecoveryCode)
        let random: [UInt8]
        do { random = try randomBytes(8) } catch { throw IPCError(.internal, "no randomness for a code: \(error)") }
        let digits = String(random.map { Character(String($0 % 10)) })
        let result: JSONValue = ["printed_on": .string(printer.id), "valid_s": .int(RecoveryCode.lifetimeMilliseconds / 1000)]
        try record(events + completed(key, result))
        recoveryCode = RecoveryCode(digits: digits, expires: now + RecoveryCode.lifetimeMilliseconds, attemptsLeft: RecoveryCode.attempts)
        let w = printer.columns
        let lines = [
            PrintedLine(TextLayout.center("Kassa technician recovery", in: w), .strong),
            PrintedLine(TextLayout.center(config.registerID, in: w)),
            PrintedLine(TextLayout.leftRight("Printed", localTimeText(context().now), columns: w)),
            PrintedLine(TextLayout.center("One-time code", in: w)),
            PrintedLine(TextLayout.center(digits, in: w), .total),
            PrintedLine(TextLayout.center("valid \(RecoveryCode.lifetimeMilliseconds / 60_000) minutes, once", in: w)),
        ]
        // Output id 0: the code is never journaled, and a code lost with the paper is simply asked for again.
        printer.enqueue(PrintJob(id: 0, copy: false, confidential: true) { _ in lines })
        for case .recoveryCodePrinted(let ground, _) in events {
            log.warning("technician recovery code printed on the receipt printer", ["why": ground.rawValue])
        }
        return result
    }

    /// With a valid code: the operator `id` becomes a technician with the new PIN (created, or
    /// enabled again with its PIN reset), journaled, and this connection is a technician session.
    private func recoverTechnician(code: String, id: OperatorID, name: String?, pin: String,
                                   connection: ConnectionID) throws(IPCError) -> JSONValue {
        try checkNewPIN(pin, role: .technician)
        guard var current = recoveryCode, monotonicMilliseconds() < current.expires else {
            recoveryCode = nil
            throw IPCError(.refused, "no valid recovery code: print one with technician.recovery_code")
        }
        guard current.digits.utf8.elementsEqual(code.utf8) else {
            current.attemptsLeft -= 1
            recoveryCode = current.attemptsLeft > 0 ? current : nil
            log.warning("wrong technician recovery code", ["attempts_left": String(current.attemptsLeft)])
            throw IPCError(.wrongPin, current.attemptsLeft > 0
                ? "wrong recovery code (\(current.attemptsLeft) tries left)" : "wrong recovery code; it is void now, print a new one")
        }
        let events = try decided(.recoverTechnician(id, name: name), caller: .recoveryCode)
        try storePIN(pin, for: id, role: .technician)
        try record(events)
        recoveryCode = nil
        technicianSessions[connection] = id
        log.warning("technician access recovered with a printed code", ["operator": id.rawValue])
        return OperatorResultReply(operator: Views.operator(ledger.state.operators[id])).json
    }
}

/// The newest lines of kassad's log, kept for the console's `log` (journald has them all).
final class LogHistory: @unchecked Sendable {
    private var lines: [String] = []
    private var next = 0
    private let capacity: Int
    private var mutex = pthread_mutex_t()

    init(capacity: Int = 500) {
        self.capacity = capacity
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// Called from any thread (libusb's logs from its own).
    func append(_ line: String) {
        var text = line
        if text.hasSuffix("\n") { text.removeLast() }
        pthread_mutex_lock(&mutex)
        if lines.count < capacity { lines.append(text) } else { lines[next] = text }
        next = (next + 1) % capacity
        pthread_mutex_unlock(&mutex)
    }

    /// Up to `count` lines, oldest first.
    func last(_ count: Int) -> [String] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        let ordered = lines.count < capacity ? lines : Array(lines[next...] + lines[..<next])
        return Array(ordered.suffix(count))
    }
}

import KassaCore
import KassaIPC
import KassaSystem

/// The register's operations in plain words: `kassa scan 6414893400018`, `kassa pay cash 20.00`…
enum RegisterCommands {
    static let usage = """
        Register (talk to kassad; --socket PATH or KASSA_SOCKET; --json prints the raw result):
          status                         register, operator, shift, open sale, journal, alarms
          login | logout                 the PIN is asked for (or read from standard input)
          scan CODE [--qty N | --grams G]   a barcode or PLU (opens a sale): N pieces, or G grams of
                                        an item sold by weight (a weight or price label carries its own)
          add ITEM QTY                   by item id (QTY: pieces, or grams of an item sold by weight)
          void LINE                      void a line (lines are numbered from 1, as kassa sale shows them)
          discount [--line N] (P% | AMOUNT | --remove) [--override]
          price LINE AMOUNT [--override] price override (a supervisor's PIN with --override)
          total | sale | complete | park | parked
          pay cash|card AMOUNT [--ref REF] | pay voucher [AMOUNT] --ref CODE   (a voucher pays its
                                        balance, up to what is due, unless given an amount)
          cancel [--override]            cancel the open sale
          resume PARK_ID
          refund RECEIPT LINE:QTY… [--tender cash|card|voucher] [--override]   (default: as the sale was
                                        paid; voucher: store credit; LINE from 1 as on the sale, QTY
                                        pieces or grams)
          reprint RECEIPT                a copy of a past receipt
          no-sale [--override]           open the drawer
          shift open FLOAT | shift cash-in AMOUNT REASON… | shift cash-out AMOUNT REASON…
          shift close COUNTED            blind count: over/short is shown after
          report x | report z
          report sales --by day|week|…  sales from the journal (report sales --help)
          report export-z --out DIR      one CSV per Z closing, for accounting
          lookup CODE|NAME               an item by barcode or PLU, or the items whose names have letters
          operators                      who may log in, and their roles
          devices                        printer, drawer, display, scanners: state and where connected
          journal status                 the journal's records, mode, free space and verification
          clock check                    re-reads the system clock (after it was set)
        \(StaffAndStockCommands.usage)
        \(VoucherCommands.usage)
        \(PromotionCommands.usage)
        \(CustomerCommands.usage)
          journal recover REGISTER-ID   after journal damage: seal the damaged chain and go on from a
                                        new one (asks a supervisor's or technician's PIN)
          training on|off [--override]
          watch                          stream events (Ctrl-C ends)
        Technician (asks for a technician's PIN first):
          catalog import FILE.csv        the catalog from a CSV file (every bad row is named)
          config get [KEY]               every setting, or one
          config set KEY VALUE           changes a setting; the value is checked as in kassa.conf
                                        (e.g. config set cash_rounding 0.05; config get lists the keys)
          operator add ID NAME ROLE | operator remove ID
        Mutating commands send an idempotency key (--idempotency-key KEY to choose it) so that a
        retried request never sells, refunds or prints twice.
        """

    static let commands: Set<String> = [
        "status", "login", "logout", "scan", "add", "void", "discount", "price", "total", "sale", "complete", "park",
        "parked", "pay", "cancel", "resume", "refund", "reprint", "no-sale", "shift", "report", "lookup", "operators",
        "devices", "journal-status", "journal-recover", "clock", "training", "watch", "catalog", "config", "operator",
        "stock", "voucher", "promotion", "customer",
    ]

    /// `socket` is a `--socket` given before the command; one after it is read here.
    static func run(_ command: String, _ args: inout Arguments, socket: String?) throws -> ExitCode {
            if args.flag("--help") {
                // `journal-status` is `kassa journal status`.
                var words = command.hasPrefix("journal-") ? ["journal", String(command.dropFirst(8))] : [command]
                while let w = args.optionalPositional() { words.append(w) }
                print(CommandHelp.usage(for: words, in: usage) ?? usage)
                return .ok
            }
            let json = args.flag("--json")
            let path = try Session.socketPath(socket, &args)
            let key = try args.option("--idempotency-key")
            if command == "watch" {
                try args.finish()
                return try watch(Session(path: path, json: json, idempotencyKey: nil, timeoutMilliseconds: 3_600_000))
            }
            let s = Session(path: path, json: json, idempotencyKey: key)
            let result = try perform(command, &args, s)
            try show(result, command, s)
            return .ok
    }

    private static func override(_ args: inout Arguments) throws -> JSONObject {
        args.flag("--override") ? ["override_pin": .string(try PinPrompt.read("Supervisor PIN"))] : [:]
    }

    private static func int(_ text: String, _ what: String) throws(UsageError) -> Int64 {
        guard let v = Int64(text) else { throw UsageError("\(what) must be a whole number, not '\(text)'") }
        return v
    }

    /// A line number as the screen and `kassa sale` show it, from 1; kassad counts from 0.
    static func line(_ text: String) throws(UsageError) -> Int64 {
        guard let v = Int64(text), v >= 1 else { throw UsageError("lines are numbered from 1 as kassa sale shows them, not '\(text)'") }
        return v - 1
    }

    /// Runs the command's operation(s); returns what to show.
    static func perform(_ command: String, _ args: inout Arguments, _ s: Session) throws -> (op: String, result: JSONValue) {
            switch command {
            case "status":
                try args.finish()
                return ("status", try s.call(.status))
            case "login":
                try args.finish()
                return ("login", try s.call(.login, ["pin": .string(try PinPrompt.read("PIN"))]))
            case "logout":
                try args.finish()
                return ("logout", try s.call(.logout))
            case "scan":
                let code = try args.positional("barcode or PLU")
                let qty = try args.option("--qty")
                let grams = try args.option("--grams")
                try args.finish()
                var a: JSONObject = ["code": .string(code)]
                if let qty { a["quantity"] = .int(try int(qty, "the quantity")) }
                if let grams { a["grams"] = .int(try int(grams, "the weight in grams")) }
                return ("sale", try s.call(.saleScan, a))
            case "add":
                let item = try args.positional("item id")
                let qty = try int(try args.positional("quantity"), "the quantity")
                try args.finish()
                return ("sale", try s.call(.saleAdd, ["item": .string(item), "quantity": .int(qty)]))
            case "void":
                let line = try Self.line(try args.positional("line number"))
                try args.finish()
                return ("sale", try s.call(.saleVoidLine, ["line": .int(line)]))
            case "discount":
                let line = try args.option("--line")
                let remove = args.flag("--remove")
                var a = try override(&args)
                if !remove {
                    let value = try args.positional("discount (10% or an amount)")
                    if value.hasSuffix("%") {
                        guard let pct = try? Money.parse(String(value.dropLast()), currency: Currency(code: "PCT", minorUnits: 2)) else {
                            throw UsageError("'\(value)' is not a percentage like 10% or 12.5%")
                        }
                        a["percent_bp"] = .int(pct.minor)
                    } else {
                        a["amount"] = .int(try s.amount(value))
                    }
                }
                try args.finish()
                if let line {
                    a["line"] = .int(try Self.line(line))
                    return ("sale", try s.call(.saleDiscountLine, a))
                }
                return ("sale", try s.call(.saleDiscount, a))
            case "price":
                let line = try Self.line(try args.positional("line number"))
                let price = try s.amount(try args.positional("new unit price"))
                var a = try override(&args)
                try args.finish()
                a["line"] = .int(line)
                a["unit_price"] = .int(price)
                return ("sale", try s.call(.saleOverridePrice, a))
            case "total":
                try args.finish()
                return ("sale", try s.call(.saleTotal))
            case "sale":
                try args.finish()
                return ("sale", try s.call(.saleGet))
            case "complete":
                try args.finish()
                return ("payment", try s.call(.saleComplete))
            case "park":
                try args.finish()
                return ("park", try s.call(.salePark))
            case "parked":
                try args.finish()
                return ("parked", try s.call(.saleParked))
            case "resume":
                let id = try int(try args.positional("park id"), "the park id")
                try args.finish()
                return ("sale", try s.call(.saleResume, ["park_id": .int(id)]))
            case "pay":
                let kind = try args.positional("tender (cash, card or voucher)")
                let ref = try args.option("--ref")
                var a: JSONObject = ["kind": .string(kind)]
                if kind != "voucher" {
                    a["amount"] = .int(try s.amount(try args.positional("amount")))
                } else if let amount = args.optionalPositional() {
                    a["amount"] = .int(try s.amount(amount))
                }
                try args.finish()
                if let ref { a["reference"] = .string(ref) }
                return ("payment", try s.call(.saleTender, a))
            case "cancel":
                let a = try override(&args)
                try args.finish()
                return ("done", try s.call(.saleCancel, a))
            case "refund":
                let receipt = try int(try args.positional("receipt number"), "the receipt")
                let tender = try args.option("--tender")
                var a = try override(&args)
                var lines: [JSONValue] = []
                while let spec = args.optionalPositional() {
                    let parts = spec.split(separator: ":")
                    guard parts.count == 2, let l = Int64(parts[0]), l >= 1, let q = Int64(parts[1]) else {
                        throw UsageError("refund lines are LINE:QUANTITY, lines numbered from 1 as on the receipt's sale, e.g. 1:1, not '\(spec)'")
                    }
                    lines.append(["line": .int(l - 1), "quantity": .int(q)])
                }
                guard !lines.isEmpty else { throw UsageError("name at least one LINE:QUANTITY to refund") }
                try args.finish()
                a["receipt"] = .int(receipt)
                if let tender { a["tender"] = .string(tender) }
                a["lines"] = .array(lines)
                return ("text", try s.call(.refund, a))
            case "reprint":
                let receipt = try int(try args.positional("receipt number"), "the receipt")
                try args.finish()
                return ("text", try s.call(.receiptReprint, ["receipt": .int(receipt)]))
            case "no-sale":
                let a = try override(&args)
                try args.finish()
                return ("done", try s.call(.drawerNoSale, a))
            case "shift":
                let sub = try args.positional("shift command (open, cash-in, cash-out, close)")
                switch sub {
                case "open":
                    let float = try s.amount(try args.positional("float"))
                    try args.finish()
                    return ("done", try s.call(.shiftOpen, ["float": .int(float)]))
                case "cash-in", "cash-out":
                    let amount = try s.amount(try args.positional("amount"))
                    let reason = args.rest()
                    try args.finish()
                    return ("done", try s.call(sub == "cash-in" ? Op.shiftCashIn : Op.shiftCashOut,
                                               ["amount": .int(amount), "reason": .string(reason)]))
                case "close":
                    let counted = try s.amount(try args.positional("counted cash"))
                    try args.finish()
                    return ("close", try s.call(.shiftClose, ["counted": .int(counted)]))
                default:
                    throw UsageError("unknown shift command '\(sub)'")
                }
            case "report":
                let which = try args.positional("x or z")
                try args.finish()
                switch which {
                case "x": return ("text", try s.call(.reportX))
                case "z": return ("text", try s.call(.reportZ))
                default: throw UsageError("report x, z, sales or export-z, not '\(which)'")
                }
            case "lookup":
                let code = try args.positional("barcode, PLU or a few letters of the name")
                try args.finish()
                // Letters are a name (unless a PLU has them): every item whose name has them.
                if code.contains(where: \.isLetter), (try? s.call(.catalogLookup, ["code": .string(code)])) == nil {
                    return ("lookup", try s.call(.catalogSearch, ["query": .string(code), "limit": 50]))
                }
                return ("lookup", try s.call(.catalogLookup, ["code": .string(code)]))
            case "operators":
                try args.finish()
                return ("operators", try s.call(.operatorList))
            case "devices":
                try args.finish()
                return ("devices", try s.call(.devicesList))
            case "journal-status":
                try args.finish()
                return ("journal-status", try s.call(.journalStatus))
            case "journal-recover":
                let register = try args.positional("the register's id, typed out to confirm")
                try args.finish()
                let pin = try PinPrompt.read("Supervisor or technician PIN")
                return ("journal-recover", try s.call(.journalRecover, ["pin": .string(pin), "confirm": .string(register)]))
            case "clock":
                let sub = try args.positional("clock command (in, out, break, back, status, hours, fix, check)")
                guard sub == "check" else { return try StaffAndStockCommands.clock(sub, &args, s) }
                try args.finish()
                return ("clock-check", try s.call(.clockCheck))
            case "stock":
                return try StaffAndStockCommands.stock(&args, s)
            case "voucher":
                return try VoucherCommands.voucher(&args, s)
            case "promotion":
                return try PromotionCommands.run(&args, s)
            case "customer":
                return try CustomerCommands.run(&args, s)
            case "training":
                let on = try args.positional("on or off")
                guard on == "on" || on == "off" else { throw UsageError("training on or training off") }
                var a = try override(&args)
                try args.finish()
                a["on"] = .bool(on == "on")
                return ("training", try s.call(.trainingSet, a))
            case "catalog":
                let sub = try args.positional("catalog command (import)")
                guard sub == "import" else { throw UsageError("catalog import FILE.csv") }
                let file = try args.positional("CSV file")
                try args.finish()
                guard let bytes = try? readWholeFile(file) else { throw CommandFailure(.failure, "cannot read \(file)") }
                try technician(s)
                return ("catalog-import", try s.call(.catalogImport, ["csv": .string(String(decoding: bytes, as: UTF8.self))]))
            case "config":
                let sub = try args.positional("config command (get or set)")
                switch sub {
                case "get":
                    let key = args.optionalPositional()
                    try args.finish()
                    return ("config", try s.call(.configGet, key.map { ["key": .string($0)] } ?? [:]))
                case "set":
                    let key = try args.positional("key")
                    let value = try args.positional("value")
                    try args.finish()
                    try technician(s)
                    return ("config-set", try s.call(.configSet, ["key": .string(key), "value": .string(value)]))
                default:
                    throw UsageError("config get [KEY] or config set KEY VALUE")
                }
            case "operator":
                let sub = try args.positional("operator command (add or remove)")
                switch sub {
                case "add":
                    let id = try args.positional("id")
                    let name = try args.positional("name")
                    let role = try args.positional("role (cashier, supervisor or technician)")
                    try args.finish()
                    try technician(s)
                    let pin = try PinPrompt.read("New PIN for \(id)")
                    let again = try PinPrompt.read("The same PIN again")
                    guard pin == again else { throw CommandFailure(.usage, "the two PINs differ") }
                    return ("operator-added", try s.call(.operatorAdd, ["id": .string(id), "name": .string(name), "role": .string(role),
                                                               "pin": .string(pin)]))
                case "remove":
                    let id = try args.positional("id")
                    try args.finish()
                    try technician(s)
                    return ("done", try s.call(.operatorRemove, ["id": .string(id)]))
                default:
                    throw UsageError("operator add ID NAME ROLE or operator remove ID")
                }
            default:
                throw UsageError("unknown command '\(command)'")
            }
    }

    /// Technician operations need a technician's PIN in this connection (a brand-new register
    /// with no operators at all lets the first technician be set up without one).
    private static func technician(_ s: Session) throws {
        if try Session.read(s.call(.status), as: StatusReply.self).needsSetUp { return }
        _ = try s.call(.technician, ["pin": .string(try PinPrompt.read("Technician PIN"))])
    }

    // MARK: Output

    static func show(_ shown: (op: String, result: JSONValue), _ command: String, _ s: Session) throws(CommandFailure) {
        let r = shown.result
        if s.json {
            print(r.serialized())
            return
        }
        switch shown.op {
        case "sale":
            printSale(try Session.read(r, as: SaleReply?.self), s)
        case "payment":
            let payment = try Session.read(r, as: PaymentReply.self)
            if let completed = payment.completed {
                for line in completed.text { print(line) }
            } else {
                printSale(payment.sale, s)
            }
        case "text":
            for line in r["text"]?.arrayValue ?? [] { print(line.stringValue ?? "") }
        case "login":
            let op = try Session.read(r, as: OperatorResultReply.self).operator
            print("logged in: \(op?.name ?? "?") (\(op?.role.rawValue ?? "?"))")
        case "park":
            print("parked as \(r["park_id"]?.intValue ?? 0)")
        case "parked":
            for p in try Session.read(r, as: [ParkedSaleReply].self) {
                print("\(p.parkID): \(p.lines) lines, \(s.money(p.total))")
            }
        case "close":
            print("counted \(s.money(r["counted"]?.intValue)), expected \(s.money(r["expected"]?.intValue)), over/short \(s.money(r["over_short"]?.intValue))")
        case "status":
            printStatus(try Session.read(r, as: StatusReply.self), s)
        case "devices":
            for d in try Session.read(r, as: [DeviceReply].self) {
                let status = d.status.joined(separator: ",")
                print(TextLayout.pad(d.id, to: 10) + " " + TextLayout.pad(d.kind, to: 12) + " " + TextLayout.pad(d.state, to: 8) + " "
                      + TextLayout.pad(status.isEmpty ? "-" : status, to: 24) + " " + d.via)
                if let reason = d.reason { print("  not used: \(reason)") }
            }
        case "done":
            print("ok")
        default:
            if StaffAndStockCommands.show(shown.op, r, s) || PromotionCommands.show(shown.op, r, s) { return }
            if try VoucherCommands.show(shown.op, r, s) { return }
            if try CustomerCommands.show(shown.op, r, s) { return }
            if try !PlainOutput.show(shown.op, r, s) { PlainOutput.fields(r) }
        }
    }

    static func printSale(_ sale: SaleReply?, _ s: Session) {
        guard let sale else {
            print("no sale open")
            return
        }
        for l in sale.lines {
            let quantity = l.sold.unit == "weight" ? Receipt.grams(l.sold.quantity, separator: s.format.decimalSeparator)
                : "\(l.sold.quantity) x"
            let text = "\(l.line + 1). \(l.sold.name) \(quantity)" + (l.sold.voided ? " VOID" : "")
            print(TextLayout.leftRight(text, s.money(l.sold.amount), columns: 48))
        }
        for p in sale.promotions ?? [] {
            print(TextLayout.leftRight("   " + p.name, s.money(-p.amount), columns: 48))
        }
        if let c = sale.customer {
            var text = "customer \(c.name) (\(c.id)), \(c.points) points"
            if let r = sale.redeem { text += ", redeeming \(r.points)" }
            print(text)
        }
        if let r = sale.redeem { print(TextLayout.leftRight("points", s.money(-r.value), columns: 48)) }
        print(TextLayout.leftRight("TOTAL", s.money(sale.total), columns: 48))
        if sale.paid > 0 {
            print(TextLayout.leftRight("paid", s.money(sale.paid), columns: 48))
            print(TextLayout.leftRight("due (cash)", s.money(sale.cashDue), columns: 48))
        }
    }

    static func printStatus(_ r: StatusReply, _ s: Session) {
        print("register \(r.register) \(r.store) — kassad \(r.version), up \(r.uptimeSeconds) s")
        print("time     \(r.localTime) (\(r.timeZone))")
        if let op = r.operator {
            print("operator \(op.name) (\(op.role.rawValue))")
        } else {
            print("operator nobody logged in")
        }
        if let shift = r.shift {
            print("shift    \(shift.number) opened by \(shift.openedBy), float \(s.money(shift.float))")
        } else {
            print("shift    closed")
        }
        if r.training { print("TRAINING MODE") }
        print("journal  \(r.journal.mode), \(r.journal.lastSeq) records, head \(String(r.journal.headHash.prefix(16)))")
        if let v = r.journal.verification { print("verified \(v.summary)") }
        for a in r.alarms { print("ALARM    \(a.code): \(a.message)") }
        if let sale = r.sale {
            print("open sale:")
            printSale(sale, s)
        }
    }

    static func watch(_ s: Session) throws -> ExitCode {
        _ = try s.call(.subscribe)
        let client = try s.client
        while true {
            let message: ServerMessage
            do { message = try client.nextEvent() } catch {
                if case .timedOut = error { continue }
                throw CommandFailure(.unavailable, "kassad: \(error)")
            }
            switch message {
            case .event(let e):
                print(s.json ? e.json.serialized() : "\(e.seq) \(e.name)" + PlainOutput.summary(e.data))
            case .gap(let g):
                print(s.json ? g.json.serialized() : "gap: missed events \(g.first)…\(g.last)")
            default:
                break
            }
            fflushStandardOutput()
        }
    }
}

import Glibc
import KassaCore
import KassaIPC
import KassaSystem

/// One console command: its usage line, its help and what it does.
struct ConsoleCommand: Sendable {
    var usage: String
    var help: String
    var run: @Sendable (Console, [String]) throws(ConsoleError) -> Void
}

/// Every command the console knows, each with `help COMMAND`.
enum ConsoleCommands {
    static let table: [String: ConsoleCommand] = [
        "help": ConsoleCommand(usage: "help [COMMAND]", help: "Lists the commands, or explains one.", run: help),
        "history": ConsoleCommand(usage: "history", help: "The last lines typed (the arrow keys recall them too).") { c, _ in
            for (i, line) in c.editor.history.enumerated() { c.say("\(i + 1)  \(line)") }
        },
        "status": ConsoleCommand(
            usage: "status",
            help: "Version, uptime, the journal's head (sequence and hash), free disk space, the shift, alarms.",
            run: status),
        "devices": ConsoleCommand(
            usage: "devices [test-print | open-drawer | display-test | scan-test [SECONDS]]",
            help: """
                Without a word: every device and its state.
                  test-print    prints a test page (ruler, ÄÖÅ €, bold, big total)
                  open-drawer   opens the cash drawer (journaled as a no-sale)
                  display-test  fills the customer display with a test pattern
                  scan-test     shows the next scan or swipe, raw and decoded,
                                instead of selling it; card numbers masked (30 s)
                """,
            run: devices),
        "config": ConsoleCommand(
            usage: "config show | get KEY | set KEY VALUE",
            help: """
                show: every setting. get: one. set: change one; kassad checks the
                value and journals the change with its old and new value.
                Quote values with spaces: config set store_name "Kahvila Kassa".
                Keys, as kassad lists them (those marked * are kassa.conf's only):
                """,
            run: config),
        "operators": ConsoleCommand(
            usage: "operators list | add ID ROLE NAME… | disable ID | enable ID | reset-pin ID",
            help: """
                list: everyone who may log in. add: a cashier, supervisor or
                technician (the PIN is asked twice, never shown). disable/enable: a
                disabled operator cannot log in and stays in the history.
                reset-pin: a new PIN for someone who forgot theirs.
                """,
            run: operators),
        "catalog": ConsoleCommand(
            usage: "catalog import FILE | show CODE",
            help: """
                import: replaces the catalog with a CSV file (e.g. on a USB stick),
                all or nothing; every bad row is reported with its line.
                show: one item by barcode or PLU.
                """,
            run: catalog),
        "journal": ConsoleCommand(
            usage: "journal verify | export DIR | recover",
            help: """
                verify: checks every record (CRCs, chain, sequence), with progress.
                export: writes journal.jsonl (every record) and sales.csv (for
                accounting) into DIR, e.g. a mounted USB stick.
                recover: after damage, seals the damaged chain (kept for inspection)
                and starts a new one linked to it; needs the register id typed out
                and a supervisor's or technician's PIN.
                """,
            run: journal),
        "stock": StockConsole.command,
        "voucher": VoucherConsole.command,
        "promotion": PromotionConsole.command,
        "customer": CustomerConsole.command,
        "report": ConsoleCommand(
            usage: "report sales BY [FROM [TO]] [worst]",
            help: """
                Sales from the journal as a table with bars. BY: hour, day, week,
                month, year, item, department, tax, tender or employee. FROM and TO
                are local dates YYYY-MM-DD, TO the first day after the period.
                item: the 20 best sellers by revenue (worst: the 20 worst).
                employee: sales, items and average per sale, refunds, voids, overrides.
                """,
            run: report),
        "log": ConsoleCommand(usage: "log [N]", help: "The daemon's last N log lines (default 20, at most 500).", run: log),
        "time": ConsoleCommand(
            usage: "time | time set YYYY-MM-DD HH:MM[:SS] | time zone NAME",
            help: """
                Shows the clock and the register's time zone. set: sets the system
                clock (a box without a real-time clock or network needs this after a
                power cut). zone: sets the system's and the register's time zone,
                e.g. Europe/Helsinki.
                """,
            run: time),
        "network": ConsoleCommand(
            usage: "network | network set IFACE dhcp | network set IFACE ADDRESS/PREFIX [GATEWAY [DNS]]",
            help: "Shows the wired and wireless interfaces, or sets one to DHCP or a static address.",
            run: network),
        "backup": ConsoleCommand(
            usage: "backup DIR",
            help: """
                Copies the register's state (journal, sealed chains, catalog, PIN secrets)
                into a new folder in DIR, e.g. a mounted USB stick; best right after a Z
                closing. Keep the stick as safe as the box: it holds the PIN secrets.
                """,
            run: Backup.backup),
        "restore": ConsoleCommand(
            usage: "restore DIR",
            help: """
                Onto a new box that has sold nothing yet: takes over the register in the
                backup folder DIR, with its register id, receipt numbers, chain and PINs.
                kassad restarts to load it.
                """,
            run: Backup.restore),
        "reboot": ConsoleCommand(usage: "reboot [--force]", help: "Restarts the box; refused while a sale is open unless --force.") { c, a throws(ConsoleError) in
            try power(c, a, "reboot")
        },
        "poweroff": ConsoleCommand(usage: "poweroff [--force]", help: "Switches the box off; refused while a sale is open unless --force.") { c, a throws(ConsoleError) in
            try power(c, a, "poweroff")
        },
        "logout": ConsoleCommand(usage: "logout", help: "Ends the session (also exit, quit or Ctrl-D).") { _, _ in },
    ]

    static func help(_ c: Console, _ args: [String]) throws(ConsoleError) {
        if let name = args.first {
            guard let command = table[name] else { throw .usage("no command '\(Wrap.clip(name, width: 40))'") }
            c.say("usage: \(command.usage)")
            c.say(command.help)
            if name == "config" { try settingKeys(c) }
            return
        }
        c.say("Commands (help COMMAND for more):")
        for name in table.keys.sorted() { c.say("  " + Wrap.clip(table[name]!.usage, width: 76)) }
        c.say("Keys: Backspace/DEL erase, Ctrl-U clears the line, Ctrl-C abandons it, Ctrl-D logs out.")
    }

    static func expect(_ args: [String], _ count: ClosedRange<Int>, _ what: String) throws(ConsoleError) {
        guard count.contains(args.count) else { throw .usage(what) }
    }

    // MARK: status, log

    static func status(_ c: Console, _ args: [String]) throws(ConsoleError) {
        try expect(args, 0...0, "status takes no arguments")
        let s = try c.call(.status, as: StatusReply.self)
        let j = try c.call(.journalStatus, as: JournalStatusReply.self)
        c.say("kassad       \(s.version), up \(s.uptimeSeconds / 3600) h \(s.uptimeSeconds / 60 % 60) min")
        c.say("register     \(s.register)  \(s.store)")
        c.say("time         \(s.localTime) \(s.timeZone)")
        var journal = "journal      record \(j.lastSeq) (durable \(j.durableSeq)), "
        journal += j.mode == "read_write" ? "read-write" : "READ-ONLY: \(j.reason ?? "")"
        c.say(journal)
        c.say("head hash    \(j.headHash)")
        if let v = j.verification { c.say("verification \(v.summary)") }
        c.say("disk free    " + (j.freeBytes.map { "\($0 / 1_048_576) MiB" } ?? "unknown"))
        if let shift = s.shift {
            c.say("shift        \(shift.number) open, by \(shift.openedBy)")
        } else {
            c.say("shift        closed")
        }
        c.say("sale         \(s.sale == nil ? "none open" : "open")")
        if s.alarms.isEmpty { c.say("alarms       none") }
        for a in s.alarms { c.say("ALARM \(a.code): \(a.message)") }
    }

    static func log(_ c: Console, _ args: [String]) throws(ConsoleError) {
        try expect(args, 0...1, "log takes at most one number")
        var count: Int64 = 20
        if let word = args.first {
            guard let n = Int64(word), (1...500).contains(n) else { throw .usage("N is a number from 1 to 500, not '\(word)'") }
            count = n
        }
        for line in try c.call(.logTail, ["lines": .int(count)], as: LogTailReply.self).lines { c.say(line) }
    }

    // MARK: report

    static func report(_ c: Console, _ args: [String]) throws(ConsoleError) {
        var words = args
        let worst = words.last == "worst"
        if worst { words.removeLast() }
        try expect(words, 2...4, "usage: report sales BY [FROM [TO]] [worst]")
        guard words[0] == "sales" else { throw .usage("report sales, not report \(Wrap.clip(words[0], width: 20))") }
        var a: JSONObject = ["by": .string(words[1]), "worst": .bool(worst)]
        if words.count > 2 { a["from"] = .string(words[2]) }
        if words.count > 3 { a["to"] = .string(words[3]) }
        // Pages of about 40 KB each, until there is no next one.
        while true {
            let page = try c.call(.reportSales, a)
            for line in page["text"]?.arrayValue ?? [] { c.say(line.stringValue ?? "") }
            guard let next = page["next"]?.intValue else { return }
            a["offset"] = .int(next)
        }
    }

    // MARK: devices

    static func devices(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case nil:
            for d in try c.call(.devicesList, as: [DeviceReply].self) {
                c.say(Wrap.clip("\(pad(d.id, 16)) \(pad(d.kind, 17)) \(pad(d.state, 10)) \(d.via)", width: c.options.width))
                if let reason = d.reason { c.say(Wrap.clip("  not used: \(reason)", width: c.options.width)) }
            }
        case "test-print":
            try expect(args, 1...1, "devices test-print takes no more words")
            let r = try c.call(.devicesTestPrint, as: TestPrintReply.self)
            c.say("Test page queued as printout \(r.output) on \(r.printer.id).")
        case "open-drawer":
            try expect(args, 1...1, "devices open-drawer takes no more words")
            _ = try c.call(.devicesOpenDrawer)
            c.say("Drawer opened (journaled as a no-sale).")
        case "display-test":
            try expect(args, 1...1, "devices display-test takes no more words")
            _ = try c.call(.devicesDisplayTest)
            c.say("Test pattern on the customer display: ABCDEFGHIJKLMNOPQRST / 0123456789 äöå € -+*")
        case "scan-test":
            try expect(args, 1...2, "devices scan-test [SECONDS]")
            var seconds: Int64 = 30
            if args.count == 2 {
                guard let n = Int64(args[1]), (1...600).contains(n) else { throw .usage("SECONDS is 1 to 600, not '\(args[1])'") }
                seconds = n
            }
            try scanTest(c, seconds: seconds)
        default:
            throw .usage("unknown devices command '\(Wrap.clip(args[0], width: 30))'")
        }
    }

    private static func scanTest(_ c: Console, seconds: Int64) throws(ConsoleError) {
        let listener = try c.link.separateClient(timeoutMilliseconds: seconds * 1000 + 2000)
        do {
            _ = try listener.call(.subscribe)
        } catch {
            throw .failed("cannot listen for the scan: \(error)")
        }
        _ = try c.call(.devicesScanTest, ["seconds": .int(seconds)])
        c.say("Scan or swipe now (\(seconds) s)…")
        while true {
            let message: ServerMessage
            do { message = try listener.nextEvent() } catch {
                c.say("Nothing was scanned.")
                return
            }
            guard case .event(let event) = message, event.name == "scan.test" else { continue }
            let data: ScanTestEvent
            do throws(IPCError) { data = try ScanTestEvent(json: event.data) } catch {
                throw .failed("kassad's scan.test event does not fit this console: \(error.message)")
            }
            c.say("device   \(data.device)")
            c.say("kind     \(data.kind)")
            c.say("value    \(data.value)")
            c.say("raw      \(data.rawText)")
            c.say("bytes    \(data.rawBytes)")
            if let note = data.note { c.say("note     \(note)") }
            return
        }
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    // MARK: config

    /// The settings as kassad's table declares them, each with its one-line help.
    static func settingKeys(_ c: Console) throws(ConsoleError) {
        for row in try c.call(.configKeys, as: [SettingKeyReply].self) {
            let key = row.key + (row.settable ? "" : " *")
            let help = Wrap.lines(row.help, width: 50)
            for (i, line) in help.enumerated() { c.say("  \(pad(i == 0 ? key : "", 22)) \(line)") }
        }
    }

    static func config(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case "show":
            try expect(args, 1...1, "config show takes no more words")
            guard case .object(let all) = try c.call(.configGet) else { return }
            for key in all.keys.sorted() { c.say("\(pad(key, 24)) \(all[key]?.stringValue ?? "")") }
        case "get":
            try expect(args, 2...2, "config get KEY")
            guard case .object(let one) = try c.call(.configGet, ["key": .string(args[1])]) else { return }
            c.say("\(args[1]) = \(one[args[1]]?.stringValue ?? "")")
        case "set":
            guard args.count >= 3 else { throw .usage("config set KEY VALUE") }
            let value = args[2...].joined(separator: " ")
            let r = try c.call(.configSet, ["key": .string(args[1]), "value": .string(value)], as: SettingChangeReply.self)
            c.say("\(args[1]): \(r.old ?? "(unset)") -> \(r.new) (journaled)")
            if r.restartNeeded { c.say("Devices are set up when kassad starts: reboot, or restart kassad, to use it.") }
        default:
            throw .usage("config show, config get KEY or config set KEY VALUE")
        }
    }

    // MARK: operators

    static func operators(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case "list", nil:
            for o in try c.call(.operatorList, as: [OperatorReply].self) {
                let disabled = o.disabled == true ? "  (disabled)" : ""
                c.say("\(pad(o.id.rawValue, 16)) \(pad(o.role.rawValue, 11)) \(o.name)\(disabled)")
            }
        case "add":
            guard args.count >= 4 else { throw .usage("operators add ID ROLE NAME (ROLE: cashier, supervisor or technician)") }
            guard ["cashier", "supervisor", "technician"].contains(args[2]) else {
                throw .usage("ROLE is cashier, supervisor or technician, not '\(Wrap.clip(args[2], width: 30))'")
            }
            guard let pin = c.askNewPIN() else { return }
            _ = try c.call(.operatorAdd, ["id": .string(args[1]), "role": .string(args[2]),
                                            "name": .string(args[3...].joined(separator: " ")), "pin": .string(pin)])
            c.say("Operator \(args[1]) added (journaled).")
        case "disable", "enable":
            try expect(args, 2...2, "operators \(args[0]) ID")
            _ = try c.call(args[0] == "disable" ? Op.operatorDisable : Op.operatorEnable, ["id": .string(args[1])])
            c.say("Operator \(args[1]) \(args[0])d (journaled).")
        case "reset-pin":
            try expect(args, 2...2, "operators reset-pin ID")
            guard let pin = c.askNewPIN() else { return }
            _ = try c.call(.operatorResetPIN, ["id": .string(args[1]), "pin": .string(pin)])
            c.say("New PIN set for \(args[1]) (the reset is journaled, the PIN is not).")
        default:
            throw .usage("unknown operators command '\(Wrap.clip(args[0], width: 30))'")
        }
    }

    // MARK: catalog

    static func catalog(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case "import":
            try expect(args, 2...2, "catalog import FILE")
            let bytes: [UInt8]
            do throws(SystemError) { bytes = try readWholeFile(args[1]) } catch {
                throw .failed("cannot read \(args[1]): \(error.reason)")
            }
            do {
                let r: CatalogImportReply
                if bytes.count <= 32 * 1024 {
                    r = try c.call(.catalogImport, ["csv": .string(String(decoding: bytes, as: UTF8.self))], as: CatalogImportReply.self)
                } else {
                    // Longer than a request line may be: sent in parts first.
                    var offset = 0
                    while offset < bytes.count {
                        let part = bytes[offset..<min(bytes.count, offset + 24 * 1024)]
                        _ = try c.call(.catalogUpload, ["offset": .int(Int64(offset)), "data": .string(Base64.encode(part))])
                        offset += part.count
                        c.progress("sending: \(offset / 1024) of \(bytes.count / 1024) KiB")
                    }
                    c.say("")
                    r = try c.call(.catalogImport, ["uploaded": true], as: CatalogImportReply.self)
                }
                c.say("Catalog imported: \(r.items) items (journaled with the file's SHA-256).")
            } catch {
                guard case .remote(let e) = error else { throw error }
                // Every bad row on a line of its own.
                for line in e.message.split(separator: "\n") { c.say(String(line)) }
            }
        case "show":
            try expect(args, 2...2, "catalog show CODE")
            let item = try c.call(.catalogLookup, ["code": .string(args[1])], as: CatalogLookupReply.self).item
            c.say("id          \(item.id.rawValue)")
            c.say("name        \(item.name)")
            c.say("price       \(item.price) (minor units)")
            c.say("tax class   \(item.taxClass.rawValue)")
            c.say("unit        \(item.unit.rawValue)")
            c.say("department  \(item.department)")
            let codes = item.barcodes + item.plus
            c.say("codes       \(codes.joined(separator: " "))")
        default:
            throw .usage("catalog import FILE or catalog show CODE")
        }
    }

    // MARK: journal

    static func journal(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case "verify":
            try expect(args, 1...1, "journal verify takes no more words")
            var r = try c.call(.journalVerify, as: JournalVerificationReply.self)
            while r.running {
                c.progress(r.summary)
                usleep(200_000)
                r = try c.call(.journalVerifyStatus, as: JournalVerificationReply.self)
            }
            c.progress("")
            c.say("")
            guard let result = r.result else { throw .failed("no verdict") }
            if result.sound {
                c.say("Journal sound: \(result.records ?? 0) records in \(result.segments ?? 0) segments.")
            } else if let fault = result.fault {
                throw .failed("journal DAMAGED: \(fault) (the register is read-only; journal recover starts a new chain)")
            } else {
                throw .failed("verification failed: \(result.error ?? "?")")
            }
        case "export":
            try expect(args, 2...2, "journal export DIR")
            try export(c, to: args[1])
        case "recover":
            try expect(args, 1...1, "journal recover takes no more words")
            let register = try c.call(.status, as: StatusReply.self).register
            c.say("This seals the damaged journal (kept for inspection) and goes on from a new chain.")
            guard let typed = c.ask("Type the register id (\(register)) to confirm: ") else { return }
            guard typed == register else { throw .failed("the register id was not typed out; nothing was done") }
            guard let pin = c.ask("Supervisor's or technician's PIN: ", secret: true) else { return }
            let r = try c.call(.journalRecover, ["pin": .string(pin), "confirm": .string(typed)], as: JournalRecoveryReply.self)
            c.say("Recovered: the damaged chain is sealed as \(r.sealed) "
                  + "(\(r.unreadableRecords) unreadable records); the register sells again.")
        default:
            throw .usage("journal verify, journal export DIR or journal recover")
        }
    }

    /// Pages through the journal over the socket; kassad stays sandboxed and we write the files.
    private static func export(_ c: Console, to directory: String) throws(ConsoleError) {
        guard let jsonl = Files.create(directory + "/journal.jsonl"), let csv = Files.create(directory + "/sales.csv") else {
            throw .failed("cannot write into \(directory): \(String(cString: strerror(errno)))")
        }
        defer {
            fclose(jsonl)
            fclose(csv)
        }
        var from: Int64 = 1
        var records = 0
        var rows = 0
        var headerWritten = false
        while true {
            let page = try c.call(.journalExport, ["from": .int(from), "limit": 1000], as: JournalExportPage.self)
            let last = page.lastSeq
            if !headerWritten {
                Files.write(csv, page.csvHeader + "\n")
                headerWritten = true
            }
            for record in page.records {
                Files.write(jsonl, record.serialized() + "\n")
                records += 1
            }
            for row in page.csv {
                Files.write(csv, row + "\n")
                rows += 1
            }
            if let fault = page.fault { throw .failed("export stopped at damage: \(fault)") }
            let next = page.next
            c.progress("exporting: \(min(next - 1, last)) of \(last) records")
            if next > last || next == from { break }
            from = next
        }
        guard fflush(jsonl) == 0, fflush(csv) == 0, fsync(fileno(jsonl)) == 0, fsync(fileno(csv)) == 0 else {
            throw .failed("writing to \(directory) failed: \(String(cString: strerror(errno)))")
        }
        c.say("")
        c.say("Exported \(records) records to \(directory)/journal.jsonl and \(rows) sale lines to \(directory)/sales.csv.")
    }

    // MARK: time, network, power

    static func time(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case nil:
            let s = try c.call(.status, as: StatusReply.self)
            c.say("\(s.localTime) \(s.timeZone) (register time)")
            if !(try c.call(.clockCheck, as: ClockCheckReply.self).ok) { c.say("ALARM: the clock is behind the newest journaled time: set it") }
        case "set":
            try expect(args, 3...3, "time set YYYY-MM-DD HH:MM[:SS]")
            guard CivilDate(args[1]) != nil, isClock(args[2]) else { throw .usage("time set YYYY-MM-DD HH:MM[:SS], e.g. time set 2026-12-05 14:30") }
            try system(c, "timedatectl", ["set-time", args[1] + " " + (args[2].count == 5 ? args[2] + ":00" : args[2])])
            let clock = try c.call(.clockCheck, as: ClockCheckReply.self)
            c.say("Clock set. \(!clock.ok ? "It is still behind the journal: selling stays paused." : "")")
        case "zone":
            try expect(args, 2...2, "time zone NAME, e.g. Europe/Helsinki")
            _ = try c.call(.configSet, ["key": "time_zone", "value": .string(args[1])])
            try system(c, "timedatectl", ["set-timezone", args[1]])
            c.say("Time zone set to \(args[1]) (journaled).")
        default:
            throw .usage("time, time set YYYY-MM-DD HH:MM[:SS] or time zone NAME")
        }
    }

    private static func isClock(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) }) else { return false }
        let values = parts.compactMap { Int($0) }
        return values[0] < 24 && values[1] < 60 && (values.count < 3 || values[2] < 60)
    }

    static func network(_ c: Console, _ args: [String]) throws(ConsoleError) {
        guard args.first == "set" else {
            try expect(args, 0...0, "network, or network set IFACE dhcp|ADDRESS/PREFIX [GATEWAY [DNS]]")
            let interfaces = c.options.system.interfaces()
            if interfaces.isEmpty { c.say("No network interfaces.") }
            for i in interfaces {
                c.say("\(pad(i.name, 12)) \(pad(i.wireless ? "wireless" : "wired", 9)) \(pad(i.state, 8)) \(i.mac)")
            }
            let addresses = c.options.system.run("ip", ["-brief", "address", "show"])
            if addresses.status == 0 {
                for line in addresses.output.split(separator: "\n") where !line.hasPrefix("lo ") { c.say(String(line)) }
            }
            return
        }
        try expect(args, 3...5, "network set IFACE dhcp|ADDRESS/PREFIX [GATEWAY [DNS]]")
        let interface = args[1]
        guard interface.utf8.count <= 15, interface.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }),
              !interface.isEmpty else {
            throw .usage("'\(Wrap.clip(interface, width: 20))' is not an interface name")
        }
        let text: String
        if args[2] == "dhcp" {
            try expect(args, 3...3, "network set IFACE dhcp takes no more words")
            text = SystemTools.networkFile(interface: interface, address: nil, gateway: nil, dns: nil)
        } else {
            guard isAddress(args[2], prefix: true) else { throw .usage("ADDRESS/PREFIX like 192.168.1.20/24, not '\(Wrap.clip(args[2], width: 30))'") }
            for extra in args.dropFirst(3) where !isAddress(extra, prefix: false) {
                throw .usage("'\(Wrap.clip(extra, width: 30))' is not an IPv4 address")
            }
            text = SystemTools.networkFile(interface: interface, address: args[2], gateway: args.count > 3 ? args[3] : nil,
                                           dns: args.count > 4 ? args[4] : nil)
        }
        if let why = c.options.system.writeNetworkFile(interface: interface, text) { throw .failed(why) }
        try system(c, "networkctl", ["reload"])
        try system(c, "networkctl", ["reconfigure", interface])
        c.say("\(interface): \(args[2] == "dhcp" ? "DHCP" : args[2]) set.")
    }

    private static func isAddress(_ text: String, prefix: Bool) -> Bool {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == (prefix ? 2 : 1) else { return false }
        if prefix { guard let p = Int(halves[1]), (0...32).contains(p) else { return false } }
        let octets = halves[0].split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { o in o.count <= 3 && Int(o).map { (0...255).contains($0) } == true }
    }

    static func power(_ c: Console, _ args: [String], _ action: String) throws(ConsoleError) {
        try expect(args, 0...1, "\(action) [--force]")
        let force = args.first == "--force"
        guard args.isEmpty || force else { throw .usage("\(action) [--force]") }
        let status = try c.call(.status, as: StatusReply.self)
        if status.sale != nil, !force {
            throw .refused("a sale is open on the register: finish or cancel it first, or use \(action) --force")
        }
        c.say(action == "reboot" ? "Rebooting." : "Powering off.")
        try system(c, "systemctl", [action])
    }

    /// Runs a system tool; its failure is the command's.
    static func system(_ c: Console, _ program: String, _ arguments: [String]) throws(ConsoleError) {
        let outcome = c.options.system.run(program, arguments)
        guard outcome.status == 0 else {
            let said = outcome.output.split(separator: "\n").last.map(String.init) ?? ""
            throw .failed("\(program) \(arguments.first ?? "") failed (\(outcome.status)): \(said)")
        }
    }
}

/// The files the console writes (exports); it reads with KassaSystem's `readWholeFile`.
enum Files {
    static func create(_ path: String) -> UnsafeMutablePointer<FILE>? { fopen(path, "w") }

    static func write(_ file: UnsafeMutablePointer<FILE>, _ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    }
}

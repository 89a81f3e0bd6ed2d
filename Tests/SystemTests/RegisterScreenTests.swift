import Foundation
import KassaCore
import KassaIPC
import KassaSystem
import KassaTestSupport
import Testing

/// `kassa register` running in tmux as on the Linux console (`TERM=linux`, 80×25): keys go in
/// with `send-keys`, the screen comes back with `capture-pane`, and every step waits for the text
/// it expects instead of sleeping.
final class TmuxTerminal {
    let server: String
    private let tmux = "/usr/bin/tmux"
    private let capture: String

    init(command: [String], width: Int = 80, height: Int = 25) throws {
        server = NSTemporaryDirectory() + "kassa-tmux-" + UUID().uuidString.prefix(8)
        capture = server + ".screen"
        guard FileManager.default.isExecutableFile(atPath: tmux) else { throw DaemonError("tmux is not installed (.ci/packages.sh installs it)") }
        let line = (["env", "TERM=linux"] + command).map { "'\($0)'" }.joined(separator: " ")
        let status = run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "register", line])
        guard status == 0 else { throw DaemonError("tmux new-session failed: \(status)") }
        // Keep the pane when the program ends, so its last words can be read.
        run(["set-option", "-t", "register", "remain-on-exit", "on"])
    }

    deinit {
        run(["kill-server"])
        try? FileManager.default.removeItem(atPath: server)
        try? FileManager.default.removeItem(atPath: capture)
    }

    /// Runs tmux and waits for it. Not through Foundation's Process: the server tmux forks keeps
    /// what it inherited, and Process then never sees the client end. ChildProcess also undoes the
    /// signals the test process blocks (SIGCHLD, SIGTERM), which the server would inherit and so
    /// never reap its panes or end on kill-server. Output goes to `output`.
    @discardableResult
    private func run(_ args: [String], output: String = "/dev/null") -> Int32 {
        let client = try? ChildProcess(tmux, ["-S", server, "-f", "/dev/null"] + args, standardInput: .nullDevice,
                                       standardOutput: .file(output), standardError: .nullDevice)
        return client?.wait() ?? -1
    }

    /// Text typed as it is.
    func type(_ text: String) { run(["send-keys", "-t", "register", "-l", text]) }

    /// Named keys: Enter, Escape, BSpace.
    func press(_ keys: String...) { run(["send-keys", "-t", "register"] + keys) }

    /// Raw bytes, for the Linux console's own sequences (F1 is ESC [ [ A there).
    func bytes(_ bytes: [UInt8]) { run(["send-keys", "-t", "register", "-H"] + bytes.map { String($0, radix: 16) }) }

    /// A tmux format of the pane, e.g. `#{pane_pid}`.
    func pane(_ format: String) -> String {
        run(["display-message", "-p", "-t", "register", format], output: capture)
        return ((try? String(contentsOfFile: capture, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var screen: String {
        run(["capture-pane", "-p", "-t", "register"], output: capture)
        return (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
    }

    /// The window's new size, as when a terminal emulator is resized.
    func resize(width: Int, height: Int) { run(["resize-window", "-t", "register", "-x", "\(width)", "-y", "\(height)"]) }

    /// Waits until the screen shows `text` and returns that screen.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 10, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        waitUntil("\"\(text)\"", timeout: timeout, sourceLocation: sourceLocation) { $0.contains { $0.contains(text) } }
    }

    /// Waits until the screen's rows satisfy `condition` and returns that screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 10, sourceLocation: SourceLocation = #_sourceLocation,
                   _ condition: ([Substring]) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen
            if condition(last.split(separator: "\n", omittingEmptySubsequences: false)) { return last }
            usleep(30_000)
        }
        Issue.record("the screen never showed \(what); it shows:\n\(last)", sourceLocation: sourceLocation)
        return last
    }
}

/// Linux console F-keys: ESC [ [ A…E for F1–F5.
private func consoleF(_ n: Int) -> [UInt8] { [0x1B, 0x5B, 0x5B, 0x40 + UInt8(n)] }

@Suite(.serialized) struct RegisterScreenSystemTests {
    private func euro(_ minor: Int64) -> String { MoneyFormat.finnish.format(minor, currency: .EUR) }

    @Test func aShiftAtTheConsoleFromABadgeSwipeThroughSalesRefundParkAndRestartToPaperOut() throws {
        let printer = try FakeNetworkPrinter()
        defer { printer.stop() }
        let cardReader = FakeSerialDevice()
        let daemon = Daemon()
        let config = daemon.directory + "/kassa.conf"
        try "[device.printer]\ntcp = 127.0.0.1:\(printer.port)\nstatus_poll = 1s\n\n[device.card_reader]\nserial = \(cardReader.path)\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        daemon.setArguments(["--demo", "--config", config])
        try daemon.start()
        let technician = try daemon.client()
        _ = try technician.call(.technician, args: ["pin": "3333"])
        let badge = "6012345678901234"
        _ = try technician.call(.operatorSetBadge, args: ["id": "anna", "card": .string(badge)])
        let packaged = DemoCatalog.items.first { !$0.barcodes.isEmpty && $0.unit == .piece && $0.name.count < 30 }!
        let term = try TmuxTerminal(command: [Run.binary("kassa"), "register", "--socket", daemon.socket])

        // A badge swipe logs in; log out; log in with a PIN; open the shift from the menu.
        term.waitFor("Enter your PIN or swipe your badge")
        var swiped = false
        for _ in 0..<100 where !swiped {
            swiped = try technician.call(.devicesList).arrayValue?.contains {
                $0["kind"]?.stringValue == "card_reader" && $0["state"]?.stringValue == "idle"
            } == true
            if !swiped { usleep(30_000) }
        }
        cardReader.write("%B\(badge)^STAFF/ANNA^9912101?;\(badge)=9912101?\r")
        term.waitFor("Anna (cashier)")
        term.press("C-u")
        term.waitFor("Enter your PIN or swipe your badge")
        term.type("1111")
        term.waitFor("PIN: ****_")
        term.press("Enter")
        term.waitFor("Anna (cashier)")
        term.press("C-e")
        term.type("5")
        term.waitFor("Float in the drawer: _")
        term.type("100")
        term.press("Enter")
        var screen = term.waitFor("Shift 1")

        // A resize lays the screen out again for the new size, and back.
        term.resize(width: 100, height: 30)
        term.waitUntil("the entry and key hints on rows 29 and 30") { rows in
            rows.count >= 30 && rows[29].contains("? help") && rows[28].contains("Code: _") && rows[0].count > 90
        }
        term.resize(width: 80, height: 25)
        term.waitUntil("the key hints back on row 25") { rows in rows.count >= 25 && rows[24].contains("? help") }

        // The help screen from the console's F1.
        term.bytes(consoleF(1))
        screen = term.waitFor("Keys (any key returns)")
        #expect(screen.contains("F3 Ctrl-V") && screen.contains("void the line (asks first)"))
        term.press("Escape")
        term.waitFor("Code: _")

        // Three items, one with a quantity, one with a discount.
        term.type("3*101")
        term.press("Enter")
        screen = term.waitFor("Kahvi ")
        #expect(screen.contains("8,70 €"))
        term.type(packaged.barcodes[0])
        term.press("Enter")
        term.waitFor(packaged.name)
        term.type("103")
        term.press("Enter")
        term.waitFor("Tee ")
        term.type("10%")
        term.press("C-d")
        screen = term.waitFor("-10%")
        let total = 870 + packaged.price + 280 - 28
        #expect(screen.contains("TOTAL " + euro(total)))

        // Park it, see it listed, resume it.
        term.press("C-p")
        screen = term.waitFor("Parked sales:")
        #expect(screen.contains("Parked as") && screen.contains("3 lines  " + euro(total)) && !screen.contains("Kahvi "))
        term.press("C-p")
        screen = term.waitFor("Resumed parked sale")
        #expect(screen.contains("Kahvi ") && screen.contains("TOTAL " + euro(total)))

        // kassad dies mid-sale: the register says so and refuses input, then shows the same sale.
        daemon.kill9()
        term.waitFor("NO CONNECTION TO KASSAD")
        term.type("101")
        term.press("Enter")
        term.waitFor("No connection: input refused")
        try daemon.start()
        screen = term.waitFor("TOTAL " + euro(total))
        #expect(screen.contains("Kahvi ") && screen.contains("Tee ") && screen.contains(packaged.name) && screen.contains("online"))

        // Pay: F2 (console sequence) to the payment screen, 5,00 by card, the rest in cash.
        term.bytes(consoleF(2))
        term.waitFor("PAYMENT")
        term.type("5k")
        term.waitFor("Paid 5,00 €")
        let c = try daemon.client()
        let cashDue = try c.call(.saleGet)["cash_due"]?.intValue ?? 0
        term.type("50")
        term.press("Enter")
        screen = term.waitFor("CHANGE " + euro(5000 - cashDue))
        #expect(screen.contains("Paid " + euro(5500)) && screen.contains("Receipt 1 ·"))
        #expect(try c.call(.saleGet) == .null)

        // Refund the tea (line 3) as it was paid: the card paid 5,00 of the sale, so the tea goes
        // back to the card, through the terminal. A cashier needs a supervisor's PIN.
        term.press("C-e")
        term.type("1")
        term.waitFor("Receipt number: _")
        term.type("1")
        term.press("Enter")
        screen = term.waitFor("Lines to refund")
        #expect(screen.contains("Receipt 1") && screen.contains("  3  Tee"))
        term.type("3")
        term.press("Enter")
        term.waitFor("To pay back " + euro(252) + ". Enter as paid, c cash, k card")
        term.press("Enter")
        term.waitFor("Supervisor PIN (a refund): _")
        term.type("2222")
        term.press("Enter")
        screen = term.waitFor("Refund R1: paid out " + euro(252))
        #expect(screen.contains("Tee") && screen.contains("Mastercard ************4444") && screen.contains("Auth "))
        term.press("Escape")
        term.waitFor("Code: _")

        // The printer runs out of paper: an alarm row nobody can miss.
        printer.paperOut = true
        // The alarm and the printer's status are two events: wait for both on the screen.
        term.waitUntil("the paper-out alarm row and the printer's state") { rows in
            rows.first?.contains("Printer PAPER OUT") == true
                && rows.contains { $0.contains("!! PAPER OUT - the receipt printer is out of paper") }
        }
        printer.paperOut = false
        term.waitFor("Printer ok")

        // A sale changed by another client (a scanner kassad owns, the CLI) shows without a key.
        _ = try c.call(.saleScan, args: ["code": "102"], idempotencyKey: "register-screen-scan")
        screen = term.waitFor("Kahvi iso", timeout: 3)
        #expect(screen.contains("TOTAL 3,50 €"))

        // Letters typed are a name, never a command (the v of "tee" voids nothing): Enter lists
        // the items with it in their name, Enter sells the first.
        term.type("tee")
        term.press("Enter")
        screen = term.waitFor("Items named tee")
        #expect(screen.contains("Tee 20 pss") && screen.contains("Jäätee 0,5 l"))
        term.press("Enter")
        term.waitFor("TOTAL " + euro(350 + 280))
        // Its quantity changed after it was rung up, then a void asked for and taken back.
        term.type("3")
        term.press("C-q")
        term.waitFor("TOTAL " + euro(350 + 3 * 280))
        term.bytes(consoleF(3))
        term.waitFor("Void line 2 Tee? Enter yes, Esc no")
        term.press("Escape")
        screen = term.waitFor("Code: _")
        #expect(screen.contains("TOTAL " + euro(350 + 3 * 280)))
        #expect(try c.call(.saleGet)["lines"]?.arrayValue?.map { $0["quantity"]?.intValue } == [1, 3])
    }

    /// A sale made, the menu's sales report shows it: not to a cashier, to a supervisor by day
    /// and in the staff figures.
    @Test func theSalesReportViewShowsTodaysSaleToASupervisor() throws {
        let daemon = Daemon()
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        let due = try #require(try c.call(.saleScan, args: ["code": "101"])["total"]?.intValue)
        _ = try c.call(.saleTender, args: ["kind": "cash", "amount": .int(due)])
        let today = try #require(try c.call(.status)["local_time"]?.stringValue?.prefix(10))
        let term = try TmuxTerminal(command: [Run.binary("kassa"), "register", "--socket", daemon.socket])
        term.waitFor("Anna (cashier)")
        term.press("C-e")
        term.type("r")
        term.waitFor("Sales reports are for a supervisor")
        term.press("C-u")
        term.waitFor("Enter your PIN or swipe your badge")
        term.type("2222")
        term.press("Enter")
        term.waitFor("Sami (supervisor)")

        // By day, today: the day's row with the sale's amount and its bar, and the total.
        term.press("C-e")
        term.type("r21")
        var screen = term.waitFor("Total: 1 sales " + euro(due))
        let day = screen.split(separator: "\n").first { $0.hasPrefix(today + "  ") }
        #expect(day?.contains(euro(due)) == true && day?.hasSuffix("#") == true, "\(screen)")

        // Back to the groupings: the staff figures name the cashier who sold it.
        term.press("Escape")
        term.press("Escape")
        term.waitFor("   a  Staff:")
        term.type("a1")
        screen = term.waitFor("Operator")
        let anna = screen.split(separator: "\n").first { $0.hasPrefix("Anna ") }?.split(separator: " ").map(String.init)
        #expect(anna?.prefix(3) == ["Anna", "1", "1.0"], "\(screen)")
    }

    @Test func kassaDemoOnATerminalOpensTheRegisterOnADemoKassad() throws {
        let term = try TmuxTerminal(command: [Run.binary("kassa"), "demo"])
        // Before the screen opens: where the socket is, how to reach it, and that it all goes away.
        let first = term.waitFor("Press Enter to open the register screen")
        #expect(first.contains("export KASSA_SOCKET=") && first.contains("kassa console"), "\(first)")
        term.press("Enter")
        term.waitFor("Enter your PIN or swipe your badge")
        term.type("1111")
        term.press("Enter")
        let screen = term.waitFor("Anna (cashier)")
        #expect(screen.contains("demo-1") && screen.contains("Printer ok"))
        let demo = try #require(Int32(term.pane("#{pane_pid}")))
        let kassad = try #require(childProcess(of: demo, named: "kassad"))

        // The demo's simulated printer runs out of paper: the alarm nobody can miss, and back.
        let arguments = try String(contentsOfFile: "/proc/\(kassad)/cmdline", encoding: .utf8).split(separator: "\0").map(String.init)
        let socket = try #require(arguments.firstIndex(of: "--socket").map { arguments[$0 + 1] })
        let technician = try IPCClient(path: socket, timeoutMilliseconds: 5000)
        _ = try technician.call(.technician, args: ["pin": "3333"])
        _ = try technician.call(.devicesSimulate, args: ["condition": "paper_out"])
        term.waitUntil("the simulated printer's paper-out alarm") { rows in
            rows.first?.contains("Printer PAPER OUT") == true
                && rows.contains { $0.contains("!! PAPER OUT - the receipt printer is out of paper") }
        }
        _ = try technician.call(.devicesSimulate, args: ["condition": "paper_ok"])
        term.waitFor("Printer ok")

        // Ctrl-C ends the register, and the demo stops its kassad with it and exits 0. tmux (3.3a
        // on Debian 12) learns of a pane's end racily: now the status is missing, now the last
        // output. So: the demo's last words (printed only on its way to status 0) or tmux's own
        // "status 0", and the demo's process gone (or a zombie nobody reaped yet).
        term.press("C-c")
        term.waitUntil("the demo's end with status 0") { rows in
            rows.contains { $0.contains("kassa demo: stopped") || $0.contains("Pane is dead (status 0") }
        }
        #expect(!term.screen.contains("Pane is dead (status 1") && !term.screen.contains("signal"))
        let gone = Date().addingTimeInterval(10)
        while processRuns(demo), Date() < gone { usleep(30_000) }
        #expect(!processRuns(demo), "kassa demo \(demo) still runs")
        #expect(kill(kassad, 0) != 0 && errno == ESRCH, "kassad \(kassad) still runs")
    }

    /// Whether `pid` exists and is not a zombie waiting to be reaped.
    private func processRuns(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// The first child of `parent` whose command is `name`, from /proc.
    private func childProcess(of parent: Int32, named name: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), let open = stat.firstIndex(of: "(") else { continue }
            let command = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if command == name, fields.count > 1, Int32(fields[1]) == parent { return pid }
        }
        return nil
    }
}

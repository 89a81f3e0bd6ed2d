import CLinux
import Foundation
import KassaDevices
import KassaIPC
import KassaTestSupport
import Testing

/// The technician's console on a serial line: the real `kassa console --tty` on one end of a
/// pseudo-terminal, the test as the technician's terminal program on the other, the real kassad
/// behind it.
final class ConsoleLine {
    /// The technician's end of the line.
    let fd: Int32
    private var pty: FakeSerialDevice?
    private var socat: Process?
    let process = Process()
    private(set) var transcript: [UInt8] = []
    private var mark = 0

    /// `throughSocat`: the line is a pair of pseudo-terminals joined by socat, as a laptop's
    /// terminal program on a USB-serial cable would be; else the console opens one pty's slave.
    init(_ daemon: Daemon, baud: Int = 115_200, environment: [String: String] = [:], throughSocat: Bool = false) throws {
        let consoleSide: String
        if throughSocat {
            consoleSide = daemon.directory + "/ttyS0"
            let laptopSide = daemon.directory + "/laptop-tty"
            let s = Process()
            s.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
            s.arguments = ["PTY,link=\(consoleSide),raw,echo=0", "PTY,link=\(laptopSide),raw,echo=0"]
            s.standardError = FileHandle.nullDevice
            try s.run()
            socat = s
            let deadline = Date().addingTimeInterval(5)
            while (access(consoleSide, F_OK) != 0 || access(laptopSide, F_OK) != 0) && Date() < deadline { usleep(10_000) }
            fd = open(laptopSide, O_RDWR | O_NOCTTY | O_NONBLOCK)
        } else {
            let device = FakeSerialDevice()
            pty = device
            consoleSide = device.path
            fd = device.master
        }
        process.executableURL = URL(fileURLWithPath: Run.binary("kassa"))
        process.arguments = ["--socket", daemon.socket, "console", "--tty", consoleSide, "--baud", String(baud)]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if let socat {
            close(fd)
            if socat.isRunning { kill(socat.processIdentifier, SIGKILL) }
        }
    }

    func send(_ text: String) { sendBytes(Array(text.utf8)) }
    func sendBytes(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }

    /// Everything the console printed since the last `expect`, once `text` has appeared in it.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 10, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let fresh = String(decoding: transcript[mark...], as: UTF8.self)
            if let range = fresh.range(of: text) {
                mark += fresh[..<range.upperBound].utf8.count
                return String(fresh[..<range.upperBound])
            }
            guard Date() < deadline else {
                Issue.record("the console never printed \"\(text)\"; it printed: \(fresh)", sourceLocation: sourceLocation)
                mark = transcript.count
                return fresh
            }
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { transcript += buffer[0..<n] } else { usleep(5000) }
        }
    }

    var text: String { String(decoding: transcript, as: UTF8.self) }

    func waitForExit(timeout: TimeInterval = 5) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

@Suite(.serialized) struct ConsoleTests {
    @Test func aTechnicianSetsUpTheRegisterOverTheSerialLine() throws {
        let daemon = Daemon()
        try daemon.start()
        let console = try ConsoleLine(daemon)
        console.expect("Technician PIN")
        // CR only, as most terminal programs send.
        console.send("3333\r")
        let login = console.expect("Logged in as Tero")
        #expect(!login.contains("3333"), "a PIN is never echoed")

        // CRLF line ends work the same.
        console.send("config set store_name \"Kahvila Testi\"\r\n")
        console.expect("(journaled)")
        console.send("config set tax.A 24%\r\n")
        console.expect("tax.A: 25.5% -> 24% from")
        console.send("config set price_mode sometimes\r")
        console.expect("price_mode: inclusive or exclusive")
        // The keys in `help config` are kassad's settings table, the file-only ones marked.
        console.send("help config\r")
        console.expect("currency *")
        console.expect("device.<name>.<key>")

        console.send("operators add lisa cashier Lisa Laine\r")
        console.expect("New PIN")
        console.send("4455\r")
        console.expect("Same PIN again")
        console.send("4455\r")
        let added = console.expect("Operator lisa added")
        #expect(!added.contains("4455"))
        console.expect("kassa> ")

        let csv = daemon.directory + "/catalog.csv"
        try """
            id,name,price,tax_class,barcodes
            1,Kahvi,3.50,A,
            2,Pulla,abc,A,
            3,Tee,2.00,Q,
            4,Mehu,2.50,B,
            """.write(toFile: csv, atomically: true, encoding: .utf8)
        console.send("catalog import \(csv)\r")
        let report = console.expect("kassa> ")
        #expect(report.contains("2 problems"))
        #expect(report.contains("line 3") && report.contains("bad price"))
        #expect(report.contains("line 4") && report.contains("unknown tax class"))

        // A price list longer than a request line goes over in parts.
        var big = "id,name,price,tax_class,plus\n"
        for i in 1...2500 { big += "item-\(i),Tuote numero \(i) pitkällä nimellä,\(i % 50 + 1).95,A,\(10_000 + i)\n" }
        #expect(big.utf8.count > 100_000)
        try big.write(toFile: csv, atomically: true, encoding: .utf8)
        console.send("catalog import \(csv)\r")
        console.expect("Catalog imported: 2500 items")
        console.send("catalog show 12500\r")
        console.expect("Tuote numero 2500")

        console.send("devices test-print\r")
        console.expect("Test page queued")
        let printed = try waitForPrinted(daemon.stateDirectory + "/printer.out", containing: "Kassa test page")
        #expect(printed.contains("ÄÖÅ äöå €"))

        let export = daemon.directory + "/stick"
        try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
        console.send("journal export \(export)\r")
        console.expect("Exported")
        let jsonl = try String(contentsOfFile: export + "/journal.jsonl", encoding: .utf8)
        #expect(jsonl.contains("\"setting_changed\"") && jsonl.contains("Kahvila Testi"))
        #expect(jsonl.contains("\"operator_added\"") && jsonl.contains("lisa"))
        #expect(!jsonl.contains("4455"), "no PIN in the journal")
        #expect(try String(contentsOfFile: export + "/sales.csv", encoding: .utf8).hasPrefix("document,number,"))

        console.send("journal verify\r")
        console.expect("Journal sound")

        // Line noise, an overlong line and nonsense leave the console working.
        console.sendBytes([0x00, 0xFF, 0x1B, 0x5B, 0x32, 0x7E, 0x13, 0x11, 0x80, 0xC3, 0x1C])
        console.send(String(repeating: "x", count: 300) + "\r")
        console.expect("line too long")
        console.send("frobnicate now\r")
        console.expect("unknown command 'frobnicate'")
        console.send("status\r")
        console.expect("Kahvila Testi")
        console.expect("alarms")

        // kassad has it all, journaled.
        let client = try daemon.client()
        _ = try client.call(.technician, args: ["pin": "3333"])
        #expect(try client.call(.configGet, args: ["key": "store_name"])["store_name"]?.stringValue == "Kahvila Testi")
        let operators = try client.call(.operatorList).arrayValue ?? []
        #expect(operators.contains { $0["id"]?.stringValue == "lisa" })

        console.sendBytes([0x04])
        console.expect("Logged out")
        #expect(console.waitForExit() == 0)
        // What the console writes stays within 80 columns (the echo of a long typed line is the technician's).
        // (Progress lines overwrite themselves after a CR: each piece is what the screen shows.)
        for line in console.text.split(whereSeparator: { $0 == "\r\n" || $0 == "\r" || $0 == "\n" }) where !line.hasPrefix("kassa> ") {
            #expect(line.count <= 80, "a line wider than 80 columns: \(line)")
        }
        #expect(!console.transcript.contains(0x1B), "no ANSI sequence on a dumb terminal")
    }

    @Test func aTechnicianFindsShowsAndForgetsACustomerAtTheConsole() throws {
        let daemon = Daemon()
        try daemon.start()
        let till = try daemon.client()
        try till.readyToSell()
        _ = try till.call(.customerAdd, args: ["name": "Liisa Laine", "phone": "040 123 4567", "cards": ["LOY-1001"]])
        _ = try till.call(.saleScan, args: ["code": "LOY-1001"])
        _ = try till.call(.saleScan, args: ["code": "101"])
        _ = try till.call(.saleTender, args: ["kind": "cash", "amount": 500])
        let console = try ConsoleLine(daemon)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("Logged in as Tero")
        console.send("customer find laine\r")
        console.expect("Liisa Laine")
        console.send("customer phone +358401234567\r")
        console.expect("LOY-1001")
        console.send("customer 1\r")
        console.expect("purchases 1")
        let purchases = console.expect("kassa> ")
        #expect(purchases.contains("#1") && purchases.contains("2.90"), "\(purchases)")
        console.send("customer forget 1\r")
        console.expect("Type the number again")
        console.send("2\r")
        console.expect("nothing was done")
        console.send("customer forget 1\r")
        console.expect("Type the number again")
        console.send("1\r")
        console.expect("Forgotten")
        #expect(till.errorCode(.customerGet, ["customer": 1]) == .notFound)
        console.send("customer card LOY-1001\r")
        console.expect("No customer found")
    }

    @Test func aPinThatOpensNoSessionNamesNobodyAndNoCodeIsPrintedWhileATechnicianCanLogIn() throws {
        let daemon = Daemon()
        try daemon.start()
        let console = try ConsoleLine(daemon, baud: 9600)
        // A cashier's, a supervisor's and a wrong PIN: one answer, whosever it was.
        for pin in ["1111", "2222", "9999"] {
            console.expect("Technician PIN")
            console.send("\(pin)\r")
            console.expect("error: wrong PIN, or not one that may do this")
        }
        #expect(!console.text.contains("Anna") && !console.text.contains("Sami") && !console.text.contains("cashier"))
        // While a technician can log in, the printer prints no code for whoever holds its paper.
        console.expect("Technician PIN")
        console.send("recover\r")
        console.expect("a technician can log in")
        let paper = printedText(daemon.stateDirectory + "/printer.out")
        #expect(!paper.contains("One-time code"))
        console.expect("Technician PIN")
        console.sendBytes([0x04])
        #expect(console.waitForExit() == 0)
    }

    @Test func aPrintedCodeRecoversATechnicianWhenNoneHasAPin() throws {
        let daemon = Daemon()
        try daemon.start()
        // The PIN store is lost (a box restored without it): no technician can log in.
        #expect(daemon.stop() == 0)
        try FileManager.default.removeItem(atPath: daemon.stateDirectory + "/secrets/pins")
        try daemon.start()
        let console = try ConsoleLine(daemon, baud: 9600)
        console.expect("Technician PIN")
        console.send("recover\r")
        console.expect("Code from the printout")
        let paper = try waitForPrinted(daemon.stateDirectory + "/printer.out", containing: "One-time code")
        let code = try #require(paper.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.count == 8 && $0.allSatisfy(\.isNumber) })
        console.send("\(code)\r")
        console.expect("Technician id")
        console.send("tero\r")
        // A technician's PIN is longer than a cashier's; the code is not spent by a short one.
        console.expect("New PIN")
        console.send("8642\r")
        console.expect("Same PIN again")
        console.send("8642\r")
        console.expect("at least 6 digits")
        console.expect("New PIN")
        console.send("864213\r")
        console.expect("Same PIN again")
        console.send("864213\r")
        console.expect("Access recovered")
        console.send("log 50\r")
        console.expect("technician access recovered")

        // The code is spent; the new PIN works; the recovery is in the journal with why; the code
        // is on paper only.
        let client = try daemon.client()
        #expect(client.errorCode(.technicianRecover, ["code": .string(code), "id": "x", "pin": "135791"]) == .refused)
        #expect(try client.call(.technician, args: ["pin": "864213"])["operator"]?["id"]?.stringValue == "tero")
        let page = try client.call(.journalExport, args: ["from": 1])
        let events = (page["records"]?.arrayValue ?? []).compactMap { $0["event"] }
        #expect(events.contains { $0["type"]?.stringValue == "recovery_code_printed" && $0["why"]?.stringValue == "no_technician_pin" })
        #expect(events.contains { $0["type"]?.stringValue == "technician_recovered" })
        #expect(!page.serialized().contains(code), "the code is never journaled")
        #expect(!daemon.log.contains(code), "nor logged")
        console.send("logout\r")
        #expect(console.waitForExit() == 0)
    }

    @Test func aNewBoxAsksForItsFirstTechnicianAndIdentity() throws {
        let daemon = Daemon(arguments: [])
        try daemon.start()
        let console = try ConsoleLine(daemon)
        console.expect("first-time set-up")
        console.expect("Store name: ")
        console.send("Kioski Koivu\r")
        console.expect("Register id")
        console.send("koivu-1\r")
        console.expect("Time zone")
        console.send("Europe/Helsinki\r")
        console.expect("Technician id")
        console.send("ville\r")
        console.expect("Technician name")
        console.send("Ville V\r")
        console.expect("New PIN")
        console.send("246813\r")
        console.expect("Same PIN again")
        console.send("246813\r")
        console.expect("Set-up done")
        console.send("status\r")
        console.expect("koivu-1  Kioski Koivu")
        console.expect("Europe/Helsinki")
        let client = try daemon.client()
        #expect(try client.call(.technician, args: ["pin": "246813"])["operator"]?["role"]?.stringValue == "technician")
        console.sendBytes([0x04])
        #expect(console.waitForExit() == 0)
    }
}

extension ConsoleTests {
    @Test func aBackupRestoredOntoANewBoxKeepsTheRegisterAndItsReceiptsWithANewTechnicianPin() throws {
        let old = Daemon()
        try old.start()
        let csv = old.directory + "/catalog.csv"
        try "id,name,price,tax_class,plus\ncoffee,Kahvi,3.50,A,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let console = try ConsoleLine(old)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("kassa> ")
        console.send("catalog import \(csv)\r")
        console.expect("Catalog imported: 1 items")
        let till = try old.client()
        try till.readyToSell()
        for _ in 0..<2 {
            _ = try till.call(.saleScan, args: ["code": "1"], idempotencyKey: IdempotencyKey.random())
            _ = try till.call(.saleTender, args: ["kind": "cash", "amount": 500], idempotencyKey: IdempotencyKey.random())
        }
        let stick = old.directory + "/stick"
        try FileManager.default.createDirectory(atPath: stick, withIntermediateDirectories: true)
        console.send("backup \(stick)\r")
        console.expect("a shift is open")
        console.expect("Backup of register demo-1 in")
        console.send("logout\r")
        #expect(console.waitForExit() == 0)
        old.stop()
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: stick).first { $0.hasPrefix("kassa-demo-1-r2-") })

        // A new box: its own first technician, nothing sold.
        let fresh = Daemon(arguments: [])
        try fresh.start()
        let setup = try fresh.client()
        _ = try setup.call(.operatorAdd, args: ["id": "ville", "name": "Ville", "role": "technician", "pin": "246813"])
        let restorer = try ConsoleLine(fresh)
        restorer.expect("Technician PIN")
        restorer.send("246813\r")
        restorer.expect("kassa> ")
        restorer.send("restore \(stick)/\(folder)\r")
        restorer.expect("Type the register id (demo-1)")
        restorer.send("demo-1\r")
        restorer.expect("A backup holds no PINs")
        restorer.expect("Technician id of register demo-1")
        restorer.send("tero\r")
        restorer.expect("New PIN")
        restorer.send("975310\r")
        restorer.expect("Same PIN again")
        restorer.send("975310\r")
        restorer.expect("Anchor of the last Z report")
        restorer.send("\r")
        restorer.expect("Restored register demo-1")
        // kassad exits to load it; systemd would start it again, here the test does.
        let deadline = Date().addingTimeInterval(5)
        while fresh.process?.isRunning == true && Date() < deadline { usleep(20_000) }
        #expect(fresh.process?.isRunning == false)
        try fresh.start()
        restorer.expect("Technician PIN")
        restorer.send("975310\r")
        restorer.expect("Logged in as Tero")
        restorer.send("status\r")
        restorer.expect("demo-1")
        restorer.send("journal verify\r")
        restorer.expect("Journal sound")

        // The next sale goes on from receipt 3, with the old box's catalog, once the cashier's
        // PIN is set again (the stick held none).
        let newTill = try fresh.client()
        #expect(newTill.errorCode(.login, ["pin": "1111"]) != nil)
        _ = try newTill.call(.technician, args: ["pin": "975310"])
        _ = try newTill.call(.operatorResetPIN, args: ["id": "anna", "pin": "4455"], idempotencyKey: IdempotencyKey.random())
        _ = try newTill.call(.login, args: ["pin": "4455"])
        _ = try newTill.call(.saleScan, args: ["code": "1"], idempotencyKey: IdempotencyKey.random())
        let paid = try newTill.call(.saleTender, args: ["kind": "cash", "amount": 500], idempotencyKey: IdempotencyKey.random())
        #expect(paid["completed"]?["receipt"]?.intValue == 3)
        // A second restore onto this box, which has sold now, is refused.
        #expect(newTill.errorCode(.restoreBegin) != nil)
        restorer.send("logout\r")
        #expect(restorer.waitForExit() == 0)
    }
}

extension ConsoleTests {
    /// Fake `timedatectl`, `systemctl`, `networkctl` and `ip` that write down how they were called.
    private func fakeSystemTools(in directory: String) throws -> (bin: String, calls: String) {
        let bin = directory + "/bin"
        let calls = directory + "/calls.log"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for tool in ["timedatectl", "systemctl", "networkctl", "ip"] {
            let path = bin + "/" + tool
            try "#!/bin/sh\necho \"$(basename \"$0\") $*\" >> \(calls)\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        return (bin, calls)
    }

    @Test func throughSocatTheConsoleSetsClockNetworkAndPowerWithTheSystemsTools() throws {
        let daemon = Daemon()
        try daemon.start()
        let tools = try fakeSystemTools(in: daemon.directory)
        let network = daemon.directory + "/network"
        try FileManager.default.createDirectory(atPath: network, withIntermediateDirectories: true)
        let console = try ConsoleLine(daemon, baud: 9600, environment: [
            "PATH": tools.bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "KASSA_NETWORK_DIR": network,
        ], throughSocat: true)
        func calls() -> String { (try? String(contentsOfFile: tools.calls, encoding: .utf8)) ?? "" }
        console.expect("Technician PIN")
        console.send("3333\r\n")
        console.expect("kassa> ")

        console.send("time set 2026-12-05 14:30\r")
        console.expect("Clock set.")
        #expect(calls().contains("timedatectl set-time 2026-12-05 14:30:00"))
        console.send("time set tomorrow noon\r")
        console.expect("usage: time")
        console.send("time zone Europe/Helsinki\r")
        console.expect("Time zone set to Europe/Helsinki")
        #expect(calls().contains("timedatectl set-timezone Europe/Helsinki"))

        console.send("network set eth0 192.168.1.20/24 192.168.1.1 192.168.1.1\r")
        console.expect("eth0: 192.168.1.20/24 set.")
        let file = try String(contentsOfFile: network + "/50-kassa-eth0.network", encoding: .utf8)
        #expect(file.contains("Name=eth0") && file.contains("Address=192.168.1.20/24") && file.contains("Gateway=192.168.1.1"))
        #expect(calls().contains("networkctl reload") && calls().contains("networkctl reconfigure eth0"))
        console.send("network set eth0 dhcp\r")
        console.expect("eth0: DHCP set.")
        #expect(try String(contentsOfFile: network + "/50-kassa-eth0.network", encoding: .utf8).contains("DHCP=yes"))
        console.send("network set eth0 300.1.1.1/24\r")
        console.expect("ADDRESS/PREFIX like")

        // Never while a sale is open, unless forced.
        let till = try daemon.client()
        try till.readyToSell()
        _ = try till.call(.saleScan, args: ["code": "101"], idempotencyKey: IdempotencyKey.random())
        console.send("reboot\r")
        console.expect("a sale is open")
        #expect(!calls().contains("systemctl reboot"))
        console.send("poweroff --force\r")
        console.expect("Powering off.")
        console.expect("kassa> ")
        #expect(calls().contains("systemctl poweroff"))
        console.sendBytes([0x04])
        #expect(console.waitForExit() == 0)
    }
}

/// Waits until kassad's simulated printer has written `text`.
/// The text of the lines the ESC/POS bytes in `path` (the simulated printer's output) print.
func printedText(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    return EscPosReader.printedLines(Array(data)).joined(separator: "\n")
}

/// Waits until the simulated printer at `path` has printed `text`; returns all it printed.
func waitForPrinted(_ path: String, containing text: String, timeout: TimeInterval = 30) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let content = printedText(path)
        if content.contains(text) { return content }
        usleep(20_000)
    }
    throw DaemonError("\(path) never contained \"\(text)\"")
}

import Foundation
import KassaCore
import KassaIPC
import Testing

/// kassad with fake devices behind its real transports: a network printer on TCP, a scanner and
/// a customer display on serial lines (pseudo-terminals).
@Suite(.serialized) struct DeviceSystemTests {
    let printer: FakeNetworkPrinter
    let scanner = FakeSerialDevice()
    let display = FakeSerialDevice()
    let cardReader = FakeSerialDevice()
    let daemon: Daemon
    /// A packaged demo item with a barcode and a name with Finnish letters.
    let item: Item

    init() throws {
        printer = try FakeNetworkPrinter()
        item = DemoCatalog.items.first { !$0.barcodes.isEmpty && $0.name.contains { "äöå".contains($0) } }!
        daemon = Daemon()
        let config = daemon.directory + "/kassa.conf"
        try """
            [device.printer]
            tcp = 127.0.0.1:\(printer.port)
            status_poll = 1s

            [device.display]
            serial = \(display.path)
            command_set = cd5220
            character_table = ascii

            [device.scanner]
            serial = \(scanner.path)

            [device.card_reader]
            serial = \(cardReader.path)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        daemon.setArguments(["--demo", "--config", config])
    }

    func waitFor(_ what: String, timeout: TimeInterval = 10, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(20_000)
        }
        Issue.record("timed out waiting for \(what); log:\n\(daemon.log)")
    }

    func owed(_ c: IPCClient) throws -> Int { try c.call(.status)["printouts_owed"]?.arrayValue?.count ?? -1 }

    func device(_ c: IPCClient, _ id: String) throws -> JSONValue? {
        // From `status`, which answers with nobody logged in, as `devices.list` does not.
        try c.call(.status)["devices"]?.arrayValue?.first { $0["id"]?.stringValue == id }
    }

    @Test func aScanShowsOnTheDisplayAndAPaidSalePrintsItsReceiptAndOpensTheDrawer() throws {
        defer { printer.stop() }
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        try waitFor("the devices to connect") {
            try ["printer", "display", "scanner"].allSatisfy { try device(c, $0)?["state"]?.stringValue != "offline" }
        }
        #expect(try device(c, "printer")?["via"]?.stringValue == "tcp 127.0.0.1:\(printer.port)")
        let listing = try daemon.kassa(["devices"])
        #expect(listing.status == 0)
        let rows = listing.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.first == "printer" && $0.contains("idle") && $0.last == "127.0.0.1:\(printer.port)" }, "\(listing.out)")
        #expect(rows.contains { $0.first == "drawer" && $0.contains("drawer_closed") })
        #expect(rows.contains { $0.first == "scanner" && $0.last == scanner.path })

        scanner.write(item.barcodes[0] + "\r")
        let ascii = CharacterTableASCII.fold(item.name)
        let shown = display.read { String(decoding: $0, as: UTF8.self).contains(String(ascii.prefix(8))) }
        #expect(String(decoding: shown, as: UTF8.self).contains(String(ascii.prefix(8))), "display got \(shown)")
        let sale = try c.call(.saleGet)
        #expect(sale["lines"]?.arrayValue?.count == 1)

        let result = try c.call(.saleTender, args: ["kind": "cash", "amount": .int(10_000)])
        let receipt = try #require(result["completed"]?["receipt"]?.intValue)
        try waitFor("the receipt to be confirmed") { try owed(c) == 0 }
        let text = printer.text(0)
        #expect(text.contains("TOTAL"))
        #expect(text.contains("Receipt demo-1-\(receipt)"))
        #expect(!text.contains("COPY"))
        // The drawer opened with the real-time pulse, and the paper was cut once.
        let bytes = printer.received[0]
        #expect(contains(bytes, [0x10, 0x14, 0x01, 0x00, 0x01]))
        #expect(count(bytes, [0x1D, 0x56, 0x42]) == 1)
        let change = display.read { String(decoding: $0, as: UTF8.self).contains("Change") }
        #expect(String(decoding: change, as: UTF8.self).contains("Change"))
        // The change stays up for the customer: no idle text right after it.
        let after = display.read(timeout: 0.5) { _ in false }
        #expect(!String(decoding: change + after, as: UTF8.self).contains("Welcome"))
    }

    @Test func aStaffBadgeSwipedOnTheCardReaderLogsItsOwnerInAndNoCardNumberIsEverLogged() throws {
        defer { printer.stop() }
        try daemon.start()
        let c = try daemon.client()
        _ = try c.call(.technician, args: ["pin": "3333"])
        let badge = "6012345678901234"
        _ = try c.call(.operatorSetBadge, args: ["id": "sami", "card": .string(badge)])
        try waitFor("the card reader") { try device(c, "card_reader")?["state"]?.stringValue == "idle" }
        let events = try daemon.client()
        _ = try events.call(.subscribe)
        cardReader.write("%B\(badge)^STAFF/SAMI^9912101?;\(badge)=9912101?\r")
        try waitFor("the badge login") { try c.call(.status)["operator"]?["id"]?.stringValue == "sami" }

        // A card that is nobody's badge (a payment card, say) logs no one in and shows masked.
        let stranger = "4111111111111111"
        cardReader.write(";\(stranger)=2912101?\r")
        var swiped: JSONValue?
        let deadline = Date().addingTimeInterval(5)
        while swiped == nil, Date() < deadline {
            if case .event(let e) = try events.nextEvent(), e.name == "card.swiped" { swiped = e.data }
        }
        #expect(swiped?["card"]?.stringValue == "************1111")
        #expect(try c.call(.status)["operator"]?["id"]?.stringValue == "sami")
        _ = daemon.stop()
        #expect(!daemon.log.contains(stranger))
        #expect(!daemon.log.contains(badge))
        let dump = try daemon.kassa(["journal", "dump", "--state-dir", daemon.stateDirectory])
        #expect(!dump.out.contains(stranger) && !dump.out.contains(badge))
        let secrets = (try? String(contentsOfFile: daemon.stateDirectory + "/secrets/badges", encoding: .utf8)) ?? ""
        #expect(secrets.hasPrefix("sami ") && !secrets.contains(badge))
    }

    @Test func aLoyaltyCardSwipedOrScannedPutsItsCustomerOnTheSale() throws {
        defer { printer.stop() }
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        let card = "9901234567"
        _ = try c.call(.customerAdd, args: ["name": "Liisa Laine", "cards": [.string(card), "LOY-1001"]])
        try waitFor("the card reader and the scanner") {
            try ["card_reader", "scanner"].allSatisfy { try device(c, $0)?["state"]?.stringValue == "idle" }
        }
        let events = try daemon.client()
        _ = try events.call(.subscribe)
        cardReader.write(";\(card)=4912101?\r")
        var swiped: JSONValue?
        let deadline = Date().addingTimeInterval(5)
        while swiped == nil, Date() < deadline {
            if case .event(let e) = try events.nextEvent(), e.name == "card.swiped" { swiped = e.data }
        }
        #expect(swiped?["customer"]?.intValue == 1)
        #expect(swiped?["card"]?.stringValue == "******4567")
        #expect(swiped?["error"] == nil)
        #expect(try c.call(.saleGet)["customer"]?["id"]?.intValue == 1)
        // Taken off, and put back on by the scanner.
        _ = try c.call(.saleCustomer)
        scanner.write("LOY-1001\r")
        try waitFor("the scanned card") { try c.call(.saleGet)["customer"]?["id"]?.intValue == 1 }
    }

    @Test func aTechnicianTestsThePrinterTheDisplayAndTheScannerWithoutSelling() throws {
        defer { printer.stop() }
        try daemon.start()
        let c = try daemon.client()
        #expect(c.errorCode(.devicesTestPrint) == .pinRequired)
        _ = try c.call(.technician, args: ["pin": "3333"])
        try waitFor("the devices") {
            try ["printer", "display", "scanner"].allSatisfy { try device(c, $0)?["state"]?.stringValue == "idle" }
                && device(c, "printer")?["model"] != .null
        }
        _ = try c.call(.devicesTestPrint)
        try waitFor("the test page") { FakeNetworkPrinter.printable(printer.received.flatMap { $0 }).contains("Kassa test page") }
        #expect(FakeNetworkPrinter.printable(printer.received.flatMap { $0 }).contains("EPSON TM-T20III"))
        _ = try c.call(.devicesDisplayTest)
        let shown = display.read { String(decoding: $0, as: UTF8.self).contains("ABCDEFGHIJKLMNOPQRST") }
        #expect(String(decoding: shown, as: UTF8.self).contains("0123456789 aoa EUR"))

        let events = try daemon.client()
        _ = try events.call(.subscribe)
        _ = try c.call(.devicesScanTest, args: ["seconds": 10])
        scanner.write("4111 1111 1111 1111\r")
        var test: JSONValue?
        let deadline = Date().addingTimeInterval(5)
        while test == nil, Date() < deadline {
            if case .event(let e) = try events.nextEvent(), e.name == "scan.test" { test = e.data }
        }
        #expect(test?["kind"]?.stringValue == "barcode")
        #expect(test?["value"]?.stringValue?.hasSuffix("1111") == true)
        #expect(test?["value"]?.stringValue?.contains("4111") == false)
        #expect(test?["raw_text"]?.stringValue?.contains("4111") == false)
        #expect(try c.call(.saleGet) == .null)
        #expect(!daemon.log.contains("4111 1111 1111 1111"))
    }

    @Test func theConsolesScanTestShowsTheNextScanRawAndMaskedWithoutSellingIt() throws {
        defer { printer.stop() }
        try daemon.start()
        let c = try daemon.client()
        try waitFor("the scanner to connect") { try device(c, "scanner")?["state"]?.stringValue != "offline" }
        let console = try ConsoleLine(daemon)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("kassa> ")
        console.send("devices\r")
        console.expect("scanner")
        console.send("devices scan-test 10\r")
        console.expect("Scan or swipe now")
        scanner.write("4111 1111 1111 1111\r")
        let shown = console.expect("bytes")
        #expect(shown.contains("kind     barcode"))
        #expect(shown.contains("1111"))
        console.expect("kassa> ")
        #expect(!console.text.contains("4111 1111 1111 1111") && !console.text.contains("4111111111111111"))
        #expect(try c.call(.status)["sale"] == .null)
        console.send("logout\r")
        #expect(console.waitForExit() == 0)
    }

    @Test func aJournaledDeviceSettingMovesTheDisplayAtTheNextStart() throws {
        defer { printer.stop() }
        try daemon.start()
        let moved = FakeSerialDevice()
        let c = try daemon.client()
        _ = try c.call(.technician, args: ["pin": "3333"])
        let r = try c.call(.configSet, args: ["key": "device.display.serial", "value": .string(moved.path)])
        #expect(r["restart_needed"]?.boolValue == true)
        #expect(c.errorCode(.configSet, ["key": "device.display.command_set", "value": "teletext"]) == .badArgs)
        try daemon.restart()
        let after = try daemon.client()
        _ = try after.call(.technician, args: ["pin": "3333"])
        try waitFor("the display on its new line") { try device(after, "display")?["via"]?.stringValue == moved.path }
        _ = try after.call(.devicesDisplayTest)
        let shown = moved.read { String(decoding: $0, as: UTF8.self).contains("ABCDEFGHIJKLMNOPQRST") }
        #expect(String(decoding: shown, as: UTF8.self).contains("ABCDEFGHIJKLMNOPQRST"))
        #expect(try after.call(.configGet, args: ["key": "device.display.serial"])["device.display.serial"]?.stringValue == moved.path)
    }

    @Test func paperOutAndADrawerLeftOpenRaiseAlarmsThatClearWhenFixed() throws {
        defer { printer.stop() }
        let conf = daemon.directory + "/kassa.conf"
        try (String(contentsOfFile: conf, encoding: .utf8).replacingOccurrences(of: "status_poll = 1s", with: "status_poll = 1s\ndrawer_alarm = 1s"))
            .write(toFile: conf, atomically: true, encoding: .utf8)
        try daemon.start()
        let c = try daemon.client()
        func alarms() throws -> [String] { try c.call(.status)["alarms"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [] }
        try waitFor("the printer to connect") { try device(c, "printer")?["state"]?.stringValue == "idle" }
        try waitFor("the printer to say its model") { try device(c, "printer")?["model"]?.stringValue == "EPSON TM-T20III" }
        printer.paperOut = true
        try waitFor("the paper-out alarm") { try alarms().contains("paper_out") }
        #expect(try device(c, "printer")?["state"]?.stringValue == "error")
        printer.paperOut = false
        try waitFor("the paper-out alarm to clear") { try !alarms().contains("paper_out") }
        printer.drawerOpen = true
        try waitFor("the drawer to read open") { try device(c, "drawer")?["status"]?.arrayValue?.contains("drawer_open") == true }
        #expect(try !alarms().contains("drawer_open"))
        try waitFor("the drawer-open alarm", timeout: 6) { try alarms().contains("drawer_open") }
        printer.drawerOpen = false
        try waitFor("the drawer-open alarm to clear") { try !alarms().contains("drawer_open") }
    }

    @Test func pullingThePrinterMidReceiptCompletesThatReceiptOnceAsACopyWhenItIsBack() throws {
        defer { printer.stop() }
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        try waitFor("the printer to connect") { try device(c, "printer")?["state"]?.stringValue == "idle" }
        printer.unplugMidReceipt(after: 60, downFor: 1500)
        _ = try c.call(.saleScan, args: ["code": .string(item.barcodes[0])])
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": .int(item.price)])
        try waitFor("the printer to be seen gone") { try device(c, "printer")?["state"]?.stringValue == "offline" }
        #expect(try owed(c) == 1)
        let alarms = try c.call(.status)["alarms"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
        #expect(alarms.contains("printer_offline"))
        // A kick while the printer is away is refused at once, not kept for later.
        #expect(c.errorCode(.drawerNoSale, ["override_pin": "2222"]) == .deviceUnavailable)

        try waitFor("the receipt to be completed after the printer came back", timeout: 20) { try owed(c) == 0 }
        let received = printer.received
        #expect(received.count >= 2)
        let first = FakeNetworkPrinter.printable(received[0])
        let last = FakeNetworkPrinter.printable(received.last!)
        #expect(!first.contains("TOTAL"), "the first connection was cut mid-receipt")
        #expect(last.contains("*** COPY ***"))
        #expect(last.contains("TOTAL"))
        // Exactly one whole receipt came out in all: one cut.
        #expect(received.reduce(0) { $0 + count($1, [0x1D, 0x56, 0x42]) } == 1)
        #expect(!received.last!.contains(0x14) || !contains(received.last!, [0x10, 0x14]), "no drawer kick was kept for later")

        // The journal says what happened: sent as a copy, confirmed by the printer.
        _ = daemon.stop()
        let dump = try daemon.kassa(["journal", "dump", "--state-dir", daemon.stateDirectory])
        #expect(dump.out.contains("output_queued"))
        let sentLines = dump.out.split(separator: "\n").filter { $0.contains("output_sent") }
        #expect(sentLines.last?.contains("\"copy\":true") == true)
        #expect(dump.out.contains("\"confirmed_by_printer\":true"))
    }

    @Test func aReceiptOwedWhenKassadStoppedIsPrintedAsACopyAfterTheRestart() throws {
        defer { printer.stop() }
        printer.stop()  // no printer at all while selling
        try daemon.start()
        let c = try daemon.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": .string(item.barcodes[0])])
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": .int(item.price)])
        #expect(try owed(c) == 1)
        daemon.kill9()
        let back = try FakeNetworkPrinter()
        defer { back.stop() }
        let conf = daemon.directory + "/kassa.conf"
        let text = try String(contentsOfFile: conf, encoding: .utf8)
        try text.replacingOccurrences(of: "127.0.0.1:\(printer.port)", with: "127.0.0.1:\(back.port)")
            .write(toFile: conf, atomically: true, encoding: .utf8)
        try daemon.start()
        let c2 = try daemon.client()
        try waitFor("the owed receipt to print") { try owed(c2) == 0 }
        let printed = FakeNetworkPrinter.printable(back.received.flatMap { $0 })
        #expect(printed.contains("*** COPY ***"))
        #expect(count(back.received.flatMap { $0 }, [0x1D, 0x56, 0x42]) == 1)
    }
}

/// Whether `needle` occurs in `bytes`.
func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool { count(bytes, needle) > 0 }

func count(_ bytes: [UInt8], _ needle: [UInt8]) -> Int {
    guard bytes.count >= needle.count else { return 0 }
    var n = 0
    for i in 0...(bytes.count - needle.count) where Array(bytes[i..<(i + needle.count)]) == needle { n += 1 }
    return n
}

/// How an ASCII-only display spells our text.
enum CharacterTableASCII {
    static func fold(_ text: String) -> String {
        String(text.map { c -> Character in
            switch c {
            case "ä", "å": return "a"
            case "ö": return "o"
            case "Ä", "Å": return "A"
            case "Ö": return "O"
            default: return c
            }
        })
    }
}

import KassaCore
import KassaDevices
import KassaIPC
import KassaSystem

/// The register's side of its devices: printouts owed and journaled, the drawer, the customer
/// display, scanners and card readers, and the alarms they raise.
extension RegisterService {
    // MARK: Printouts

    /// The printouts these events oblige: journaled in the same group as the events, so a sale
    /// is never on record without its receipt owed.
    func owedOutputs(for events: [RegisterEvent]) -> [RegisterEvent] {
        var next = ledger.state.lastOutputID
        var owed: [RegisterEvent] = []
        func owe(_ output: Output) {
            next += 1
            owed.append(.outputQueued(id: next, output))
        }
        for e in events {
            switch e {
            case .saleCompleted(let sale): owe(.receipt(number: sale.receiptNumber, training: sale.training))
            case .refundCompleted(let r): owe(.document(kind: "refund", lines: refundLines(r, storeCredit: Self.storeCredit(in: events),
                                                                                 card: Self.cardApproval(in: events))))
            case .dayClosed(let z):
                let anchor = zAnchor(z)
                owe(.document(kind: "z_report", lines: PrintedLine.plain(ReportText.z(z, config, at: localTimeText(z.closedAt), anchor: anchor))
                              + (anchor.map { [PrintedLine($0.short, .barcode)] } ?? [])))
            default: break
            }
        }
        return owed
    }

    /// A reprint is owed like any printout; with the journal read-only it prints unrecorded.
    func reprintOutput(_ output: Output) {
        do {
            try record(try decided(.reprint(output)))
            printOutput(ledger.state.lastOutputID, output, copy: true)
        } catch {
            log.warning("reprint not journaled; printing it anyway", ["error": error.message])
            printOutput(0, output, copy: true)
        }
    }

    func printOutput(_ id: UInt64, _ output: Output, copy: Bool) {
        printer.enqueue(PrintJob(id: id, copy: copy) { [unowned self] copy in self.lines(of: output, copy: copy) })
    }

    /// Everything still owed after a restart goes out again. Whether any of it reached the paper
    /// before the restart cannot be known, so all of it is marked as a copy.
    func resumeOwedOutputs() {
        for (id, pending) in ledger.state.pendingOutputs.sorted(by: { $0.key < $1.key }) {
            log.notice("printout still owed from before the restart, printing it as a copy", ["output": String(id)])
            printOutput(id, pending.output, copy: true)
        }
    }

    func lines(of output: Output, copy: Bool) -> [PrintedLine] {
        switch output {
        case .receipt(let number, let training):
            guard let (sale, hash) = try? ledger.sale(receipt: number, training: training) else {
                return [PrintedLine("Receipt \(number) cannot be read from the journal", .strong)]
            }
            return receiptLines(sale, hash: hash, copy: copy)
        case .document(_, let lines):
            guard copy else { return lines }
            return [PrintedLine(TextLayout.center(fileConfig.words.copy, in: printer.columns), .strong)] + lines
        }
    }

    /// The printer's reports go to the journal: what was sent, and what it confirmed.
    func outputReported(_ event: OutputEvent) {
        switch event {
        case .sent(let id, let bytes, let copy):
            guard id != 0 else { return }
            journalQuietly([.outputSent(id: id, bytes: bytes, copy: copy)])
        case .done(let id, let byPrinter):
            guard id != 0 else { return }
            journalQuietly([.outputDone(id: id, confirmedByPrinter: byPrinter)])
            broadcast("output.done", ["output": .int(Int64(id)), "confirmed_by_printer": .bool(byPrinter)])
        case .stalled(let id, let reason):
            log.warning("printout sent again", ["output": String(id), "reason": reason])
            broadcast("output.stalled", ["output": .int(Int64(id)), "reason": .string(reason)])
        }
    }

    /// Records events no request waits for; a failure is logged and shows as an alarm.
    private func journalQuietly(_ events: [RegisterEvent]) {
        do { try record(events) } catch {
            log.error("could not journal a device report", ["error": error.message])
        }
    }

    // MARK: Drawer and display

    func kickDrawer() {
        do { try drawer.open() } catch {
            log.warning("drawer not opened", ["error": error.description])
            setAlarm("drawer_not_opened", "the cash drawer did not open: \(error.message)")
            return
        }
        setAlarm("drawer_not_opened", nil)
    }

    func showOpenSale() {
        guard let sale = ledger.state.openSale else { return showIdle() }
        displayGeneration += 1
        let total = (try? ledger.state.totals(of: sale, config.priceMode).total) ?? 0
        if let last = sale.lines.last(where: { !$0.voided }) {
            display.show(TextLayout.leftRight(last.name, config.format((try? last.baseAmount()) ?? 0), columns: 20),
                         TextLayout.leftRight(fileConfig.words.total, config.format(total), columns: 20))
        } else {
            display.show("", TextLayout.leftRight(fileConfig.words.total, config.format(total), columns: 20))
        }
    }

    func showPaid(_ sale: CompletedSale) {
        let paid = sale.tenders.reduce(Int64(0)) { $0 + $1.amount }
        let upper = TextLayout.leftRight(fileConfig.words.total, config.format(sale.total), columns: 20)
        let lower = sale.change > 0
            ? TextLayout.leftRight(fileConfig.words.change, config.format(sale.change), columns: 20)
            : TextLayout.leftRight(fileConfig.words.paid, config.format(paid), columns: 20)
        display.show(upper, lower)
        // Total and change stay up a while for the customer, then the idle text returns unless
        // the next sale has begun.
        displayGeneration += 1
        let generation = displayGeneration
        later(15_000) { [weak self] in
            guard let self, self.displayGeneration == generation, self.ledger.state.openSale == nil else { return }
            self.showIdle()
        }
    }

    func showIdle() {
        display.show(TextLayout.center(config.storeName, in: 20), TextLayout.center(fileConfig.words.welcome, in: 20))
    }

    // MARK: Status and alarms

    /// Tells subscribers a device's state or status changed and re-checks the device alarms.
    func deviceChanged(_ d: any Device) {
        log.notice("device status", ["device": d.id, "state": d.state.rawValue,
                                     "status": d.status.map(\.rawValue).joined(separator: ",")])
        broadcast("device.status", Views.device(d).json)
        if d.kind == .printer || d.kind == .drawer {
            let open = drawer.status.contains(.drawerOpen)
            if open, drawerOpenSince == nil { drawerOpenSince = monotonicMilliseconds() }
            if !open { drawerOpenSince = nil }
        }
        refreshDeviceAlarms()
    }

    func refreshDeviceAlarms() {
        let owed = ledger.state.pendingOutputs.count
        let away = printer.state == .offline
        setAlarm("printer_offline", away ? "the receipt printer \(printer.id) is not connected"
                 + (owed > 0 ? ": \(owed) printout(s) wait for it" : "") : nil)
        setAlarm("paper_out", printer.status.contains(.paperOut) ? "the receipt printer is out of paper" : nil)
        setAlarm("cover_open", printer.status.contains(.coverOpen) ? "the receipt printer's cover is open" : nil)
        if let since = drawerOpenSince, let limit = drawerAlarmSeconds, monotonicMilliseconds() - since >= Int64(limit) * 1000 {
            setAlarm("drawer_open", "the cash drawer has been open for over \(limit) s")
        } else {
            setAlarm("drawer_open", nil)
        }
    }

    // MARK: Scanners and card readers

    /// A technician's scan test: what came in, raw and decoded, instead of a sale. Anything that
    /// looks like a payment card number is masked in both.
    func scanTest(_ input: InputReader.Input, from device: String) {
        let raw = readers.first { $0.id == device }?.lastRaw ?? []
        let printable = String(raw.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
        var data = ScanTestEvent(device: device, rawText: CardNumberMasker.maskAll(in: printable), rawBytes: Int64(raw.count),
                                 kind: "", value: "")
        switch input {
        case .barcode(let code):
            data.kind = "barcode"
            data.value = CardNumberMasker.maskAll(in: code)
            if case .invalid(let why) = Barcode.classify(code), code.utf8.count >= 8 { data.note = why }
        case .card(let swipe):
            data.kind = "card"
            data.value = MagStripe.mask(swipe.number)
            data.tracks = [swipe.track1 != nil ? "1" : nil, swipe.track2 != nil ? "2" : nil].compactMap { $0 }
        case .error(let message):
            data.kind = "error"
            data.value = CardNumberMasker.maskAll(in: message)
        }
        log.notice("scan test", ["device": device, "kind": data.kind])
        broadcast("scan.test", data.json)
    }

    /// A scan from a scanner or from a client: goes into the open sale, or opens one.
    func scan(_ code: String, quantity: Int64?, grams: Int64? = nil, key: RequestKey?) throws(IPCError) -> JSONValue {
        if ledger.state.openSale == nil { try refuseNewSaleWhenDiskFull() }
        return try runSale(.scan(code: code, quantity: quantity, grams: grams), key: key)
    }

    /// A page that shows the technician what the printer does: its width, the code page's
    /// letters and the euro sign, bold and the double-height total.
    func testPage() -> [PrintedLine] {
        let w = printer.columns
        var ruler = ""
        for i in 1...w { ruler += String(i % 10) }
        return [
            PrintedLine(TextLayout.center("Kassa test page", in: w), .strong),
            PrintedLine(TextLayout.center(config.storeName, in: w)),
            PrintedLine(TextLayout.leftRight("Printer", printer.id, columns: w)),
            PrintedLine(TextLayout.leftRight("Model", printer.model ?? "unknown", columns: w)),
            PrintedLine(TextLayout.leftRight("Via", printer.detail, columns: w)),
            PrintedLine(TextLayout.leftRight("Time", localTimeText(context().now), columns: w)),
            PrintedLine(ruler),
            PrintedLine("ÄÖÅ äöå € é ü"),
            PrintedLine("Bold", .strong),
            PrintedLine(TextLayout.leftRight(fileConfig.words.total, config.format(12_345), columns: w), .total),
        ]
    }

    /// What a scanner or card reader read.
    func input(_ input: InputReader.Input, from device: String) {
        if let until = scanTestUntil {
            scanTestUntil = nil
            if monotonicMilliseconds() <= until { return scanTest(input, from: device) }
        }
        switch input {
        case .barcode(let code):
            do throws(IPCError) {
                try mayProceed(mutating: true, selling: true)
                _ = try scan(code, quantity: nil, key: nil)
                broadcast("scan", ["device": .string(device), "code": .string(code), "ok": true])
            } catch {
                log.info("scan refused", ["device": device, "code": code, "error": error.message])
                display.show(TextLayout.truncate(error.code.rawValue == "not_found" ? "?? " + code : error.message, to: 20), "")
                broadcast("scan", ["device": .string(device), "code": .string(code), "ok": false,
                                   "error": ["code": .string(error.code.rawValue), "message": .string(error.message)]])
            }
        case .card(let swipe):
            // Only the masked number ever leaves this function.
            let masked = MagStripe.mask(swipe.number)
            if env.pins.badgeOwner(of: swipe.number) != nil {
                do throws(IPCError) {
                    try mayProceed(mutating: true, selling: false)
                    let who = try run(.loginWithBadge(card: swipe.number), key: nil) { s, _ in
                        .string(s.currentOperator?.rawValue ?? "")
                    }
                    log.notice("logged in by badge", ["device": device, "operator": who.stringValue ?? ""])
                } catch {
                    log.warning("badge login refused", ["device": device, "error": error.message])
                    broadcast("card.swiped", ["device": .string(device), "card": .string(masked), "badge": true,
                                              "error": ["code": .string(error.code.rawValue), "message": .string(error.message)]])
                }
                return
            }
            if let customer = ledger.state.customerCards[swipe.number], !CardClassifier().classify(swipe).isPayment {
                // A loyalty card: its customer goes on the sale (one is opened if none is).
                var data: JSONObject = ["device": .string(device), "card": .string(masked), "badge": false, "customer": customer.json]
                do throws(IPCError) {
                    try mayProceed(mutating: true, selling: true)
                    if ledger.state.openSale == nil { try refuseNewSaleWhenDiskFull() }
                    _ = try runSale(.setSaleCustomer(customer), key: nil)
                    log.info("loyalty card swiped", ["device": device, "card": masked, "customer": customer.description])
                } catch {
                    log.info("loyalty card refused", ["device": device, "card": masked, "error": error.message])
                    data["error"] = ["code": .string(error.code.rawValue), "message": .string(error.message)]
                }
                broadcast("card.swiped", .object(data))
                return
            }
            log.info("card swiped", ["device": device, "card": masked])
            broadcast("card.swiped", ["device": .string(device), "card": .string(masked), "badge": false])
        case .error(let message):
            let safe = CardNumberMasker.maskAll(in: message)
            log.warning("scanner error", ["device": device, "error": safe])
            broadcast("scanner.error", ["device": .string(device), "message": .string(safe)])
        }
    }
}

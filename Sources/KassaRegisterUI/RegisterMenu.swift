import KassaCore
import KassaIPC

/// The menu (F9 or m): refund by receipt, no-sale, cash in and out, the shift, X and Z reports,
/// training mode and reprints, each asking what it needs on the entry line; and the shop's
/// sales reports, stock and time clock, which have screens of their own.
extension RegisterApp {
    func menuKey(_ key: Key) {
        switch key {
        case .escape, .function(9), .character("m"):
            mode = .sale
            return
        case .function(1), .character("?"):
            mode = .help(back: .menu)
            return
        default:
            break
        }
        guard case .character(let c) = key, let item = KeyBindings.MenuItem.allCases.first(where: { $0.key == c }) else { return }
        mode = .sale
        let m = model
        func money(_ label: String, then: @escaping (Int64) -> Void) {
            ask(Prompt(label: label, input: .amount) { [unowned self] t in
                mode = .sale
                guard let a = Entry.amount(t, currency: m.currency) else { return show(texts.notANumber, error: true) }
                then(a)
            }, back: .sale)
        }
        switch item {
        case .refund:
            startRefund()
        case .noSale:
            request(.drawerNoSale) { [unowned self] _ in show(texts.drawerOpened) }
        case .cashIn, .cashOut:
            money(texts.amount) { [unowned self] amount in
                ask(Prompt(label: texts.reason, input: .text) { [unowned self] reason in
                    mode = .sale
                    request(item == .cashIn ? Op.shiftCashIn : Op.shiftCashOut,
                            ["amount": .int(amount), "reason": .string(reason)]) { [unowned self] _ in
                        show(texts.done + ": " + model.money(amount))
                    }
                }, back: .sale)
            }
        case .shiftOpen:
            money(texts.float) { [unowned self] float in
                request(.shiftOpen, ["float": .int(float)], as: ShiftResultReply.self) { [unowned self] r in
                    model.shiftNumber = r.shift?.number ?? model.shiftNumber
                    show(texts.shiftOpened)
                }
            }
        case .shiftClose:
            money(texts.counted) { [unowned self] counted in
                request(.shiftClose, ["counted": .int(counted)]) { [unowned self] r in
                    model.shiftNumber = nil
                    show(texts.shiftClosed + ": " + texts.counted + " " + model.money(r["counted"]?.intValue ?? 0) + ", "
                         + texts.expected + " " + model.money(r["expected"]?.intValue ?? 0) + ", " + texts.overShort + " "
                         + model.money(r["over_short"]?.intValue ?? 0))
                }
            }
        case .xReport:
            request(.reportX) { [unowned self] r in
                mode = .text(title: item.text(language), lines: textLines(r["text"]), back: .sale)
            }
        case .zReport:
            ask(Prompt(label: texts.confirmZ, input: .confirm) { [unowned self] _ in
                mode = .sale
                request(.reportZ) { [unowned self] r in
                    mode = .text(title: item.text(language), lines: textLines(r["text"]), back: .sale)
                }
            }, back: .sale)
        case .training:
            request(.trainingSet, ["on": .bool(!model.training)]) { [unowned self] r in
                model.training = r["training"]?.boolValue ?? !model.training
                show(model.training ? texts.trainingOn : texts.trainingOff)
            }
        case .reprint:
            ask(Prompt(label: texts.receiptNumber, input: .digits) { [unowned self] t in
                if let n = Int64(t) { reprint(n) } else { show(texts.notANumber, error: true) }
            }, back: .sale)
        case .salesReports:
            openSalesReports()
        case .stock:
            openStock()
        case .timeClock:
            openTimeClock(back: .sale)
        case .customer:
            findCustomer()
        case .redeemPoints:
            ask(Prompt(label: texts.pointsToRedeem, input: .digits) { [unowned self] t in
                mode = .sale
                guard let points = Int64(t) else { return show(texts.notANumber, error: true) }
                request(.saleRedeemPoints, ["points": .int(points)]) { [unowned self] _ in
                    show(texts.pointsRedeemed + " \(points)")
                }
            }, back: .sale)
        case .giftVoucher:
            // A line of its own in the open sale (or a new one); the code comes with the receipt.
            money(texts.voucherValue) { [unowned self] amount in
                request(.saleSellVoucher, ["amount": .int(amount)]) { [unowned self] _ in
                    show(texts.voucherAdded + " " + model.money(amount))
                }
            }
        }
    }

    /// A customer who has no card with them, found by phone (digits) or name and put on the sale;
    /// a card is simply scanned or swiped.
    private func findCustomer() {
        ask(Prompt(label: texts.customerQuery, input: .text) { [unowned self] q in
            mode = .sale
            let query = q.trimmingSpaces()
            guard !query.isEmpty else { return }
            let byPhone = query.filter(\.isNumber).count >= 6 && query.allSatisfy { $0.isNumber || " +-()".contains($0) }
            request(.customerFind, [byPhone ? "phone" : "name": .string(query), "limit": 16]) { [unowned self] r in
                let found = r["customers"]?.arrayValue ?? []
                switch found.count {
                case 0:
                    show(texts.noCustomerFound, error: true)
                case 1:
                    putOnSale(found[0])
                default:
                    choose(texts.whichCustomer, found.map { c in
                        Choice.Option(text: customerText(c)) { [unowned self] in
                            mode = .sale
                            putOnSale(c)
                        }
                    }, back: .sale)
                }
            }
        }, back: .sale)
    }

    private func customerText(_ c: JSONValue) -> String {
        [c["name"]?.stringValue ?? "?", c["phone"]?.stringValue ?? "", (c["points"]?.intValue).map { "\($0) p" } ?? ""]
            .filter { !$0.isEmpty }.joined(separator: "  ")
    }

    private func putOnSale(_ c: JSONValue) {
        guard let id = c["id"]?.intValue else { return }
        request(.saleCustomer, ["customer": .int(id)]) { [unowned self] _ in
            show(texts.customerOnSale + " " + customerText(c))
        }
    }

    /// Refund: the receipt's number, its lines shown as the refund counts them, which lines, and
    /// the tender; a cashier is asked for a supervisor's PIN on the way.
    private func startRefund() {
        ask(Prompt(label: texts.receiptNumber, input: .digits) { [unowned self] t in
            guard let receipt = Int64(t) else { return show(texts.notANumber, error: true) }
            request(.receiptGet, ["receipt": .int(receipt)]) { [unowned self] r in
                let shown = Mode.text(title: texts.receipt + " \(receipt)", lines: receiptLines(r), back: .sale)
                ask(Prompt(label: texts.refundLines, input: .text) { [unowned self] t in
                    var weighed: [Int64: Int64] = [:]
                    for (i, l) in (r["lines"]?.arrayValue ?? []).enumerated() where l["unit"]?.stringValue == "weight" {
                        weighed[Int64(i)] = l["quantity"]?.intValue
                    }
                    guard let lines = Entry.refundLines(t, weighed: weighed) else {
                        mode = .sale
                        return show(texts.notANumber, error: true)
                    }
                    askRefundTender(receipt: receipt, lines: lines)
                }, back: shown)
            }
        }, back: .sale)
    }

    /// What will be paid back, as kassad prices it, shown before the tender and any PIN; then the
    /// tender: Enter as the sale was paid (another needs a supervisor), or cash, card, store credit.
    private func askRefundTender(receipt: Int64, lines: [(line: Int64, quantity: Int64)]) {
        let asked: JSONObject = ["receipt": .int(receipt), "lines": refundLinesJSON(lines)]
        request(.refundPreview, asked) { [unowned self] p in
            let total: String = model.money(p["total"]?.intValue ?? 0)
            var preview: [String] = (p["lines"]?.arrayValue ?? []).map { [unowned self] l in previewLine(l) }
            preview.append("")
            preview.append(TextLayout.pad(texts.toPayBack, to: 51) + " " + TextLayout.pad(total, to: 12, alignment: .right))
            let back = Mode.text(title: texts.refunded + " · " + texts.receipt + " \(receipt)", lines: preview, back: .sale)
            let send: (String?) -> Void = { [unowned self] tender in refund(receipt: receipt, lines: lines, tender: tender) }
            let keys: [Key: (String) -> Void] = [.character("c"): { _ in send("cash") }, .character("k"): { _ in send("card") },
                                                 .function(4): { _ in send("card") }, .character("v"): { _ in send("voucher") }]
            let label: String = texts.toPayBack + " " + total + ". " + texts.refundTender
            ask(Prompt(label: label, input: .confirm, onEnter: { _ in send(nil) }, onKey: keys), back: back)
        }
    }

    private func refundLinesJSON(_ lines: [(line: Int64, quantity: Int64)]) -> JSONValue {
        .array(lines.map { ["line": .int($0.line), "quantity": .int($0.quantity)] })
    }

    private func previewLine(_ l: JSONValue) -> String {
        let number: String = TextLayout.pad(String((l["line"]?.intValue ?? 0) + 1), to: 3, alignment: .right)
        let name: String = TextLayout.pad(l["name"]?.stringValue ?? "?", to: 36)
        let quantity: String = TextLayout.pad("\(l["quantity"]?.intValue ?? 0)", to: 10, alignment: .right)
        let gross: String = TextLayout.pad(model.money(l["gross"]?.intValue ?? 0), to: 12, alignment: .right)
        return number + "  " + name + " " + quantity + " " + gross
    }

    /// The refund itself; its slip is numbered apart from receipts, as on paper: R1, TR1 in training.
    private func refund(receipt: Int64, lines: [(line: Int64, quantity: Int64)], tender: String?) {
        mode = .sale
        var args: JSONObject = ["receipt": .int(receipt), "lines": refundLinesJSON(lines)]
        if let tender { args["tender"] = .string(tender) }
        request(.refund, args) { [unowned self] r in
            let number: String = (model.training ? "TR" : "R") + "\(r["refund"]?.intValue ?? 0)"
            let paidOut: String = model.money(r["paid_out"]?.intValue ?? r["total"]?.intValue ?? 0)
            var summary: String = texts.refunded + " " + number + ": " + texts.paidOut + " " + paidOut
            if let code = r["voucher"]?["code"]?.stringValue { summary += " · " + texts.storeCredit + " " + code }
            show(summary)
            mode = .text(title: summary, lines: self.textLines(r["text"]), back: .sale)
        }
    }

    /// A completed sale's lines numbered from 1 as the refund entry counts them, voided ones too.
    func receiptLines(_ r: JSONValue) -> [String] {
        let priced = r["priced"]?.arrayValue ?? []
        var out: [String] = []
        for (i, l) in (r["lines"]?.arrayValue ?? []).enumerated() {
            let view = SaleLineView(line: i, name: l["name"]?.stringValue ?? "?", weighed: l["unit"]?.stringValue == "weight",
                                    quantity: l["quantity"]?.intValue ?? 0, unitPrice: l["unit_price"]?.intValue ?? 0, amount: 0)
            let voided = l["voided"]?.boolValue == true
            let amount = voided ? texts.voided : model.money(i < priced.count ? priced[i]["gross"]?.intValue ?? 0 : 0)
            out.append(TextLayout.pad(String(i + 1), to: 3, alignment: .right) + "  " + TextLayout.pad(view.name, to: 36) + " "
                       + TextLayout.pad(RegisterScreen.quantity(view, model), to: 10, alignment: .right) + " "
                       + TextLayout.pad(amount, to: 12, alignment: .right))
        }
        out.append("")
        out.append(TextLayout.pad(texts.total, to: 51) + " " + TextLayout.pad(model.money(r["total"]?.intValue ?? 0), to: 12, alignment: .right))
        return out
    }
}

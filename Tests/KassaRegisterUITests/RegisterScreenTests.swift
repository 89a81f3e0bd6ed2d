import KassaCore
import KassaIPC
import Testing
@testable import KassaRegisterUI

@Suite struct RegisterScreenLayout {
    @Test func theLoginScreenAsksForAPinAndNeverShowsIt() {
        let (app, _) = connectedRegister(operator: nil)
        type(app, "1234")
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Enter your PIN or swipe your badge"))
        #expect(s.text.contains("PIN: ****_"))
        #expect(!s.text.contains("1234"))
    }

    @Test func theSaleShowsItsLinesWithQuantityPriceAndDiscountAndABigTotal() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Kahvi", qty: 3, price: 290), line(1, "Pulla", price: 250, discountBP: 1000)]))
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        let kahvi = s.text(row: s.row(containing: "Kahvi")!)
        #expect(kahvi.contains(" 3 ") && kahvi.contains("2,90") && kahvi.contains("8,70 €"))
        let pulla = s.text(row: s.row(containing: "Pulla")!)
        #expect(pulla.contains("-10%") && pulla.contains("2,25 €"))
        #expect(s.text.contains("TOTAL 10,95 €"))
        // The total in digits three rows high, right above the message line.
        let big = BigText.rows("10,95")
        #expect(s.text(row: 19).contains(big[0]) && s.text(row: 21).contains(big[2]))
        #expect(s.text(row: 0).contains("Anna (cashier)") && s.text(row: 0).contains("Shift 1"))
        #expect(s.text(row: 0).contains("Printer ok") && s.text(row: 0).contains("Drawer closed") && s.text(row: 0).contains("online"))
    }

    @Test func aPromotedLineShowsWhatThePromotionTookAndThePromotionIsNamedByTheTotal() {
        var kahvi = line(0, "Kahvi", qty: 2, price: 290).objectValue!
        kahvi["gross"] = 435
        kahvi["promotion"] = 145
        var s0 = sale([.object(kahvi), line(1, "Pulla", price: 250)]).objectValue!
        s0["discount_total"] = 145
        s0["promotions"] = [["id": "happy", "name": "Happy hour", "amount": 145, "lines": [["line": 0, "amount": 145]]]]
        let (app, _) = connectedRegister(sale: .object(s0))
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        let row = s.text(row: s.row(containing: "Kahvi")!)
        #expect(row.contains("-1,45") && row.contains("4,35 €"))
        #expect(s.text.contains("Happy hour -1,45 €"))
        #expect(s.text.contains("TOTAL 6,85 €"))
    }

    @Test func theCustomerOnTheSaleAndTheirPointsShowAboveTheTotal() {
        guard case .object(var o) = sale([line(0, "Kahvi", qty: 2, price: 290)]) else { return }
        o["customer"] = ["id": 1, "name": "Liisa Laine", "points": 1290]
        let (app, _) = connectedRegister(sale: .object(o))
        var s = RegisterScreen.draw(app, width: 80, height: 25)
        let row = s.row(containing: "Customer: Liisa Laine · 1290 points")
        #expect(row == 18)  // the rule between the lines and the total
        o["redeem"] = ["points": 200, "value": 200]
        app.receive(.event(Event(name: "sale.changed", seq: 2, data: .object(o))))
        s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Customer: Liisa Laine · 1290 points · -200 = -2,00 €"))
        o["customer"] = nil
        app.receive(.event(Event(name: "sale.changed", seq: 3, data: .object(o))))
        #expect(!RegisterScreen.draw(app, width: 80, height: 25).text.contains("Customer"))
    }

    @Test func theLastScannedLineIsHighlighted() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        app.receive(.event(Event(name: "sale.changed", seq: 2, data: sale([line(0, "Kahvi", price: 290), line(1, "Tee", price: 280)]))))
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        let tee = s.row(containing: "Tee")!, kahvi = s.row(containing: "Kahvi")!
        #expect(s.cells[tee][10].style == .highlight)
        #expect(s.cells[kahvi][10].style == .normal)
    }

    @Test func aLongSaleScrollsSoTheNewestLineIsInView() {
        let lines = (0..<40).map { line($0, "Item \($0)", price: 100) }
        let (app, _) = connectedRegister(sale: sale(lines))
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Item 39"))
        #expect(!s.text.contains("Item 0 "))
        #expect(s.text(row: 1).hasSuffix("▲"))
        #expect(s.text.contains("TOTAL 40,00 €"))
    }

    @Test func alarmsTakeARedBlinkingRowThatCannotBeMissed() {
        let (app, _) = connectedRegister(alarms: [["code": "journal_read_only", "message": "the journal is damaged", "active": true]])
        app.receive(.event(Event(name: "alarm", seq: 3, data: ["code": "paper_out", "message": "the receipt printer is out of paper", "active": true])))
        app.receive(.event(Event(name: "device.status", seq: 4,
                                 data: DeviceReply(id: "p", kind: "printer", state: "error", power: "online", status: ["paper_out"],
                                                   via: "simulator", model: nil).json)))
        var s = RegisterScreen.draw(app, width: 80, height: 25)
        // The alarm in the cashier's words, never its code.
        #expect(s.text(row: 1).contains("Journal read-only - the journal is damaged"))
        #expect(!s.text.contains("JOURNAL_READ_ONLY") && !s.text.contains("journal_read_only"))
        #expect(s.text(row: 2).contains("PAPER OUT - the receipt printer is out of paper"))
        #expect(s.cells[2][0].style == .alarm && Style.alarm.blink)
        #expect(s.text(row: 0).contains("Printer PAPER OUT"))
        app.receive(.event(Event(name: "alarm", seq: 5, data: ["code": "paper_out", "message": "", "active": false])))
        s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(!s.text.contains("PAPER OUT -"))
    }

    @Test func trainingModeIsUnmistakable() {
        let (app, _) = connectedRegister(training: true)
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text(row: 0).contains("TRAINING"))
        #expect(s.text(row: 1).contains("TRAINING MODE - NOT A REAL SALE"))
        #expect(s.cells[0][0].style == .training && s.cells[1][0].style == .training)
    }

    @Test func withoutKassadTheScreenSaysSoAndRefusesInput() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        app.disconnected()
        let before = kassad.requests.count
        type(app, "101\r")
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("NO CONNECTION TO KASSAD"))
        #expect(s.text.contains("No connection: input refused"))
        #expect(s.text(row: 0).contains("OFFLINE"))
        #expect(!s.text.contains("Kahvi"))
        #expect(kassad.requests.count == before)
    }

    @Test func finnishScreensComeFromTheFinnishTable() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]), config: ["language": "fi", "money_format": "finnish"])
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("YHTEENSÄ 2,90 €"))
        #expect(s.text.contains("Tuote") && s.text.contains("Määrä"))
        #expect(s.text(row: 0).contains("Vuoro 1"))
    }

    @Test func moneyIsFormattedAsConfigured() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Coffee", price: 123_450)]), config: ["language": "en", "money_format": "english"])
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("TOTAL €1,234.50"))
    }

    @Test func theHelpScreenListsEveryKeyOfTheSaleScreen() {
        let (app, _) = connectedRegister()
        app.handle(.function(1), now: 0)
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        for b in KeyBindings.sale { #expect(s.text.contains(b.keyNames), "\(b.keyNames) missing") }
        #expect(s.text.contains("1  Refund by receipt number"))
        app.handle(.character("x"), now: 0)
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Code: _"))
    }

    /// On 80×25 every explanation on the help screen is there whole, in both languages.
    @Test(arguments: Language.allCases)
    func theHelpScreenFitsEightyByTwentyFiveWithoutCuttingAnything(language: Language) {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]), config: ["language": .string(language.rawValue)])
        app.handle(.character("?"), now: 0)
        var s = RegisterScreen.draw(app, width: 80, height: 25)
        for b in KeyBindings.sale { #expect(s.text.contains(b.text(language)), "\(language): \(b.text(language))") }
        for item in KeyBindings.MenuItem.allCases { #expect(s.text.contains(item.text(language)), "\(language): \(item.text(language))") }
        app.handle(.escape, now: 0)
        app.handle(.function(2), now: 0)
        answer(app, kassad.last, sale([line(0, "Kahvi", price: 290)]))
        app.handle(.function(1), now: 0)
        s = RegisterScreen.draw(app, width: 80, height: 25)
        for b in KeyBindings.payment { #expect(s.text.contains(b.text(language)), "\(language): \(b.text(language))") }
    }

    @Test func aLargerTerminalIsUsedWhole() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        let s = RegisterScreen.draw(app, width: 132, height: 43)
        #expect(s.text(row: 0).count == 132)
        #expect(s.text(row: 42).contains("? help"))
        #expect(s.text(row: 41).contains("Code: _"))
    }
}

@Suite struct ScreenRendering {
    @Test func aFirstFrameClearsAndLaterFramesRewriteOnlyChangedRows() {
        var a = ScreenBuffer(width: 10, height: 3)
        a.put("hello", row: 0, column: 0)
        let first = String(decoding: a.render(over: nil), as: UTF8.self)
        #expect(first.contains("\u{1B}[2J") && first.contains("\u{1B}[1;1H") && first.contains("\u{1B}[3;1H"))
        var b = a
        b.put("x", row: 1, column: 2, style: .alarm)
        let second = String(decoding: b.render(over: a), as: UTF8.self)
        #expect(!second.contains("\u{1B}[2J") && !second.contains("\u{1B}[1;1H") && second.contains("\u{1B}[2;1H"))
        #expect(second.contains("\u{1B}[0;1;5;37;41m"))
    }

    @Test func onlySequencesTheLinuxConsoleKnowsAreWritten() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]), alarms: [["code": "paper_out", "message": "out", "active": true]])
        let bytes = RegisterScreen.draw(app, width: 80, height: 25).render(over: nil)
        let text = String(decoding: bytes, as: UTF8.self)
        // Every CSI ends in H (position), J (clear), m (colour) or is ?25l/h (cursor).
        var finals = Set<Character>()
        for piece in text.split(separator: "\u{1B}").dropFirst(text.hasPrefix("\u{1B}") ? 0 : 1) {
            #expect(piece.first == "[")
            if let end = piece.firstIndex(where: { $0.isLetter }) { finals.insert(piece[end]) }
        }
        #expect(finals.isSubset(of: ["H", "J", "m", "l", "h"]))
        #expect(text.contains("\u{1B}[?25l"))
    }

    @Test func controlCharactersFromDataNeverReachTheTerminal() {
        var s = ScreenBuffer(width: 20, height: 1)
        s.put("bad\u{1B}[2Jname", row: 0, column: 0)
        #expect(s.text == "bad?[2Jname")
    }
}

@Suite struct Redrawing {
    @Test func ctrlLAsksForAWholeNewScreen() {
        let (app, kassad) = connectedRegister()
        app.needsFullRedraw = false
        let before = kassad.requests.count
        app.handle(.control("l"), now: 0)
        #expect(app.needsFullRedraw)
        #expect(kassad.requests.count == before)
    }

    @Test func aRepaintWithoutClearingWritesEveryRowButDoesNotBlankTheScreen() {
        var s = ScreenBuffer(width: 10, height: 3)
        s.put("x", row: 2, column: 0)
        let text = String(decoding: s.render(over: nil, clear: false), as: UTF8.self)
        #expect(!text.contains("\u{1B}[2J"))
        #expect(text.contains("\u{1B}[1;1H") && text.contains("\u{1B}[2;1H") && text.contains("\u{1B}[3;1H"))
    }
}

@Suite struct Scrolling {
    @Test func pageUpAndPageDownScrollALongSaleByHand() {
        let (app, _) = connectedRegister(sale: sale((0..<40).map { line($0, "Item \($0)", price: 100) }))
        app.handle(.pageUp, now: 0)
        var s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(!s.text.contains("Item 39"))
        #expect(s.text.contains("Item 20 "))
        app.handle(.pageUp, now: 0)
        app.handle(.pageUp, now: 0)
        app.handle(.pageUp, now: 0)
        s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Item 0 "))
        for _ in 0..<6 { app.handle(.pageDown, now: 0) }
        s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Item 39"))
    }
}

@Suite struct OddSizes {
    /// A terminal split or shrunk below 80×25 gets a clipped screen, never a crash.
    @Test func everyScreenDrawsAtEverySizeFromOneByOne() {
        let lines = (0..<30).map { line($0, "Item \($0)", price: 100) }
        let (app, kassad) = connectedRegister(sale: sale(lines), alarms: [["code": "paper_out", "message": "out", "active": true],
                                                                         ["code": "drawer_open", "message": "open", "active": true]],
                                              training: true)
        let steps: [() -> Void] = [
            {},
            { app.handle(.function(1), now: 0) },
            { app.handle(.escape, now: 0); app.handle(.function(2), now: 0); answer(app, kassad.last, sale(lines)) },
            { app.handle(.escape, now: 0); app.handle(.function(9), now: 0) },
            { app.handle(.character("7"), now: 0); answer(app, kassad.last, ["text": .array((0..<40).map { .string("row \($0)") })]) },
            { app.handle(.escape, now: 0); app.handle(.function(9), now: 0); app.handle(.character("1"), now: 0) },
            { app.disconnected() },
        ]
        var modes: [String] = []
        for step in steps {
            step()
            modes.append("\(app.mode)".prefix(while: { $0 != "(" }).description)
            for width in [1, 2, 10, 40, 79, 80] {
                for height in 1...26 {
                    let s = RegisterScreen.draw(app, width: width, height: height)
                    #expect(s.width == width && s.height == height)
                }
            }
        }
        #expect(modes == ["sale", "help", "payment", "menu", "text", "prompt", "prompt"])
    }
}

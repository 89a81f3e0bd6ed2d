import KassaCore
import KassaIPC
import Testing
@testable import KassaRegisterUI

@Suite struct RegisterBehaviour {
    @Test func onConnectingItSubscribesAndReadsStatusWithTheScreensSettings() {
        // Nobody need be logged in: the language and money format come with `status`.
        let (app, kassad) = connectedRegister(config: ["language": "fi", "money_format": "finnish"])
        #expect(kassad.ops == ["subscribe", "status"])
        #expect(app.language == .fi)
        #expect(app.model.connection == .connected)
        if case .sale = app.mode {} else { Issue.record("logged in: the sale screen, not \(app.mode)") }
    }

    @Test func aPinLogsInAndTheSaleScreenFollows() {
        let (app, kassad) = connectedRegister(operator: nil)
        type(app, "1111\r")
        #expect(kassad.last.op == "login" && kassad.last.args["pin"] == "1111")
        #expect(kassad.last.idempotencyKey != nil)
        answer(app, kassad.last, ["operator": ["id": "anna", "name": "Anna", "role": "cashier"]])
        if case .sale = app.mode {} else { Issue.record("expected the sale screen") }
    }

    @Test func aQuantityBeforeTheCodeSellsThatMany() {
        let (app, kassad) = connectedRegister()
        type(app, "3*101\r")
        #expect(kassad.last.op == "sale.scan")
        #expect(kassad.last.args["code"] == "101" && kassad.last.args["quantity"] == 3)
        #expect(kassad.last.idempotencyKey != nil)
    }

    @Test func aWeighedItemAsksForItsWeightAndSellsAgainWithIt() {
        let (app, kassad) = connectedRegister()
        type(app, "20101\r")
        refuse(app, kassad.last, .weightRequired, "20101 is sold by weight: give its weight in grams")
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Weight in grams (20101): _"))
        type(app, "0,25\r")
        #expect(kassad.last.op == "sale.scan" && kassad.last.args["grams"] == 250 && kassad.last.args["quantity"] == nil)
    }

    @Test func ctrlCWithASaleOpenAsksBeforeQuitting() {
        let (app, _) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        app.handle(.control("c"), now: 0)
        #expect(!app.quitRequested)
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("A sale is open: quit the register anyway?"))
        app.handle(.escape, now: 0)
        #expect(!app.quitRequested)
        app.handle(.control("c"), now: 0)
        app.handle(.enter, now: 0)
        #expect(app.quitRequested)

        let (idle, _) = connectedRegister()
        idle.handle(.control("c"), now: 0)
        #expect(idle.quitRequested)
    }

    @Test func piecesOfAWeighedItemAskForItsWeightInstead() {
        let (app, kassad) = connectedRegister()
        type(app, "2*20101\r")
        #expect(kassad.last.args["quantity"] == 2)
        refuse(app, kassad.last, .weightRequired, "20101 is sold by weight: give its weight in grams")
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Weight in grams (20101): _"))
        type(app, "300\r")
        #expect(kassad.last.op == "sale.scan" && kassad.last.args["grams"] == 300 && kassad.last.args["quantity"] == nil)
    }

    @Test func whatTheCashiersRoleDoesNotAllowAsksForASupervisorPinAndGoesAgain() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        type(app, "50%")
        app.handle(.function(4), now: 0)
        #expect(kassad.last.op == "sale.discount_line" && kassad.last.args["percent_bp"] == 5000 && kassad.last.args["line"] == 0)
        refuse(app, kassad.last, .pinRequired, "a supervisor's PIN is needed")
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Supervisor PIN (a line discount): _"))
        type(app, "2222\r")
        #expect(kassad.last.op == "sale.discount_line" && kassad.last.args["override_pin"] == "2222")
        #expect(kassad.last.args["percent_bp"] == 5000)
    }

    @Test func keysTypedBeforeAnAnswerActOnTheStateThatAnswerBrings() {
        let (app, kassad) = connectedRegister()
        type(app, "101\r")
        app.handle(.function(7), now: 0)
        #expect(kassad.last.op == "sale.scan")
        answer(app, kassad.last, sale([line(0, "Kahvi", price: 290)]))
        #expect(kassad.last.op == "sale.park")
    }

    @Test func paymentOffersExactCashTheNextNoteAndCard() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", qty: 4, price: 290)]))
        app.handle(.function(2), now: 0)
        answer(app, kassad.last, sale([line(0, "Kahvi", qty: 4, price: 290)]))
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("x Exact 11,60 €") && s.text.contains("n Next note 20,00 €") && s.text.contains("k Card 11,60 €"))
        type(app, "5")
        app.handle(.character("k"), now: 0)
        #expect(kassad.last.op == "sale.tender" && kassad.last.args["kind"] == "card" && kassad.last.args["amount"] == 500)
        answer(app, kassad.last, ["sale": sale([line(0, "Kahvi", qty: 4, price: 290)], paid: 500)])
        app.handle(.character("n"), now: 0)
        #expect(kassad.last.args["kind"] == "cash" && kassad.last.args["amount"] == 1000)
        let receipt = ReceiptReply(receipt: 12, training: false, total: 1160, change: 340, rounding: 0,
                                   tenders: [Tender(kind: .card, amount: 500), Tender(kind: .cash, amount: 1000)], breakdown: [],
                                   vouchers: [], text: [])
        answer(app, kassad.last, ["completed": receipt.json])
        let done = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(done.text.contains("CHANGE 3,40 €"))
        #expect(done.text(row: 19).contains(BigText.rows("3,40")[0]))
    }

    /// A code typed (or a scanner without Enter) followed by `t` once became the cash tendered:
    /// "Paid 6400001000568,00 €".
    @Test func typedDigitsAreNeverMoney() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        type(app, "6400001000568")
        let asked = kassad.requests.count
        app.handle(.function(2), now: 0)
        #expect(kassad.requests.count == asked, "no sale.total with a code pending")
        #expect(screen(app).text.contains("A code is typed: Enter sells it, Esc clears it"))
        if case .sale = app.mode {} else { Issue.record("stays at the sale, not \(app.mode)") }
        // Cleared, the way to payment is open and nothing typed carries over.
        app.handle(.escape, now: 0)
        app.handle(.function(2), now: 0)
        #expect(kassad.last.op == "sale.total")
        answer(app, kassad.last, sale([line(0, "Kahvi", price: 290)]))
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "sale.tender" && kassad.last.args["amount"] == 290)
    }

    @Test func cashFarAboveWhatIsDueAsksFirst() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]),
                                              config: ["language": "en", "money_format": "finnish", "confirm_tender_over": "100.00"])
        app.handle(.function(2), now: 0)
        answer(app, kassad.last, sale([line(0, "Kahvi", price: 290)]))
        let asked = kassad.requests.count
        type(app, "50000\r")
        #expect(kassad.requests.count == asked, "nothing tendered before the cashier confirms")
        #expect(screen(app).text.contains("Cash tendered 50000,00 € for 2,90 € due?"))
        app.handle(.escape, now: 0)
        #expect(kassad.requests.count == asked)
        // Within the threshold it goes straight through; confirmed, so does the large one.
        type(app, "50\r")
        #expect(kassad.last.op == "sale.tender" && kassad.last.args["amount"] == 5000)
        answer(app, kassad.last, ["sale": sale([line(0, "Kahvi", price: 290)])])
        type(app, "500\r")
        #expect(kassad.last.op == "sale.tender" && kassad.last.args["amount"] == 5000)
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "sale.tender" && kassad.last.args["amount"] == 50000)
    }

    @Test func aThresholdOfZeroNeverAsks() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]),
                                              config: ["language": "en", "money_format": "finnish", "confirm_tender_over": "0"])
        app.handle(.function(2), now: 0)
        answer(app, kassad.last, sale([line(0, "Kahvi", price: 290)]))
        type(app, "500\r")
        #expect(kassad.last.op == "sale.tender" && kassad.last.args["amount"] == 50000)
    }

    @Test func theScreenLocksAfterTheConfiguredIdleTimeAndAPinUnlocksIt() {
        let (app, kassad) = connectedRegister(config: ["language": "en", "money_format": "finnish", "idle_lock": "60"])
        app.handle(.character("1"), now: 1_000)
        app.tick(now: 50_000)
        if case .sale = app.mode {} else { Issue.record("locked too early") }
        app.tick(now: 61_000)
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Enter a PIN to unlock"))
        type(app, "1111\r", now: 62_000)
        #expect(kassad.last.op == "login")
        answer(app, kassad.last, ["operator": ["id": "anna", "name": "Anna", "role": "cashier"]])
        if case .sale = app.mode {} else { Issue.record("unlocked to the sale") }
    }

    @Test func aLogoutElsewhereReturnsToTheLoginScreen() {
        let (app, _) = connectedRegister()
        app.receive(.event(Event(name: "operator.changed", seq: 9, data: ["operator": .null])))
        if case .login = app.mode {} else { Issue.record("expected the login screen") }
    }

    @Test func aGapInEventsReadsTheWholeStateAgain() {
        let (app, kassad) = connectedRegister()
        app.receive(.gap(Gap(first: 3, last: 9)))
        #expect(kassad.last.op == "status")
    }

    @Test func refundAsksReceiptLinesAndTenderInTurn() {
        let (app, kassad) = connectedRegister()
        app.handle(.function(9), now: 0)
        app.handle(.character("1"), now: 0)
        type(app, "12\r")
        #expect(kassad.last.op == "receipt.get" && kassad.last.args["receipt"] == 12)
        answer(app, kassad.last, ["receipt": 12, "total": 1070,
                                  "lines": [["name": "Kahvi", "unit": "piece", "quantity": 3, "unit_price": 290, "voided": false],
                                            ["name": "Pulla", "unit": "piece", "quantity": 1, "unit_price": 250, "voided": true],
                                            ["name": "Tee", "unit": "piece", "quantity": 1, "unit_price": 280, "voided": false]],
                                  "priced": [["gross": 870], .null, ["gross": 200]]])
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Receipt 12"))
        let tee = s.text(row: s.row(containing: "Tee")!)
        #expect(tee.hasPrefix("    3  Tee") && tee.contains("2,00 €"))
        #expect(s.text(row: s.row(containing: "Pulla")!).contains("VOID"))
        #expect(s.text.contains("Lines to refund"))
        type(app, "2 1*3\r")
        // What will be paid back, as kassad prices it, comes before the tender and any PIN.
        #expect(kassad.last.op == "refund.preview" && kassad.last.args["receipt"] == 12)
        #expect(kassad.last.args["lines"] == [["line": 1, "quantity": 1], ["line": 0, "quantity": 3]])
        answer(app, kassad.last, ["total": 1070, "lines": [["line": 0, "name": "Kahvi", "quantity": 3, "gross": 870],
                                                           ["line": 2, "name": "Tee", "quantity": 1, "gross": 200]]])
        let preview = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(preview.text.contains("To pay back 10,70 €. Enter as paid, c cash, k card, v store credit"))
        #expect(preview.text(row: preview.row(containing: "  Kahvi")!).contains("8,70 €"))
        app.handle(.character("k"), now: 0)
        #expect(kassad.last.op == "refund" && kassad.last.args["receipt"] == 12 && kassad.last.args["tender"] == "card")
        #expect(kassad.last.args["lines"] == [["line": 1, "quantity": 1], ["line": 0, "quantity": 3]])
    }

    @Test func aRefundToStoreCreditShowsTheNewVouchersCode() {
        let (app, kassad) = connectedRegister()
        app.handle(.function(9), now: 0)
        app.handle(.character("1"), now: 0)
        type(app, "3\r")
        answer(app, kassad.last, ["receipt": 3, "total": 290, "lines": [["name": "Kahvi", "unit": "piece", "quantity": 1,
                                                                         "unit_price": 290, "voided": false]],
                                  "priced": [["gross": 290]]])
        type(app, "1\r")
        answer(app, kassad.last, ["total": 290, "lines": [["line": 0, "name": "Kahvi", "quantity": 1, "gross": 290]]])
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("v store credit"))
        app.handle(.character("v"), now: 0)
        #expect(kassad.last.op == "refund" && kassad.last.args["tender"] == "voucher")
        answer(app, kassad.last, ["refund": 4, "total": 290, "paid_out": 290, "text": [],
                                  "voucher": ["code": "V-TILL-1-0001-K", "kind": "store_credit", "balance": 290]])
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Refund R4: paid out 2,90 € · store credit V-TILL-1-0001-K"))
    }

    @Test func aCustomerWithoutTheirCardIsFoundByPhoneOrNameAndPutOnTheSale() {
        let (app, kassad) = connectedRegister()
        app.handle(.function(9), now: 0)
        app.handle(.character("c"), now: 0)
        type(app, "040 123 4567\r")
        #expect(kassad.last.op == "customer.find" && kassad.last.args["phone"] == "040 123 4567")
        answer(app, kassad.last, ["customers": [["id": 7, "name": "Maija Meikäläinen", "phone": "0401234567", "points": 120]],
                                  "more": false])
        #expect(kassad.last.op == "sale.customer" && kassad.last.args["customer"] == 7 && kassad.last.idempotencyKey != nil)
        answer(app, kassad.last, ["id": 1])
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Customer on the sale: Maija Meikäläinen"))

        // By name, several found: the cashier picks one.
        app.handle(.function(9), now: 0)
        app.handle(.character("c"), now: 0)
        type(app, "virtanen\r")
        #expect(kassad.last.op == "customer.find" && kassad.last.args["name"] == "virtanen")
        answer(app, kassad.last, ["customers": [["id": 3, "name": "Aino Virtanen", "points": 0],
                                                ["id": 9, "name": "Eino Virtanen", "points": 40]], "more": false])
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.contains("Which customer?") && s.text.contains("Eino Virtanen  40 p"))
        app.handle(.character("2"), now: 0)
        #expect(kassad.last.op == "sale.customer" && kassad.last.args["customer"] == 9)
        answer(app, kassad.last, ["id": 1])

        // Nobody found says so and sends nothing more.
        app.handle(.function(9), now: 0)
        app.handle(.character("c"), now: 0)
        type(app, "nobody\r")
        let asked = kassad.requests.count
        answer(app, kassad.last, ["customers": [], "more": false])
        #expect(kassad.requests.count == asked)
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("No such customer"))
    }

    @Test func theCustomersPointsAreRedeemedFromTheMenu() {
        let (app, kassad) = connectedRegister()
        app.handle(.function(9), now: 0)
        app.handle(.character("p"), now: 0)
        type(app, "500\r")
        #expect(kassad.last.op == "sale.redeem_points" && kassad.last.args["points"] == 500)
        answer(app, kassad.last, ["id": 1])
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Points redeemed: 500"))
    }

    @Test func aGiftVoucherIsSoldFromTheMenuByItsValue() {
        let (app, kassad) = connectedRegister()
        app.handle(.function(9), now: 0)
        app.handle(.character("g"), now: 0)
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Gift voucher value"))
        type(app, "25\r")
        #expect(kassad.last.op == "sale.sell_voucher" && kassad.last.args["amount"] == 2500)
        #expect(kassad.last.idempotencyKey != nil)
        answer(app, kassad.last, ["id": 1])
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Gift voucher added: 25,00 €"))
    }
}

@Suite struct LineSelection {
    @Test func actionsApplyToTheSelectedLineAndAfterAVoidToTheLastLiveOne() {
        let lines = [line(0, "Kahvi", price: 290), line(1, "Tee", price: 280)]
        let (app, kassad) = connectedRegister(sale: sale(lines))
        #expect(app.model.targetLine == 1)
        app.handle(.up, now: 0)
        #expect(app.model.targetLine == 0)
        app.handle(.function(3), now: 0)
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "sale.void_line" && kassad.last.args["line"] == 0)
        answer(app, kassad.last, sale([line(0, "Kahvi", price: 290, voided: true), line(1, "Tee", price: 280)]))
        #expect(app.model.targetLine == 1)
    }
}

@Suite struct IdleLock {
    @Test func scansFromKassadsOwnScannerKeepTheScreenUnlocked() {
        let (app, _) = connectedRegister(config: ["language": "en", "money_format": "finnish", "idle_lock": "60"])
        app.handle(.character("1"), now: 0)
        app.receive(.event(Event(name: "sale.changed", seq: 5, data: sale([line(0, "Kahvi", price: 290)]))))
        app.tick(now: 50_000)
        app.tick(now: 100_000)
        if case .sale = app.mode {} else { Issue.record("a scan 50 s ago must not lock a 60 s idle lock") }
        app.tick(now: 111_000)
        if case .locked = app.mode {} else { Issue.record("60 s after the scan it locks") }
    }
}

@Suite struct Refusals {
    @Test func aRefusalIsHeadedInTheRegistersLanguageBeforeKassadsWords() {
        let (app, kassad) = connectedRegister(config: ["language": "fi", "money_format": "finnish"])
        type(app, "999\r")
        refuse(app, kassad.last, .notFound, "no item with code 999")
        #expect(RegisterScreen.draw(app, width: 80, height: 25).text.contains("Ei löydy: no item with code 999"))
        #expect(app.message?.isError == true)
    }
}

@Suite struct GreetingCheck {
    @Test func aKassadOfAnotherProtocolVersionIsNotSpokenTo() {
        let app = RegisterApp(makeKey: { "key" })
        let kassad = FakeKassad()
        app.connected(kassad)
        app.receive(.greeting(Greeting(serverVersion: "9", protocolVersion: 2, capabilities: [])))
        #expect(kassad.requests.isEmpty)
        #expect(app.model.connection != .connected)
        let screen = RegisterScreen.draw(app, width: 80, height: 25).text
        #expect(screen.contains("NO CONNECTION TO KASSAD") && screen.contains("Error: kassad protocol 2"))
    }
}

import KassaCore
import KassaIPC
import Testing
@testable import KassaRegisterUI

/// An item as `catalog.search` and `catalog.quick_keys` answer with it.
private func item(_ id: String, _ name: String, price: Int64, plu: String, weighed: Bool = false) -> JSONValue {
    ["id": .string(id), "name": .string(name), "department": "", "price": .int(price), "tax_class": "A",
     "unit": weighed ? "weight" : "piece", "barcodes": [], "plus": [.string(plu)]]
}

@Suite struct FindingAnItemWithoutItsBarcode {
    @Test func lettersTypedInTheCodeFieldSearchByNameAndTheChosenItemIsSold() {
        let (app, kassad) = connectedRegister()
        type(app, "kah\r")
        #expect(kassad.last.op == "catalog.search" && kassad.last.args["query"] == "kah")
        answer(app, kassad.last, ["items": [item("1", "Kahvi tumma", price: 490, plu: "101"), item("3", "Musta kahvi", price: 250, plu: "103")]])
        let s = screen(app)
        #expect(s.text.contains("Items named kah"))
        #expect(s.text.contains("Musta kahvi") && s.text.contains("2,50 €") && s.text.contains("103"))
        // The arrow keys move, Enter sells the one chosen.
        app.handle(.down, now: 0)
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "sale.add" && kassad.last.args["item"] == "3" && kassad.last.args["quantity"] == 1)
        answer(app, kassad.last, sale([line(0, "Musta kahvi", price: 250)]))
        if case .sale = app.mode {} else { Issue.record("back at the sale, not \(app.mode)") }
    }

    @Test func aQuantityBeforeTheNameSellsThatManyAndAWeighedItemAsksItsWeight() {
        let (app, kassad) = connectedRegister()
        type(app, "3*tee\r")
        #expect(kassad.last.args["query"] == "tee")
        answer(app, kassad.last, ["items": [item("5", "Tee", price: 199, plu: "105")]])
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "sale.add" && kassad.last.args["quantity"] == 3)
        answer(app, kassad.last, sale([line(0, "Tee", qty: 3, price: 199)]))
        type(app, "banaani\r")
        answer(app, kassad.last, ["items": [item("20001", "Banaani", price: 199, plu: "20001", weighed: true)]])
        app.handle(.character("1"), now: 0)
        #expect(screen(app).text.contains("Weight in grams (Banaani)"))
        type(app, "0,85\r")
        #expect(kassad.last.op == "sale.add" && kassad.last.args["item"] == "20001" && kassad.last.args["quantity"] == 850)
    }

    @Test func aNameNothingHasSoundsTheBellAndSaysSo() {
        let (app, kassad) = connectedRegister()
        type(app, "olut\r")
        answer(app, kassad.last, ["items": []])
        #expect(app.bellPending)
        #expect(screen(app).text.contains("No item's name contains olut"))
        if case .sale = app.mode {} else { Issue.record("stays at the sale, not \(app.mode)") }
    }

    @Test func enterOnAnEmptyCodeFieldShowsTheShopsQuickKeys() {
        let (app, kassad) = connectedRegister()
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "catalog.quick_keys")
        answer(app, kassad.last, ["items": [item("1", "Kahvi", price: 290, plu: "101"), item("2", "Pulla", price: 350, plu: "102")],
                                  "missing": []])
        let s = screen(app)
        #expect(s.text.contains("Quick keys") && s.text.contains("2  Pulla"))
        app.handle(.character("2"), now: 0)
        #expect(kassad.last.op == "sale.add" && kassad.last.args["item"] == "2")
    }

    @Test func withoutQuickKeysTheSettingIsNamed() {
        let (app, kassad) = connectedRegister()
        app.handle(.enter, now: 0)
        answer(app, kassad.last, ["items": [], "missing": ["999"]])
        #expect(screen(app).text.contains("No quick keys: the quick_keys setting lists them"))
    }
}

@Suite struct TheCodeField {
    /// Typing "kahvi" once voided the last line through its `v`.
    @Test func lettersTypedThereNeverActAsCommands() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Tee", price: 199)]))
        let before = kassad.requests.count
        type(app, "kahvi vadelma")
        #expect(kassad.requests.count == before, "no request for any letter: \(kassad.ops.suffix(3))")
        #expect(app.entry == "kahvi vadelma")
        if case .sale = app.mode {} else { Issue.record("still the sale, not \(app.mode)") }
        // Every letter of the alphabet, on an empty field too.
        app.handle(.escape, now: 0)
        type(app, "abcdefghijklmnopqrstuvwxyzåäö")
        #expect(kassad.requests.count == before)
        #expect(app.entry == "abcdefghijklmnopqrstuvwxyzåäö")
    }

    @Test func voidAsksFirstAndEscLeavesTheLine() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        let before = kassad.requests.count
        app.handle(.function(3), now: 0)
        #expect(kassad.requests.count == before)
        #expect(screen(app).text.contains("Void line 1 Kahvi? Enter yes, Esc no"))
        app.handle(.escape, now: 0)
        #expect(kassad.requests.count == before)
        app.handle(.function(3), now: 0)
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "sale.void_line" && kassad.last.args["line"] == 0)
    }

    @Test func anUnknownCodeSoundsTheBell() {
        let (app, kassad) = connectedRegister()
        type(app, "999\r")
        #expect(!app.bellPending)
        refuse(app, kassad.last, .notFound, "no item with code 999")
        #expect(app.bellPending)
    }
}

@Suite struct ChangingALinesQuantity {
    @Test func aQuantityTypedThenF12ChangesTheSelectedLine() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290), line(1, "Tee", price: 199)]))
        app.handle(.up, now: 0)
        type(app, "4")
        app.handle(.function(12), now: 0)
        #expect(kassad.last.op == "sale.set_quantity" && kassad.last.args["line"] == 0 && kassad.last.args["quantity"] == 4)
        answer(app, kassad.last, sale([line(0, "Kahvi", qty: 4, price: 290), line(1, "Tee", price: 199)]))
        #expect(app.model.sale?.lines[0].quantity == 4)
    }

    @Test func f12AloneAsksForTheQuantityNamingTheLine() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]))
        app.handle(.function(12), now: 0)
        #expect(screen(app).text.contains("New quantity (1 Kahvi): _"))
        type(app, "0\r")
        #expect(kassad.last.op != "sale.set_quantity")
        #expect(app.message?.isError == true)
        app.handle(.function(12), now: 0)
        type(app, "2\r")
        #expect(kassad.last.op == "sale.set_quantity" && kassad.last.args["quantity"] == 2)
    }
}

@Suite struct SettingsWhileRunning {
    @Test func aChangedSettingIsReadAgainAndTheScreenFollowsWithoutARestart() {
        let (app, kassad) = connectedRegister(config: ["language": "en", "money_format": "finnish", "idle_lock": "0"])
        #expect(app.language == .en && app.idleLockSeconds == nil)
        app.receive(.event(Event(name: "config.changed", seq: 9, data: ["key": "language"])))
        #expect(kassad.last.op == "status")
        answer(app, kassad.last, status(config: ["language": "fi", "money_format": "finnish", "idle_lock": "60"]))
        #expect(app.language == .fi && app.idleLockSeconds == 60)
        #expect(screen(app).text.contains("F2 maksu"))
    }
}

import KassaCore
import KassaIPC
import Testing
@testable import KassaRegisterUI

/// The screen in Finnish says everything in Finnish: no role, alarm code or operation name as it
/// is on the wire reaches a cashier.
@Suite struct FinnishScreen {
    @Test func rolesAreWordsInTheRegistersLanguage() {
        for (role, fi) in [("cashier", "myyjä"), ("supervisor", "esimies"), ("technician", "teknikko")] {
            let (app, _) = connectedRegister(role: role, config: ["language": "fi", "money_format": "finnish"])
            let top = screen(app).text(row: 0)
            #expect(top.contains("Anna (\(fi))") && !top.contains(role), "\(top)")
        }
        #expect(Role.allCases.allSatisfy { Language.fi.role($0.rawValue) != Language.en.role($0.rawValue) })
    }

    @Test func anAlarmIsInFinnishWordsWithoutItsCodeOrKassadsEnglish() {
        let (app, _) = connectedRegister(config: ["language": "fi", "money_format": "finnish"])
        app.receive(.event(Event(name: "alarm", seq: 3, data: ["code": "low_stock", "message": "2 items to reorder", "active": true])))
        let s = screen(app)
        #expect(s.text(row: 1).contains("!! Varasto vähissä"))
        #expect(!s.text.contains("low_stock") && !s.text.contains("LOW_STOCK") && !s.text.contains("to reorder"))
    }

    @Test func everyAlarmCodeKassadRaisesHasWordsInBothLanguages() {
        let codes = ["clock_behind", "journal_read_only", "disk_low", "pin_guessing", "printer_offline", "paper_out", "cover_open",
                     "drawer_open", "drawer_not_opened", "low_stock"]
        for code in codes {
            #expect(Language.en.alarm(code) != Language.en.alarm(""), "\(code)")
            #expect(Language.fi.alarm(code) != Language.en.alarm(code), "\(code)")
        }
    }

    @Test func aSupervisorsPinPromptSaysWhatItIsFor() {
        let (app, kassad) = connectedRegister(sale: sale([line(0, "Kahvi", price: 290)]),
                                              config: ["language": "fi", "money_format": "finnish"])
        app.handle(.function(8), now: 0)
        app.handle(.enter, now: 0)
        refuse(app, kassad.last, .pinRequired, "cancelling after total needs a supervisor")
        #expect(screen(app).text.contains("Esimiehen PIN (summatun myynnin peruminen): _"))
        // Whatever the operation, the prompt names a purpose, never the operation's name.
        for op in Op.allCases {
            for language in Language.allCases { #expect(!language.purpose(op).contains("."), "\(op.name)") }
        }
    }

    /// Every refusal heading is a word of the register's language, not the code on the wire.
    @Test func everyRefusalCodeHasAHeadingInBothLanguages() {
        for code in ErrorCode.allCases {
            let en = Texts.english.heading(code), fi = Texts.finnish.heading(code)
            #expect(!en.isEmpty && !fi.isEmpty && en != fi && !fi.contains("_") && !en.contains(code.rawValue), "\(code)")
        }
    }

    @Test(arguments: Language.allCases)
    func theScreensFitEightyByTwentyFiveWithTheHintsWhole(language: Language) {
        let lines = (0..<30).map { line($0, "Erittäin pitkä tuotenimi numero \($0) joka ei mahdu", qty: 12, price: 123_456) }
        let (app, kassad) = connectedRegister(sale: sale(lines), config: ["language": .string(language.rawValue), "money_format": "finnish"])
        var s = screen(app)
        #expect(s.text(row: 24).contains(language.texts.hintSale))
        #expect(s.text.contains("YHTEENSÄ") == (language == .fi))
        app.handle(.function(2), now: 0)
        answer(app, kassad.last, sale(lines))
        s = screen(app)
        #expect(s.text(row: 24).contains(language.texts.hintPayment))
        #expect(s.text.contains(language.texts.tenderHint))
        app.handle(.escape, now: 0)
        app.handle(.function(9), now: 0)
        s = screen(app)
        for item in KeyBindings.MenuItem.allCases { #expect(s.text.contains(item.text(language)), "\(item.text(language))") }
    }
}

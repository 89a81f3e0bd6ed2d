import Testing
@testable import KassaRegisterUI

/// The words of the report, period and time clock choices, in one language, in one order.
func optionTexts(_ language: Language) -> [String] {
    ReportKind.allCases.map { $0.text(language) } + ReportPeriod.offered.map { $0.text(language) }
        + ClockPunch.allCases.flatMap { [$0.text(language), $0.done(language)] }
}

/// All texts of a table, by field name (reflection keeps the test in step with the struct).
private func all(_ t: Texts) -> [(String, String)] {
    Mirror(reflecting: t).children.compactMap { c in (c.value as? String).map { (c.label ?? "?", $0) } }
}

@Suite struct TextTables {
    @Test func everyTextIsThereInEnglishAndFinnish() {
        for language in Language.allCases {
            let texts = all(language.texts)
            #expect(texts.count > 60)
            for (name, text) in texts { #expect(!text.isEmpty, "\(language) \(name)") }
        }
    }

    @Test func finnishIsReallyFinnish() {
        let en = Texts.english, fi = Texts.finnish
        #expect(fi.total == "YHTEENSÄ" && en.total == "TOTAL")
        #expect(fi.change == "VAIHTORAHA" && en.change == "CHANGE")
        let same = zip(all(en), all(fi)).filter { $0.1 == $1.1 }.map(\.0.0)
        // Only words that are the same in both languages.
        #expect(Set(same).isSubset(of: ["ok", "pin"]), "untranslated: \(same)")
    }

    @Test func keyHintsAndBannersFitAnEightyColumnConsole() {
        for language in Language.allCases {
            let t = language.texts
            for line in [t.trainingBanner, t.disconnected, t.tenderHint] {
                #expect(line.count + 1 <= RegisterScreen.minimumWidth, "\(language): \(line)")
            }
            // Hints sit on the bottom row after a space, whose last cell is never written.
            for line in [t.hintSale, t.hintPayment, t.hintLogin, t.hintOther, t.chooseHint, t.stockHint] {
                #expect(line.count + 2 <= RegisterScreen.minimumWidth, "\(language): \(line)")
            }
        }
    }

    @Test func everyKeyOfTheHelpScreenIsExplainedInBothLanguages() {
        for b in KeyBindings.sale + KeyBindings.payment {
            #expect(!b.english.isEmpty && !b.finnish.isEmpty && b.english != b.finnish, "\(b.keyNames)")
        }
        for item in KeyBindings.MenuItem.allCases { #expect(item.text(.en) != item.text(.fi)) }
    }

    @Test func everyChoiceOfTheReportAndTimeClockScreensIsInBothLanguages() {
        for (en, fi) in zip(optionTexts(.en), optionTexts(.fi)) {
            #expect(!en.isEmpty && !fi.isEmpty && en != fi, "\(en)")
        }
    }

    /// For keyboards without function keys: on the sale screen a Ctrl key, as a letter there is
    /// typed into the code field; on the payment screen, which takes only an amount, a letter.
    @Test func everySaleActionHasAKeyBesidesItsFunctionKey() {
        for b in KeyBindings.sale + KeyBindings.payment where b.keys.contains(where: { if case .function = $0 { return true }; return false }) {
            #expect(b.keys.contains { switch $0 { case .character, .control: return true; default: return false } },
                    "\(b.action) needs a plain key")
        }
    }

    @Test func noLetterIsAKeyOfTheSaleScreen() {
        for b in KeyBindings.sale {
            for case .character(let c) in b.keys { #expect(!c.isLetter, "\(b.action): \(c)") }
        }
    }
}

/// The Linux console draws from a font of at most 512 glyphs: ASCII, Latin-1, €, and the line
/// and block characters the layout uses. Anything else would show as a blank or a diamond.
@Suite struct ConsoleGlyphs {
    static let layoutGlyphs: Set<Character> = ["€", "│", "─", "▲", "▼", "█", "▀", "▄", "↑", "↓", "·"]

    static func drawable(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) || (0xA0...0xFF).contains($0.value) } || layoutGlyphs.contains(c)
    }

    @Test func everyTextAndGlyphTheRegisterShowsIsInTheConsoleFont() {
        var texts: [String] = []
        for language in Language.allCases {
            texts += Mirror(reflecting: language.texts).children.compactMap { $0.value as? String }
            texts += (KeyBindings.sale + KeyBindings.payment).map { $0.text(language) + $0.keyNames }
            texts += KeyBindings.MenuItem.allCases.map { $0.text(language) }
            texts += optionTexts(language) + language.texts.weekdays
        }
        texts += BigText.glyphs.values.flatMap { $0 }
        for text in texts {
            #expect(text.allSatisfy(Self.drawable), "not in the console font: \(text)")
        }
    }

    @Test func aWholeScreenUsesOnlyDrawableCharacters() {
        let (app, _) = connectedRegister(sale: sale((0..<30).map { line($0, "Item \($0)", price: 100) }),
                                         alarms: [["code": "paper_out", "message": "out of paper", "active": true]], training: true)
        let s = RegisterScreen.draw(app, width: 80, height: 25)
        #expect(s.text.allSatisfy { $0 == "\n" || Self.drawable($0) })
    }
}

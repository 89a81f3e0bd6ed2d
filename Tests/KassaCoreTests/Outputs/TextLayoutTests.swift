import Testing
@testable import KassaCore

@Suite struct TextLayoutTests {
    let decomposedE = "e\u{301}"

    @Test func widthCountsScalarsButNotCombiningMarks() {
        #expect(TextLayout.width("") == 0)
        #expect(TextLayout.width("Kahvi") == 5)
        #expect(TextLayout.width("Päärynä") == 7)
        #expect(TextLayout.width("Cafe\u{301}") == 4)
        #expect(TextLayout.width("3,50 €") == 6)
        #expect(TextLayout.width("a\u{20DD}") == 1)  // enclosing mark
    }

    @Test func truncateKeepsAPrefixThatFitsAndCombiningMarksWithTheirBase() {
        #expect(TextLayout.truncate("Korvapuusti", to: 5) == "Korva")
        #expect(TextLayout.truncate("Cafe\u{301} latte", to: 4) == "Cafe\u{301}")
        #expect(TextLayout.truncate("Cafe\u{301} latte", to: 3) == "Caf")
        #expect(TextLayout.truncate("Tee", to: 10) == "Tee")
        #expect(TextLayout.truncate("Tee", to: 0) == "")
    }

    @Test func padFillsOrCutsToExactlyTheColumns() {
        #expect(TextLayout.pad("Tee", to: 6) == "Tee   ")
        #expect(TextLayout.pad("Tee", to: 6, alignment: .right) == "   Tee")
        #expect(TextLayout.pad("Tee", to: 6, alignment: .center) == " Tee  ")
        #expect(TextLayout.pad("Korvapuusti", to: 6, alignment: .right) == "Korvap")
        #expect(TextLayout.pad(decomposedE, to: 3) == decomposedE + "  ")
    }

    @Test func centerPutsAnOddLeftoverSpaceOnTheRight() {
        #expect(TextLayout.center("KUITTI", in: 10) == "  KUITTI  ")
        #expect(TextLayout.center("KUITTI", in: 11) == "  KUITTI   ")
        #expect(TextLayout.center("KUITTI", in: 4) == "KUIT")
    }

    @Test func leftRightLineFillsTheWidthWithTheRightTextFlushRight() {
        #expect(TextLayout.leftRight("Kahvi", "3,50 €", columns: 22) == "Kahvi           3,50 €")
    }

    @Test func leftRightLineTruncatesTheLeftTextAndKeepsOneSpace() {
        let line = TextLayout.leftRight("Tuorepuristettu appelsiinimehu", "4,90 €", columns: 20)
        #expect(line == "Tuorepuristet 4,90 €")
        #expect(TextLayout.width(line) == 20)
        #expect(TextLayout.leftRight("Cafe\u{301} latte", "4,50", columns: 9) == "Cafe\u{301} 4,50")
    }

    @Test func leftRightLineNeverExceedsTheWidthEvenWhenTheRightTextDoes() {
        #expect(TextLayout.leftRight("Kahvi", "12345,00 €", columns: 8) == "12345,00")
        #expect(TextLayout.leftRight("Kahvi", "1234,00", columns: 8) == " 1234,00")
        for columns in 1...30 {
            #expect(TextLayout.width(TextLayout.leftRight("Mustikkapiirakka, pala", "4,50 €", columns: columns)) == columns)
        }
    }

    @Test func wrapBreaksAtSpacesWithinTheWidth() {
        #expect(TextLayout.wrap("Kiitos käynnistä ja tervetuloa uudelleen", columns: 16)
            == ["Kiitos käynnistä", "ja tervetuloa", "uudelleen"])
        #expect(TextLayout.wrap("a  b   c", columns: 10) == ["a b c"])
    }

    @Test func wrapCutsAWordLongerThanALine() {
        #expect(TextLayout.wrap("Lentokonesuihkuturbiinimoottoriapumekaanikko on", columns: 10)
            == ["Lentokones", "uihkuturbi", "inimoottor", "iapumekaan", "ikko on"])
    }

    @Test func wrapKeepsNewlinesAndBlankLines() {
        #expect(TextLayout.wrap("Kassa Oy\n\nY-tunnus 1234567-8", columns: 32) == ["Kassa Oy", "", "Y-tunnus 1234567-8"])
        #expect(TextLayout.wrap("a\r\nb", columns: 5) == ["a", "b"])
        #expect(TextLayout.wrap("", columns: 5) == [""])
    }

    @Test func wrappedLinesNeverExceedTheWidth() {
        let text = "Palautusoikeus 14 päivää kuittia vastaan. Alennustuotteilla ei palautusoikeutta. Cafe\u{301} avoinna ma–pe 7–18."
        for columns in 1...48 {
            #expect(TextLayout.wrap(text, columns: columns).allSatisfy { TextLayout.width($0) <= columns })
        }
    }
}

import Testing
@testable import KassaCore

@Suite struct MoneyParseTests {
    @Test func moneyParseReadsDotOrCommaDecimals() throws {
        #expect(try Money.parse("12.50").minor == 1250)
        #expect(try Money.parse("12,5").minor == 1250)
        #expect(try Money.parse("12").minor == 1200)
        #expect(try Money.parse(".5").minor == 50)
        #expect(try Money.parse("  3.05\t").minor == 305)
    }

    @Test func moneyParseReadsSigns() throws {
        #expect(try Money.parse("-0.05").minor == -5)
        #expect(try Money.parse("+7").minor == 700)
    }

    @Test func moneyParseRejectsMoreDecimalsThanTheCurrencyHas() {
        #expect(throws: MoneyError.invalidAmount("12.345")) { try Money.parse("12.345") }
        #expect(throws: MoneyError.invalidAmount("5.0")) { try Money.parse("5.0", currency: .JPY) }
        #expect(throws: MoneyError.invalidAmount("1.2345")) { try Money.parse("1.2345", currency: .KWD) }
    }

    @Test(arguments: ["", "-", ".", "1.2.3", "abc", "1 000", "12€", "--1", "1e3", "١٢"])
    func moneyParseRejectsTextThatIsNotADecimalAmount(_ text: String) {
        #expect(throws: MoneyError.invalidAmount(text)) { try Money.parse(text) }
    }

    @Test func moneyParseScalesToTheCurrencysMinorUnits() throws {
        #expect(try Money.parse("1200", currency: .JPY) == Money(minor: 1200, currency: .JPY))
        #expect(try Money.parse("1.234", currency: .KWD) == Money(minor: 1234, currency: .KWD))
        #expect(try Money.parse("1.5", currency: .KWD).minor == 1500)
    }

    @Test func moneyParseOfAnAmountBeyondInt64IsOverflowNotATrap() throws {
        #expect(try Money.parse("92233720368547758.07").minor == Int64.max)
        #expect(throws: MoneyError.overflow) { try Money.parse("92233720368547758.08") }
        #expect(throws: MoneyError.overflow) { try Money.parse("99999999999999999999999") }
    }
}

@Suite struct MoneyArithmeticTests {
    let max = Money(minor: .max)
    let min = Money(minor: .min)

    @Test func checkedArithmeticThrowsOverflowInsteadOfTrapping() {
        #expect(throws: MoneyError.overflow) { try max.adding(Money(minor: 1)) }
        #expect(throws: MoneyError.overflow) { try min.subtracting(Money(minor: 1)) }
        #expect(throws: MoneyError.overflow) { try max.multiplied(by: 2) }
        #expect(throws: MoneyError.overflow) { try min.negated() }
        #expect(throws: MoneyError.overflow) { try Checked.multiply(.min, -1) }
    }

    @Test func arithmeticWithinRangeIsExact() throws {
        #expect(try Money(minor: 1250).adding(Money(minor: 5)).minor == 1255)
        #expect(try Money(minor: 5).subtracting(Money(minor: 1250)).minor == -1245)
        #expect(try Money(minor: 350).multiplied(by: 3).minor == 1050)
        #expect(try Money(minor: -5).negated().minor == 5)
    }

    @Test func addingDifferentCurrenciesIsRefused() {
        #expect(throws: MoneyError.currencyMismatch(.EUR, .SEK)) {
            try Money(minor: 1).adding(Money(minor: 1, currency: .SEK))
        }
    }

    @Test func mulDivRoundsHalfAwayFromZero() throws {
        #expect(try Checked.mulDiv(5, 1, 2) == 3)
        #expect(try Checked.mulDiv(7, 1, 2) == 4)
        #expect(try Checked.mulDiv(1, 1, 3) == 0)
        #expect(try Checked.mulDiv(2, 1, 3) == 1)
        #expect(try Checked.mulDiv(1000, 2550, 12550) == 203)  // VAT in 10,00 € at 25.5 %: 2,0318…
    }

    @Test func mulDivRoundsNegativesHalfAwayFromZero() throws {
        #expect(try Checked.mulDiv(-5, 1, 2) == -3)
        #expect(try Checked.mulDiv(5, -1, 2) == -3)
        #expect(try Checked.mulDiv(-5, -1, 2) == 3)
        #expect(try Checked.mulDiv(-1, 1, 3) == 0)
        #expect(try Checked.mulDiv(-2, 1, 3) == -1)
    }

    @Test func mulDivKeepsTheFull128BitProduct() throws {
        #expect(try Checked.mulDiv(.max, .max, .max) == .max)
        #expect(try Checked.mulDiv(4_000_000_000_000_000_000, 4, 8) == 2_000_000_000_000_000_000)
        #expect(try Checked.mulDiv(.min + 1, .max, .max) == .min + 1)
    }

    @Test func mulDivOfAResultBeyondInt64IsOverflow() {
        #expect(throws: MoneyError.overflow) { try Checked.mulDiv(.max, 2, 1) }
        #expect(throws: MoneyError.overflow) { try Checked.mulDiv(.max, .max, 1) }
    }

    @Test func mulDivWhoseQuotientFillsUInt64ThrowsOverflowNotTraps() {
        // 31 × 1190112520884487201 = 2^65 − 1, so the quotient by 2 is UInt64.max with a half to round up.
        #expect(throws: MoneyError.overflow) { try Checked.mulDiv(31, 1_190_112_520_884_487_201, 2) }
    }

    @Test func currencyScaleFollowsMinorUnits() {
        #expect(Currency.JPY.scale == 1)
        #expect(Currency.EUR.scale == 100)
        #expect(Currency.KWD.scale == 1000)
        #expect(Currency.known["ISK"]?.minorUnits == 0)
        #expect(Currency.known["BHD"]?.minorUnits == 3)
    }
}

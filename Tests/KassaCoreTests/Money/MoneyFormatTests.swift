import Testing
@testable import KassaCore

@Suite struct MoneyFormatTests {
    @Test func finnishStylePutsTheEuroAfterACommaDecimal() {
        #expect(MoneyFormat.finnish.format(Money(minor: 1250)) == "12,50 €")
        #expect(MoneyFormat.finnish.format(Money(minor: 5)) == "0,05 €")
        #expect(MoneyFormat.finnish.format(Money(minor: 0)) == "0,00 €")
        #expect(MoneyFormat.finnish.format(Money(minor: 123_456_789)) == "1234567,89 €")
    }

    @Test func swedishStyleWritesKronor() {
        #expect(MoneyFormat.swedish.format(Money(minor: 1200, currency: .SEK)) == "12,00 kr")
    }

    @Test func englishStyleGroupsThousandsAndPutsTheSymbolFirst() {
        #expect(MoneyFormat.english.format(Money(minor: 123_456_789)) == "€1,234,567.89")
        #expect(MoneyFormat.english.format(Money(minor: 100_000)) == "€1,000.00")
        #expect(MoneyFormat.english.format(Money(minor: 99_999)) == "€999.99")
    }

    @Test func negativeAmountsCarryTheSignBeforeTheSymbol() {
        #expect(MoneyFormat.finnish.format(Money(minor: -1250)) == "-12,50 €")
        #expect(MoneyFormat.english.format(Money(minor: -1250)) == "-€12.50")
        #expect(MoneyFormat.english.format(Money(minor: -123_456)) == "-€1,234.56")
    }

    @Test func groupingSeparatorIsConfigurable() {
        let spaced = MoneyFormat(groupingSeparator: " ")
        #expect(spaced.format(Money(minor: 123_456_789)) == "1 234 567,89 €")
        #expect(spaced.format(Money(minor: -100_000)) == "-1 000,00 €")
    }

    @Test func theSmallestInt64IsFormattedWithoutTrapping() {
        #expect(MoneyFormat.english.format(Money(minor: .min)) == "-€92,233,720,368,547,758.08")
    }

    @Test func currenciesWithoutOrWithThreeDecimalsShowThatMany() {
        #expect(Money(minor: 1200, currency: .JPY).description == "1200 JPY")
        #expect(Money(minor: 1234, currency: .KWD).description == "1.234 KWD")
        #expect(Money(minor: -5, currency: .KWD).description == "-0.005 KWD")
    }

    @Test func symbolPositionNoneGivesTheNumberAlone() {
        let bare = MoneyFormat(symbolPosition: .none)
        #expect(bare.format(Money(minor: 350)) == "3,50")
    }
}

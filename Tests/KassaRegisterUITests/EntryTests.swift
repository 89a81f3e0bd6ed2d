import KassaCore
import Testing
@testable import KassaRegisterUI

@Suite struct EntryParsing {
    @Test func aQuantityComesBeforeTheCodeWithAStar() {
        #expect(Entry.scan("6414893400018")! == (nil, "6414893400018"))
        #expect(Entry.scan("3*101")! == (3, "101"))
        #expect(Entry.scan("3*") == nil)
        #expect(Entry.scan("0*101") == nil)
        #expect(Entry.scan("1*2*3") == nil)
    }

    @Test func weightsAreGramsOrKilogramsWithADecimalSeparator() {
        #expect(Entry.grams("250") == 250)
        #expect(Entry.grams("0,25") == 250)
        #expect(Entry.grams("1.5") == 1500)
        #expect(Entry.grams("0") == nil)
    }

    @Test func discountsArePercentagesOrAmountsAndEmptyRemoves() {
        #expect(Entry.discount("10%", currency: .EUR) == .percent(basisPoints: 1000))
        #expect(Entry.discount("12,5%", currency: .EUR) == .percent(basisPoints: 1250))
        #expect(Entry.discount("1,50", currency: .EUR) == .amount(150))
        #expect(Entry.discount("", currency: .EUR) == .remove)
        #expect(Entry.discount("101%", currency: .EUR) == nil)
    }

    @Test func aWeighedLineNamedAloneIsRefundedWhole() {
        let lines = Entry.refundLines("1 2 2*100", weighed: [1: 2095])!
        #expect(lines.map(\.line) == [0, 1, 1])
        #expect(lines.map(\.quantity) == [1, 2095, 100])
    }

    @Test func refundLinesAreCountedFromOneOnScreenAndFromZeroOnTheWire() {
        let lines = Entry.refundLines("2 3*4")!
        #expect(lines.map(\.line) == [1, 2] && lines.map(\.quantity) == [1, 4])
        #expect(Entry.refundLines("0") == nil)
        #expect(Entry.refundLines("") == nil)
    }

    @Test func theNextNoteUpIsTheSmallestBanknoteAboveWhatIsDue() {
        #expect(Entry.nextNote(above: 1_580, currency: .EUR) == 2_000)
        #expect(Entry.nextNote(above: 2_000, currency: .EUR) == 5_000)
        #expect(Entry.nextNote(above: 120, currency: .EUR) == 500)
        #expect(Entry.nextNote(above: 60_000, currency: .EUR) == nil)
        #expect(Entry.nextNote(above: 0, currency: .EUR) == nil)
    }
}

import Testing
@testable import KassaCore

@Suite struct TaxTableTests {
    let finland = TaxTable.finland

    func on(_ text: String) -> CivilDate { CivilDate(text)! }

    @Test func finnishGeneralRateIs24UntilAugust2024And25point5FromSeptember() {
        #expect(finland.basisPoints("A", on: on("2024-08-31")) == 2400)
        #expect(finland.basisPoints("A", on: on("2024-09-01")) == 2550)
        #expect(finland.basisPoints("A", on: on("2026-06-15")) == 2550)
    }

    @Test func finnishReducedRateIs14Until2025And13point5From2026() {
        #expect(finland.basisPoints("B", on: on("2025-12-31")) == 1400)
        #expect(finland.basisPoints("B", on: on("2026-01-01")) == 1350)
    }

    @Test func finnishTenPercentAndZeroClassesHold() {
        #expect(finland.basisPoints("C", on: on("2026-01-01")) == 1000)
        #expect(finland.basisPoints("Z", on: on("2026-01-01")) == 0)
    }

    @Test func unknownClassOrADateBeforeAnyRateHasNoRate() {
        #expect(finland.basisPoints("Q", on: on("2026-01-01")) == nil)
        #expect(finland.basisPoints("A", on: on("2012-12-31")) == nil)
    }

    @Test func rateChangesGivenOutOfOrderAreSortedByDate() {
        let c = TaxClass(id: "X", name: "x", changes: [
            TaxRateChange(from: on("2026-01-01"), basisPoints: 2),
            TaxRateChange(from: on("2020-01-01"), basisPoints: 1),
        ])
        #expect(c.basisPoints(on: on("2025-01-01")) == 1)
        #expect(c.basisPoints(on: on("2026-01-01")) == 2)
    }
}

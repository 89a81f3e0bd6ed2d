import Testing
@testable import KassaCore

@Suite struct DemoCatalogTests {
    let items = DemoCatalog.items
    let catalog = DemoCatalog.catalog

    @Test func theDemoCatalogHasAboutTwoHundredItemsWithUniqueIDs() {
        #expect((190...220).contains(items.count))
        #expect(catalog.count == items.count)
        #expect(Set(items.map { $0.id }).count == items.count)
    }

    @Test func everyDemoBarcodeIsAValidEAN13UnderTheDemoCompanyPrefix() {
        let barcodes = items.flatMap { $0.barcodes }
        #expect(barcodes.count > 100)
        #expect(barcodes.allSatisfy { Barcode.classify($0) == .ean13 && $0.hasPrefix(DemoCatalog.companyPrefix) })
        #expect(Set(barcodes).count == barcodes.count)
    }

    @Test func everyDemoItemCanBeRungUpByBarcodeOrPLU() throws {
        for item in items {
            let code = try #require(item.barcodes.first ?? item.plus.first)
            #expect(try catalog.resolve(code) == .item(item))
        }
    }

    @Test func everyDemoTaxClassExistsInTheFinnishTable() {
        let date = CivilDate(year: 2026, month: 1, day: 1)
        #expect(items.allSatisfy { TaxTable.finland.basisPoints($0.taxClass, on: date) != nil })
    }

    @Test func newspapersAreAtTenPercentAndBooksAtTheReducedRate() {
        let newspapers = items.filter { $0.department == "Lehdet" }
        let books = items.filter { $0.department == "Kirjat" }
        #expect(!newspapers.isEmpty && newspapers.allSatisfy { $0.taxClass == "C" })
        #expect(!books.isEmpty && books.allSatisfy { $0.taxClass == "B" })
    }

    @Test func weighedDemoItemsAreReachableThroughFinnishWeightAndPriceLabels() throws {
        let weighed = items.filter { $0.unit == .weight }
        #expect(weighed.count >= 10)
        for item in weighed {
            let plu = try #require(item.plus.first)
            #expect(plu.count == 5)
            #expect(try catalog.resolve(Barcode.withCheckDigit("23" + plu + "00750")) == .weighed(item, grams: 750))
            #expect(try catalog.resolve(Barcode.withCheckDigit("24" + plu + "01234")) == .priced(item, amount: 1234))
        }
    }

    @Test func demoPricesArePositiveAndBelowOneHundredEuros() {
        #expect(items.allSatisfy { $0.price > 0 && $0.price < 10_000 })
    }

    @Test func aSyntheticCatalogOfOneHundredThousandItemsBuildsWithValidUniqueBarcodes() throws {
        let big = DemoCatalog.synthetic(count: 100_000, seed: 42)
        #expect(big.count == 100_000)
        let last = try #require(big.item("S99999"))
        #expect(Barcode.classify(last.barcodes[0]) == .ean13)
        #expect(try big.resolve(last.barcodes[0]) == .item(last))
    }

    @Test func syntheticCatalogsDependOnlyOnCountAndSeed() {
        #expect(DemoCatalog.synthetic(count: 500, seed: 7) == DemoCatalog.synthetic(count: 500, seed: 7))
        #expect(DemoCatalog.synthetic(count: 500, seed: 7) != DemoCatalog.synthetic(count: 500, seed: 8))
        #expect(DemoCatalog.synthetic(count: 0, seed: 7).count == 0)
    }

    @Test func splitMix64MatchesTheReferenceSequence() {
        var random = SplitMix64(seed: 1234567)
        #expect([random.next(), random.next(), random.next()]
            == [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423])
    }
}

import Testing
@testable import KassaCore

@Suite struct BarcodeTests {
    @Test(arguments: [("4006381333931", Barcode.Kind.ean13), ("5901234123457", .ean13), ("9780306406157", .ean13),
                      ("96385074", .ean8), ("73513537", .ean8), ("036000291452", .upcA), ("012345678905", .upcA)])
    func publishedCodesHaveValidCheckDigits(_ code: String, _ kind: Barcode.Kind) {
        #expect(Barcode.classify(code) == kind)
    }

    @Test func aWrongCheckDigitIsNamedWithTheExpectedOne() {
        #expect(Barcode.classify("4006381333932") == .invalid("check digit 2 should be 1"))
        #expect(Barcode.classify("96385075") == .invalid("check digit 5 should be 4"))
        #expect(Barcode.classify("036000291453") == .invalid("check digit 3 should be 2"))
    }

    @Test func codesOfOtherLengthsOrWithNonDigitsAreInvalid() {
        #expect(Barcode.classify("12345") == .invalid("5 digits; EAN-8, UPC-A and EAN-13 have 8, 12 and 13"))
        #expect(Barcode.classify("") == .invalid("0 digits; EAN-8, UPC-A and EAN-13 have 8, 12 and 13"))
        #expect(Barcode.classify("40063813339A1") == .invalid("not all digits"))
    }

    @Test func withCheckDigitAppendsTheGS1CheckDigit() {
        #expect(Barcode.withCheckDigit("400638133393") == "4006381333931")
        #expect(Barcode.withCheckDigit("9638507") == "96385074")
        #expect(Barcode.withCheckDigit("03600029145") == "036000291452")
    }
}

@Suite struct EmbeddedBarcodeRuleTests {
    let weight = EmbeddedBarcodeRule.finnishDefaults[0]

    @Test func embeddedRuleSplitsItemCodeAndValue() throws {
        let hit = try #require(weight.match("2320001012504"))
        #expect(hit.itemCode == "20001")
        #expect(hit.value == 1250)
    }

    @Test func embeddedRuleIgnoresOtherPrefixesAndLengths() {
        #expect(weight.match("2420001012509") == nil)
        #expect(weight.match("232000101250") == nil)
    }

    @Test func embeddedRuleIgnoresNonDigitsInsteadOfTrapping() {
        #expect(weight.match("2320001 1250x") == nil)
        #expect(weight.match("23ABCDE012504") == nil)
    }

    @Test func embeddedRuleLayoutMustFillAnEAN13() {
        #expect(EmbeddedBarcodeRule.finnishDefaults.allSatisfy { $0.isValid })
        #expect(!EmbeddedBarcodeRule(prefix: "2", itemDigits: 5, valueDigits: 5, value: .grams).isValid)
        #expect(!EmbeddedBarcodeRule(prefix: "", itemDigits: 6, valueDigits: 6, value: .grams).isValid)
        #expect(EmbeddedBarcodeRule(prefix: "2", itemDigits: 6, valueDigits: 5, value: .cents).isValid)
    }
}

@Suite struct CatalogResolveTests {
    let coffee = Item(id: "1", name: "Kahvi", price: 290, taxClass: "B", plus: ["101"])
    let cola = Item(id: "2", name: "Cola", price: 249, taxClass: "B", barcodes: ["036000291452"])
    let chocolate = Item(id: "3", name: "Suklaa", price: 199, taxClass: "B", barcodes: ["4006381333931"])
    let banana = Item(id: "4", name: "Banaani", price: 169, taxClass: "B", unit: .weight, plus: ["20001"])
    let salmon = Item(id: "20201", name: "Lohi", price: 2490, taxClass: "B", unit: .weight)
    let catalog: Catalog

    init() throws {
        catalog = try Catalog([coffee, cola, chocolate, banana, salmon], embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
    }

    @Test func aPLUResolvesToItsItem() throws {
        #expect(try catalog.resolve("101") == .item(coffee))
        #expect(try catalog.resolve(" 101 ") == .item(coffee))
    }

    @Test func aProductBarcodeResolvesToItsItem() throws {
        #expect(try catalog.resolve("4006381333931") == .item(chocolate))
        #expect(try catalog.resolve("036000291452") == .item(cola))
    }

    @Test func upcAAndItsEAN13WithALeadingZeroAreTheSameCode() throws {
        #expect(try catalog.resolve("0036000291452") == .item(cola))
        let listedAsEAN13 = try Catalog([Item(id: "x", name: "x", price: 1, taxClass: "A", barcodes: ["0036000291452"])])
        #expect(try listedAsEAN13.resolve("036000291452") == .item(listedAsEAN13.item("x")!))
    }

    @Test func aWeightLabelResolvesToTheWeighedItemAndGrams() throws {
        #expect(try catalog.resolve("2320001012504") == .weighed(banana, grams: 1250))
    }

    @Test func aPriceLabelResolvesToThePricedItemAndAmount() throws {
        #expect(try catalog.resolve("2420201015999") == .priced(salmon, amount: 1599))
    }

    @Test func anEmbeddedItemCodeFallsBackToTheItemID() throws {
        #expect(try catalog.resolve(Barcode.withCheckDigit("232020100500")) == .weighed(salmon, grams: 500))
    }

    @Test func aValidCodeNobodySellsIsUnknown() {
        #expect(throws: LookupError.unknownCode("5901234123457")) { try catalog.resolve("5901234123457") }
        let unsoldWeightLabel = Barcode.withCheckDigit("239999901250")
        #expect(throws: LookupError.unknownCode(unsoldWeightLabel)) { try catalog.resolve(unsoldWeightLabel) }
        #expect(throws: LookupError.unknownCode("12345")) { try catalog.resolve("12345") }
    }

    @Test func aMisreadCheckDigitIsReportedAsSuch() {
        #expect(throws: LookupError.invalidCheckDigit("4006381333932")) { try catalog.resolve("4006381333932") }
        #expect(throws: LookupError.invalidCheckDigit("96385075")) { try catalog.resolve("96385075") }
    }

    @Test func emptyOrMalformedInputIsRefused() {
        #expect(throws: LookupError.empty) { try catalog.resolve("  ") }
        #expect(throws: LookupError.malformed("ABC-1")) { try catalog.resolve("ABC-1") }
    }

    @Test func lookupsByIDBarcodeAndPLUAgree() {
        #expect(catalog.item("2") == cola)
        #expect(catalog.item(barcode: "036000291452") == cola)
        #expect(catalog.item(plu: "20001") == banana)
        #expect(catalog.item(plu: "999") == nil)
        #expect(catalog.count == 5)
    }
}

@Suite struct CatalogIntegrityTests {
    @Test func catalogRefusesADuplicateID() {
        #expect(throws: CatalogError.duplicateItem("1")) {
            try Catalog([Item(id: "1", name: "a", price: 1, taxClass: "A"), Item(id: "1", name: "b", price: 2, taxClass: "A")])
        }
    }

    @Test func catalogRefusesABarcodeOnTwoItems() {
        #expect(throws: CatalogError.duplicateBarcode("96385074", "1", "2")) {
            try Catalog([Item(id: "1", name: "a", price: 1, taxClass: "A", barcodes: ["96385074"]),
                         Item(id: "2", name: "b", price: 2, taxClass: "A", barcodes: ["96385074"])])
        }
    }

    @Test func catalogRefusesAPLUOnTwoItems() {
        #expect(throws: CatalogError.duplicatePLU("7", "1", "2")) {
            try Catalog([Item(id: "1", name: "a", price: 1, taxClass: "A", plus: ["7"]),
                         Item(id: "2", name: "b", price: 2, taxClass: "A", plus: ["7"])])
        }
    }

    @Test func catalogRefusesABarcodeWithAWrongCheckDigit() {
        #expect(throws: CatalogError.invalidBarcode("96385075", "1", reason: "check digit 5 should be 4")) {
            try Catalog([Item(id: "1", name: "a", price: 1, taxClass: "A", barcodes: ["96385075"])])
        }
    }

    @Test func aRefusedItemLeavesTheCatalogUnchanged() throws {
        var catalog = try Catalog([Item(id: "1", name: "a", price: 1, taxClass: "A", barcodes: ["96385074"])])
        let before = catalog
        #expect(throws: CatalogError.self) {
            try catalog.add(Item(id: "2", name: "b", price: 2, taxClass: "A", barcodes: ["73513537", "96385074"]))
        }
        #expect(catalog == before)
        #expect(catalog.item(barcode: "73513537") == nil)
    }

    @Test func upsertMovesTheIndexesToTheNewVersion() throws {
        var catalog = try Catalog([Item(id: "1", name: "a", price: 1, taxClass: "A", barcodes: ["96385074"], plus: ["5"])])
        try catalog.upsert(Item(id: "1", name: "a", price: 3, taxClass: "A", barcodes: ["73513537"]))
        #expect(catalog.item(barcode: "96385074") == nil)
        #expect(catalog.item(plu: "5") == nil)
        #expect(catalog.item(barcode: "73513537")?.price == 3)
        #expect(catalog.count == 1)
    }
}

@Suite struct CatalogSearchTests {
    let catalog = try! Catalog([
        Item(id: "1", name: "Kahvi tumma paahto", price: 490, taxClass: "B", plus: ["101"]),
        Item(id: "2", name: "Maitokahvi", price: 350, taxClass: "B", plus: ["102"]),
        Item(id: "3", name: "Musta kahvi", price: 250, taxClass: "B", plus: ["103"]),
        Item(id: "4", name: "ÄIDINMAITO-jäätelö", price: 399, taxClass: "B"),
        Item(id: "5", name: "Tee", price: 199, taxClass: "B"),
    ])

    @Test func aFewLettersFindTheNamesThatContainThemBeginningsFirst() {
        #expect(catalog.search(name: "kah", limit: 10).map(\.id) == ["1", "3", "2"])
    }

    @Test func caseIsIgnoredForFinnishLettersToo() {
        #expect(catalog.search(name: "äidin", limit: 10).map(\.id) == ["4"])
        #expect(catalog.search(name: "JÄÄ", limit: 10).map(\.id) == ["4"])
        #expect(catalog.search(name: "TEE", limit: 10).map(\.id) == ["5"])
    }

    @Test func theLimitCutsTheListAndNothingMatchesNothing() {
        #expect(catalog.search(name: "kahvi", limit: 1).map(\.id) == ["1"])
        #expect(catalog.search(name: "olut", limit: 10).isEmpty)
        #expect(catalog.search(name: "  ", limit: 10).isEmpty)
    }

    @Test func aReplacedItemIsFoundByItsNewNameOnly() throws {
        var c = catalog
        try c.upsert(Item(id: "5", name: "Vihreä tee", price: 199, taxClass: "B"))
        #expect(c.search(name: "tee", limit: 10).map(\.name) == ["Vihreä tee"])
    }
}

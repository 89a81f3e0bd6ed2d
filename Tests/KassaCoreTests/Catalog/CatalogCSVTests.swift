import Testing
@testable import KassaCore

private func parse(_ text: String, currency: Currency = .EUR, taxClasses: Set<TaxClassID>? = nil) throws(CatalogImportError) -> Catalog {
    try CatalogCSV.parse(Array(text.utf8), currency: currency, taxClasses: taxClasses)
}

private func problems(_ bytes: [UInt8], taxClasses: Set<TaxClassID>? = nil) -> [CatalogImportProblem] {
    // The error type is spelled out so that `error.problems` does not rest on do-catch inference.
    do throws(CatalogImportError) {
        _ = try CatalogCSV.parse(bytes, currency: .EUR, taxClasses: taxClasses)
        return []
    } catch {
        return error.problems
    }
}

private func problems(_ text: String, taxClasses: Set<TaxClassID>? = nil) -> [CatalogImportProblem] {
    problems(Array(text.utf8), taxClasses: taxClasses)
}

private func problem(_ line: Int, _ column: Int, _ name: String?, _ reason: CatalogImportProblem.Reason) -> CatalogImportProblem {
    CatalogImportProblem(line: line, column: column, columnName: name, reason: reason)
}

private let finnishClasses = Set(TaxTable.finland.classes.keys)

@Suite struct CatalogCSVParseTests {
    @Test func quotedFieldsKeepCommasDoubledQuotesAndLineBreaks() throws {
        let catalog = try parse(
            "id,name,department,price,tax_class,unit,barcodes,plus\r\n"
            + "1,\"Kahvi, iso\",Kahvila,3.50,B,piece,,102\r\n"
            + "2,\"Lehti \"\"Päivä\"\"\",Lehdet,3.90,C,,96385074,\r\n"
            + "3,\"Kaksi\r\nriviä\",,\"12,50\",A,,4006381333931|036000291452 5901234123457,\r\n"
            + "4,Banaani,Hedelmät,1.69,B,weight,,20001")
        #expect(catalog.count == 4)
        #expect(catalog.item("1") == Item(id: "1", name: "Kahvi, iso", department: "Kahvila", price: 350, taxClass: "B", plus: ["102"]))
        #expect(catalog.item("2")?.name == "Lehti \"Päivä\"")
        #expect(catalog.item("2")?.barcodes == ["96385074"])
        #expect(catalog.item("3")?.name == "Kaksi\r\nriviä")
        #expect(catalog.item("3")?.price == 1250)
        #expect(catalog.item("3")?.barcodes == ["4006381333931", "036000291452", "5901234123457"])
        #expect(catalog.item("4")?.unit == .weight)
        #expect(catalog.item(plu: "20001")?.name == "Banaani")
    }

    @Test func headerColumnsMayComeInAnyOrderAndCaseWithABOMAndBlankLines() throws {
        let catalog = try parse("\u{FEFF}PRICE,Tax_Class,ID,Name\n\n2.00,A,x,Thing\n\n")
        #expect(catalog.item("x") == Item(id: "x", name: "Thing", price: 200, taxClass: "A"))
    }

    @Test func unquotedCellsAreTrimmedAndQuotedCellsKeptExactly() throws {
        let catalog = try parse("id,name,price,tax_class\n x , Kahvi ,  2.90 ,B\ny,\"  Tee \",1,B\n")
        #expect(catalog.item("x")?.name == "Kahvi")
        #expect(catalog.item("x")?.price == 290)
        #expect(catalog.item("y")?.name == "  Tee ")
    }

    @Test func aHeaderWithoutRowsIsAnEmptyCatalog() throws {
        #expect(try parse("id,name,price,tax_class\r\n").count == 0)
    }

    @Test func pricesFollowTheRegisterCurrency() throws {
        #expect(try parse("id,name,price,tax_class\n1,a,1500,A\n", currency: .JPY).item("1")?.price == 1500)
        #expect(try parse("id,name,price,tax_class\n1,a,1.234,A\n", currency: .KWD).item("1")?.price == 1234)
        #expect(problems("id,name,price,tax_class\n1,a,1.234,A\n") == [problem(2, 3, "price", .badPrice("1.234"))])
    }

    @Test func embeddedRulesReachWeighedItemsOfTheImportedCatalog() throws {
        let catalog = try CatalogCSV.parse(Array("id,name,price,tax_class,unit,plus\n1,Banaani,1.69,B,weight,20001\n".utf8),
                                           currency: .EUR, embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
        #expect(try catalog.resolve("2320001012504") == .weighed(catalog.item("1")!, grams: 1250))
    }
}

@Suite struct CatalogCSVProblemTests {
    @Test func everyBadRowIsReportedWithItsLineColumnAndReason() {
        let csv = """
            id,name,price,tax_class,barcodes,plus
            1,Kahvi,2.90,B,,101
            2,Pulla,2.9.0,B,,
            3,Tee,2.80,Q,,
            1,Kahvi taas,2.90,B,,
            4,"Kaksi
            riviä",3.00,B,4006381333932,
            5,Limu,1.50,B
            6,Vesi,1.49,B,,101
            7,Omena,-2.49,B,,
            8,,1.00,B,,
            9,Olut,1.89,A,,,extra
            10,Cola,2.49,B,0036000291452,
            11,Cola USA,2.49,B,036000291452,
            12,Koodi,1.00,B,,0036000291452
            13,Paino,1.00,B,,12a
            14,Kilo,1.00,B,,
            """
        #expect(problems(csv, taxClasses: finnishClasses) == [
            problem(3, 3, "price", .badPrice("2.9.0")),
            problem(4, 4, "tax_class", .unknownTaxClass("Q")),
            problem(5, 1, "id", .duplicateID("1", firstLine: 2)),
            problem(6, 5, "barcodes", .invalidBarcode("4006381333932", reason: "check digit 2 should be 1")),
            problem(8, 5, "barcodes", .wrongFieldCount(expected: 6, found: 4)),
            problem(9, 6, "plus", .duplicatePLU("101", firstLine: 2)),
            problem(10, 3, "price", .negativePrice("-2.49")),
            problem(11, 2, "name", .emptyField),
            problem(12, 7, nil, .wrongFieldCount(expected: 6, found: 7)),
            problem(14, 5, "barcodes", .duplicateBarcode("036000291452", firstLine: 13)),
            problem(15, 6, "plus", .pluClashesWithBarcode("0036000291452", otherLine: 13)),
            problem(16, 6, "plus", .invalidPLU("12a")),
        ])
    }

    @Test func taxClassesAreOnlyCheckedAgainstAGivenTable() throws {
        #expect(try parse("id,name,price,tax_class\n1,a,1,Q\n").item("1")?.taxClass == "Q")
    }

    @Test func duplicatesWithinOneRowAreReported() {
        #expect(problems("id,name,price,tax_class,barcodes,plus\n1,a,1,A,96385074|96385074,7 7\n") == [
            problem(2, 5, "barcodes", .duplicateBarcode("96385074", firstLine: 2)),
            problem(2, 6, "plus", .duplicatePLU("7", firstLine: 2)),
        ])
    }

    @Test func aBarcodeAfterTheSamePLUClashes() {
        #expect(problems("id,name,price,tax_class,barcodes,plus\n1,a,1,A,,96385074\n2,b,1,A,96385074,\n") == [
            problem(3, 5, "barcodes", .pluClashesWithBarcode("96385074", otherLine: 2)),
        ])
    }

    @Test func invalidUTF8IsReportedAtItsLineAndColumn() {
        let header = Array("id,name,price,tax_class\n1,Kahvi,2.90,B\n".utf8)
        let badName = Array("2,P".utf8) + [0xC3, 0x28] + Array("ulla,3.20,B\n".utf8)
        let truncated = Array("3,Tee,2.80,".utf8) + [0xE2, 0x82] + Array("\n".utf8)
        let overlong = [0xC0, 0xAF] + Array(",Limu,1.50,B\n".utf8)
        #expect(problems(header + badName + truncated + overlong) == [
            problem(3, 2, "name", .invalidUTF8),
            problem(4, 4, "tax_class", .invalidUTF8),
            problem(5, 1, "id", .invalidUTF8),
        ])
    }

    @Test func anUnterminatedQuoteIsReportedWhereItOpens() {
        #expect(problems("id,name,price,tax_class\n1,Kahvi,2.90,B\n2,\"Pulla,3.20,B\n3,Tee,2.80,B\n") == [
            problem(3, 2, "name", .unterminatedQuote),
        ])
    }

    @Test func quotesMustEncloseAWholeField() {
        #expect(problems("id,name,price,tax_class\n1,Kah\"vi,2.90,B\n2,\"Tee\"x,2.80,B\n") == [
            problem(2, 2, "name", .quoteInUnquotedField),
            problem(3, 2, "name", .textAfterClosingQuote),
        ])
    }

    @Test func unknownRepeatedAndMissingColumnsAreReported() {
        #expect(problems("ID,nimi,price,price,extra\n") == [
            problem(1, 0, "name", .missingColumn("name")),
            problem(1, 0, "tax_class", .missingColumn("tax_class")),
            problem(1, 2, "nimi", .unknownColumn("nimi")),
            problem(1, 4, "price", .duplicateColumn("price")),
            problem(1, 5, "extra", .unknownColumn("extra")),
        ])
    }

    @Test func anEmptyFileHasNoHeader() {
        #expect(problems("") == [problem(1, 0, nil, .missingHeader)])
        #expect(problems("\u{FEFF}\r\n\n") == [problem(1, 0, nil, .missingHeader)])
    }

    @Test func anUnknownUnitIsRefused() {
        #expect(problems("id,name,price,tax_class,unit\n1,a,1,A,kg\n") == [problem(2, 5, "unit", .unknownUnit("kg"))])
    }

    @Test func theErrorDescriptionListsEveryProblemForAPerson() {
        let error = CatalogImportError(problems: problems("id,name,price,tax_class\n1,a,1.2.3,A\n2,b,1\n"))
        #expect(error.description == """
            catalog not imported, 2 problems:
              line 2, column 3 (price): bad price "1.2.3"
              line 3, column 4 (tax_class): 3 fields, the header has 4
            """)
    }
}

@Suite struct CatalogCSVExportTests {
    @Test func exportWritesTheHeaderAndItemsSortedByIDWithCRLF() throws {
        let catalog = try Catalog([
            Item(id: "2", name: "Kahvi, iso", department: "Kahvila", price: 350, taxClass: "B", plus: ["102", "103"]),
            Item(id: "1", name: "Cola", price: 249, taxClass: "B", barcodes: ["036000291452", "96385074"]),
        ])
        #expect(CatalogCSV.export(catalog, currency: .EUR) == "id,name,department,price,tax_class,unit,barcodes,plus\r\n"
            + "1,Cola,,2.49,B,piece,036000291452|96385074,\r\n"
            + "2,\"Kahvi, iso\",Kahvila,3.50,B,piece,,102|103\r\n")
    }

    @Test func exportThenParseGivesTheSameCatalog() throws {
        let catalog = try Catalog([
            Item(id: "q", name: "He said \"hi\", twice", price: 1, taxClass: "A"),
            Item(id: "n", name: "Two\nlines", department: " spaced ", price: 1_234_567, taxClass: "B", unit: .weight, plus: ["5"]),
            Item(id: "z", name: "Tyhjä", price: 0, taxClass: "Z", barcodes: ["4006381333931"]),
        ])
        let text = CatalogCSV.export(catalog, currency: .KWD)
        #expect(try CatalogCSV.parse(Array(text.utf8), currency: .KWD) == catalog)
    }

    @Test func theDemoCatalogSurvivesExportAndImport() throws {
        let text = CatalogCSV.export(DemoCatalog.catalog, currency: .EUR)
        let back = try CatalogCSV.parse(Array(text.utf8), currency: .EUR, taxClasses: finnishClasses,
                                        embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
        #expect(back == DemoCatalog.catalog)
    }
}

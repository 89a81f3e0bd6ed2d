/// An embedded catalog of a small Finnish shop with a café counter, so that a fresh box, the tests
/// and the benchmarks have something real to sell without a price list.
///
/// VAT classes are those of `TaxTable.finland`: café food and drinks, groceries, soft drinks and
/// (since 2025) books are in the reduced class B; newspapers and magazines in C (10 %); beer,
/// household and hygiene goods in A; bottle deposits (pantti) outside VAT in Z.
///
/// Packaged goods carry EAN-13 codes under one made-up Finnish GS1 company prefix; café items have
/// short PLUs for the keypad; weighed goods have 5-digit PLUs, which are also the item code in the
/// shop's weight (`23`) and price (`24`) labels of `EmbeddedBarcodeRule.finnishDefaults`.
public enum DemoCatalog {
    /// The GS1 company prefix of every demo barcode (64x is Finland).
    public static let companyPrefix = "6400001"

    public static let items: [Item] = {
        var items: [Item] = []
        for department in departments {
            for entry in department.entries {
                let number = items.count + 1
                var item = Item(id: ItemID(String(1000 + number)), name: entry.name, department: department.name,
                                price: entry.cents, taxClass: entry.taxClass)
                switch entry.sold {
                case .packaged:
                    item.barcodes = [Barcode.withCheckDigit(companyPrefix + zeroPadded(number, 5))]
                case .counter(let plu):
                    item.plus = [plu]
                case .weighed(let plu):
                    item.unit = .weight
                    item.plus = [plu]
                }
                items.append(item)
            }
        }
        return items
    }()

    /// The demo items with the Finnish in-store label rules.
    public static let catalog: Catalog = validated(items, embeddedRules: EmbeddedBarcodeRule.finnishDefaults)

    /// A large catalog for benchmarks, the same for the same count and seed. Item `i` has id
    /// `S` + i and the EAN-13 `64` + i in 10 digits + check digit, so codes are unique by
    /// construction; the seed varies names, departments, prices, VAT classes and which
    /// twentieth-or-so of the items are weighed (those also get PLU `i`).
    public static func synthetic(count: Int, seed: UInt64) -> Catalog {
        precondition((0..<10_000_000_000).contains(count), "at most 10^10 items fit the barcode layout")
        let nouns = ["Kahvi", "Leipä", "Juusto", "Mehu", "Keksi", "Saippua", "Lehti", "Kirja", "Omena", "Makkara"]
        let adjectives = ["Tumma", "Vaalea", "Iso", "Pieni", "Luomu", "Kevyt", "Täyteläinen", "Raikas"]
        let departments = ["Kahvila", "Leipomo", "Maito", "Juomat", "Kuivatuotteet", "Taloustarvikkeet", "Lehdet"]
        let taxClasses: [TaxClassID] = ["A", "A", "B", "B", "B", "C"]
        var random = SplitMix64(seed: seed)
        var items: [Item] = []
        items.reserveCapacity(count)
        for i in 0..<count {
            let weighed = random.next(below: 20) == 0
            let name = "\(adjectives[random.next(below: adjectives.count)]) \(nouns[random.next(below: nouns.count)]) \(i)"
            items.append(Item(
                id: ItemID("S\(i)"), name: name, department: departments[random.next(below: departments.count)],
                price: Int64(10 + random.next(below: 9_990)), taxClass: taxClasses[random.next(below: taxClasses.count)],
                unit: weighed ? .weight : .piece, barcodes: [Barcode.withCheckDigit("64" + zeroPadded(i, 10))],
                plus: weighed ? [String(i)] : []))
        }
        return validated(items, embeddedRules: EmbeddedBarcodeRule.finnishDefaults)
    }

    private static func validated(_ items: [Item], embeddedRules: [EmbeddedBarcodeRule]) -> Catalog {
        do {
            return try Catalog(items, embeddedRules: embeddedRules)
        } catch {
            preconditionFailure("the demo catalog is built to be valid: \(error)")
        }
    }

    private static func zeroPadded(_ value: Int, _ digits: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    private enum Sold {
        case packaged
        case counter(plu: String)
        case weighed(plu: String)
    }

    private struct Entry {
        var name: String
        var cents: Int64
        var taxClass: TaxClassID
        var sold: Sold
        init(_ name: String, _ cents: Int64, _ taxClass: TaxClassID, _ sold: Sold = .packaged) {
            self.name = name
            self.cents = cents
            self.taxClass = taxClass
            self.sold = sold
        }
    }

    private static let departments: [(name: String, entries: [Entry])] = [
        ("Kahvila", [
            Entry("Kahvi", 290, "B", .counter(plu: "101")),
            Entry("Kahvi iso", 350, "B", .counter(plu: "102")),
            Entry("Tee", 280, "B", .counter(plu: "103")),
            Entry("Espresso", 290, "B", .counter(plu: "104")),
            Entry("Tuplaespresso", 360, "B", .counter(plu: "105")),
            Entry("Americano", 340, "B", .counter(plu: "106")),
            Entry("Cappuccino", 420, "B", .counter(plu: "107")),
            Entry("Caffè latte", 450, "B", .counter(plu: "108")),
            Entry("Chai latte", 460, "B", .counter(plu: "109")),
            Entry("Kaakao", 380, "B", .counter(plu: "110")),
            Entry("Jääkahvi", 490, "B", .counter(plu: "111")),
            Entry("Kahvi ja pulla", 490, "B", .counter(plu: "112")),
            Entry("Korvapuusti", 320, "B", .counter(plu: "120")),
            Entry("Voisilmäpulla", 320, "B", .counter(plu: "121")),
            Entry("Laskiaispulla", 420, "B", .counter(plu: "122")),
            Entry("Runebergintorttu", 350, "B", .counter(plu: "123")),
            Entry("Mustikkapiirakka, pala", 450, "B", .counter(plu: "124")),
            Entry("Porkkanakakku, pala", 520, "B", .counter(plu: "125")),
            Entry("Mokkapala", 350, "B", .counter(plu: "126")),
            Entry("Munkki", 280, "B", .counter(plu: "127")),
            Entry("Hillomunkki", 300, "B", .counter(plu: "128")),
            Entry("Berliininmunkki", 320, "B", .counter(plu: "129")),
            Entry("Croissant", 320, "B", .counter(plu: "130")),
            Entry("Juustocroissant", 480, "B", .counter(plu: "131")),
            Entry("Karjalanpiirakka munavoilla", 320, "B", .counter(plu: "140")),
            Entry("Lihapiirakka", 390, "B", .counter(plu: "141")),
            Entry("Kinkku-juustosämpylä", 590, "B", .counter(plu: "142")),
            Entry("Kanasalaattipatonki", 790, "B", .counter(plu: "143")),
            Entry("Lohileipä", 850, "B", .counter(plu: "144")),
            Entry("Vegaaninen kasvissämpylä", 650, "B", .counter(plu: "145")),
            Entry("Päivän keitto", 950, "B", .counter(plu: "146")),
            Entry("Aamupuuro", 450, "B", .counter(plu: "147")),
            Entry("Jogurtti ja mysli", 490, "B", .counter(plu: "148")),
            Entry("Smoothie", 650, "B", .counter(plu: "149")),
            Entry("Tuorepuristettu appelsiinimehu", 490, "B", .counter(plu: "150")),
        ]),
        ("Leipomo", [
            Entry("Ruispalat 6 kpl", 249, "B"),
            Entry("Paahtoleipä 500 g", 229, "B"),
            Entry("Kauraleipä 500 g", 189, "B"),
            Entry("Hapankorppu 200 g", 199, "B"),
            Entry("Näkkileipä 250 g", 219, "B"),
            Entry("Karjalanpiirakka 10 kpl", 349, "B"),
            Entry("Kaurasämpylä 4 kpl", 259, "B"),
            Entry("Pullapitko 400 g", 399, "B"),
            Entry("Patonki", 129, "B"),
            Entry("Saaristolaisleipä 500 g", 339, "B"),
        ]),
        ("Maito ja juusto", [
            Entry("Kevytmaito 1 l", 109, "B"),
            Entry("Täysmaito 1 l", 129, "B"),
            Entry("Rasvaton maito 1 l", 99, "B"),
            Entry("Laktoositon kevytmaito 1 l", 145, "B"),
            Entry("Kaurajuoma 1 l", 189, "B"),
            Entry("Piimä 1 l", 139, "B"),
            Entry("Mansikkajogurtti 200 g", 89, "B"),
            Entry("Maustamaton jogurtti 1 kg", 229, "B"),
            Entry("Vaniljarahka 200 g", 119, "B"),
            Entry("Viili 200 g", 89, "B"),
            Entry("Voi 500 g", 449, "B"),
            Entry("Margariini 400 g", 239, "B"),
            Entry("Emmental 350 g", 499, "B"),
            Entry("Kermajuusto 500 g", 649, "B"),
            Entry("Leipäjuusto 200 g", 349, "B"),
            Entry("Kananmunat 10 kpl", 329, "B"),
            Entry("Ruokakerma 2 dl", 99, "B"),
            Entry("Kuohukerma 2 dl", 149, "B"),
            Entry("Raejuusto 200 g", 169, "B"),
            Entry("Smetana 120 g", 99, "B"),
        ]),
        ("Hedelmät ja vihannekset", [
            Entry("Banaani", 169, "B", .weighed(plu: "20001")),
            Entry("Omena", 249, "B", .weighed(plu: "20002")),
            Entry("Appelsiini", 219, "B", .weighed(plu: "20003")),
            Entry("Päärynä", 299, "B", .weighed(plu: "20004")),
            Entry("Sitruuna", 349, "B", .weighed(plu: "20005")),
            Entry("Mandariini", 299, "B", .weighed(plu: "20006")),
            Entry("Viinirypäle", 599, "B", .weighed(plu: "20007")),
            Entry("Kiivi", 399, "B", .weighed(plu: "20008")),
            Entry("Peruna", 129, "B", .weighed(plu: "20010")),
            Entry("Porkkana", 119, "B", .weighed(plu: "20011")),
            Entry("Keltasipuli", 149, "B", .weighed(plu: "20012")),
            Entry("Tomaatti", 399, "B", .weighed(plu: "20013")),
            Entry("Kurkku", 349, "B", .weighed(plu: "20014")),
            Entry("Punainen paprika", 599, "B", .weighed(plu: "20015")),
            Entry("Kesäkurpitsa", 299, "B", .weighed(plu: "20016")),
            Entry("Lanttu", 199, "B", .weighed(plu: "20017")),
            Entry("Punajuuri", 149, "B", .weighed(plu: "20018")),
            Entry("Inkivääri", 699, "B", .weighed(plu: "20019")),
            Entry("Valkosipuli", 990, "B", .weighed(plu: "20020")),
            Entry("Avokado 2 kpl", 249, "B"),
            Entry("Jäävuorisalaatti", 189, "B"),
        ]),
        ("Makeiset", [
            Entry("Irtokarkit", 1590, "B", .weighed(plu: "20101")),
            Entry("Pähkinäsekoitus", 2490, "B", .weighed(plu: "20102")),
            Entry("Maitosuklaa 100 g", 199, "B"),
            Entry("Tumma suklaa 200 g", 329, "B"),
            Entry("Salmiakki 150 g", 249, "B"),
            Entry("Lakritsi 200 g", 229, "B"),
            Entry("Ksylitolipurukumi 90 g", 299, "B"),
            Entry("Pastillit", 99, "B"),
            Entry("Suklaapatukka", 129, "B"),
            Entry("Perunalastut 275 g", 329, "B"),
            Entry("Mikropopcorn 90 g", 159, "B"),
            Entry("Karkkipussi 280 g", 349, "B"),
            Entry("Jäätelötuutti", 249, "B"),
            Entry("Mämmi 700 g", 399, "B"),
        ]),
        ("Juomat", [
            Entry("Lähdevesi 0,5 l", 149, "B"),
            Entry("Kivennäisvesi 1,5 l", 129, "B"),
            Entry("Cola 0,5 l", 249, "B"),
            Entry("Cola 1,5 l", 319, "B"),
            Entry("Limonadi 0,33 l", 139, "B"),
            Entry("Appelsiinimehu 1 l", 249, "B"),
            Entry("Omenamehu 1 l", 229, "B"),
            Entry("Energiajuoma 0,5 l", 229, "B"),
            Entry("Jäätee 0,5 l", 219, "B"),
            Entry("Kotikalja 1,5 l", 249, "B"),
            Entry("Marjamehu 1 l", 279, "B"),
        ]),
        ("Oluet ja siiderit", [
            Entry("Olut 0,33 l", 189, "A"),
            Entry("Olut 0,5 l", 269, "A"),
            Entry("Lonkero 0,33 l", 249, "A"),
            Entry("Siideri 0,33 l", 239, "A"),
        ]),
        ("Pantit", [
            Entry("Pantti lasipullo", 10, "Z", .counter(plu: "901")),
            Entry("Pantti tölkki", 15, "Z", .counter(plu: "902")),
            Entry("Pantti muovipullo alle 1 l", 20, "Z", .counter(plu: "903")),
            Entry("Pantti muovipullo 1 l tai yli", 40, "Z", .counter(plu: "904")),
        ]),
        ("Kuivatuotteet", [
            Entry("Suodatinkahvi 500 g", 699, "B"),
            Entry("Tumma paahto 500 g", 749, "B"),
            Entry("Tee 20 pss", 249, "B"),
            Entry("Kaakaojauhe 400 g", 399, "B"),
            Entry("Kaurahiutaleet 1 kg", 179, "B"),
            Entry("Vehnäjauho 2 kg", 169, "B"),
            Entry("Sokeri 1 kg", 159, "B"),
            Entry("Suola 1 kg", 79, "B"),
            Entry("Spagetti 500 g", 119, "B"),
            Entry("Makaroni 400 g", 99, "B"),
            Entry("Riisi 1 kg", 229, "B"),
            Entry("Ketsuppi 1 kg", 299, "B"),
            Entry("Sinappi 275 g", 199, "B"),
            Entry("Mansikkahillo 400 g", 279, "B"),
            Entry("Tomaattimurska 400 g", 89, "B"),
            Entry("Maapähkinävoi 350 g", 349, "B"),
            Entry("Hunaja 350 g", 549, "B"),
            Entry("Rypsiöljy 1 l", 329, "B"),
            Entry("Mysli 500 g", 349, "B"),
            Entry("Hernekeitto 435 g", 199, "B"),
            Entry("Tonnikala 185 g", 179, "B"),
            Entry("Ruisjauho 1 kg", 189, "B"),
        ]),
        ("Pakasteet", [
            Entry("Vaniljajäätelö 1 l", 449, "B"),
            Entry("Mustikat 250 g", 299, "B"),
            Entry("Pizza 350 g", 299, "B"),
            Entry("Lihapullat 400 g", 369, "B"),
            Entry("Kalapuikot 250 g", 279, "B"),
            Entry("Herneet 500 g", 199, "B"),
            Entry("Ranskanperunat 1 kg", 229, "B"),
        ]),
        ("Liha ja kala", [
            Entry("Kinkkuleike 300 g", 349, "B"),
            Entry("Meetvursti 200 g", 249, "B"),
            Entry("Lenkkimakkara 400 g", 299, "B"),
            Entry("Grillimakkara 400 g", 329, "B"),
            Entry("Naudan jauheliha 400 g", 449, "B"),
            Entry("Broilerin suikale 400 g", 549, "B"),
            Entry("Kylmäsavulohi 200 g", 599, "B"),
            Entry("Graavilohi 200 g", 699, "B"),
            Entry("Lohifilee, palvelutiski", 2490, "B", .weighed(plu: "20201")),
            Entry("Savukinkku, palvelutiski", 1990, "B", .weighed(plu: "20202")),
            Entry("Oliivit, irto", 1990, "B", .weighed(plu: "20203")),
            Entry("Salaattibaari", 1690, "B", .weighed(plu: "20204")),
            Entry("Kotitekoinen rosolli", 1290, "B", .weighed(plu: "20205")),
        ]),
        ("Taloustarvikkeet", [
            Entry("Talouspaperi 4 rll", 399, "A"),
            Entry("WC-paperi 8 rll", 499, "A"),
            Entry("Astianpesuaine 500 ml", 249, "A"),
            Entry("Pyykinpesuaine 1 l", 599, "A"),
            Entry("Roskapussi 30 l, 20 kpl", 229, "A"),
            Entry("Alumiinifolio 10 m", 249, "A"),
            Entry("Leivinpaperi 10 m", 219, "A"),
            Entry("Tuikkukynttilät 30 kpl", 399, "A"),
            Entry("Paristo AA 4 kpl", 499, "A"),
            Entry("Tulitikut", 129, "A"),
            Entry("Sytytin", 199, "A"),
            Entry("Muovikassi", 29, "A", .counter(plu: "911")),
            Entry("Paperikassi", 45, "A", .counter(plu: "912")),
        ]),
        ("Hygienia", [
            Entry("Hammastahna 75 ml", 249, "A"),
            Entry("Hammasharja", 199, "A"),
            Entry("Shampoo 250 ml", 349, "A"),
            Entry("Nestesaippua 300 ml", 229, "A"),
            Entry("Deodorantti 50 ml", 399, "A"),
            Entry("Kosteuspyyhkeet 50 kpl", 249, "A"),
            Entry("Nenäliinat 10 kpl", 99, "A"),
            Entry("Laastari 20 kpl", 299, "A"),
        ]),
        ("Kukat", [
            Entry("Tulppaanikimppu 10 kpl", 799, "A"),
            Entry("Ruusu", 250, "A", .counter(plu: "921")),
            Entry("Ruukkukukka", 990, "A"),
        ]),
        ("Lehdet", [
            Entry("Sanomalehti, arkipäivä", 390, "C"),
            Entry("Sanomalehti, sunnuntai", 590, "C"),
            Entry("Iltapäivälehti", 290, "C"),
            Entry("Iltapäivälehti, viikonloppu", 390, "C"),
            Entry("Ruokalehti", 890, "C"),
            Entry("Sisustuslehti", 990, "C"),
            Entry("Ristikkolehti", 450, "C"),
            Entry("Sarjakuvalehti", 550, "C"),
            Entry("Autolehti", 950, "C"),
            Entry("Tiedelehti", 1090, "C"),
            Entry("Lasten lehti", 690, "C"),
        ]),
        ("Kirjat", [
            Entry("Pokkari, dekkari", 1290, "B"),
            Entry("Keittokirja", 2990, "B"),
            Entry("Lasten kuvakirja", 1690, "B"),
            Entry("Ristikkokirja", 990, "B"),
            Entry("Tiekartasto Suomi", 2490, "B"),
            Entry("Värityskirja", 690, "B"),
            Entry("Sudokukirja", 790, "B"),
            Entry("Runokirja", 1990, "B"),
        ]),
    ]
}

/// Sebastiano Vigna's splitmix64: a tiny, well-mixed generator. Deterministic from its seed, which
/// is a parameter, so KassaCore stays free of hidden randomness; tests and fault injection use it
/// so that a failing case replays from its seed.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (0 when the bound is 0); the modulo bias is irrelevant for test data.
    public mutating func next(below bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
}

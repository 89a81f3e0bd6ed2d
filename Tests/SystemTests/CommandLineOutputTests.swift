import Foundation
import Testing
import KassaIPC

/// What `kassa` prints for people, against the real kassad of the demo: words and the
/// register's money, lines numbered as on the screen, never JSON unless `--json` asks for it.
@Suite("kassa's output for people")
struct CommandLineOutputTests {
    func run(_ d: Daemon, _ args: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try d.kassa(args, stdin: stdin)
        #expect(r.status == 0, "kassa \(args.joined(separator: " ")): \(r.err)", sourceLocation: sourceLocation)
        #expect(!r.out.contains("{") && !r.out.contains("}"), "kassa \(args.joined(separator: " ")) printed JSON: \(r.out)",
                sourceLocation: sourceLocation)
        #expect(!r.out.isEmpty, "kassa \(args.joined(separator: " ")) printed nothing", sourceLocation: sourceLocation)
        return r.out
    }

    @Test func theLookupsAndTheTechniciansCommandsPrintWordsNotJSON() throws {
        let d = Daemon()
        try d.start()
        #expect(try run(d, ["login"], stdin: "1111\n").contains("Anna"))
        let item = try run(d, ["lookup", "101"])
        #expect(item.contains("Kahvi") && item.contains(" €"))
        #expect(try run(d, ["operators"]).contains("sami"))
        #expect(try run(d, ["journal", "status"]).contains("read-write"))
        #expect(try run(d, ["clock", "check"]).contains("the clock is fine"))
        let settings = try run(d, ["config", "get"])
        #expect(settings.contains("cash_rounding"))
        #expect(try run(d, ["config", "get", "money_format"]).contains("finnish"))
        #expect(try run(d, ["training", "on", "--override"], stdin: "2222\n").contains("training mode ON"))
        #expect(try run(d, ["training", "off", "--override"], stdin: "2222\n").contains("training mode off"))
        let changed = try run(d, ["config", "set", "receipt_footer", "Tervetuloa"], stdin: "3333\n")
        #expect(changed.contains("receipt_footer") && changed.contains("Tervetuloa"))
    }

    @Test func aSaleShowsTheRegistersMoneyAndTheScreensLineNumbers() throws {
        let d = Daemon()
        try d.start()
        _ = try run(d, ["login"], stdin: "1111\n")
        _ = try run(d, ["shift", "open", "100"])
        _ = try run(d, ["scan", "101"])
        let sale = try run(d, ["scan", "20001", "--grams", "500"])
        let lines = sale.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("1. Kahvi") == true, "\(sale)")
        #expect(lines.contains { $0.hasPrefix("2. Banaani 0,500 kg") }, "\(sale)")
        #expect(sale.contains(" €") && !sale.contains("EUR"))
        // Line 1 is the coffee, as shown: voiding it leaves the bananas.
        let voided = try run(d, ["void", "1"])
        #expect(voided.contains("1. Kahvi 1 x VOID"), "\(voided)")
        #expect(try d.kassa(["void", "0"]).status == 2)
    }

    @Test func aWeighedItemTakesGramsAndALabelTakesNoQuantity() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        #expect(c.errorCode(.saleScan, ["code": "20001", "quantity": 2]) == .weightRequired)
        #expect(c.errorCode(.saleScan, ["code": "20001"]) == .weightRequired)
        #expect(c.errorCode(.saleScan, ["code": "101", "grams": 250]) == .quantityNotAllowed)
        // 3.54 of bananas at 1.69/kg: the label stands for 2,095 kg.
        let label = "2420001003547"
        #expect(c.errorCode(.saleScan, ["code": .string(label), "quantity": 3]) == .quantityNotAllowed)
        let sale = try c.call(.saleScan, args: ["code": .string(label)])
        let line = sale["lines"]?.arrayValue?.first
        #expect(line?["quantity"]?.intValue == 2095)
        #expect(line?["unit"]?.stringValue == "weight")
        #expect(sale["total"]?.intValue == 354)
    }

    @Test func configSetRefusesNonsenseThroughTheSettingsTable() throws {
        let d = Daemon()
        try d.start()
        let r = try d.kassa(["config", "set", "cash_rounding", "7"], stdin: "3333\n")
        #expect(r.status == 1)
        #expect(r.err.contains("cash_rounding") && r.err.contains("'7'"))
        _ = try run(d, ["login"], stdin: "1111\n")
        #expect(try run(d, ["config", "get", "cash_rounding"]).contains("0.05"))
    }
}

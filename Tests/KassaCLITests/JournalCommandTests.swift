import Foundation
import Testing
import KassaTestSupport
import KassaCore
import KassaJournal
import KassaRuntime

@Suite("kassa journal")
struct JournalCommandTests {
    /// A state directory with an opened day and `sales` card sales, plus the directory's path.
    func stateDirectory(sales: Int) throws -> String {
        let dir = NSTemporaryDirectory() + "kassa-cli-" + UUID().uuidString
        let ledger = try Ledger(stateDirectory: dir, registerID: "R1", warning: { _ in })
        var vault = PinVault(key: Array(repeating: 3, count: 32))
        try vault.setPIN("1234", for: "sami")
        let env = RegisterEnvironment(config: RegisterConfig(), catalog: DemoCatalog.catalog, pins: vault)
        var ctx = Context(now: Timestamp(milliseconds: 1_767_225_600_000), today: CivilDate(year: 2026, month: 1, day: 1))
        func run(_ c: Command) throws {
            let d = ledger.state.decide(c, env, ctx)
            if let r = d.refusal { throw r }
            try ledger.record(d.events, at: ctx.now)
            ctx.now.milliseconds += 1000
        }
        try ledger.record([.operatorAdded(Operator(id: "sami", name: "Sami, \"the boss\"", role: .supervisor))], at: ctx.now)
        try run(.login(pin: "1234"))
        try run(.openShift(float: 5000))
        for _ in 0..<sales {
            try run(.scan(code: "101", quantity: 2))
            let due = try ledger.state.openSale!.totals(.inclusive).total
            try run(.tender(Tender(kind: .cash, amount: due + 100)))
        }
        return dir
    }

    @Test func verifySaysSoundAndExitsZero() throws {
        let dir = try stateDirectory(sales: 3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Run.kassa(["journal", "verify", "--state-dir", dir])
        #expect(r.status == 0)
        #expect(r.stdout.contains("journal sound"))
    }

    @Test func verifyNamesTheFirstBadRecordAndExitsOne() throws {
        let dir = try stateDirectory(sales: 5)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let segment = try FileManager.default.contentsOfDirectory(atPath: dir + "/journal").sorted()[0]
        let path = dir + "/journal/" + segment
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[300] ^= 0x40  // inside an early record
        try bytes.write(to: URL(fileURLWithPath: path))
        let r = try Run.kassa(["journal", "verify", "--state-dir", dir])
        #expect(r.status == 1)
        #expect(r.stdout.contains("DAMAGED"))
        #expect(r.stdout.contains("record"))
    }

    @Test func dumpPrintsOneJSONObjectPerRecord() throws {
        let dir = try stateDirectory(sales: 2)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Run.kassa(["journal", "dump", "--state-dir", dir])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        // operator, login, shift, then per sale: opened, line, tender, completed.
        #expect(lines.count == 3 + 2 * 4)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["seq"] != nil)
            #expect(object?["event"] != nil)
        }
        #expect(!r.stdout.contains("1234"))
    }

    @Test func exportWritesSalesLinesAsCSV() throws {
        let dir = try stateDirectory(sales: 2)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Run.kassa(["journal", "export", "--state-dir", dir, "--csv"])
        #expect(r.status == 0)
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.count == 3)
        #expect(rows[0].hasPrefix("document,number,"))
        #expect(rows[1].hasPrefix("sale,1,,2026-01-01T00:00"))
    }

    /// The state directory of `stateDirectory(sales:)` with its day closed, and that Z closing's
    /// anchor as its report prints it.
    func closedDay(sales: Int) throws -> (dir: String, anchor: ChainAnchor) {
        let dir = try stateDirectory(sales: sales)
        let ledger = try Ledger(stateDirectory: dir, registerID: "R1", warning: { _ in })
        var vault = PinVault(key: Array(repeating: 3, count: 32))
        try vault.setPIN("1234", for: "sami")
        let env = RegisterEnvironment(config: RegisterConfig(), catalog: DemoCatalog.catalog, pins: vault)
        let ctx = Context(now: Timestamp(milliseconds: 1_767_229_200_000), today: CivilDate(year: 2026, month: 1, day: 1))
        for c in [Command.closeShift(counted: 0), .closeDay] {
            let d = ledger.state.decide(c, env, ctx)
            if let r = d.refusal { throw r }
            try ledger.record(d.events, at: ctx.now)
        }
        let closing = try #require(try JournalReports.zClosings(stateDirectory: dir).first)
        return (dir, try #require(closing.anchor))
    }

    @Test func verifyWithTheAnchorsOfZReportsExitsZero() throws {
        let (dir, anchor) = try closedDay(sales: 3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Run.kassa(["journal", "verify", "--state-dir", dir, "--anchor", anchor.short])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("1 Z closings cross-checked") && r.stdout.contains("1 of 1 anchors held"))
        // The Z export's CSV file, as kassa report z-export writes it, is a file of anchors too.
        let csv = dir + "/z-000001.csv"
        let closing = try #require(try JournalReports.zClosings(stateDirectory: dir).first)
        try (closing.csv.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let fromFile = try Run.kassa(["journal", "verify", "--state-dir", dir, "--anchors", csv])
        #expect(fromFile.status == 0, "\(fromFile.stdout)\(fromFile.stderr)")
        #expect(fromFile.stdout.contains("1 of 1 anchors held"))
    }

    @Test func anAnchorTheJournalDoesNotHoldFailsNamingItsRecord() throws {
        let (dir, anchor) = try closedDay(sales: 3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = "Z1 \(anchor.seq):" + String(repeating: "0", count: 16)
        let r = try Run.kassa(["journal", "verify", "--state-dir", dir, "--anchor", other])
        #expect(r.status == 1)
        #expect(r.stdout.contains("CONTRADICTS its history at record \(anchor.seq):"), "\(r.stdout)")
        let beyond = try Run.kassa(["journal", "verify", "--state-dir", dir, "--anchor", "\(anchor.seq + 50):" + Hex.encode(anchor.hash)])
        #expect(beyond.status == 1)
        #expect(beyond.stdout.contains("record \(anchor.seq + 50): the journal ends at record"), "\(beyond.stdout)")
        let typo = try Run.kassa(["journal", "verify", "--state-dir", dir, "--anchor", "\(anchor.seq):12ab"])
        #expect(typo.status == 2)
    }

    @Test func aMisspelledCommandIsAUsageError() throws {
        let r = try Run.kassa(["journal", "verfy"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown journal command"))
    }
}

@Suite struct LiveJournalVerifyTests {
    @Test func anUnfinishedWriteAtTheEndIsNotDamage() throws {
        let dir = try JournalCommandTests().stateDirectory(sales: 3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let segment = try FileManager.default.contentsOfDirectory(atPath: dir + "/journal").sorted().last!
        let path = dir + "/journal/" + segment
        // Half a record after the last one, as a write in progress (or a power cut) leaves it.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let end = data.lastIndex { $0 != 0 }! + 1
        handle.seek(toFileOffset: UInt64(end))
        handle.write(Data([0x80, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x09]))
        handle.closeFile()
        let r = try Run.kassa(["journal", "verify", "--state-dir", dir])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("journal sound") && r.stdout.contains("unfinished write"))
    }
}

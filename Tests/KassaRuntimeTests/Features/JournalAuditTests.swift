import Glibc
import KassaSystem
import Testing
@testable import KassaCore
import KassaJournal
import KassaTestSupport
@testable import KassaRuntime

/// What someone who can write the state directory can do: rewrite the journal's segments with
/// records changed or cut off, every CRC, chain hash and segment header computed anew, so that
/// the chain alone verifies. Written from the on-disk layout, not with the journal's own code.
struct JournalForger {
    let directory: String

    struct Record {
        var seq: UInt64
        var type: UInt16
        /// Bytes 8 up to the chain hash: sequence number, type, flags, time, syncedThrough, payload.
        var body: [UInt8]
        var payload: [UInt8] { Array(body[28...]) }
    }

    /// `change` returns a record's new event, or nil to keep it. Records after `keepThrough` go,
    /// and with them the rest of the group `keepThrough` ends in (a cut at a whole group, as a
    /// careful forger makes it), and segments that begin after it.
    func rewrite(keepThrough: UInt64 = .max, _ change: (UInt64, RegisterEvent) -> RegisterEvent? = { _, _ in nil }) throws {
        let fs = PosixFileSystem()
        let names = try fs.listDirectory(directory + "/journal").filter { $0.hasSuffix(".kj") }.sorted()
        var previous = [UInt8](repeating: 0, count: 32)
        for name in names {
            let path = directory + "/journal/" + name
            let old = try readWholeFile(path)
            var header = Array(old[0..<80])
            var records: [Record] = []
            var at = 80
            while at + 4 <= old.count {
                let length = Int(le32(old, at))
                guard length > 0 else { break }
                let body = Array(old[(at + 8)..<(at + length - 32)])
                records.append(Record(seq: le64(body, 0), type: UInt16(body[8]) | UInt16(body[9]) << 8, body: body))
                at += length
            }
            guard le64(header, 24) <= keepThrough else {
                _ = unlink(path)
                continue
            }
            records.removeAll { $0.seq > keepThrough }
            while keepThrough < .max, let last = records.last, last.body[10] & 1 != 0 { records.removeLast() }
            header.replaceSubrange(40..<72, with: previous)
            header.replaceSubrange(76..<80, with: bytes32(CRC32C.checksum(Array(header[0..<76]))))
            var out = header
            for var r in records {
                if let event = try? EventCodec.decode(r.payload), let changed = change(r.seq, event) {
                    r.body = Array(r.body[0..<28]) + EventCodec.encode(changed)
                }
                let hash = SHA256.hash(previous + r.body)
                let covered = r.body + hash
                out += bytes32(UInt32(8 + covered.count)) + bytes32(CRC32C.checksum(covered)) + covered
                previous = hash
            }
            out += [UInt8](repeating: 0, count: max(0, old.count - out.count))
            try writeFileAtomically(path, out)
        }
    }

    private func le32(_ b: [UInt8], _ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[i + $1]) << (8 * $1) } }
    private func le64(_ b: [UInt8], _ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[i + $1]) << (8 * $1) } }
    private func bytes32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}

@Suite("Journal audit: Z closings and anchors")
struct JournalAuditTests {
    /// Two days of card sales, each closed with a Z: receipts 1–3 on the first, 4–5 on the second.
    func twoClosedDays(_ dir: TemporaryDirectory) throws {
        var till = LedgerTill()
        let ledger = try Ledger(stateDirectory: dir.path, registerID: "R1", warning: { _ in })
        try till.openDay(ledger)
        for _ in 0..<3 { try till.sell(ledger) }
        try till.run(.closeShift(counted: 10_000), ledger)
        try till.run(.closeDay, ledger)
        try till.run(.openShift(float: 10_000), ledger)
        for _ in 0..<2 { try till.sell(ledger) }
        try till.run(.closeShift(counted: 10_000), ledger)
        try till.run(.closeDay, ledger)
    }

    func audit(_ dir: TemporaryDirectory, anchors: [ChainAnchor] = []) throws -> JournalAudit.Result {
        let verified = try JournalReader(stateDirectory: dir.path).verify()
        #expect(verified.isSound, "the forger chained every record anew: \(String(describing: verified.firstFault))")
        return try JournalAudit.check(stateDirectory: dir.path, through: verified.lastSeq, anchors: anchors)
    }

    /// Receipt 2 a euro cheaper, as if it had been sold for less.
    func cheaper(_ event: RegisterEvent) -> RegisterEvent? {
        guard case .saleCompleted(var s) = event, s.receiptNumber == 2 else { return nil }
        s.total -= 100
        return .saleCompleted(s)
    }

    @Test func anUntouchedJournalAgreesWithItsZClosingsAndAnchors() throws {
        let dir = TemporaryDirectory()
        try twoClosedDays(dir)
        let anchors = try JournalReports.zClosings(stateDirectory: dir.path).compactMap(\.anchor)
        #expect(anchors.map(\.z) == [1, 2])
        let result = try audit(dir, anchors: anchors)
        #expect(result.findings == [])
        #expect(result.closingsChecked == 2)
        #expect(result.anchorsHeld == 2)
    }

    @Test func aReChainedSaleEditIsCaughtByTheZClosingThatCoversIt() throws {
        let dir = TemporaryDirectory()
        try twoClosedDays(dir)
        let closings = try JournalReports.zClosings(stateDirectory: dir.path)
        try JournalForger(directory: dir.path).rewrite { _, event in cheaper(event) }
        let result = try audit(dir)
        let first = try #require(result.findings.first)
        // The first day's Z (the record after its anchor) and the grand total of the second's.
        #expect(first.seq == closings[0].anchor!.seq + 1)
        #expect(first.problem.contains("sales total"))
        #expect(result.findings.count == 2)
        #expect(result.findings[1].seq == closings[1].anchor!.seq + 1)
        #expect(result.findings[1].problem.contains("grand total of sales"))
    }

    @Test func anAnchorCatchesAForgeryThatAlsoFixedTheZClosings() throws {
        let dir = TemporaryDirectory()
        try twoClosedDays(dir)
        let anchors = try JournalReports.zClosings(stateDirectory: dir.path).compactMap(\.anchor)
        try JournalForger(directory: dir.path).rewrite { _, event in
            if case .dayClosed(var z) = event {
                if z.number == 1 { z.counters.salesGross -= 100 }
                z.grandTotalSales -= 100
                return .dayClosed(z)
            }
            return cheaper(event)
        }
        #expect(try audit(dir).findings == [], "the Z closings were forged to match: only an anchor can tell")
        let result = try audit(dir, anchors: anchors)
        #expect(result.findings.map(\.seq) == anchors.map(\.seq))
        #expect(result.findings.allSatisfy { $0.problem.contains("not the one the anchor saw") })
        // Only the anchor typed from paper, 16 hex digits, with the label its Z report prints.
        let typed = try #require(ChainAnchor(parsing: anchors[0].short))
        #expect(try audit(dir, anchors: [typed]).findings.map(\.seq) == [anchors[0].seq])
    }

    @Test func aJournalCutShortOfAnAnchorFailsNamingTheAnchorsRecord() throws {
        let dir = TemporaryDirectory()
        try twoClosedDays(dir)
        let anchors = try JournalReports.zClosings(stateDirectory: dir.path).compactMap(\.anchor)
        // The second day's last sale and its Z closing cut off.
        try JournalForger(directory: dir.path).rewrite(keepThrough: anchors[1].seq - 4)
        let result = try audit(dir, anchors: anchors)
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.seq == anchors[1].seq)
        #expect(result.findings.first?.problem.contains("cut off") == true)
        #expect(result.anchorsHeld == 1)
    }

    @Test func anAnchorWhoseClosingIsNotTheNextRecordIsAFinding() throws {
        let dir = TemporaryDirectory()
        try twoClosedDays(dir)
        let anchor = try #require(try JournalReports.zClosings(stateDirectory: dir.path).first?.anchor)
        let mislabelled = try #require(ChainAnchor(seq: anchor.seq, hash: anchor.hash, z: 2))
        let result = try audit(dir, anchors: [mislabelled])
        #expect(result.anchorsHeld == 1)
        #expect(result.findings.map(\.seq) == [anchor.seq + 1])
        #expect(result.findings.first?.problem.contains("Z closing 1") == true)
    }

    @Test func aZReportPrintsTheAnchorTheJournalReadsBack() throws {
        let dir = TemporaryDirectory()
        try twoClosedDays(dir)
        let closing = try #require(try JournalReports.zClosings(stateDirectory: dir.path).last)
        let anchor = try #require(closing.anchor)
        let text = ReportText.z(closing.report, RegisterConfig(), at: "", anchor: anchor)
        #expect(text.last?.hasSuffix("Z2 \(anchor.seq):" + Hex.encode(Array(anchor.hash.prefix(8)))) == true)
        #expect(closing.csv.last?.contains(",anchor,Z2 \(anchor.seq):" + Hex.encode(anchor.hash)) == true)
    }
}

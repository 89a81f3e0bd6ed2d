import Foundation
import Testing
import KassaCore
import KassaIPC
import KassaJournal
import KassaRuntime
import KassaSystem

/// What a client saw acknowledged must survive `kill -9`; what it did not see may go, but never half.
@Suite("Crash and restart")
struct CrashTests {
    func login(_ c: IPCClient) throws {
        _ = try c.call(.login, args: ["pin": "1111"])
        if case .failure = c.attempt(.shiftOpen, ["float": 10_000]) {}  // already open after a restart
    }

    func xReport(_ d: Daemon) throws -> (sales: Int64, gross: Int64) {
        let r = try d.client().xReport()["report"]!
        return (r["sales"]!.intValue!, r["sales_gross"]!.intValue!)
    }

    @Test func killDuringASaleAndBetweenSalesLosesNothingAcknowledged() throws {
        let d = Daemon()
        try d.start()
        var c = try d.client()
        try login(c)
        var acknowledged: [Int64] = []
        for _ in 0..<3 {
            _ = try c.call(.saleScan, args: ["code": "101"])
            let done = try c.call(.saleTender, args: ["kind": "card", "amount": 290])
            acknowledged.append(done["completed"]!["total"]!.intValue!)
        }
        // Between sales.
        d.kill9()
        try d.start()
        #expect(try xReport(d) == (3, acknowledged.reduce(0, +)))
        #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)

        // During a sale: two lines scanned, not paid.
        c = try d.client()
        _ = try c.call(.saleScan, args: ["code": "101"])
        _ = try c.call(.saleScan, args: ["code": "102"])
        d.kill9()
        try d.start()
        c = try d.client()
        let status = try c.call(.status)
        #expect(status["operator"]?["id"]?.stringValue == "anna")
        // A kill -9 keeps the page cache: the open sale comes back whole.
        #expect(status["sale"]?["lines"]?.arrayValue?.count == 2)
        let done = try c.call(.saleTender, args: ["kind": "cash", "amount": 2000])
        acknowledged.append(done["completed"]!["total"]!.intValue!)
        #expect(try xReport(d) == (4, acknowledged.reduce(0, +)))
        #expect(d.stop() == 0)
    }

    /// A register in a crash loop never lives long enough for a timed snapshot: after a start
    /// that replayed a long tail, kassad takes one soon, so the next start replays little.
    @Test func aLongTailReplayedAtStartIsSnapshotSoonAfter() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try login(c)
        for _ in 0..<150 {
            _ = try c.call(.saleScan, args: ["code": "101"])
            _ = try c.call(.saleTender, args: ["kind": "card", "amount": 290])
        }
        let records = try c.call(.journalStatus)["last_seq"]!.intValue!
        #expect(records >= Int64(Ledger.longTail))
        d.kill9()
        #expect(Self.newestSnapshot(d) < records, "no snapshot was due before the kill")
        try d.start()
        let deadline = Date().addingTimeInterval(60)
        while Self.newestSnapshot(d) < records && Date() < deadline { usleep(50_000) }
        #expect(Self.newestSnapshot(d) >= records)
        d.kill9()
        try d.start()
        #expect(try xReport(d).sales == 150)
        #expect(d.stop() == 0)
    }

    /// The newest snapshot's record number, from its file name (0 without any).
    static func newestSnapshot(_ d: Daemon) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: d.stateDirectory + "/snapshots")) ?? []
        return names.compactMap { name -> Int64? in
            guard name.hasPrefix("snap-"), name.hasSuffix(".ks") else { return nil }
            return Int64(name.dropFirst(5).dropLast(3))
        }.max() ?? 0
    }

    /// A register killed again and again, each run dying right after its verification kept its
    /// first mark: the whole journal is verified all the same, each run going on from the last.
    @Test func theVerificationOfTheJournalCompletesAcrossRunsThatAreKilledEarly() throws {
        let d = Daemon()
        let records: UInt64 = 100_000
        do {
            let ledger = try Ledger(stateDirectory: d.stateDirectory, registerID: "demo-1", snapshotInterval: .max, warning: { _ in })
            let group = [RegisterEvent](repeating: .loggedOut("anna"), count: 1_000)
            for n in 0..<Int(records) / group.count {
                try ledger.record(group, at: Timestamp(milliseconds: 1_765_000_000_000 + Int64(n)), deferSync: true)
            }
            try ledger.snapshot()
        }
        let progressPath = d.stateDirectory + "/" + VerifyProgress.fileName
        func progress() -> VerifyProgress? {
            (try? readWholeFile(progressPath)).flatMap { VerifyProgress(decoding: $0, registerID: Ledger.journalKey("demo-1")) }
        }
        var marks: [UInt64] = []
        var finished: JournalVerificationReply?
        for _ in 0..<40 where finished == nil {
            let before = try? readWholeFile(progressPath)
            try d.start()
            let deadline = Date().addingTimeInterval(60)
            while (try? readWholeFile(progressPath)) == before, Date() < deadline { usleep(2_000) }
            let now = try #require(progress(), "the run kept no progress")
            if let mark = now.mark {
                d.kill9()
                marks.append(mark.seq)
            } else {
                #expect(now.soundThrough >= records)
                // The verdict reaches kassad's status just after the file.
                let c = try d.client()
                let answered = Date().addingTimeInterval(30)
                finished = try c.call(.status, as: StatusReply.self).journal.verification
                while finished?.running != false, Date() < answered {
                    usleep(20_000)
                    finished = try c.call(.status, as: StatusReply.self).journal.verification
                }
            }
        }
        #expect(marks.count >= 2, "killed before the verification could finish")
        #expect(marks == marks.sorted() && Set(marks).count == marks.count, "each run went on from the last: \(marks)")
        let done = try #require(finished, "the verification never finished across \(marks.count) runs")
        #expect(done.result?.sound == true && done.running == false)
        #expect(done.resumedAfter == Int64(marks.last ?? 0), "the last run went on from the mark the run before it kept")
        #expect((done.soundThrough ?? 0) >= Int64(records) && done.checked == done.throughSeq)
        let shown = try d.kassa(["status"])
        #expect(shown.out.contains("verified sound through record"), "\(shown.out)")
        #expect(d.stop() == 0)
    }

    @Test func randomKillsDuringAStreamOfSalesNeverLoseOrDoubleASale() throws {
        let d = Daemon()
        try d.start()
        var acknowledgedGross: Int64 = 0
        var acknowledgedCount: Int64 = 0
        var random = SystemRandomNumberGenerator()
        let deadline = Date().addingTimeInterval(20)
        var kills = 0
        var checked: Int64 = 0
        var lost: Int64 = 0
        for _ in 0..<12 where Date() < deadline {
            kills += 1
            let c = try d.client()
            try login(c)
            // Abandon whatever sale a kill left open: the client never saw it acknowledged.
            if (try c.call(.saleGet)) != .null { _ = c.attempt(.saleCancel, ["override_pin": "2222"]) }
            let salesBeforeKill = Int.random(in: 1...6, using: &random)
            // The kill lands at a random moment while the sales stream on.
            let pid = d.process!.processIdentifier
            let delay = Double(Int.random(in: 0...40, using: &random)) / 1000
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { _ = kill(pid, SIGKILL) }
            for _ in 0..<salesBeforeKill {
                guard case .success = c.attempt(.saleScan, ["code": "101"]) else { break }
                guard case .success(let r) = c.attempt(.saleTender, ["kind": "card", "amount": 290]) else { break }
                acknowledgedGross += r["completed"]!["total"]!.intValue!
                acknowledgedCount += 1
            }
            while d.process?.isRunning == true { usleep(5_000) }
            try d.restart()
            let (sales, gross) = try xReport(d)
            // Everything acknowledged is there; a sale completed but not yet acknowledged may be too.
            lost += max(0, acknowledgedCount - sales)
            #expect(sales >= acknowledgedCount)
            #expect(gross >= acknowledgedGross)
            #expect(gross == sales * 290, "every sale is exactly one coffee: no half or double sale")
            checked += acknowledgedCount
            acknowledgedCount = sales
            acknowledgedGross = gross
            #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)
        }
        #expect(d.stop() == 0)
        #expect(lost == 0)
        print("kill -9: runs \(kills), kills \(kills), acknowledged sales checked \(checked), lost \(lost)")
    }
}

@Suite("Idempotency")
struct IdempotencyTests {
    @Test func aRetryWithTheSameKeyReturnsTheFirstResultAndRecordsNothingNew() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"], idempotencyKey: "scan-1")
        let first = try c.call(.saleTender, args: ["kind": "cash", "amount": 500], idempotencyKey: "pay-1")
        let head = try c.call(.journalStatus)["last_seq"]!.intValue!
        let again = try d.client().call(.saleTender, args: ["kind": "cash", "amount": 500], idempotencyKey: "pay-1")
        #expect(again == first)
        let rescan = try c.call(.saleScan, args: ["code": "101"], idempotencyKey: "scan-1")
        #expect(rescan["lines"]?.arrayValue?.count == 1)
        #expect(try c.call(.journalStatus)["last_seq"]!.intValue! == head)
        #expect(try c.xReport()["report"]!["sales"]!.intValue == 1)
        #expect(try c.call(.saleGet) == .null)
    }

    @Test func aKeyReusedForADifferentRequestIsAConflictAndDoesNothing() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"], idempotencyKey: "k-1")
        let head = try c.call(.journalStatus)["last_seq"]!.intValue!
        // Other arguments, then another operation, under the same key: refused, nothing recorded.
        #expect(c.errorCode(.saleScan, ["code": "102"], key: "k-1") == .conflict)
        #expect(c.errorCode(.saleTender, ["kind": "cash", "amount": 500], key: "k-1") == .conflict)
        #expect(try c.call(.journalStatus)["last_seq"]!.intValue! == head)
        #expect(try c.call(.saleGet)["lines"]?.arrayValue?.count == 1)
        // The same request in another key order is the same request: answered from the journal.
        #expect(try c.call(.saleScan, args: ["code": "101"], idempotencyKey: "k-1")["lines"]?.arrayValue?.count == 1)

        // The key remembers its request across a restart (from the snapshot of a clean stop).
        #expect(d.stop() == 0)
        try d.start()
        let again = try d.client()
        #expect(again.errorCode(.saleScan, ["code": "102"], key: "k-1") == .conflict)
        #expect(try again.call(.saleGet)["lines"]?.arrayValue?.count == 1)
    }

    @Test func aRetryAfterKassadWasKilledBeforeReplyingSellsExactlyOnce() throws {
        let d = Daemon()
        try d.start()
        var c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        // Send the paying request and kill kassad without reading the reply.
        try c.send(Request(id: .int(99), op: "sale.tender", args: ["kind": "card", "amount": 290], idempotencyKey: "pay-once"))
        usleep(50_000)
        d.kill9()
        try d.start()
        c = try d.client()
        let retried = try c.call(.saleTender, args: ["kind": "card", "amount": 290], idempotencyKey: "pay-once")
        #expect(retried["completed"]?["receipt"]?.intValue == 1)
        let again = try d.client().call(.saleTender, args: ["kind": "card", "amount": 290], idempotencyKey: "pay-once")
        #expect(again == retried)
        #expect(try c.xReport()["report"]!["sales"]!.intValue == 1)
    }
}

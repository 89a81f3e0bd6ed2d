import Foundation
import KassaIPC
import Testing

/// A flipped bit in an old segment: found by the background verification after start-up (which
/// reads only the snapshot and the tail), selling stops with the record named, and a supervisor's
/// recovery gets the shop selling again on a new chain.
@Suite struct DamageRecoveryTests {
    func sell(_ c: IPCClient, reference: String) throws -> Int64 {
        _ = try c.call(.saleScan, args: ["code": "101"])
        let due = try c.call(.saleGet)["due"]?.intValue ?? 0
        let r = try c.call(.saleTender, args: ["kind": "card", "amount": .int(due), "reference": .string(reference)])
        return r["completed"]?["receipt"]?.intValue ?? -1
    }

    /// Flips a bit of the card reference "DAMAGE-ME" in the first segment, as rot would.
    func flipABitOfTheSaleMarkedDamageMe(_ d: Daemon) throws {
        let segment = d.stateDirectory + "/journal/seg-0000000000000001.kj"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        let mark = Array("DAMAGE-ME".utf8)
        let at = try #require((0...(bytes.count - mark.count)).first { Array(bytes[$0..<($0 + mark.count)]) == mark })
        bytes[at] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
    }

    /// A register whose first segment has a flipped bit in receipt 2, restarted on it.
    func damagedRegister() throws -> Daemon {
        let d = Daemon()
        try d.start()
        do {
            let c = try d.client()
            try c.readyToSell()
            #expect(try sell(c, reference: "R-ONE") == 1)
            #expect(try sell(c, reference: "DAMAGE-ME") == 2)
            _ = try c.call(.login, args: ["pin": "2222"])
            _ = try c.call(.reportZ)  // rotates: the damage will sit in an old segment
            #expect(try sell(c, reference: "R-THREE") == 3)
        }
        #expect(d.stop() == 0)  // a snapshot at stop: start-up will not read the old segment
        try flipABitOfTheSaleMarkedDamageMe(d)
        try d.start()
        return d
    }

    @Test func theConsoleFindsTheDamageAndItsRecoveryStepGetsTheShopSelling() throws {
        let d = try damagedRegister()
        let console = try ConsoleLine(d)
        console.expect("Technician PIN")
        console.send("3333\r")
        console.expect("kassa> ")
        console.send("journal verify\r")
        console.expect("journal DAMAGED")
        console.expect("seg-0000000000000001.kj")
        console.send("journal recover\r")
        console.expect("Type the register id (demo-1)")
        console.send("demo-1\r")
        console.expect("PIN")
        console.send("3333\r")
        console.expect("Recovered: the damaged chain is sealed as")
        let c = try d.client()
        _ = try c.call(.login, args: ["pin": "1111"])
        #expect(try sell(c, reference: "R-FOUR") == 4)
        console.send("logout\r")
        #expect(console.waitForExit() == 0)
    }

    @Test func damageFoundInTheBackgroundStopsSellingAndRecoveryStartsANewChain() throws {
        let d = try damagedRegister()
        let c = try d.client()
        var alarm: String?
        let deadline = Date().addingTimeInterval(10)
        while alarm == nil, Date() < deadline {
            alarm = try c.call(.status)["alarms"]?.arrayValue?.first { $0["code"]?.stringValue == "journal_read_only" }?["message"]?.stringValue
            if alarm == nil { usleep(50_000) }
        }
        let message = try #require(alarm)
        #expect(message.contains("seg-0000000000000001.kj") && message.contains("record "))
        #expect(c.errorCode(.saleScan, ["code": "101"]) == .readOnly)
        let verify = try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory])
        #expect(verify.status == 1)

        #expect(c.errorCode(.journalRecover, ["pin": "1111", "confirm": "demo-1"]) == .wrongPin)
        #expect(c.errorCode(.journalRecover, ["pin": "2222", "confirm": "till-9"]) == .badArgs)
        // The technician's (or supervisor's) recovery step, from the command line on the console.
        let step = try d.kassa(["journal", "recover", "demo-1", "--json"], stdin: "2222\n")
        #expect(step.status == 0, "\(step.err)")
        let recovered = try JSONValue.parse(step.out.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(recovered["unreadable_records"]?.intValue == 1)
        #expect(recovered["by"]?.stringValue == "sami")
        let sealed = try #require(recovered["sealed"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: d.stateDirectory + "/sealed/\(sealed)/journal/seg-0000000000000001.kj"))

        // Selling again, numbering on; old receipts still there.
        let after = try c.call(.status)
        #expect(after["alarms"]?.arrayValue?.contains { $0["code"]?.stringValue == "journal_read_only" } == false)
        _ = try c.call(.login, args: ["pin": "1111"])
        #expect(try sell(c, reference: "R-FOUR") == 4)
        #expect(try c.call(.receiptReprint, args: ["receipt": 1])["text"]?.arrayValue?.isEmpty == false)
        #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)

        // And after a restart it stays that way.
        #expect(d.stop() == 0)
        try d.start()
        let again = try d.client()
        usleep(300_000)
        #expect(try again.call(.status)["alarms"]?.arrayValue?.contains { $0["code"]?.stringValue == "journal_read_only" } == false)
        #expect(try sell(again, reference: "R-FIVE") == 5)
    }

    /// Damage that start-up itself finds (in the tail after the snapshot): the journal's mode, the
    /// alarm, the background verification and `kassa journal verify` all say damaged, and all name
    /// the same record.
    @Test func statusAlarmBackgroundCheckAndVerifyAgreeOnDamageFoundAtStart() throws {
        let d = Daemon()
        try d.start()
        do {
            let c = try d.client()
            try c.readyToSell()
            #expect(try sell(c, reference: "DAMAGE-ME") == 1)
            #expect(try sell(c, reference: "R-TWO") == 2)
        }
        d.kill9()  // no snapshot at stop: start-up reads these records
        try flipABitOfTheSaleMarkedDamageMe(d)
        try d.start()
        let c = try d.client()
        var verification: JSONValue?
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            verification = try c.call(.status)["journal"]?["verification"]?["result"]
            if verification != nil { break }
            usleep(50_000)
        }
        let result = try #require(verification)
        #expect(result["sound"]?.boolValue == false)
        let fault = try #require(result["fault"]?.stringValue)
        #expect(fault.contains("seg-0000000000000001.kj at byte") && fault.contains("record "))
        let status = try c.call(.status)
        #expect(status["journal"]?["mode"]?.stringValue == "read_only")
        #expect(status["journal"]?["reason"]?.stringValue?.contains(fault) == true)
        let alarm = status["alarms"]?.arrayValue?.first { $0["code"]?.stringValue == "journal_read_only" }?["message"]?.stringValue
        #expect(alarm?.contains(fault) == true, "\(alarm ?? "no alarm")")
        let verify = try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory])
        #expect(verify.status == 1)
        #expect(verify.out.contains("journal DAMAGED: " + fault), "\(verify.out)")
        #expect(d.stop() == 0)
    }

    @Test func aSnapshotThatFailsAtStopIsAnErrorInTheLog() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        let lastSeq = try #require(try c.call(.status)["journal"]?["last_seq"]?.intValue)
        // Where the snapshot at stop will be written: a directory there makes it fail.
        let digits = String(lastSeq)
        let name = "snap-" + String(repeating: "0", count: 16 - digits.count) + digits + ".ks.tmp"
        try FileManager.default.createDirectory(atPath: d.stateDirectory + "/snapshots/" + name, withIntermediateDirectories: false)
        #expect(d.stop() == 0)
        let line = d.log.split(separator: "\n").first { $0.contains("snapshot failed at stop") }
        #expect(line?.hasPrefix("<3>") == true, "\(d.log)")
    }
}

import Foundation
import KassaIPC
import Testing

/// Backups over the socket: a stick holds no PIN secret, and a restore installs nothing it has
/// not checked, so that no restore can leave a box that does not start.
@Suite struct BackupRestoreTests {
    /// The demo register after two sales, read file by file as the console's `backup` reads it.
    func demoBackup() throws -> (files: [String: [UInt8]], secrets: [[UInt8]]) {
        let old = Daemon()
        try old.start()
        let till = try old.client()
        try till.readyToSell()
        for _ in 0..<2 {
            _ = try till.call(.saleScan, args: ["code": "101"], idempotencyKey: IdempotencyKey.random())
            _ = try till.call(.saleTender, args: ["kind": "cash", "amount": 5000], idempotencyKey: IdempotencyKey.random())
        }
        let tech = try old.client()
        _ = try tech.call(.technician, args: ["pin": "3333"])
        var files: [String: [UInt8]] = [:]
        for file in try tech.call(.backupList)["files"]?.arrayValue ?? [] {
            let path = try #require(file["path"]?.stringValue)
            var bytes: [UInt8] = []
            while true {
                let chunk = try tech.call(.backupRead, args: ["path": .string(path), "offset": .int(Int64(bytes.count))])
                bytes += try #require(chunk["data"]?.stringValue.flatMap(Base64.decode))
                if chunk["eof"]?.boolValue == true { break }
            }
            files[path] = bytes
        }
        #expect(tech.errorCode(.backupRead, ["path": "secrets/pin.key", "offset": 0]) == .badArgs)
        #expect(old.stop() == 0)
        let key = try [UInt8](Data(contentsOf: URL(fileURLWithPath: old.stateDirectory + "/secrets/pin.key")))
        let macs = try String(contentsOfFile: old.stateDirectory + "/secrets/pins", encoding: .utf8)
            .split(separator: "\n").compactMap { $0.split(separator: " ").last.map { Array($0.utf8) } }
        return (files, [key] + macs)
    }

    /// A new box set up with its own technician (ville, 2468), and that technician's connection.
    func freshBox() throws -> (Daemon, IPCClient) {
        let fresh = Daemon(arguments: [])
        try fresh.start()
        let setup = try fresh.client()
        _ = try setup.call(.operatorAdd, args: ["id": "ville", "name": "Ville", "role": "technician", "pin": "246813"])
        let tech = try fresh.client()
        _ = try tech.call(.technician, args: ["pin": "246813"])
        return (fresh, tech)
    }

    /// Stages the files and commits them, as the console's `restore` does.
    func restore(_ tech: IPCClient, _ files: [String: [UInt8]], technician: String = "tero", pin: String = "975310", anchor: String? = nil)
        -> Result<JSONValue, IPCError> {
        if case .failure(let e) = tech.attempt(.restoreBegin) { return .failure(e) }
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            var offset = 0
            repeat {
                let chunk = bytes[offset..<min(bytes.count, offset + 24 * 1024)]
                let args: JSONObject = ["path": .string(path), "offset": .int(Int64(offset)), "data": .string(Base64.encode(chunk))]
                if case .failure(let e) = tech.attempt(.restoreWrite, args) { return .failure(e) }
                offset += chunk.count
            } while offset < bytes.count
        }
        var commit: JSONObject = ["register": "demo-1", "technician": .string(technician), "pin": .string(pin)]
        if let anchor { commit["anchor"] = .string(anchor) }
        return tech.attempt(.restoreCommit, commit)
    }

    func waitForExit(_ d: Daemon) {
        let deadline = Date().addingTimeInterval(30)
        while d.process?.isRunning == true && Date() < deadline { usleep(20_000) }
    }

    /// The box starts read-write and `--read-only` and answers, with ville's PIN still its technician's.
    func expectStartsBothWaysAsItWas(_ box: Daemon) throws {
        #expect(box.stop() == 0)
        for arguments in [[], ["--read-only"]] {
            box.setArguments(arguments)
            try box.start()
            let c = try box.client()
            #expect(try c.call(.status)["register"] != nil, "kassad \(arguments) answers")
            #expect(try c.call(.technician, args: ["pin": "246813"])["operator"]?["id"]?.stringValue == "ville")
            #expect(box.stop() == 0, "kassad \(arguments) ran and stopped cleanly")
        }
    }

    @Test func aBackupHoldsNoPinKeyAndNoPinOrBadgeMAC() throws {
        let (files, secrets) = try demoBackup()
        #expect(!files.isEmpty)
        #expect(files.keys.allSatisfy { !$0.hasPrefix("secrets/") }, "\(files.keys.sorted())")
        for (path, bytes) in files {
            for secret in secrets {
                let found = (0...max(0, bytes.count - secret.count)).contains { bytes.count >= secret.count && Array(bytes[$0..<($0 + secret.count)]) == secret }
                #expect(!found, "\(path) holds a PIN secret")
            }
        }
    }

    @Test func aRestoredBoxLetsTheNamedTechnicianInAndTheOtherPinsAreSetAgain() throws {
        let (files, _) = try demoBackup()
        let (box, tech) = try freshBox()
        let committed = try restore(tech, files).get()
        #expect(committed["technician"]?.stringValue == "tero")
        waitForExit(box)
        #expect(box.process?.isRunning == false)
        try box.start()  // systemd would start it again
        let c = try box.client()
        #expect(try c.call(.status)["register"]?.stringValue == "demo-1")
        // The old box's PINs are not on the stick: neither Tero's old nor Anna's works.
        #expect(c.errorCode(.technician, ["pin": "3333"]) != nil)
        #expect(c.errorCode(.login, ["pin": "1111"]) != nil)
        _ = try c.call(.technician, args: ["pin": "975310"])
        _ = try c.call(.operatorResetPIN, args: ["id": "anna", "pin": "4455"], idempotencyKey: IdempotencyKey.random())
        let till = try box.client()
        #expect(try till.call(.login, args: ["pin": "4455"])["operator"]?["id"]?.stringValue == "anna")
    }

    enum Spoiled: String, CaseIterable, CustomTestStringConvertible {
        case badCatalog, damagedJournal, missingJournal, extraFile, secretsFile, unknownTechnician, foreignAnchor
        var testDescription: String { rawValue }
        /// What the refusal names.
        var why: String {
            switch self {
            case .badCatalog: return "catalog.csv cannot be loaded"
            case .damagedJournal: return "journal is damaged"
            case .missingJournal: return "holds no journal"
            case .extraFile, .secretsFile: return "is not part of a backup"
            case .unknownTechnician: return "no enabled technician"
            case .foreignAnchor: return "record 3: its chain hash begins"
            }
        }

        func apply(_ files: inout [String: [UInt8]]) throws {
            let segment = try #require(files.keys.sorted().first { $0.hasPrefix("journal/") })
            switch self {
            case .badCatalog: files["catalog.csv"] = Array("id,name\nthis is,not a catalog,at all\n".utf8)
            case .damagedJournal: files[segment]![files[segment]!.count / 2] ^= 0x40
            case .missingJournal: files = files.filter { !$0.key.hasPrefix("journal/") }
            case .extraFile: files["notes.txt"] = Array("hello".utf8)
            case .secretsFile: files["secrets/pin.key"] = [UInt8](repeating: 7, count: 32)
            case .unknownTechnician, .foreignAnchor: break
            }
        }
    }

    @Test(arguments: Spoiled.allCases)
    func aRestoreThatFailsItsChecksLeavesTheBoxAsItWasAndStarting(_ spoiled: Spoiled) throws {
        var (files, _) = try demoBackup()
        try spoiled.apply(&files)
        let (box, tech) = try freshBox()
        let refused = restore(tech, files, technician: spoiled == .unknownTechnician ? "ville" : "tero",
                              anchor: spoiled == .foreignAnchor ? "Z1 3:0123456789abcdef" : nil)
        guard case .failure(let error) = refused else {
            Issue.record("a \(spoiled) restore was committed")
            return
        }
        #expect(error.code == .badArgs, "\(error)")
        #expect(error.message.contains(spoiled.why), "\(error)")
        #expect(box.process?.isRunning == true, "a refused restore does not restart kassad")
        #expect(try tech.call(.status)["register"]?.stringValue != "demo-1")
        try expectStartsBothWaysAsItWas(box)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: box.stateDirectory)) ?? []
        #expect(!left.contains { $0.hasPrefix("replaced-") }, "nothing was set aside: \(left)")
    }
}

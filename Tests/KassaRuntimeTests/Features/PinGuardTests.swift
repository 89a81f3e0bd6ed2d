import Foundation
import Testing
import KassaCore
import KassaSystem
@testable import KassaIPC
@testable import KassaRuntime
import KassaTestSupport

/// Wrong PINs through kassad's request handling: counted whether or not they can be journaled,
/// logged without the PIN, raised to a supervisor; the printed recovery code only while no
/// technician can log in; a clock set back stays guarded whatever is recorded meanwhile.
@Suite("PINs at kassad's door")
struct PinGuardTests {
    @Test func wrongPinsCountInMemoryWhenTheJournalIsReadOnly() throws {
        let r = try InProcessRegister(readOnly: true)
        for _ in 1...3 { #expect(r.error(.technician, ["pin": "9999"])?.code == .wrongPin) }
        // Even the technician's own PIN now waits: it is not looked at.
        let delayed = try #require(r.error(.technician, ["pin": "3333"]))
        #expect(delayed.code == .pinDelayed)
        #expect(delayed.retryAfterMilliseconds == 1_000)
        r.now += 1_000
        #expect(r.error(.technician, ["pin": "3333"]) == nil)
        #expect(r.log.filter { $0.contains("wrong PIN") && $0.contains("journaled=no") }.count == 3)
    }

    @Test func wrongPinsThatCouldNotBeJournaledStillCountAfterARestart() throws {
        let r = try InProcessRegister(readOnly: true)
        for _ in 1...3 { #expect(r.error(.technician, ["pin": "9999"])?.code == .wrongPin) }
        #expect(!String(decoding: try readWholeFile(r.dir.path + "/pins-unjournaled"), as: UTF8.self).contains("9999"))
        // Restarting the read-only kassad gives the guesser no fresh start.
        try r.restart(readOnly: true)
        #expect(r.error(.technician, ["pin": "3333"])?.code == .pinDelayed)
        r.now += 1_000
        #expect(r.error(.technician, ["pin": "9999"])?.code == .wrongPin)
        // Once the journal takes writes again, the count is journaled and the file goes.
        try r.restart(readOnly: false)
        #expect(!FileManager.default.fileExists(atPath: r.dir.path + "/pins-unjournaled"))
        #expect(try r.journaled().filter { $0 == "pin_refused" }.count == 1)
        let delayed = try #require(r.error(.technician, ["pin": "3333"]))
        #expect(delayed.code == .pinDelayed)
        #expect(delayed.retryAfterMilliseconds == 2_000, "four wrong PINs in a row")
        try r.restart(readOnly: false)
        #expect(r.error(.technician, ["pin": "3333"])?.code == .pinDelayed, "from the journal now")
    }

    @Test func aDamagedJournalIsRecoveredOnlyWithAnEnabledSupervisorsPinAndWrongOnesCount() throws {
        let r = try InProcessRegister()
        _ = try r.call(.login, ["pin": "3333"])
        _ = try r.call(.technician, ["pin": "3333"])
        _ = try r.call(.operatorDisable, ["id": "sami"])
        r.service.journalDamaged("a test")
        #expect(r.error(.journalRecover, ["pin": "2222", "confirm": "till-1"])?.code == .wrongPin, "sami is disabled")
        #expect(r.error(.journalRecover, ["pin": "1111", "confirm": "till-1"])?.code == .wrongPin, "a cashier's")
        #expect(r.error(.journalRecover, ["pin": "9999", "confirm": "till-1"])?.code == .wrongPin)
        #expect(r.error(.journalRecover, ["pin": "3333", "confirm": "till-1"])?.code == .pinDelayed)
    }

    @Test func everyWrongPinIsLoggedWithItsSourceNeverWithThePin() throws {
        let r = try InProcessRegister()
        #expect(r.error(.login, ["pin": "97531"])?.code == .wrongPin)
        let lines = r.log.filter { $0.contains("wrong PIN") }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("source=kassad") == true, "\(lines)")
        #expect(!r.log.contains { $0.contains("97531") })
        #expect(try r.journaled().last == "pin_refused")
    }

    @Test func guessingRaisesAnAlarmThatOnlyASupervisorsLogInClears() throws {
        let r = try InProcessRegister()
        for _ in 1...3 { _ = r.error(.login, ["pin": "9999"]) }
        #expect(r.service.alarms["pin_guessing"]?.contains("3 wrong PINs in a row") == true)
        r.now += 1_000
        _ = try r.call(.login, ["pin": "1111"])
        #expect(r.service.alarms["pin_guessing"] != nil, "a cashier's log-in leaves it")
        r.now += 1_000
        _ = try r.call(.login, ["pin": "2222"])
        #expect(r.service.alarms["pin_guessing"] == nil)
    }

    @Test func aClockSetBackStaysGuardedWhateverIsRecordedMeanwhile() throws {
        let r = try InProcessRegister()
        _ = try r.call(.login, ["pin": "1111"])
        _ = try r.call(.shiftOpen, ["float": 0])
        let newest = r.now
        r.now -= 3_600_000
        #expect(r.error(.saleOpen)?.code == .clockBehind)
        // A wrong PIN, a log-in and a punch of the time clock are recorded while the clock is behind.
        #expect(r.error(.login, ["pin": "9999"])?.code == .wrongPin)
        _ = try r.call(.login, ["pin": "1111"])
        #expect(r.error(.saleOpen)?.code == .clockBehind)
        #expect(try r.call(.clockCheck)["ok"]?.boolValue == false)
        // Only a clock that is no longer behind clears it.
        r.now = newest + 1
        _ = try r.call(.saleOpen)
    }

    @Test func aRecoveryCodeIsPrintedOnlyWhileNoTechnicianCanLogInAndNeverLogged() throws {
        let r = try InProcessRegister()
        #expect(r.error(.technicianRecoveryCode)?.code == .refused, "tero can log in")
        #expect(!FileManager.default.fileExists(atPath: r.printerPath))

        // Tero's PIN is lost (a box restored without its PINs): now it prints, journaled with why.
        r.service.pins.remove("tero")
        try r.service.pins.save()
        r.service.env.pins = r.service.pins.vault
        _ = try r.call(.technicianRecoveryCode)
        let code = try #require(try r.printed.map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.count == 8 && $0.allSatisfy(\.isNumber) })
        #expect(!r.log.contains { $0.contains(code) }, "the code is on paper only")
        #expect(try r.journaled().last == "recovery_code_printed")

        // A technician's new PIN is longer; a short one spends nothing of the code.
        #expect(r.error(.technicianRecover, ["code": .string(code), "id": "tero", "pin": "4711"])?.code == .badArgs)
        _ = try r.call(.technicianRecover, ["code": .string(code), "id": "tero", "pin": "471147"])
        #expect(r.error(.technicianRecover, ["code": .string(code), "id": "new", "pin": "582258"])?.code == .refused)
        #expect(try r.call(.technician, ["pin": "471147"])["operator"]?["id"]?.stringValue == "tero")
        #expect(!r.log.contains { $0.contains(code) })
    }
}

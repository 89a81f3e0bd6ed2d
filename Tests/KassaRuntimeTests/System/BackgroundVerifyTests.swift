import Glibc
import Testing
import KassaJournal
import KassaSystem
import KassaTestSupport
@testable import KassaRuntime

/// The verification of the whole journal carried across runs of kassad: each run goes on from
/// the mark the one before it kept, a pass that reaches its end is followed by one from record 1,
/// and a progress file that does not hold is no reason to skip anything.
@Suite("The journal's verification across runs")
struct BackgroundVerifyTests {
    let dir = TemporaryDirectory()
    var progressPath: String { dir.path + "/" + VerifyProgress.fileName }

    /// Appends records `from...through` (ten to a group) to the journal in the state directory.
    func write(_ from: Int, through: Int) throws {
        let journal = try Journal.open(stateDirectory: dir.path, options: JournalOptions(registerID: 7), warning: { _ in })
        for first in stride(from: from, through: through, by: 10) {
            let group = (first...min(first + 9, through)).map { n in
                JournalEntry(type: 1, time: Int64(n) * 1000, payload: Array("record \(n)".utf8))
            }
            try journal.append(group, durable: true)
        }
    }

    func pass(resume: Bool = true) -> JournalVerifyPass {
        var pass = JournalVerifyPass(stateDirectory: dir.path)
        pass.resume = resume
        pass.markInterval = 10
        pass.markSpacingMilliseconds = 0
        pass.clock = { 1_765_000_000_000 }
        return pass
    }

    func run(_ pass: JournalVerifyPass, through: UInt64,
             whileRunning: (JournalVerifyPass.Report) -> Void = { _ in }) -> [JournalVerifyPass.Report] {
        var reports: [JournalVerifyPass.Report] = []
        pass.run(throughSeq: through) { report in
            whileRunning(report)
            reports.append(report)
        }
        return reports
    }

    /// Flips a bit of record `seq` (in its stored chain hash) in its segment file.
    func damage(record seq: UInt64) throws {
        let hash = try JournalReader(stateDirectory: dir.path).read(seq: seq).chainHash
        let path = dir.path + "/journal/seg-0000000000000001.kj"
        var bytes = try readWholeFile(path)
        let at = try #require((0...(bytes.count - hash.count)).first { Array(bytes[$0..<($0 + hash.count)]) == hash })
        bytes[at + 5] ^= 0x08
        try writeFileAtomically(path, bytes)
    }

    /// What a run killed right after its mark passed record 40 leaves behind.
    func progressOfARunKilledAt40() throws -> [UInt8] {
        var left: [UInt8] = []
        _ = run(pass(), through: 100) { report in
            if case .progress(checked: 40) = report { left = (try? readWholeFile(progressPath)) ?? [] }
        }
        return left
    }

    @Test func aRunGoesOnFromTheMarkAnEarlierRunKeptAndFinishesThePass() throws {
        try write(1, through: 100)
        let left = try progressOfARunKilledAt40()
        #expect(VerifyProgress(decoding: left, registerID: 7)?.mark?.seq == 40)
        try writeFileAtomically(progressPath, left)
        try write(101, through: 120)

        let reports = run(pass(), through: 120)
        #expect(reports.first == .start(resumedAfter: 40, passStartedAt: 1_765_000_000_000, soundThrough: 0, soundAt: 0))
        #expect(reports.contains(.progress(checked: 50)) && !reports.contains(.progress(checked: 40)))
        #expect(reports.last == .sound(through: 120, segments: 1, at: 1_765_000_000_000))
        let kept = try #require(VerifyProgress(decoding: try readWholeFile(progressPath), registerID: 7))
        #expect(kept == VerifyProgress(soundThrough: 120, soundAt: 1_765_000_000_000))
    }

    @Test func damageAfterTheMarkIsFoundByTheRunThatGoesOn() throws {
        try write(1, through: 100)
        try writeFileAtomically(progressPath, try progressOfARunKilledAt40())
        try damage(record: 77)
        let reports = run(pass(), through: 100)
        guard case .start(resumedAfter: 40, _, _, _) = reports.first, case .damaged(let fault) = reports.last else {
            Issue.record("not resumed at 40 and damaged: \(reports)")
            return
        }
        #expect(fault.contains("record 77"))
    }

    /// Damage that appears before the mark after those records were checked is not seen by the
    /// pass that goes on from the mark; the pass after it starts from record 1 and finds it.
    @Test func damageBeforeTheMarkIsFoundByTheNextPass() throws {
        try write(1, through: 100)
        try writeFileAtomically(progressPath, try progressOfARunKilledAt40())
        try damage(record: 25)
        #expect(run(pass(), through: 100).last == .sound(through: 100, segments: 1, at: 1_765_000_000_000))
        let next = run(pass(), through: 100)
        #expect(next.first == .start(resumedAfter: 0, passStartedAt: 1_765_000_000_000, soundThrough: 100, soundAt: 1_765_000_000_000))
        guard case .damaged(let fault) = next.last else {
            Issue.record("the next pass found nothing: \(next)")
            return
        }
        #expect(fault.contains("record 25"))
    }

    @Test func aProgressFileThatDoesNotHoldStartsFromRecordOne() throws {
        try write(1, through: 100)
        let left = try progressOfARunKilledAt40()
        var forged = try #require(VerifyProgress(decoding: left, registerID: 7))
        forged.mark?.chainHash[0] ^= 1
        var flipped = left
        flipped[50] ^= 1
        let otherRegister = forged.encoded(registerID: 8)
        for bytes in [forged.encoded(registerID: 7), flipped, otherRegister, Array(left.prefix(20)), []] {
            try writeFileAtomically(progressPath, bytes)
            let reports = run(pass(), through: 100)
            guard case .start(resumedAfter: 0, _, _, _) = reports.first else {
                Issue.record("went on from a mark that does not hold: \(reports)")
                continue
            }
            #expect(reports.last == .sound(through: 100, segments: 1, at: 1_765_000_000_000))
        }
    }

    @Test func aTechniciansVerificationStartsFromRecordOne() throws {
        try write(1, through: 100)
        try writeFileAtomically(progressPath, try progressOfARunKilledAt40())
        guard case .start(resumedAfter: 0, _, _, _) = run(pass(resume: false), through: 100).first else {
            Issue.record("a technician's verification went on from a mark")
            return
        }
    }

    @Test func aRegisterStartedReadOnlyKeepsNoMark() throws {
        try write(1, through: 100)
        var readOnly = pass()
        readOnly.keepMarks = false
        #expect(run(readOnly, through: 100).last == .sound(through: 100, segments: 1, at: 1_765_000_000_000))
        #expect(access(progressPath, F_OK) != 0)
    }

    @Test func reportsCrossThePipeAsLinesAndBack() {
        let reports: [JournalVerifyPass.Report] = [
            .start(resumedAfter: 40, passStartedAt: 12, soundThrough: 30, soundAt: 11), .progress(checked: 50),
            .sound(through: 120, segments: 2, at: 13), .damaged("seg-1 at byte 80, record 2: CRC32C mismatch"),
            .failed("I/O error"), .note("cannot keep the verification's progress"),
        ]
        for report in reports { #expect(JournalVerifyPass.Report(line: report.line) == report) }
    }
}

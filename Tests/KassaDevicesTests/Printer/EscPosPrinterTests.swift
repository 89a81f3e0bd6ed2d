import KassaCore
import DeviceTestSupport
import Testing
@testable import KassaDevices

/// The receipt printer driver over a fake link: what it sends, what it reports, and how a job
/// survives the printer going away.
@Suite struct EscPosPrinterTests {
    let loop = ManualLoop()

    func printer(replies: Bool = true) -> (EscPosPrinter, FakeLink, Recorder) {
        var options = EscPosPrinter.Options()
        options.expectsReplies = replies
        let p = EscPosPrinter(id: "printer", profile: .epson80mm, options: options, loop: loop)
        let recorder = Recorder()
        p.onOutput = { recorder.outputs.append($0) }
        p.onChange = { recorder.changes += 1 }
        let link = FakeLink()
        p.attach(link)
        return (p, link, recorder)
    }

    final class Recorder {
        var outputs: [OutputEvent] = []
        var changes = 0
    }

    static let poll: [UInt8] = [0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04]
    /// What a printer that answers is sent first: who are you (maker, model), then a status poll.
    static let hello: [[UInt8]] = [[0x1D, 0x49, 0x42, 0x1D, 0x49, 0x43], poll]
    /// All well: online, drawer sensor low, no cover or paper problem.
    static let healthy: [UInt8] = [0x12, 0x12, 0x12]

    func job(_ id: UInt64, copyMark: String = "*** COPY ***") -> PrintJob {
        PrintJob(id: id) { copy in
            (copy ? [PrintedLine(copyMark, .strong)] : []) + [PrintedLine("Päivä 2,50"), PrintedLine("TOTAL 2,50", .total)]
        }
    }

    /// What `job` prints, without the copy mark.
    static let jobBytes: [UInt8] = joined(
        [0x1B, 0x40, 0x1B, 0x74, 19],
        [0x50, 0x84, 0x69, 0x76, 0x84, 0x20, 0x32, 0x2C, 0x35, 0x30, 0x0A],
        [0x1B, 0x45, 0x01, 0x1D, 0x21, 0x01],
        Array("TOTAL 2,50".utf8), [0x0A],
        [0x0A, 0x0A, 0x0A],
        [0x1D, 0x56, 0x42, 0x00],
        [0x1D, 0x72, 0x01])

    @Test func attachingAsksWhoItIsAndPollsStatusAndAHealthyAnswerMakesItIdle() {
        let (p, link, _) = printer()
        #expect(link.sent == Self.hello)
        #expect(p.state == .idle)
        link.deliver(Self.healthy)
        #expect(p.state == .idle)
        #expect(p.status == [.drawerClosed])
        #expect(p.power == .online)
        link.deliver([0x5F] + Array("EPSON".utf8) + [0x00, 0x5F] + Array("TM-T20III".utf8) + [0x00])
        #expect(p.model == "EPSON TM-T20III")
    }

    @Test func aJobGoesOutAsExactBytesAndIsDoneWhenThePrinterReachesItsEnd() {
        let (p, link, rec) = printer()
        link.deliver(Self.healthy)
        p.enqueue(job(7))
        #expect(link.sent.dropFirst(2).flatMap { $0 } == Self.jobBytes)
        #expect(rec.outputs == [.sent(id: 7, bytes: Self.jobBytes.count, copy: false)])
        #expect(p.state == .busy)
        link.deliver([0x00])  // the answer to 1D 72 01: paper fine
        #expect(rec.outputs.last == .done(id: 7, confirmedByPrinter: true))
        #expect(p.state == .idle)
        #expect(p.queuedJobs.isEmpty)
    }

    @Test func aOneWayPrinterIsDoneWhenTheBytesAreSent() {
        let (p, link, rec) = printer(replies: false)
        p.enqueue(job(1))
        #expect(link.allBytes == Array(Self.jobBytes.dropLast(3)))
        #expect(rec.outputs == [.sent(id: 1, bytes: Self.jobBytes.count - 3, copy: false), .done(id: 1, confirmedByPrinter: false)])
    }

    @Test func jobsGoOneAtATimeInOrder() {
        let (p, link, rec) = printer()
        link.deliver(Self.healthy)
        p.enqueue(job(1))
        p.enqueue(job(2))
        let afterFirst = link.sent.count
        #expect(rec.outputs == [.sent(id: 1, bytes: Self.jobBytes.count, copy: false)])
        link.deliver([0x00])
        #expect(link.sent.count > afterFirst)
        #expect(rec.outputs.map(\.id) == [1, 1, 2])
    }

    @Test func unpluggedMidReceiptTheJobIsPrintedAgainAsACopyWhenThePrinterIsBack() {
        let (p, link, rec) = printer()
        link.deliver(Self.healthy)
        link.autoComplete = false
        var options = p.options
        options.chunkSize = 16
        p.options = options
        p.enqueue(job(3))
        link.completeNext()  // the poll's bytes already went; now the first chunk
        #expect(link.waitingSends == 0 || link.waitingSends == 1)
        while link.waitingSends > 0 && link.sent.count < 3 { link.completeNext() }
        link.unplug()
        #expect(p.state == .offline)
        #expect(p.status == [.offline])
        #expect(p.queuedJobs == [3])
        #expect(!rec.outputs.contains { if case .done = $0 { return true }; return false })

        let back = FakeLink(name: "back")
        p.attach(back)
        back.deliver(Self.healthy)
        let text = String(decoding: back.allBytes, as: UTF8.self)
        #expect(text.contains("*** COPY ***"))
        back.deliver([0x00])
        #expect(rec.outputs.suffix(2) == [.sent(id: 3, bytes: rec.outputs.suffix(2).first!.bytes, copy: true),
                                          .done(id: 3, confirmedByPrinter: true)])
        #expect(p.queuedJobs.isEmpty)
    }

    @Test func aJobNothingOfWhichLeftIsNotMarkedAsACopy() {
        var options = EscPosPrinter.Options()
        options.expectsReplies = false
        let p = EscPosPrinter(id: "printer", profile: .epson80mm, options: options, loop: loop)
        p.enqueue(job(4))  // no link yet: it waits
        #expect(p.state == .offline)
        #expect(p.queuedJobs == [4])
        let link = FakeLink()
        p.attach(link)
        #expect(link.allBytes == Array(Self.jobBytes.dropLast(3)))
    }

    @Test func paperOutPausesTheQueueAndItResumesWhenPaperIsBack() {
        let (p, link, rec) = printer()
        link.deliver([0x12, 0x12, 0x72])  // 10 04 4: paper out (bits 5–6)
        #expect(p.state == .error)
        #expect(p.status.contains(.paperOut))
        let before = link.sent.count
        p.enqueue(job(5))
        #expect(link.sent.count == before)
        loop.advance(2000)  // the next poll
        link.deliver(Self.healthy)
        #expect(link.sent.count > before + 1)
        #expect(rec.outputs.first == .sent(id: 5, bytes: Self.jobBytes.count, copy: false))
    }

    @Test func oneMissedPollIsForgivenTwoMarkThePrinterOffline() {
        let (p, link, _) = printer()
        link.deliver(Self.healthy)
        loop.advance(2000)  // poll 2 sent
        loop.advance(1000)  // unanswered
        #expect(p.state == .idle)
        loop.advance(1000)  // poll 3 sent
        loop.advance(1000)  // unanswered again
        #expect(p.state == .offline)
        #expect(p.power == .off)
        #expect(link.isOpen)
        loop.advance(1000)
        link.deliver(Self.healthy)
        #expect(p.state == .idle)
    }

    @Test func theDrawerKickGoesAheadOfAQueuedReceipt() throws {
        let (p, link, _) = printer()
        link.deliver(Self.healthy)
        link.autoComplete = false
        var options = p.options
        options.chunkSize = 16
        p.options = options
        p.enqueue(job(6))
        let inFlight = link.sent.count
        try p.kickDrawer()
        link.completeNext()
        #expect(link.sent[inFlight] == [0x10, 0x14, 0x01, 0x00, 0x01])
    }

    @Test func aKickWhileThePrinterIsAwayIsRefusedAtOnceAndNeverQueued() {
        let (p, link, _) = printer()
        link.unplug()
        #expect(throws: DeviceError.self) { try p.kickDrawer() }
        let back = FakeLink()
        p.attach(back)
        #expect(back.sent == Self.hello)
    }

    @Test func theDrawerSensorReadsThroughTheProfilesPolarity() {
        let (p, link, _) = printer()
        link.deliver([0x16, 0x12, 0x12])  // 10 04 1 bit 2: sensor high
        #expect(p.drawerOpen == true)
        var low = PrinterProfile.epson80mm
        low.drawerOpenLevel = .low
        p.profile = low
        #expect(p.drawerOpen == false)
        let drawer = KickPortDrawer(id: "drawer", printer: p)
        #expect(drawer.status == [.drawerClosed])
    }

    @Test func aJobThePrinterSilentlyLostIsSentAgainAsACopy() {
        let (p, link, rec) = printer()
        link.deliver(Self.healthy)
        p.enqueue(job(8))
        for _ in 0..<15 {
            loop.advance(2000)
            link.deliver(Self.healthy)
        }
        #expect(rec.outputs.contains { if case .stalled(8, _) = $0 { return true }; return false })
        #expect(rec.outputs.last == .sent(id: 8, bytes: rec.outputs.last!.bytes, copy: true))
    }

    @Test func chunksAreWholeCommands() {
        let commands: [[UInt8]] = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [10]]
        #expect(EscPosPrinter.chunk(commands, size: 5) == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
        #expect(EscPosPrinter.chunk([[1, 2, 3, 4, 5, 6]], size: 2) == [[1, 2, 3, 4, 5, 6]])
    }
}

extension OutputEvent {
    var id: UInt64 {
        switch self {
        case .sent(let id, _, _), .done(let id, _), .stalled(let id, _): return id
        }
    }
    var bytes: Int {
        if case .sent(_, let b, _) = self { return b }
        return 0
    }
}

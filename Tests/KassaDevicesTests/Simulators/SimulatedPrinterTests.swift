import Glibc
import KassaCore
import KassaDevices
import Testing

@Suite struct SimulatedPrinterTests {
    @Test func printoutsWaitWhileTheSimulatedRollIsOutAndGoOutAfter() throws {
        let path = "/tmp/kassa-sim-printer-\(getpid())-\(Int.random(in: 0..<1_000_000)).out"
        defer { unlink(path) }
        let printer = SimulatedPrinter(outputPath: path, log: { _ in })
        var done: [UInt64] = []
        printer.onOutput = { if case .done(let id, _) = $0 { done.append(id) } }
        printer.setPaperOut(true)
        #expect(printer.status == [.paperOut] && printer.state == .error)
        printer.enqueue(PrintJob(id: 7, copy: false) { _ in [PrintedLine("receipt seven")] })
        #expect(done.isEmpty)
        #expect(access(path, F_OK) != 0, "nothing printed without paper")
        printer.setPaperOut(false)
        #expect(done == [7] && printer.status.isEmpty && printer.state == .idle)
    }
}

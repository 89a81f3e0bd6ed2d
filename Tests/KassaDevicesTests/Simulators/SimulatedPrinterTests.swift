import Glibc
import KassaCore
import KassaDevices
import KassaSystem
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

    @Test func eachPrintoutIsWrittenAsTheESCPOSBytesARealPrinterGets() throws {
        let path = "/tmp/kassa-sim-printer-\(getpid())-\(Int.random(in: 0..<1_000_000)).out"
        defer { unlink(path) }
        let printer = SimulatedPrinter(outputPath: path, log: { _ in })
        var done: [UInt64] = []
        printer.onOutput = { if case .done(let id, _) = $0 { done.append(id) } }
        let lines = [PrintedLine("Kahvila Testi", .strong), PrintedLine("Kahvi 2,90 €"), PrintedLine("YHTEENSÄ 2,90 €", .total)]
        printer.enqueue(PrintJob(id: 1) { _ in lines })
        printer.enqueue(PrintJob(id: 2) { _ in [PrintedLine("second")] })
        #expect(done == [1, 2])
        let bytes = try readWholeFile(path)
        let first = EscPos.encode(EscPos.document(lines), profile: printer.profile)
        #expect(Array(bytes.prefix(first.count)) == first)
        #expect(bytes.starts(with: EscPos.Command.initialize))
        // The feed before each cut is three empty lines.
        let pieces = EscPosReader.read(bytes).filter { if case .line("", _) = $0 { return false } else { return true } }
        #expect(pieces == [.line("Kahvila Testi", TextStyle(bold: true)), .line("Kahvi 2,90 €", TextStyle()),
                           .line("YHTEENSÄ 2,90 €", .total), .cut, .line("second", TextStyle()), .cut])
    }
}

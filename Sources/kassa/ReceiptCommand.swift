import KassaCore
import KassaDevices
import KassaSystem

/// `kassa receipt render FILE`: ESC/POS bytes as a printer would print them, in text: the
/// simulated printer's output file, or bytes captured on a real printer's line.
enum ReceiptCommand {
    static let usage = """
        usage: kassa receipt render FILE [--columns N]
          Shows the ESC/POS bytes in FILE (the demo's STATE/printer.out, or bytes captured on the way
          to a real printer) as text: each printed line as it is aligned on paper, at N characters
          (42 unless given), bold and enlarged lines marked "[bold]" or "[size 1x2]" after the text,
          barcodes and QR codes as "[CODE128: data]", each cut as "----- cut -----" and each drawer
          kick as "[drawer kick]". Other commands are left out; text is read as code page PC858
          until the bytes choose another.
        """

    static func run(_ args: inout Arguments) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let sub = try args.positional("receipt command (render)")
        guard sub == "render" else { throw UsageError("receipt render FILE, not receipt \(sub)") }
        let file = try args.positional("the file of ESC/POS bytes")
        let columns = try args.option("--columns").map { v throws(UsageError) -> Int in
            guard let n = Int(v), (16...80).contains(n) else { throw UsageError("--columns takes 16 to 80, not '\(v)'") }
            return n
        } ?? 42
        try args.finish()
        let bytes: [UInt8]
        do { bytes = try readWholeFile(file) } catch { throw CommandFailure(.failure, "cannot read \(file): \(error)") }
        var out: [UInt8] = []
        for line in EscPosReader.text(EscPosReader.read(bytes), columns: columns) {
            out += Array(line.utf8)
            out.append(10)
            if out.count > 65_536 { flush(&out) }
        }
        flush(&out)
        return .ok
    }
}

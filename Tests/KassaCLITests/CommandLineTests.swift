import Foundation
import Testing
import KassaTestSupport

@Suite("kassa's command line")
struct CommandLineTests {
    @Test func aPINIsNeverTakenFromTheCommandLine() throws {
        let r = try Run.kassa(["login", "1111", "--socket", "/nonexistent.sock"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unexpected argument '1111'"))
    }

    @Test func anUnreachableKassadExitsThreeNamingTheSocket() throws {
        let r = try Run.kassa(["status", "--socket", "/nonexistent/kassad.sock"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("/nonexistent/kassad.sock"))
    }

    @Test func theSocketMayComeBeforeTheCommand() throws {
        let r = try Run.kassa(["--socket", "/nonexistent/kassad.sock", "status"])
        #expect(r.status == 3)
        #expect(r.stderr.contains("/nonexistent/kassad.sock"))
        #expect(try Run.kassa(["--socket=/nonexistent/kassad.sock", "journal", "status"]).status == 3)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Run.kassa(["frobnicate"]).status == 2)
        #expect(try Run.kassa(["pay", "cash", "--socket", "/nonexistent.sock"]).status == 2)
        #expect(try Run.kassa(["shift"]).status == 2)
    }

    /// The register screen is for a terminal; from a script or a pipe it says so instead of
    /// writing escape sequences nobody reads.
    @Test func theRegisterScreenWithoutATerminalIsAUsageError() throws {
        let r = try Run.kassa(["register", "--socket", "/nonexistent/kassad.sock"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("needs a terminal"))
        #expect(r.stdout.isEmpty)
    }

    /// A printer's bytes as the text they print: what `receipt render` shows of the demo's printer.out.
    @Test func receiptRenderShowsESCPOSBytesAsThePrintedText() throws {
        let path = NSTemporaryDirectory() + "kassa-render-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Initialise, code page PC858, centred bold name, a line with € (D5), double-height total,
        // a CODE128 barcode, a cut and a drawer kick.
        var bytes: [UInt8] = [0x1B, 0x40, 0x1B, 0x74, 19, 0x1B, 0x45, 1, 0x1B, 0x61, 1] + Array("Kahvila".utf8) + [0x0A]
        bytes += [0x1B, 0x45, 0, 0x1B, 0x61, 0] + Array("Kahvi 2,90 ".utf8) + [0xD5, 0x0A]
        bytes += [0x1B, 0x45, 1, 0x1D, 0x21, 0x01] + Array("TOTAL".utf8) + [0x0A]
        bytes += [0x1D, 0x6B, 73, 5] + Array("{BR-1".utf8) + [0x1D, 0x56, 0x42, 0x00, 0x1B, 0x70, 0x00, 0x19, 0xFA]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try Run.kassa(["receipt", "render", path, "--columns", "17"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
                 Kahvila   [bold]
            Kahvi 2,90 €
            TOTAL   [bold, size 1x2]
            [CODE128: R-1]
            ----- cut -----
            [drawer kick]

            """)
        #expect(try Run.kassa(["receipt", "render", "/nonexistent/printer.out"]).status == 1)
    }

    /// Every command the top-level usage lists.
    static let commands = [
        "status", "login", "logout", "scan", "add", "void", "discount", "price", "total", "sale", "complete", "park",
        "parked", "pay", "cancel", "resume", "refund", "reprint", "no-sale", "shift", "report", "lookup", "operators",
        "devices", "clock", "training", "watch", "catalog", "config", "operator", "stock", "voucher", "promotion",
        "customer", "journal", "demo", "register", "console", "udev-rules", "receipt", "bench",
    ]

    @Test func everyCommandHasHelp() throws {
        let everything = try Run.kassa(["--help"]).stdout
        for command in Self.commands {
            let r = try Run.kassa([command, "--help"])
            #expect(r.status == 0, "\(command) --help")
            #expect(r.stdout.contains("usage: kassa"), "\(command) --help")
            #expect(r.stdout.contains(command), "\(command) --help")
            // Its own usage, not the whole list.
            #expect(r.stdout.count < everything.count / 2, "\(command) --help printed \(r.stdout)")
        }
        for words in [["sale"], ["config", "set"], ["journal", "status"], ["shift", "open"], ["clock", "break"], ["stock", "receive"]] {
            let r = try Run.kassa(words + ["--help"])
            #expect(r.status == 0)
            #expect(r.stdout.hasPrefix("usage: kassa [--socket PATH] [--json] \(words.joined(separator: " "))"), "\(r.stdout)")
            #expect(r.stdout.contains(words.joined(separator: " ")))
        }
        #expect(!(try Run.kassa(["sale", "--help"]).stdout.contains("no-sale")))
        #expect(try Run.kassa(["config", "set", "--help"]).stdout.contains("config set KEY VALUE"))
        let top = try Run.kassa(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("Exit codes"))
    }
}

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

    @Test func everyCommandHasHelp() throws {
        for command in ["scan", "pay", "refund", "journal", "bench", "demo", "shift", "register"] {
            let r = try Run.kassa([command, "--help"])
            #expect(r.status == 0, "\(command) --help")
            #expect(r.stdout.contains("usage") || r.stdout.contains("kassa"), "\(command) --help")
        }
        let top = try Run.kassa(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("Exit codes"))
    }
}

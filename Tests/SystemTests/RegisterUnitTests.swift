import Foundation
import KassaTestSupport
import Testing

/// `systemd/kassa-register@.service`: the register screen on tty1 from boot. `systemd-analyze
/// verify` checks it beside kassad's units in SystemdUnitTests.
@Suite("the register's systemd unit", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
struct RegisterUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/kassa-register@.service").path

    @Test func itTakesTheConsoleFromGettyAndRunsTheRegisterOnIt() throws {
        let text = try String(contentsOfFile: Self.unit, encoding: .utf8)
        for line in ["ExecStart=/usr/bin/kassa register --socket /run/kassa/kassad.sock", "Conflicts=getty@%i.service",
                     "TTYPath=/dev/%I", "StandardInput=tty-force", "Environment=TERM=linux", "Restart=always", "Wants=kassad.service",
                     "Group=kassa", "DefaultInstance=tty1"] {
            #expect(text.contains("\n" + line + "\n"), "\(line)")
        }
    }

    @Test func itIsSandboxedToAnExposureOfAtMostTwo() throws {
        let r = try Run.command("/usr/bin/systemd-analyze", ["security", "--offline=yes", Self.unit])
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first)
        #expect(score <= 2.0, "\(line)")
    }
}

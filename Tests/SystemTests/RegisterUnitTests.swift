import Foundation
import KassaTestSupport
import Testing

/// `systemd/kassa-register@.service`: the register screen on tty1 from boot, as systemd reads it.
@Suite("the register's systemd unit", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
struct RegisterUnitTests {
    static let unit = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/kassa-register@.service").path

    @Test func theUnitVerifiesAgainstAnInstalledTreeBesideKassad() throws {
        let root = NSTemporaryDirectory() + "kassa-root-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        for dir in ["usr/bin", "bin", "usr/lib/systemd", "etc/systemd/system"] {
            try fm.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: "/usr/lib/systemd/system", toPath: root + "/usr/lib/systemd/system")
        for binary in ["kassa", "kassad"] { try fm.copyItem(atPath: Run.binary(binary), toPath: root + "/usr/bin/" + binary) }
        try fm.copyItem(atPath: "/bin/kill", toPath: root + "/bin/kill")
        let systemd = URL(fileURLWithPath: Self.unit).deletingLastPathComponent().path
        for unit in ["kassad.service", "kassad-readonly.service", "kassa-register@.service"] {
            try fm.copyItem(atPath: systemd + "/" + unit, toPath: root + "/etc/systemd/system/" + unit)
        }
        let r = try Run.command("/usr/bin/systemd-analyze", ["verify", "--root=" + root, "kassa-register@tty1.service"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

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

import Foundation
import Testing
import KassaTestSupport

/// The units in `systemd/` as systemd itself reads them.
@Suite("systemd units", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let unit = repository.appendingPathComponent("systemd/kassad.service").path

    @Test func kassadServiceVerifiesAgainstAnInstalledTree() throws {
        // A root holding what the unit names: systemd's own units, kassad, /bin/kill, the unit.
        let root = NSTemporaryDirectory() + "kassa-root-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        for dir in ["usr/bin", "bin", "usr/lib/systemd", "etc/systemd/system"] {
            try fm.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: "/usr/lib/systemd/system", toPath: root + "/usr/lib/systemd/system")
        try fm.copyItem(atPath: Run.binary("kassad"), toPath: root + "/usr/bin/kassad")
        try fm.copyItem(atPath: "/bin/kill", toPath: root + "/bin/kill")
        try fm.copyItem(atPath: Self.unit, toPath: root + "/etc/systemd/system/kassad.service")
        let r = try Run.command("/usr/bin/systemd-analyze", ["verify", "--root=" + root, "kassad.service"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func kassadServiceIsSandboxedToAnExposureOfAtMostTwoPointFive() throws {
        let r = try Run.command("/usr/bin/systemd-analyze", ["security", "--offline=yes", Self.unit])
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first)
        #expect(score <= 2.5, "\(line)")
    }
}

import Foundation
import Testing
import KassaTestSupport

/// The units in `systemd/` as systemd itself reads them.
@Suite("systemd units", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let unit = repository.appendingPathComponent("systemd/kassad.service").path
    static let readOnlyUnit = repository.appendingPathComponent("systemd/kassad-readonly.service").path

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
        try fm.copyItem(atPath: Run.binary("kassa"), toPath: root + "/usr/bin/kassa")
        try fm.copyItem(atPath: "/bin/kill", toPath: root + "/bin/kill")
        try fm.copyItem(atPath: Self.unit, toPath: root + "/etc/systemd/system/kassad.service")
        try fm.copyItem(atPath: Self.readOnlyUnit, toPath: root + "/etc/systemd/system/kassad-readonly.service")
        try fm.copyItem(atPath: RegisterUnitTests.unit, toPath: root + "/etc/systemd/system/kassa-register@.service")
        for unit in ["kassad.service", "kassad-readonly.service", "kassa-register@tty1.service"] {
            let r = try Run.command("/usr/bin/systemd-analyze", ["verify", "--root=" + root, unit])
            #expect(r.status == 0, "\(unit): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(unit): \(r.stderr)")
        }
    }

    @Test(arguments: [unit, readOnlyUnit])
    func kassadServiceIsSandboxedToAnExposureOfAtMostTwoPointFive(unit: String) throws {
        let r = try Run.command("/usr/bin/systemd-analyze", ["security", "--offline=yes", unit])
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first)
        #expect(score <= 2.5, "\(unit): \(line)")
    }

    /// Repeated failures end in the read-only kassad, sandboxed exactly like the real one.
    @Test func failingTooOftenEndsInTheReadOnlyKassadWithTheSameSandbox() throws {
        let main = try String(contentsOfFile: Self.unit, encoding: .utf8)
        let readOnly = try String(contentsOfFile: Self.readOnlyUnit, encoding: .utf8)
        #expect(main.contains("\nOnFailure=kassad-readonly.service\n"))
        #expect(main.contains("\nStartLimitBurst="))
        #expect(readOnly.contains("\nConflicts=kassad.service\n"))
        #expect(readOnly.contains("ExecStart=/usr/bin/kassad --read-only "))
        func sandbox(_ text: String) -> [Substring] {
            let service = text.split(separator: "[Service]")[1]
            return service.split(separator: "\n").filter { line in
                !line.hasPrefix("#") && !["ExecStart=", "Restart=", "RestartSec=", "[Install]", "WantedBy="].contains { line.hasPrefix($0) }
            }
        }
        #expect(sandbox(main) == sandbox(readOnly))
    }
}

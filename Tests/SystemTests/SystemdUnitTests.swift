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

    /// Every unit file in `systemd/`; a template is verified as the instance the image enables.
    static func units() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repository.appendingPathComponent("systemd").path)
            .filter { $0.hasSuffix(".service") }.sorted()
    }

    @Test func everyUnitVerifiesAgainstAnInstalledTree() throws {
        // A root holding what the units name: systemd's own units, the units, and every program an
        // Exec line runs: kassad and kassa as built, the host's own where it has them (kill), and
        // stand-ins for what only the image has (loadkeys, setfont).
        let root = NSTemporaryDirectory() + "kassa-root-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        for dir in ["usr/bin", "bin", "usr/lib/systemd", "etc/systemd/system"] {
            try fm.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: "/usr/lib/systemd/system", toPath: root + "/usr/lib/systemd/system")
        let units = try Self.units()
        #expect(units.contains("kassad.service") && units.contains("kassa-register.service") && units.contains("kassa-console@.service"))
        for unit in units {
            let text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/" + unit), encoding: .utf8)
            try text.write(toFile: root + "/etc/systemd/system/" + unit, atomically: true, encoding: .utf8)
            for program in Self.programs(text) where !fm.fileExists(atPath: root + program) {
                try fm.createDirectory(atPath: root + (program as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let name = (program as NSString).lastPathComponent
                if ["kassad", "kassa"].contains(name) {
                    try fm.copyItem(atPath: Run.binary(name), toPath: root + program)
                } else if fm.isExecutableFile(atPath: program) {
                    // The program itself, not a symlink (/bin/sh is one to dash) that would dangle.
                    let real = try #require(realpath(program, nil))
                    defer { free(real) }
                    try fm.copyItem(atPath: String(cString: real), toPath: root + program)
                } else {
                    try "#!/bin/sh\n".write(toFile: root + program, atomically: true, encoding: .utf8)
                    try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + program)
                }
            }
        }
        for unit in units {
            let name = unit.hasSuffix("@.service") ? unit.replacingOccurrences(of: "@.service", with: "@ttyS0.service") : unit
            let r = try Run.command("/usr/bin/systemd-analyze", ["verify", "--root=" + root, name])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(name): \(r.stderr)")
        }
    }

    /// The absolute paths of the programs a unit's Exec lines run (past the `+-!@:` prefixes).
    static func programs(_ unit: String) -> [String] {
        unit.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("Exec"), let eq = line.firstIndex(of: "=") else { return nil }
            let command = line[line.index(after: eq)...].drop { "+-!@:".contains($0) }
            guard let program = command.split(separator: " ").first, program.hasPrefix("/") else { return nil }
            return String(program)
        }
    }

    /// The register and the console are clients only: a sandbox at least as strict as kassad's.
    @Test(arguments: ["kassa-register.service", "kassa-console@.service"])
    func theClientsAreSandboxedAtLeastAsStrictlyAsKassad(unit: String) throws {
        let r = try Run.command("/usr/bin/systemd-analyze", ["security", "--offline=yes",
                                                             Self.repository.appendingPathComponent("systemd/" + unit).path])
        let line = try #require(r.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: " ").compactMap { Double($0) }.first)
        #expect(score <= 1.5, "\(unit): \(line)")
    }

    /// The kiosk: no login prompt on the register's tty, and the register always comes back.
    @Test func theRegisterOwnsTty1WithoutALoginPromptAndAlwaysRestarts() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("systemd/kassa-register.service"), encoding: .utf8)
        for line in ["Conflicts=getty@tty1.service", "TTYPath=/dev/tty1", "StandardInput=tty", "Restart=always",
                     "ExecStart=/usr/bin/kassa register", "StartLimitIntervalSec=0"] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "missing \(line)")
        }
        let console = try String(contentsOf: Self.repository.appendingPathComponent("systemd/kassa-console@.service"), encoding: .utf8)
        #expect(console.contains("\nExecStart=/usr/bin/kassa console --tty /dev/%I --baud 115200\n"))
        #expect(console.contains("\nConflicts=serial-getty@%i.service\n"))
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
        // kassad ends the read-only one when started, never the other way round: a start of the
        // read-only unit that its condition refuses must not stop a restarting kassad.
        #expect(main.contains("\nConflicts=kassad-readonly.service\n"))
        #expect(!readOnly.contains("Conflicts=kassad.service"))
        #expect(readOnly.contains("ExecStart=/usr/bin/kassad --read-only "))
        // OnFailure= fires on any failure (a stop that timed out, one crash): read-only only when
        // kassad.service hit its start limit.
        // Any other failure (a stop that timed out) starts kassad again instead.
        #expect(readOnly.contains("\nExecCondition=+/bin/sh -c 'test \"$MONITOR_SERVICE_RESULT\" = start-limit-hit || "
                                  + "{ systemctl --no-block start kassad.service; exit 1; }'\n"))
        #expect(main.contains("\nLimitCORE=0\n"))
        func sandbox(_ text: String) -> [Substring] {
            let service = text.split(separator: "[Service]")[1]
            return service.split(separator: "\n").filter { line in
                !line.hasPrefix("#") && !["ExecStart=", "ExecCondition=", "Restart=", "RestartSec=", "[Install]", "WantedBy="].contains { line.hasPrefix($0) }
            }
        }
        #expect(sandbox(main) == sandbox(readOnly))
    }
}

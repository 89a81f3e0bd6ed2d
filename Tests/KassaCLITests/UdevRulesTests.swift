import Foundation
import Testing
import KassaTestSupport

@Suite("kassa udev-rules")
struct UdevRulesTests {
    /// The repository's top, found from this file's own path.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theCommittedRulesAreExactlyWhatTheDeviceTableGenerates() throws {
        let r = try Run.kassa(["udev-rules"])
        #expect(r.status == 0)
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("udev-rules/70-kassa.rules"), encoding: .utf8)
        #expect(r.stdout == committed, "udev-rules/70-kassa.rules is stale: regenerate it with `kassa udev-rules > udev-rules/70-kassa.rules`")
    }
}

@Suite struct ConfiguredUdevRulesTests {
    @Test func devicesTheConfigurationAddsByTheirIdsGetRulesToo() throws {
        let dir = NSTemporaryDirectory() + "kassa-udev-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            [device.display]
            usb = 10c4:ea60
            command_set = cd5220

            [device.handscanner]
            role = scanner
            usb = 0c2e:0b61
            """.write(toFile: dir + "/kassa.conf", atomically: true, encoding: .utf8)
        let r = try Run.kassa(["udev-rules", "--config", dir + "/kassa.conf"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"10c4\", ATTRS{idProduct}==\"ea60\"") && $0.contains("ID_MM_DEVICE_IGNORE") })
        #expect(lines.contains { $0.hasPrefix("SUBSYSTEM==\"usb\"") && $0.contains("ATTR{idVendor}==\"0c2e\"") && $0.contains("ATTR{idProduct}==\"0b61\"") })
        // The table's own devices are all still there.
        let plain = try Run.kassa(["udev-rules"]).stdout
        for line in plain.split(separator: "\n") where line.hasPrefix("SUBSYSTEM") { #expect(lines.contains(line)) }
        let broken = try Run.kassa(["udev-rules", "--config", dir + "/missing.conf"])
        #expect(broken.status != 0)
    }

    /// The drop-in holds kassa.conf's devices alone, and goes away when kassa.conf names none.
    @Test func theDropInHoldsTheConfiguredDevicesOnlyAndIsRemovedWhenThereAreNone() throws {
        let dir = NSTemporaryDirectory() + "kassa-udev-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[device.display]\nusb = 0403:6015\n".write(toFile: dir + "/kassa.conf", atomically: true, encoding: .utf8)
        let dropIn = dir + "/rules.d/70-kassa-conf.rules"
        #expect(try Run.kassa(["udev-rules", "--config", dir + "/kassa.conf", "--drop-in", dropIn]).status == 0)
        let rules = try String(contentsOfFile: dropIn, encoding: .utf8)
        let matching = rules.split(separator: "\n").filter { $0.hasPrefix("SUBSYSTEM") }
        #expect(matching == ["SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"0403\", ATTRS{idProduct}==\"6015\", GROUP=\"kassad\", MODE=\"0660\", "
                             + "TAG+=\"systemd\", ENV{ID_MM_DEVICE_IGNORE}=\"1\", SYMLINK+=\"kassa/serial-%b\""], "\(rules)")
        try "[device.printer]\ntcp = 192.0.2.7:9100\n".write(toFile: dir + "/kassa.conf", atomically: true, encoding: .utf8)
        #expect(try Run.kassa(["udev-rules", "--config", dir + "/kassa.conf", "--drop-in", dropIn]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dropIn))
        #expect(try Run.kassa(["udev-rules", "--drop-in", dropIn]).status != 0, "--drop-in without --config")
    }
}

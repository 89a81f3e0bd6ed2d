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
}

import Foundation
import Testing
import KassaTestSupport

/// The committed rules as udev itself applies them, with the distribution's own rules around them,
/// to devices that umockdev fakes (fixtures in `udev/`). `udevadm test` writes symlinks into `/dev`
/// and state into `/run/udev`, so each run gets a private mount namespace: tmpfs on `/run`, the
/// rules bind-mounted over `/etc/udev/rules.d`, a `/etc/group` that knows kassad (990) and kassa
/// (991), and a `/dev` of its own.
@Suite("udev rules under udevadm test", .serialized,
       .enabled(if: getuid() == 0 && ["/usr/bin/udevadm", "/usr/bin/umockdev-run", "/usr/bin/unshare"].allSatisfy {
           FileManager.default.isExecutableFile(atPath: $0)
       }))
struct UdevadmTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("udev").path
    static let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/"
    static let kassadGID = "990", kassaGID = "991"

    static let namespace = """
        set -eu
        rules=$1; fixture=$2; syspath=$3
        mount --make-rprivate /
        mount -t tmpfs tmpfs /run
        mkdir -p /run/t/rules /run/t/dev
        cp "$rules"/*.rules /run/t/rules/
        mount --bind /run/t/rules /etc/udev/rules.d
        { grep -v -e '^kassad:' -e '^kassa:' /etc/group; echo 'kassad:x:\(kassadGID):'; echo 'kassa:x:\(kassaGID):'; } > /run/t/group
        mount --bind /run/t/group /etc/group
        mount --bind /dev /run/t/dev
        mount -t tmpfs tmpfs /dev
        for n in null zero full random urandom; do touch /dev/$n; mount --bind /run/t/dev/$n /dev/$n; done
        mkdir /dev/pts; mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts; ln -s pts/ptmx /dev/ptmx
        timeout -s KILL 30 umockdev-run -d "$fixture" -- udevadm test --action=add "$syspath"
        echo "KASSA_LINKS=$(cd /dev && find kassa -type l 2>/dev/null | sort | tr '\\n' ' ')"
        """

    /// What udev decided for one device: the last GROUP and MODE, the properties it ended with and
    /// the symlinks it made.
    struct Outcome {
        var group: String?
        var mode: String?
        var properties: [String: String] = [:]
        var links: [String] { (properties["DEVLINKS"] ?? "").split(separator: " ").map(String.init) }
        var output: String
    }

    static func udevadmTest(_ fixture: String, _ syspath: String,
                            rules: String = repository.appendingPathComponent("udev-rules").path) throws -> Outcome {
        let r = try Run.command("/usr/bin/timeout", ["-s", "KILL", "60", "unshare", "-m", "sh", "-c", namespace, "sh", rules,
                                                    fixtures + "/" + fixture, syspath])
        var outcome = Outcome(output: r.stdout + r.stderr)
        #expect(r.status == 0, "\(outcome.output)")
        for line in outcome.output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 4, words[0].hasSuffix(":"), words[2] == "GROUP" { outcome.group = String(words[3]) }
            if words.count == 4, words[0].hasSuffix(":"), words[2] == "MODE" { outcome.mode = String(words[3]) }
            // The properties udev ends with, one KEY=value a line (values may hold spaces).
            if let eq = line.firstIndex(of: "="), eq > line.startIndex,
               line[..<eq].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" || $0 == "." }) {
                outcome.properties[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
        }
        return outcome
    }

    @Test func aReceiptPrinterGoesToKassadsGroupWithAStableNameAndTheSystemdTag() throws {
        let o = try Self.udevadmTest("printer.umockdev", Self.usb + "1-1")
        #expect(o.group == Self.kassadGID, "\(o.output)")
        #expect(o.mode == "0660", "\(o.output)")
        #expect(o.links == ["/dev/kassa/printer-1-1"], "\(o.output)")
        #expect(o.properties["TAGS"]?.contains(":systemd:") == true, "\(o.output)")
        #expect(o.properties["ID_USB_INTERFACES"] == ":070102:")
        #expect(o.properties["ID_MM_DEVICE_IGNORE"] == nil)
    }

    @Test func aBarcodeScannerGoesToKassadsGroupWithAStableName() throws {
        let o = try Self.udevadmTest("scanner.umockdev", Self.usb + "1-2")
        #expect(o.group == Self.kassadGID, "\(o.output)")
        #expect(o.mode == "0660", "\(o.output)")
        #expect(o.links == ["/dev/kassa/scanner-1-2"], "\(o.output)")
        #expect(o.properties["TAGS"]?.contains(":systemd:") == true, "\(o.output)")
    }

    /// The display's tty, not its USB device, is what kassad opens: the rule matches the adapter's
    /// ids through the parents, names the port after the USB port (stable across replugs), and keeps
    /// ModemManager from probing the display with AT commands.
    @Test func aUSBSerialDisplaysTtyGoesToKassadWithAPortNameAndNoModemManager() throws {
        let o = try Self.udevadmTest("display.umockdev", Self.usb + "1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0")
        #expect(o.group == Self.kassadGID, "\(o.output)")
        #expect(o.mode == "0660", "\(o.output)")
        #expect(o.links.contains("/dev/kassa/serial-1-3"), "\(o.output)")
        #expect(o.properties["ID_MM_DEVICE_IGNORE"] == "1", "\(o.output)")
        #expect(o.properties["TAGS"]?.contains(":systemd:") == true, "\(o.output)")
    }

    /// The cashier's keyboard is a HID boot keyboard just like the scanner: the rules leave it to
    /// the system.
    @Test func anUnknownDeviceIsLeftAlone() throws {
        let o = try Self.udevadmTest("keyboard.umockdev", Self.usb + "1-4")
        #expect(o.output.contains("Reading rules file: /etc/udev/rules.d/70-kassa.rules"), "\(o.output)")
        #expect(o.group != Self.kassadGID, "\(o.output)")
        #expect(!o.output.contains("70-kassa.rules:"), "\(o.output)")
        #expect(!o.links.contains { $0.hasPrefix("/dev/kassa/") }, "\(o.output)")
        #expect(o.properties["TAGS"]?.contains(":systemd:") != true, "\(o.output)")
        #expect(o.properties["KASSA_LINKS"] == "", "\(o.output)")
    }

    /// An FTDI FT231X (0403:6015) is not in the device table: on its own it stays the system's
    /// (group dialout, probed by ModemManager).
    @Test func aUSBSerialAdapterOutsideTheTableIsNotKassads() throws {
        let o = try Self.udevadmTest("ftdi-ft231x.umockdev", Self.usb + "1-5/1-5:1.0/ttyUSB0/tty/ttyUSB0")
        #expect(o.group != Self.kassadGID, "\(o.output)")
        #expect(o.properties["ID_MM_DEVICE_IGNORE"] == nil, "\(o.output)")
    }

    /// Configured as `usb = 0403:6015`, it gets what the table's adapters get, through the drop-in
    /// that kassad's unit writes from kassa.conf (`kassa udev-rules --drop-in`) beside the rules.
    @Test func aUSBSerialAdapterTheConfigurationNamesGetsTheTablesTreatment() throws {
        let dir = NSTemporaryDirectory() + "kassa-dropin-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[device.display]\nusb = 0403:6015\ncommand_set = cd5220\n".write(toFile: dir + "/kassa.conf", atomically: true, encoding: .utf8)
        let r = try Run.kassa(["udev-rules", "--config", dir + "/kassa.conf", "--drop-in", dir + "/rules/70-kassa-conf.rules"])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["70-kassa.rules", "71-kassa-console.rules"] {
            try FileManager.default.copyItem(atPath: Self.repository.appendingPathComponent("udev-rules/" + name).path, toPath: dir + "/rules/" + name)
        }
        let o = try Self.udevadmTest("ftdi-ft231x.umockdev", Self.usb + "1-5/1-5:1.0/ttyUSB0/tty/ttyUSB0", rules: dir + "/rules")
        #expect(o.output.contains("70-kassa-conf.rules:"), "\(o.output)")
        #expect(o.group == Self.kassadGID, "\(o.output)")
        #expect(o.mode == "0660", "\(o.output)")
        #expect(o.links.contains("/dev/kassa/serial-1-5"), "\(o.output)")
        #expect(o.properties["ID_MM_DEVICE_IGNORE"] == "1", "\(o.output)")
        #expect(o.properties["TAGS"]?.contains(":systemd:") == true, "\(o.output)")
    }

    /// No rule ever hands a device to the clients' group.
    @Test func noDeviceEverGoesToTheClientsGroup() throws {
        for (fixture, path) in [("printer.umockdev", "1-1"), ("scanner.umockdev", "1-2"),
                                ("display.umockdev", "1-3/1-3:1.0/ttyUSB0/tty/ttyUSB0"), ("keyboard.umockdev", "1-4")] {
            let o = try Self.udevadmTest(fixture, Self.usb + path)
            #expect(!o.output.contains("GROUP \(Self.kassaGID)"), "\(fixture): \(o.output)")
        }
    }
}

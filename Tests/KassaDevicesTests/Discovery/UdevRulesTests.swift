import Testing
@testable import KassaDevices

@Suite struct UdevRulesTests {
    private let rules = UdevRules.generate(.standard)
    private var ruleLines: [Substring] { rules.split(separator: "\n").filter { $0.contains("GROUP=") } }

    @Test func everyEntryGetsOneRule() {
        #expect(ruleLines.count == DeviceTable.standard.entries.count)
    }

    @Test func knownDevicesGoToKassadsGroupNeverTheClientsGroup() {
        for line in ruleLines {
            #expect(line.contains("GROUP=\"kassad\", MODE=\"0660\", TAG+=\"systemd\""))
        }
        #expect(!rules.contains("GROUP=\"kassa\""))
    }

    @Test func everyRuleMakesAStableSymlinkNamedByRole() {
        for line in ruleLines {
            #expect(line.contains("SYMLINK+=\"kassa/printer-%k\"") || line.contains("SYMLINK+=\"kassa/scanner-%k\"")
                    || line.contains("SYMLINK+=\"kassa/serial-%b\""), "\(line)")
        }
    }

    @Test func modemManagerIgnoresSerialDevicesOnly() {
        for line in ruleLines {
            #expect(line.contains("ENV{ID_MM_DEVICE_IGNORE}=\"1\"") == line.contains("SUBSYSTEM==\"tty\""), "\(line)")
        }
        #expect(ruleLines.filter { $0.contains("ID_MM_DEVICE_IGNORE") }.count == 4)
    }

    @Test func rulesNameDevicesByLowercaseHexIds() {
        #expect(rules.contains(
            "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ATTR{idVendor}==\"04b8\", ATTR{idProduct}==\"0e15\", "
            + "GROUP=\"kassad\", MODE=\"0660\", TAG+=\"systemd\", SYMLINK+=\"kassa/printer-%k\""))
        #expect(rules.contains(
            "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"1a86\", ATTRS{idProduct}==\"7523\", GROUP=\"kassad\", MODE=\"0660\", "
            + "TAG+=\"systemd\", ENV{ID_MM_DEVICE_IGNORE}=\"1\", SYMLINK+=\"kassa/serial-%b\""))
        #expect(rules.contains("ENV{ID_USB_INTERFACES}==\"*:0701??:*\""))
        #expect(rules.contains("KERNEL==\"ttyACM[0-9]*\""))
    }

    @Test func noRuleMatchesTheHIDClass() {
        #expect(!rules.contains("bInterfaceClass"))
        #expect(!rules.contains(":03"))
        #expect(!rules.contains("0519"))
    }

    @Test func removeEventsSkipTheRules() {
        #expect(rules.hasPrefix("# Generated"))
        #expect(rules.contains("ACTION==\"remove\", GOTO=\"kassa_end\""))
        #expect(rules.hasSuffix("LABEL=\"kassa_end\"\n"))
    }
}

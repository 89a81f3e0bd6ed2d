import Testing
import KassaCore
import KassaDevices
@testable import KassaIPC
@testable import KassaRuntime

/// `devices.list` as a technician reads it: the register's devices, and every USB device discovery
/// left alone with the reason, so that an office printer plugged in by mistake is never a mystery.
@Suite struct DevicesListTests {
    @Test func aUSBDeviceDiscoveryLeftAloneIsListedWithWhy() throws {
        let r = try InProcessRegister()
        r.service.ignoredDevices = {
            [IgnoredDevice(kind: .printer, usb: "03f0:122a", place: "usb bus 1 device 5", model: "HP LaserJet",
                           reason: "not an ESC/POS printer (command sets: PCL,PJL)")]
        }
        _ = try r.call(.login, ["pin": "3333"])
        let listed = try [DeviceReply](json: try r.call(.devicesList))
        #expect(listed.contains { $0.kind == "printer" && $0.state != "ignored" }, "the register's own printer")
        let ignored = try #require(listed.first { $0.state == "ignored" })
        #expect(ignored.id == "03f0:122a")
        #expect(ignored.via == "usb bus 1 device 5")
        #expect(ignored.model == "HP LaserJet")
        #expect(ignored.reason == "not an ESC/POS printer (command sets: PCL,PJL)")
        #expect(listed.filter { $0.state != "ignored" }.allSatisfy { $0.reason == nil })
    }
}

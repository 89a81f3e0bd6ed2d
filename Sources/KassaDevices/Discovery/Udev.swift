import CLibUDev
import Glibc
import KassaSystem

/// A device as udev describes it, copied out of libudev so it outlives the handle.
public struct UdevDevice: Sendable, Hashable {
    public var syspath: String
    public var subsystem: String
    public var devtype: String?
    public var devnode: String?
    public var sysname: String
    /// The udev properties Kassa reads (ID_VENDOR_ID, ID_MODEL_ID, BUSNUM, DEVNUM,
    /// ID_USB_INTERFACES, ID_SERIAL, ID_PATH, DEVTYPE…).
    public var properties: [String: String]
    /// For a tty or an interface: the USB device it belongs to.
    public var usbParent: UsbIdentity?

    public init(syspath: String, subsystem: String, devtype: String?, devnode: String?, sysname: String,
                properties: [String: String], usbParent: UsbIdentity?) {
        self.syspath = syspath
        self.subsystem = subsystem
        self.devtype = devtype
        self.devnode = devnode
        self.sysname = sysname
        self.properties = properties
        self.usbParent = usbParent
    }

    /// A USB device's identity: its ids, where it sits on the bus, and its interface classes.
    public struct UsbIdentity: Sendable, Hashable {
        public var syspath: String
        public var vendor: UInt16
        public var product: UInt16
        public var busNumber: UInt8
        public var deviceAddress: UInt8
        /// Each interface's class, subclass and protocol, from udev's `ID_USB_INTERFACES`
        /// (`:070102:030101:`).
        public var interfaces: [(UInt8, UInt8, UInt8)]

        public init(syspath: String, vendor: UInt16, product: UInt16, busNumber: UInt8, deviceAddress: UInt8,
                    interfaces: [(UInt8, UInt8, UInt8)]) {
            self.syspath = syspath
            self.vendor = vendor
            self.product = product
            self.busNumber = busNumber
            self.deviceAddress = deviceAddress
            self.interfaces = interfaces
        }

        public static func == (a: UsbIdentity, b: UsbIdentity) -> Bool {
            a.syspath == b.syspath && a.vendor == b.vendor && a.product == b.product && a.busNumber == b.busNumber
                && a.deviceAddress == b.deviceAddress && a.interfaces.elementsEqual(b.interfaces, by: ==)
        }

        public func hash(into h: inout Hasher) {
            h.combine(syspath)
            h.combine(vendor)
            h.combine(product)
        }

        /// `ID_USB_INTERFACES` as class triples; malformed entries are skipped.
        public static func interfaces(_ text: String) -> [(UInt8, UInt8, UInt8)] {
            text.split(separator: ":").compactMap { entry in
                guard entry.count == 6, let v = UInt32(entry, radix: 16) else { return nil }
                return (UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
            }
        }
    }

    /// This device itself as a USB device, when it is one (`usb_device`).
    public var usbIdentity: UsbIdentity? {
        guard subsystem == "usb", devtype == "usb_device" else { return nil }
        return usbParent
    }

    public var isUSBDevice: Bool { subsystem == "usb" && devtype == "usb_device" }
}

public enum UdevAction: String, Sendable {
    case add, remove, change, bind, unbind, move, online, offline
}

public struct UdevEvent: Sendable {
    public var action: UdevAction
    public var device: UdevDevice
}

/// libudev's context: enumeration and a monitor for hotplug. One per process, used on the loop's
/// thread only.
public final class Udev {
    let handle: OpaquePointer

    public init() throws(DeviceError) {
        guard let h = udev_new() else { throw DeviceError(device: "udev", message: "udev_new failed") }
        handle = h
    }

    deinit { udev_unref(handle) }

    /// Every device of these subsystems that exists now.
    public func enumerate(subsystems: [String]) -> [UdevDevice] {
        guard let e = udev_enumerate_new(handle) else { return [] }
        defer { udev_enumerate_unref(e) }
        for s in subsystems { udev_enumerate_add_match_subsystem(e, s) }
        udev_enumerate_scan_devices(e)
        var out: [UdevDevice] = []
        var entry = udev_enumerate_get_list_entry(e)
        while let current = entry {
            if let path = udev_list_entry_get_name(current), let d = udev_device_new_from_syspath(handle, path) {
                out.append(Udev.copy(d))
                udev_device_unref(d)
            }
            entry = udev_list_entry_get_next(current)
        }
        return out
    }

    static func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

    static let wantedProperties = ["ID_VENDOR_ID", "ID_MODEL_ID", "BUSNUM", "DEVNUM", "ID_USB_INTERFACES", "ID_SERIAL",
                                   "ID_PATH", "DEVTYPE", "ID_USB_INTERFACE_NUM", "ID_BUS"]

    static func copy(_ d: OpaquePointer) -> UdevDevice {
        var properties: [String: String] = [:]
        for key in wantedProperties {
            if let v = string(udev_device_get_property_value(d, key)) { properties[key] = v }
        }
        let subsystem = string(udev_device_get_subsystem(d)) ?? ""
        let devtype = string(udev_device_get_devtype(d))
        var usb: OpaquePointer? = subsystem == "usb" && devtype == "usb_device" ? d : nil
        if usb == nil { usb = udev_device_get_parent_with_subsystem_devtype(d, "usb", "usb_device") }
        return UdevDevice(syspath: string(udev_device_get_syspath(d)) ?? "", subsystem: subsystem, devtype: devtype,
                          devnode: string(udev_device_get_devnode(d)), sysname: string(udev_device_get_sysname(d)) ?? "",
                          properties: properties, usbParent: usb.flatMap(identity))
    }

    /// The identity of a usb_device from its sysfs attributes (always there) and udev properties.
    static func identity(_ d: OpaquePointer) -> UdevDevice.UsbIdentity? {
        func attribute(_ name: String) -> String? { string(udev_device_get_sysattr_value(d, name)) }
        guard let vendor = attribute("idVendor").flatMap({ UInt16($0, radix: 16) }),
              let product = attribute("idProduct").flatMap({ UInt16($0, radix: 16) }) else { return nil }
        let bus = (attribute("busnum") ?? string(udev_device_get_property_value(d, "BUSNUM"))).flatMap { UInt8($0.trimmingZeros) } ?? 0
        let address = (attribute("devnum") ?? string(udev_device_get_property_value(d, "DEVNUM"))).flatMap { UInt8($0.trimmingZeros) } ?? 0
        let interfaces = string(udev_device_get_property_value(d, "ID_USB_INTERFACES")).map(UdevDevice.UsbIdentity.interfaces) ?? []
        return UdevDevice.UsbIdentity(syspath: string(udev_device_get_syspath(d)) ?? "", vendor: vendor, product: product,
                                      busNumber: bus, deviceAddress: address, interfaces: interfaces)
    }
}

extension String {
    /// "001" as "1": udev pads bus and device numbers.
    fileprivate var trimmingZeros: String {
        let t = drop { $0 == "0" }
        return t.isEmpty ? "0" : String(t)
    }
}

/// udev's netlink monitor on the loop: every add, remove and change of the watched subsystems.
public final class UdevMonitor {
    private let udev: Udev
    private let monitor: OpaquePointer
    private let loop: any DeviceLoop
    private let fd: Int32
    public var onEvent: (UdevEvent) -> Void = { _ in }

    public init(udev: Udev, subsystems: [String], loop: any DeviceLoop) throws(DeviceError) {
        guard let m = udev_monitor_new_from_netlink(udev.handle, "udev") else {
            throw DeviceError(device: "udev monitor", message: "cannot open udev's netlink socket")
        }
        for s in subsystems { udev_monitor_filter_add_match_subsystem_devtype(m, s, nil) }
        guard udev_monitor_enable_receiving(m) >= 0 else {
            udev_monitor_unref(m)
            throw DeviceError(device: "udev monitor", message: "cannot receive udev events")
        }
        let fd = udev_monitor_get_fd(m)
        _ = try? setNonblocking(fd)
        self.udev = udev
        self.monitor = m
        self.loop = loop
        self.fd = fd
        do {
            try loop.watch(fd, .readable) { [weak self] _ in self?.drain() }
        } catch {
            udev_monitor_unref(m)
            throw error
        }
    }

    deinit {
        loop.unwatch(fd)
        udev_monitor_unref(monitor)
    }

    private func drain() {
        while let d = udev_monitor_receive_device(monitor) {
            defer { udev_device_unref(d) }
            guard let name = Udev.string(udev_device_get_action(d)), let action = UdevAction(rawValue: name) else { continue }
            onEvent(UdevEvent(action: action, device: Udev.copy(d)))
        }
    }
}

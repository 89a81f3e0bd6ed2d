import KassaCore

/// Discovery and hotplug: what udev reports is matched against the configuration and the device
/// table, opened through libusb (printers, HID scanners) or as a tty (serial adapters), and
/// attached to its driver. A device that comes back is claimed again the same way.
extension DeviceManager {
    /// Starts libusb and the udev monitor on the loop, then takes every device already there.
    /// Without udev or libusb (a box without USB) the configured serial and TCP devices still work.
    public func startDiscovery() {
        do {
            let udev = try Udev()
            self.udev = udev
            let monitor = try UdevMonitor(udev: udev, subsystems: ["usb", "tty"], loop: loop)
            monitor.onEvent = { [weak self] event in self?.udevEvent(event) }
            self.monitor = monitor
            usb = try USBContext(loop: loop) { [weak self] message, fields in self?.log(message, fields) }
        } catch {
            log("USB discovery unavailable", ["reason": error.description])
        }
        guard let udev else { return }
        for device in udev.enumerate(subsystems: ["usb", "tty"]) { appeared(device) }
    }

    func udevEvent(_ event: UdevEvent) {
        switch event.action {
        case .add, .bind: appeared(event.device)
        case .remove: disappeared(event.device.syspath)
        default: break
        }
    }

    /// The configured device a USB device is, by its ids.
    func spec(for identity: UdevDevice.UsbIdentity) -> DeviceSpec? {
        specs.first { $0.connection == .usb(vendor: identity.vendor, product: identity.product) }
    }

    /// What the table says a USB device is, trying each of its interfaces.
    public func tableEntry(for identity: UdevDevice.UsbIdentity) -> DeviceTable.Entry? {
        let classes = identity.interfaces.isEmpty ? [(UInt8(0), UInt8(0), UInt8(0))] : identity.interfaces
        for (c, s, _) in classes {
            if let entry = table.match(vendor: identity.vendor, product: identity.product, interfaceClass: c, interfaceSubclass: s) {
                return entry
            }
        }
        return nil
    }

    func appeared(_ device: UdevDevice) {
        guard discovered[device.syspath] == nil else { return }
        if device.isUSBDevice, let identity = device.usbIdentity {
            usbDeviceAppeared(device, identity)
        } else if device.subsystem == "tty", let devnode = device.devnode, let parent = device.usbParent {
            ttyAppeared(device, devnode: devnode, parent: parent)
        }
    }

    private func usbDeviceAppeared(_ device: UdevDevice, _ identity: UdevDevice.UsbIdentity) {
        let entry = tableEntry(for: identity)
        let configured = spec(for: identity)
        let ids = Self.ids(identity)
        // A serial adapter's role comes from the configuration; its tty node follows shortly.
        let serialByConfiguration = configured.map { $0.role == .display || ($0.role != .printer && $0.encoding == .serialText) } ?? false
        if entry?.isSerial == true || serialByConfiguration {
            guard let configured else {
                return ignore(identity, .display, "a serial adapter without a role: give it one with usb = \(ids) in a [device.*] section")
            }
            awaitingTTY[identity.syspath] = loop.schedule(after: 5000) { [weak self] in
                guard let self, self.awaitingTTY.removeValue(forKey: identity.syspath) != nil else { return }
                self.log("serial adapter has no tty node after 5 s", ["device": configured.name, "usb": ids])
            }
            return
        }
        let role: DeviceSpec.Role
        let name: String
        if let configured {
            role = configured.role
            name = configured.name
        } else if let entry {
            switch entry.driver {
            case .escposPrinter:
                // A printer configured by its own ids would have matched above: one configured
                // any other way (TCP, serial) is the register's printer.
                if let other = specs.first(where: { $0.role == .printer }) {
                    return ignore(identity, .printer, "the configured printer is another one (\(other.name))")
                }
                guard let printer else { return }
                role = .printer
                name = printer.id
            case .hidKeyboardScanner:
                role = .scanner
                name = "scanner-\(identity.busNumber)-\(identity.deviceAddress)"
            case .serialPort:
                return
            }
        } else {
            return  // not ours: never the cashier's keyboard
        }
        guard let usb else {
            return ignore(identity, role.kind, "libusb is unavailable", device: name)
        }
        do throws(DeviceError) {
            let handle = try usb.open(bus: identity.busNumber, address: identity.deviceAddress)
            let link: any ByteLink
            switch role {
            case .printer:
                guard let interface = handle.interfaces.first(where: { $0.interfaceClass == 7 && $0.endpoint(in: false, type: 2) != nil })
                        ?? handle.interfaces.first(where: { $0.endpoint(in: false, type: 2) != nil }) else {
                    throw DeviceError(device: name, message: "no bulk OUT endpoint")
                }
                // Named by its ids (the table or the configuration): it is the printer. Found by
                // its class alone: only when its id says it is a receipt printer.
                let named = configured != nil || entry.map { if case .product = $0.match { true } else { false } } == true
                if !named, let why = Self.notAReceiptPrinter(handle, interface) {
                    handle.close()
                    return ignore(identity, .printer, why.reason, model: why.model)
                }
                let printerLink = try USBPrinterLink(device: handle, interface: interface)
                printerLink.log = log
                if interface.endpoint(in: true, type: 2) == nil { printer?.options.expectsReplies = false }
                printerLink.readsReplies = printer?.options.expectsReplies ?? false
                link = printerLink
            case .scanner, .cardReader:
                guard let interface = handle.interfaces.first(where: { $0.endpoint(in: true, type: 3) != nil }) else {
                    throw DeviceError(device: name, message: "no interrupt IN endpoint")
                }
                if !readers.contains(where: { $0.id == name }) {
                    let reader = InputReader(id: name, role: role == .scanner ? .scanner : .cardReader, encoding: .hidBootKeyboard, loop: loop)
                    readers.append(reader)
                    onReaderAdded(reader)
                }
                link = try USBInterruptLink(device: handle, interface: interface)
            case .display:
                handle.close()
                return ignore(identity, .display, "a display is reached through its serial port (a USB-serial adapter or CDC-ACM)")
            }
            discovered[identity.syspath] = (name, link)
            attachDiscovered(name, link: link, syspath: identity.syspath)
        } catch {
            ignore(identity, role.kind,
                   "could not be claimed: \(error.message)", device: name)
        }
    }

    /// Why a printer-class device found by its class alone is not the receipt printer, or nil
    /// when its IEEE 1284 id says it is one.
    static func notAReceiptPrinter(_ handle: USBDeviceHandle, _ interface: USBInterfaceInfo) -> (reason: String, model: String?)? {
        guard interface.interfaceClass == 7 else { return ("not a printer-class interface and not in the device table", nil) }
        let id: IEEE1284ID
        do { id = try handle.printerDeviceID(interface: interface) } catch {
            return ("its IEEE 1284 id could not be read (\(error.message)): name it with usb = in [device.printer]", nil)
        }
        let model = [id.manufacturer, id.model].compactMap { $0 }.joined(separator: " ")
        if EscPosPrinter.claims(id) { return nil }
        let commands = id.commandSets.isEmpty ? "none" : id.commandSets.joined(separator: ",")
        return ("not an ESC/POS printer (command sets: \(commands))", model.isEmpty ? nil : model)
    }

    /// Leaves a USB device alone, and says so: in the log, and in the device list until unplugged.
    private func ignore(_ identity: UdevDevice.UsbIdentity, _ kind: DeviceKind, _ reason: String, model: String? = nil, device: String? = nil) {
        let ignored = IgnoredDevice(kind: kind, usb: Self.ids(identity), place: "usb bus \(identity.busNumber) device \(identity.deviceAddress)",
                                    model: model, reason: reason)
        self.ignored[identity.syspath] = ignored
        var fields: KeyValuePairs<String, String> = ["usb": ignored.usb, "kind": kind.rawValue, "reason": reason]
        if let device { fields = ["device": device, "usb": ignored.usb, "kind": kind.rawValue, "reason": reason] }
        log("USB device not claimed", fields)
    }

    private func ttyAppeared(_ device: UdevDevice, devnode: String, parent: UdevDevice.UsbIdentity) {
        guard let configured = spec(for: parent) else { return }
        if let timer = awaitingTTY.removeValue(forKey: parent.syspath) { loop.cancel(timer) }
        do {
            let link = try SerialPort.open(devnode, baud: configured.baud, loop: loop)
            discovered[device.syspath] = (configured.name, link)
            attachDiscovered(configured.name, link: link, syspath: device.syspath)
        } catch {
            log("serial adapter not opened", ["device": configured.name, "tty": devnode, "reason": error.message])
        }
    }

    func disappeared(_ syspath: String) {
        ignored[syspath] = nil
        if let timer = awaitingTTY.removeValue(forKey: syspath) { loop.cancel(timer) }
        guard let (name, link) = discovered.removeValue(forKey: syspath) else { return }
        log("device unplugged", ["device": name])
        // The driver hears it through the link, as from a failed transfer.
        let notify = link.onClose
        link.close()
        notify(DeviceError(device: name, message: "unplugged"))
    }

    private func attachDiscovered(_ name: String, link: any ByteLink, syspath: String) {
        log("device connected", ["device": name, "via": link.name])
        if printer?.id == name {
            printer?.attach(link)
        } else if display?.id == name {
            display?.attach(link)
        } else {
            readers.first { $0.id == name }?.attach(link)
        }
        let previous = link.onClose
        link.onClose = { [weak self] error in
            previous(error)
            self?.discovered[syspath] = nil
        }
    }

    public static func ids(_ identity: UdevDevice.UsbIdentity) -> String {
        Hex.encode([UInt8(identity.vendor >> 8), UInt8(identity.vendor & 0xFF)]) + ":"
            + Hex.encode([UInt8(identity.product >> 8), UInt8(identity.product & 0xFF)])
    }
}

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
            usb = try USBContext(loop: loop)
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
                log("serial adapter found without a role: give it one with usb = \(ids) in a [device.*] section", ["usb": ids])
                return
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
                    log("USB printer ignored: the configured printer is another one", ["usb": ids, "printer": other.name])
                    return
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
            log("USB device not opened: libusb is unavailable", ["device": name, "usb": ids])
            return
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
                if interface.interfaceClass == 7, let id = try? handle.printerDeviceID(interface: interface), !id.fields.isEmpty, !id.speaksEscPos {
                    log("USB printer is not an ESC/POS printer; left alone", ["usb": ids, "model": id.model ?? "?",
                                                                               "commands": id.commandSets.joined(separator: ",")])
                    handle.close()
                    return
                }
                let printerLink = try USBPrinterLink(device: handle, interface: interface)
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
                return
            }
            discovered[identity.syspath] = (name, link)
            attachDiscovered(name, link: link, syspath: identity.syspath)
        } catch {
            log("USB device not claimed", ["device": name, "usb": ids, "reason": error.message])
        }
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

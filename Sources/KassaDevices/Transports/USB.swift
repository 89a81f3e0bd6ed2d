import CLibUSB
import Glibc
import KassaSystem

/// libusb's context joined to the device loop: libusb's own descriptors (usbfs nodes, its
/// timerfd and event fd) are watched by the loop, and when one is ready libusb handles its events
/// without blocking. Transfers complete in those calls, so on the loop's thread.
///
/// Call `Reactor.prepareProcessSignals` before making one: libusb may start a thread, which
/// must inherit the blocked signals.
public final class USBContext {
    let context: OpaquePointer
    private let loop: any DeviceLoop
    private var watched: Set<Int32> = []
    private var timeoutTimer: LoopTimer?

    public init(loop: any DeviceLoop) throws(DeviceError) {
        var ctx: OpaquePointer?
        let r = libusb_init(&ctx)
        guard r == 0, let ctx else { throw USBContext.error("libusb", r) }
        context = ctx
        self.loop = loop
        let me = Unmanaged.passUnretained(self).toOpaque()
        libusb_set_pollfd_notifiers(ctx, { fd, events, user in
            Unmanaged<USBContext>.fromOpaque(user!).takeUnretainedValue().watch(fd, events)
        }, { fd, user in
            Unmanaged<USBContext>.fromOpaque(user!).takeUnretainedValue().unwatch(fd)
        }, me)
        if let list = libusb_get_pollfds(ctx) {
            var i = 0
            while let p = list[i] {
                watch(p.pointee.fd, p.pointee.events)
                i += 1
            }
            libusb_free_pollfds(list)
        }
    }

    deinit {
        libusb_set_pollfd_notifiers(context, nil, nil, nil)
        for fd in watched { loop.unwatch(fd) }
        if let timeoutTimer { loop.cancel(timeoutTimer) }
        libusb_exit(context)
    }

    private func watch(_ fd: Int32, _ events: Int16) {
        // Input and output are asked for; errors and hang-ups come unasked.
        let interest = Readiness(pollEvents: events).intersection([.readable, .writable])
        if watched.contains(fd) {
            loop.rewatch(fd, interest)
            return
        }
        do {
            try loop.watch(fd, interest) { [weak self] _ in self?.handleEvents() }
            watched.insert(fd)
        } catch {
            // The loop refused the descriptor: transfers on it would never complete. Nothing to
            // do but report it the next time a transfer is attempted (it will time out).
        }
    }

    private func unwatch(_ fd: Int32) {
        guard watched.remove(fd) != nil else { return }
        loop.unwatch(fd)
    }

    /// Lets libusb finish whatever is ready, without waiting.
    public func handleEvents() {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        libusb_handle_events_timeout_completed(context, &zero, nil)
        armTimeoutTimer()
    }

    /// Where libusb cannot put its transfer timeouts on a descriptor, a loop timer does.
    private func armTimeoutTimer() {
        guard libusb_pollfds_handle_timeouts(context) == 0 else { return }
        if let timeoutTimer { loop.cancel(timeoutTimer) }
        timeoutTimer = nil
        var next = timeval()
        guard libusb_get_next_timeout(context, &next) == 1 else { return }
        let ms = Int64(next.tv_sec) * 1000 + Int64(next.tv_usec) / 1000
        timeoutTimer = loop.schedule(after: max(1, ms)) { [weak self] in self?.handleEvents() }
    }

    /// Every USB device libusb sees, with its interfaces.
    public func devices() -> [USBDeviceInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let n = libusb_get_device_list(context, &list)
        guard n >= 0, let list else { return [] }
        defer { libusb_free_device_list(list, 1) }
        var out: [USBDeviceInfo] = []
        for i in 0..<n {
            guard let device = list[i] else { continue }
            var d = libusb_device_descriptor()
            guard libusb_get_device_descriptor(device, &d) == 0 else { continue }
            out.append(USBDeviceInfo(busNumber: libusb_get_bus_number(device), address: libusb_get_device_address(device),
                                     vendor: d.idVendor, product: d.idProduct, interfaces: USBContext.interfaces(device)))
        }
        return out
    }

    static func interfaces(_ device: OpaquePointer) -> [USBInterfaceInfo] {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard libusb_get_active_config_descriptor(device, &config) == 0 || libusb_get_config_descriptor(device, 0, &config) == 0,
              let config else { return [] }
        defer { libusb_free_config_descriptor(config) }
        var out: [USBInterfaceInfo] = []
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            guard interface.num_altsetting > 0 else { continue }
            let alt = interface.altsetting[0]
            var endpoints: [USBEndpointInfo] = []
            for e in 0..<Int(alt.bNumEndpoints) {
                let ep = alt.endpoint[e]
                endpoints.append(USBEndpointInfo(address: ep.bEndpointAddress, attributes: ep.bmAttributes,
                                                 maxPacketSize: ep.wMaxPacketSize))
            }
            out.append(USBInterfaceInfo(number: alt.bInterfaceNumber, alternateSetting: alt.bAlternateSetting,
                                        interfaceClass: alt.bInterfaceClass, subclass: alt.bInterfaceSubClass,
                                        interfaceProtocol: alt.bInterfaceProtocol, endpoints: endpoints))
        }
        return out
    }

    /// Opens the device at `bus`/`address`.
    public func open(bus: UInt8, address: UInt8) throws(DeviceError) -> USBDeviceHandle {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let n = libusb_get_device_list(context, &list)
        guard n >= 0, let list else { throw USBContext.error("usb \(bus)-\(address)", Int32(n)) }
        defer { libusb_free_device_list(list, 1) }
        for i in 0..<n {
            guard let device = list[i], libusb_get_bus_number(device) == bus, libusb_get_device_address(device) == address else { continue }
            var handle: OpaquePointer?
            let r = libusb_open(device, &handle)
            guard r == 0, let handle else { throw USBContext.error("usb \(bus)-\(address)", r) }
            return USBDeviceHandle(context: self, handle: handle, name: "usb bus \(bus) device \(address)",
                                   interfaces: USBContext.interfaces(device))
        }
        throw DeviceError(device: "usb \(bus)-\(address)", message: "no such USB device")
    }

    static func error(_ device: String, _ code: Int32) -> DeviceError {
        DeviceError(device: device, message: String(cString: libusb_error_name(code)))
    }
}

public struct USBEndpointInfo: Sendable, Hashable {
    public var address: UInt8
    public var attributes: UInt8
    public var maxPacketSize: UInt16
    public var isIn: Bool { address & 0x80 != 0 }
    /// 2 bulk, 3 interrupt.
    public var transferType: UInt8 { attributes & 0x03 }
}

public struct USBInterfaceInfo: Sendable, Hashable {
    public var number: UInt8
    public var alternateSetting: UInt8
    public var interfaceClass: UInt8
    public var subclass: UInt8
    public var interfaceProtocol: UInt8
    public var endpoints: [USBEndpointInfo]

    public func endpoint(in isIn: Bool, type: UInt8) -> USBEndpointInfo? {
        endpoints.first { $0.isIn == isIn && $0.transferType == type }
    }
}

public struct USBDeviceInfo: Sendable, Hashable {
    public var busNumber: UInt8
    public var address: UInt8
    public var vendor: UInt16
    public var product: UInt16
    public var interfaces: [USBInterfaceInfo]
}

/// An open USB device. Claimed interfaces are released (and their kernel drivers given back)
/// when it closes.
public final class USBDeviceHandle {
    let context: USBContext
    let handle: OpaquePointer
    public let name: String
    public let interfaces: [USBInterfaceInfo]
    private var claimed: [Int32] = []
    private var detached: Set<Int32> = []
    private(set) var isOpen = true
    /// Transfers submitted and not yet called back: the handle closes only after the last.
    fileprivate var inFlight: [ObjectIdentifier: USBTransfer] = [:]
    private var closedHandle = false

    init(context: USBContext, handle: OpaquePointer, name: String, interfaces: [USBInterfaceInfo]) {
        self.context = context
        self.handle = handle
        self.name = name
        self.interfaces = interfaces
    }

    deinit {
        // Transfers hold their handle, so none is in flight here.
        close()
    }

    /// Claims `interface`, first taking it from a kernel driver that holds it (usblp, usbhid): we
    /// must own a printer's or a scanner's interface, and a scanner's keystrokes must not also
    /// reach the console.
    public func claim(_ interface: UInt8) throws(DeviceError) {
        let n = Int32(interface)
        if libusb_kernel_driver_active(handle, n) == 1 {
            let r = libusb_detach_kernel_driver(handle, n)
            guard r == 0 else { throw USBContext.error(name, r) }
            detached.insert(n)
        }
        let r = libusb_claim_interface(handle, n)
        guard r == 0 else { throw USBContext.error(name, r) }
        claimed.append(n)
    }

    /// Cancels what is in flight; the device closes once the last transfer has called back.
    public func close() {
        if isOpen {
            isOpen = false
            for t in inFlight.values { t.cancel() }
        }
        guard inFlight.isEmpty, !closedHandle else { return }
        closedHandle = true
        for n in claimed {
            libusb_release_interface(handle, n)
            if detached.contains(n) { libusb_attach_kernel_driver(handle, n) }
        }
        libusb_close(handle)
    }

    fileprivate func transferEnded(_ t: USBTransfer) {
        inFlight[ObjectIdentifier(t)] = nil
        if !isOpen { close() }
    }

    /// A synchronous control transfer IN, for short class requests at claim time.
    public func controlIn(requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: Int,
                          timeout: UInt32 = 1000) throws(DeviceError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: length)
        let n = buffer.withUnsafeMutableBufferPointer {
            libusb_control_transfer(handle, requestType, request, value, index, $0.baseAddress, UInt16(length), timeout)
        }
        guard n >= 0 else { throw USBContext.error(name, n) }
        return Array(buffer[0..<Int(n)])
    }

    /// Printer class GET_DEVICE_ID of `interface`: the IEEE 1284 id string.
    public func printerDeviceID(interface: USBInterfaceInfo) throws(DeviceError) -> IEEE1284ID {
        let bytes = try controlIn(requestType: 0xA1, request: 0, value: 0,
                                  index: UInt16(interface.number) << 8 | UInt16(interface.alternateSetting), length: 1024)
        return IEEE1284ID(reply: bytes)
    }

    /// Printer class GET_PORT_STATUS.
    public func printerPortStatus(interface: USBInterfaceInfo) throws(DeviceError) -> PrinterPortStatus {
        let bytes = try controlIn(requestType: 0xA1, request: 1, value: 0, index: UInt16(interface.number), length: 1)
        guard let byte = bytes.first else { throw DeviceError(device: name, message: "empty port status") }
        return PrinterPortStatus(byte)
    }

    /// Submits one asynchronous bulk or interrupt transfer; `completion` runs on the loop's
    /// thread with the bytes transferred (IN: the data) or the error.
    func submit(endpoint: UInt8, type: UInt8, bytes: [UInt8], length: Int, timeout: UInt32,
                completion: @escaping (Result<[UInt8], DeviceError>, Int) -> Void) {
        guard isOpen else { return completion(.failure(DeviceError(device: name, message: "closed")), 0) }
        let transfer = USBTransfer(owner: self, length: max(length, bytes.count), completion: completion)
        inFlight[ObjectIdentifier(transfer)] = transfer
        transfer.submit(endpoint: endpoint, type: type, bytes: bytes, timeout: timeout)
    }
}

/// One libusb transfer and its buffer, alive until its callback has run.
fileprivate final class USBTransfer {
    let owner: USBDeviceHandle
    let transfer: UnsafeMutablePointer<libusb_transfer>
    let buffer: UnsafeMutablePointer<UInt8>
    let length: Int
    let completion: (Result<[UInt8], DeviceError>, Int) -> Void
    private var retained: Unmanaged<USBTransfer>?

    init(owner: USBDeviceHandle, length: Int, completion: @escaping (Result<[UInt8], DeviceError>, Int) -> Void) {
        self.owner = owner
        self.length = length
        self.completion = completion
        transfer = libusb_alloc_transfer(0)
        buffer = .allocate(capacity: max(1, length))
    }

    deinit {
        libusb_free_transfer(transfer)
        buffer.deallocate()
    }

    func submit(endpoint: UInt8, type: UInt8, bytes: [UInt8], timeout: UInt32) {
        bytes.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { buffer.update(from: base, count: b.count) }
        }
        transfer.pointee.dev_handle = owner.handle
        transfer.pointee.endpoint = endpoint
        transfer.pointee.type = type
        transfer.pointee.timeout = timeout
        transfer.pointee.buffer = buffer
        transfer.pointee.length = Int32(length)
        transfer.pointee.num_iso_packets = 0
        let me = Unmanaged.passRetained(self)
        retained = me
        transfer.pointee.user_data = me.toOpaque()
        transfer.pointee.callback = { t in
            guard let t, let user = t.pointee.user_data else { return }
            Unmanaged<USBTransfer>.fromOpaque(user).takeUnretainedValue().finished()
        }
        let r = libusb_submit_transfer(transfer)
        if r != 0 {
            retained = nil
            owner.transferEnded(self)
            completion(.failure(USBContext.error(owner.name, r)), 0)
            me.release()
        }
    }

    func cancel() { libusb_cancel_transfer(transfer) }

    private func finished() {
        let status = transfer.pointee.status
        let actual = Int(transfer.pointee.actual_length)
        let data = Array(UnsafeBufferPointer(start: buffer, count: actual))
        let result: Result<[UInt8], DeviceError>
        switch status {
        case LIBUSB_TRANSFER_COMPLETED: result = .success(data)
        case LIBUSB_TRANSFER_TIMED_OUT: result = .failure(DeviceError(device: owner.name, message: "timed out"))
        case LIBUSB_TRANSFER_NO_DEVICE: result = .failure(DeviceError(device: owner.name, message: USBTransfer.noDevice))
        case LIBUSB_TRANSFER_STALL: result = .failure(DeviceError(device: owner.name, message: "endpoint stalled"))
        case LIBUSB_TRANSFER_CANCELLED: result = .failure(DeviceError(device: owner.name, message: "cancelled"))
        default: result = .failure(DeviceError(device: owner.name, message: "transfer failed (\(status.rawValue))"))
        }
        let me = retained
        retained = nil
        owner.transferEnded(self)
        completion(result, actual)
        me?.release()
    }

    static let noDevice = "the device is gone"
}

/// The IEEE 1284 device id a printer reports (`MFG:EPSON;MDL:TM-T20III;CMD:ESC/POS;`).
public struct IEEE1284ID: Sendable, Hashable {
    public var fields: [String: String]

    /// Parses a GET_DEVICE_ID reply: a big-endian length (which includes its own two bytes), then
    /// `KEY:value;` pairs. A length that disagrees with the reply is trusted only as far as the
    /// bytes go.
    public init(reply: [UInt8]) {
        fields = [:]
        guard reply.count >= 2 else { return }
        let declared = Int(reply[0]) << 8 | Int(reply[1])
        let end = min(reply.count, max(2, declared))
        let text = String(decoding: reply[2..<end], as: UTF8.self)
        for pair in text.split(separator: ";") {
            guard let colon = pair.firstIndex(of: ":") else { continue }
            let key = pair[..<colon].trimmingCharacters(in: " ").uppercased()
            let value = pair[pair.index(after: colon)...].trimmingCharacters(in: " ")
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == " ") }) else { continue }
            fields[Self.canonical[key] ?? key] = value
        }
    }

    /// The long keys some printers use, mapped to the short ones.
    private static let canonical = ["MANUFACTURER": "MFG", "MODEL": "MDL", "COMMAND SET": "CMD", "DESCRIPTION": "DES"]

    public var manufacturer: String? { fields["MFG"] }
    public var model: String? { fields["MDL"] }
    public var commandSets: [String] { (fields["CMD"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " ").uppercased() } }
    /// Whether it says it speaks ESC/POS (an office printer is printer class too, and does not).
    public var speaksEscPos: Bool { commandSets.contains { $0 == "ESC/POS" || $0 == "ESCPOS" } }
}

/// GET_PORT_STATUS: `20` paper empty, `10` selected, `08` not error (active low).
public struct PrinterPortStatus: Sendable, Hashable {
    public var paperEmpty: Bool
    public var selected: Bool
    public var error: Bool

    public init(_ byte: UInt8) {
        paperEmpty = byte & 0x20 != 0
        selected = byte & 0x10 != 0
        error = byte & 0x08 == 0
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

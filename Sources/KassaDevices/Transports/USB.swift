import CLibUSB
import Glibc
import KassaSystem

/// libusb's context joined to the device loop: libusb's own descriptors (usbfs nodes, its
/// timerfd and event fd) are watched by the loop, and when one is ready libusb handles its events
/// without blocking. Transfers complete in those calls, so on the loop's thread.
///
/// A descriptor the loop refuses is not dropped: it is logged, and libusb is then polled on a
/// short timer for as long as one is refused, so its transfers still complete.
///
/// Call `Reactor.prepareProcessSignals` before making one: libusb may start a thread, which
/// must inherit the blocked signals.
public final class USBContext {
    let context: OpaquePointer
    let loop: any DeviceLoop
    let log: (_ message: String, _ fields: KeyValuePairs<String, String>) -> Void
    private var watched: Set<Int32> = []
    private var timeoutTimer: LoopTimer?
    /// Descriptors the loop refused, polled through `pollTimer` instead.
    private var refused: Set<Int32> = []
    private var pollTimer: LoopTimer?
    /// How often libusb is polled while the loop refuses one of its descriptors.
    static let pollInterval: Int64 = 20

    public init(loop: any DeviceLoop,
                log: @escaping (_ message: String, _ fields: KeyValuePairs<String, String>) -> Void = { _, _ in }) throws(DeviceError) {
        var ctx: OpaquePointer?
        let r = libusb_init(&ctx)
        guard r == 0, let ctx else { throw USBContext.error("libusb", r) }
        context = ctx
        self.loop = loop
        self.log = log
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
        if let pollTimer { loop.cancel(pollTimer) }
        libusb_exit(context)
    }

    private func watch(_ fd: Int32, _ events: Int16) {
        // Input and output are asked for; errors and hang-ups come unasked.
        let interest = Readiness(pollEvents: events).intersection([.readable, .writable])
        if watched.contains(fd) {
            loop.rewatch(fd, interest)
            return
        }
        if refused.contains(fd) { return }
        do {
            try loop.watch(fd, interest) { [weak self] _ in self?.handleEvents() }
            watched.insert(fd)
        } catch {
            // Unwatched, its completions would wait for libusb's own timeouts (or forever).
            refused.insert(fd)
            log("USB descriptor refused by the loop; polling libusb every \(Self.pollInterval) ms instead",
                ["fd": String(fd), "reason": error.message])
            pollWhileRefused()
        }
    }

    private func unwatch(_ fd: Int32) {
        refused.remove(fd)
        guard watched.remove(fd) != nil else { return }
        loop.unwatch(fd)
    }

    private func pollWhileRefused() {
        guard pollTimer == nil, !refused.isEmpty else { return }
        pollTimer = loop.schedule(after: Self.pollInterval) { [weak self] in
            guard let self else { return }
            self.pollTimer = nil
            self.handleEvents()
            self.pollWhileRefused()
        }
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
        DeviceError(device: device, message: name(code))
    }

    /// libusb's name for an error code or a transfer status (`LIBUSB_ERROR_IO`, `LIBUSB_TRANSFER_STALL`).
    static func name(_ code: Int32) -> String { String(cString: libusb_error_name(code)) }
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
    fileprivate var inFlight: [ObjectIdentifier: USBTransfer] = [:] {
        didSet { mostInFlight = max(mostInFlight, inFlight.count) }
    }
    /// The most transfers this handle ever had in flight at once, for tests of the links' rules.
    public private(set) var mostInFlight = 0
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

    /// Clears a halted (stalled) endpoint, so that the next transfer on it can go through: a
    /// stall stays until the host clears it, and retrying without that only stalls again.
    public func clearHalt(_ endpoint: UInt8) throws(DeviceError) {
        let r = libusb_clear_halt(handle, endpoint)
        guard r == 0 else { throw USBContext.error(name, r) }
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
                completion: @escaping (Result<[UInt8], USBTransferFailure>, Int) -> Void) {
        guard isOpen else { return completion(.failure(USBTransferFailure(.cancelled, status: "closed", device: name)), 0) }
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
    let completion: (Result<[UInt8], USBTransferFailure>, Int) -> Void
    private var retained: Unmanaged<USBTransfer>?

    init(owner: USBDeviceHandle, length: Int, completion: @escaping (Result<[UInt8], USBTransferFailure>, Int) -> Void) {
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
            completion(.failure(USBTransferFailure(r == LIBUSB_ERROR_NO_DEVICE.rawValue ? .gone : .failed,
                                                   status: USBContext.name(r), device: owner.name)), 0)
            me.release()
        }
    }

    func cancel() { libusb_cancel_transfer(transfer) }

    private func finished() {
        let status = transfer.pointee.status
        let actual = Int(transfer.pointee.actual_length)
        let data = Array(UnsafeBufferPointer(start: buffer, count: actual))
        let result: Result<[UInt8], USBTransferFailure>
        let kind: USBTransferFailure.Kind
        switch status {
        case LIBUSB_TRANSFER_COMPLETED: kind = .failed
        case LIBUSB_TRANSFER_TIMED_OUT: kind = .timedOut
        case LIBUSB_TRANSFER_NO_DEVICE: kind = .gone
        case LIBUSB_TRANSFER_STALL: kind = .stalled
        case LIBUSB_TRANSFER_CANCELLED: kind = .cancelled
        default: kind = .failed
        }
        if status == LIBUSB_TRANSFER_COMPLETED {
            result = .success(data)
        } else {
            result = .failure(USBTransferFailure(kind, status: USBContext.name(Int32(status.rawValue)), device: owner.name))
        }
        let me = retained
        retained = nil
        owner.transferEnded(self)
        completion(result, actual)
        me?.release()
    }

}

/// Why a transfer did not complete, with libusb's name for it.
public struct USBTransferFailure: Error, Sendable {
    public enum Kind: Sendable {
        case timedOut, cancelled, stalled, failed
        /// Unplugged: nothing to retry.
        case gone
    }

    public var kind: Kind
    /// libusb's name for the transfer status (`LIBUSB_TRANSFER_ERROR`) or, for a submission it
    /// refused, the error (`LIBUSB_ERROR_IO`).
    public var status: String
    public var error: DeviceError

    init(_ kind: Kind, status: String, device: String) {
        self.kind = kind
        self.status = status
        let words: String
        switch kind {
        case .timedOut: words = "timed out"
        case .cancelled: words = "cancelled"
        case .stalled: words = "endpoint stalled"
        case .gone: words = "the device is gone"
        case .failed: words = "transfer failed"
        }
        error = DeviceError(device: device, message: "\(words) (\(status))")
    }
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

import KassaCore

/// Byte links over USB: a printer's bulk endpoints, and a HID device's interrupt reports.

/// A USB printer (printer class, or an ESC/POS printer in its vendor-specific personality):
/// sends go out as bulk OUT transfers in 4 KiB pieces. When the interface has a bulk IN
/// endpoint, each send is followed by reads for as long as the printer has something to say
/// (status answers, ASB); a printer holds its IN data until the host asks, so nothing is lost
/// between sends.
///
/// One transfer is in flight at a time: a write never overlaps a read (some printers and usbfs
/// replays object), and a send asked for from a completion waits for its turn. A transfer that
/// fails is logged with libusb's name for the failure and tried again, up to `retries` times with
/// a doubling pause from `retryDelay` (a stalled endpoint is cleared first); then the link closes
/// and the printer is offline. An unplugged device, a cancelled transfer and a write that timed
/// out (a printer out of paper stops taking data) are not tried again.
public final class USBPrinterLink: ByteLink {
    public let name: String
    public let device: USBDeviceHandle
    public let interface: USBInterfaceInfo
    private let outEndpoint: UInt8
    private let inEndpoint: UInt8?
    private var queue: [(bytes: [UInt8], sent: Int, completion: (LinkResult) -> Void)] = []
    /// A transfer is in flight (or its completion is running): nothing else starts.
    private var busy = false
    /// The printer may have something to say: read before the next write.
    private var readOwed = false
    private var closed = false
    /// Reads in a row that brought data: a chatty printer must not keep sends waiting.
    private var readsInARow = 0
    /// Failures of the transfer being tried, and the pause before trying it again.
    private var failures = 0
    private var retryTimer: LoopTimer?
    public var onReceive: ([UInt8]) -> Void = { _ in }
    public var onClose: (DeviceError) -> Void = { _ in }
    public var log: (_ message: String, _ fields: KeyValuePairs<String, String>) -> Void = { _, _ in }
    /// How long one piece may take: a printer out of paper stops taking data.
    public var writeTimeout: UInt32 = 10_000
    /// How long a read waits for the printer's answer after a send.
    public var readTimeout: UInt32 = 200
    /// Whether to read after sends; off for a printer used one-way.
    public var readsReplies: Bool
    /// How often a failed transfer is tried again before the link gives up.
    public var retries = 3
    /// The pause before the first retry, in ms; it doubles with each.
    public var retryDelay: Int64 = 50

    public init(device: USBDeviceHandle, interface: USBInterfaceInfo) throws(DeviceError) {
        guard let out = interface.endpoint(in: false, type: 2) else {
            throw DeviceError(device: device.name, message: "interface \(interface.number) has no bulk OUT endpoint")
        }
        try device.claim(interface.number)
        self.device = device
        self.interface = interface
        outEndpoint = out.address
        inEndpoint = interface.endpoint(in: true, type: 2)?.address
        readsReplies = inEndpoint != nil
        name = device.name
    }

    public var isOpen: Bool { !closed }

    public func send(_ bytes: [UInt8], completion: @escaping (LinkResult) -> Void) {
        guard !closed else { return completion(.failed(DeviceError(device: name, message: "not connected"), bytesSent: 0)) }
        queue.append((bytes, 0, completion))
        next()
    }

    /// Starts the one next transfer, if none is in flight: an owed read, else the next piece.
    private func next() {
        guard !busy, !closed, retryTimer == nil else { return }
        if readOwed, readsReplies, let inEndpoint {
            read(inEndpoint)
        } else if !queue.isEmpty {
            write()
        }
    }

    private func write() {
        let (bytes, sent, _) = queue[0]
        let piece = Array(bytes[sent..<min(bytes.count, sent + 4096)])
        busy = true
        device.submit(endpoint: outEndpoint, type: 2, bytes: piece, length: piece.count, timeout: writeTimeout) { [weak self] result, actual in
            guard let self, !self.closed else { return }
            self.queue[0].sent += actual
            switch result {
            case .success:
                self.failures = 0
                let finished = self.queue[0].sent >= self.queue[0].bytes.count ? self.queue.removeFirst() : nil
                self.readOwed = self.readsReplies
                self.readsInARow = 0
                // Still busy: a send made from this completion waits for its turn.
                finished?.completion(.sent)
                self.busy = false
                self.next()
            case .failure(let f):
                self.busy = false
                self.failed(f, endpoint: self.outEndpoint, retry: f.kind != .timedOut)
            }
        }
    }

    /// Reads what the printer has to say; again while it says something, unless a send waits.
    private func read(_ endpoint: UInt8) {
        busy = true
        readOwed = false
        device.submit(endpoint: endpoint, type: 2, bytes: [], length: 512, timeout: readTimeout) { [weak self] result, _ in
            guard let self, !self.closed else { return }
            switch result {
            case .success(let data):
                self.failures = 0
                self.readsInARow += 1
                if !data.isEmpty { self.onReceive(data) }
                // More may follow, but a waiting send goes first, and reading stops after a few.
                self.readOwed = !data.isEmpty && self.queue.isEmpty && self.readsInARow < 4
                self.busy = false
                self.next()
            case .failure(let f) where f.kind == .timedOut:
                // Nothing to say.
                self.busy = false
                self.next()
            case .failure(let f):
                self.busy = false
                self.readOwed = true
                self.failed(f, endpoint: endpoint, retry: true)
            }
        }
    }

    /// A failed transfer: said, then tried again after a pause, or the end of the link.
    private func failed(_ f: USBTransferFailure, endpoint: UInt8, retry: Bool) {
        let retriable = retry && f.kind != .gone && f.kind != .cancelled
        let again = retriable && failures < retries
        log(again ? "USB transfer failed, trying again" : "USB transfer failed, giving up",
            ["device": name, "endpoint": "0x" + Hex.encode([endpoint]), "status": f.status, "attempt": String(failures + 1)])
        guard again else { return fail(f.error) }
        if f.kind == .stalled {
            do throws(DeviceError) {
                try device.clearHalt(endpoint)
                log("USB stall cleared", ["device": name, "endpoint": "0x" + Hex.encode([endpoint])])
            } catch {
                log("USB stall not cleared", ["device": name, "endpoint": "0x" + Hex.encode([endpoint]), "error": error.message])
            }
        }
        failures += 1
        retryTimer = device.context.loop.schedule(after: retryDelay << Int64(failures - 1)) { [weak self] in
            guard let self else { return }
            self.retryTimer = nil
            self.next()
        }
    }

    private func fail(_ error: DeviceError) {
        guard !closed else { return }
        close()
        onClose(error)
    }

    public func close() {
        guard !closed else { return }
        closed = true
        if let retryTimer { device.context.loop.cancel(retryTimer) }
        retryTimer = nil
        let pending = queue
        queue = []
        for item in pending { item.completion(.failed(DeviceError(device: name, message: "link closed"), bytesSent: item.sent)) }
        device.close()
    }
}

/// A HID device's interrupt IN endpoint (a barcode scanner or card reader in keyboard mode):
/// each report arrives whole through `onReceive`. The interface is claimed with the kernel's HID
/// driver detached, so its keystrokes never also reach the console.
public final class USBInterruptLink: ByteLink {
    public let name: String
    public let device: USBDeviceHandle
    private let inEndpoint: UInt8
    private let reportLength: Int
    private var reading = false
    private var closed = false
    public var onReceive: ([UInt8]) -> Void = { _ in } {
        didSet { armRead() }
    }
    public var onClose: (DeviceError) -> Void = { _ in }

    public init(device: USBDeviceHandle, interface: USBInterfaceInfo) throws(DeviceError) {
        guard let endpoint = interface.endpoint(in: true, type: 3) else {
            throw DeviceError(device: device.name, message: "interface \(interface.number) has no interrupt IN endpoint")
        }
        try device.claim(interface.number)
        self.device = device
        inEndpoint = endpoint.address
        reportLength = Int(max(8, endpoint.maxPacketSize))
        name = device.name
    }

    public var isOpen: Bool { !closed }

    public func send(_ bytes: [UInt8], completion: @escaping (LinkResult) -> Void) {
        completion(.failed(DeviceError(device: name, message: "a HID input device takes no output"), bytesSent: 0))
    }

    private func armRead() {
        guard !reading, !closed else { return }
        reading = true
        device.submit(endpoint: inEndpoint, type: 3, bytes: [], length: reportLength, timeout: 0) { [weak self] result, _ in
            guard let self else { return }
            self.reading = false
            guard !self.closed else { return }
            switch result {
            case .success(let report):
                // A zero-length packet carries no report (the Linux HID gadget sends one after
                // each full-size report): passing it on would read as garbage and cut the
                // barcode in hand.
                if !report.isEmpty { self.onReceive(report) }
                self.armRead()
            case .failure(let f):
                self.closed = true
                self.device.close()
                self.onClose(f.error)
            }
        }
    }

    public func close() {
        guard !closed else { return }
        closed = true
        device.close()
    }
}

/// Byte links over USB: a printer's bulk endpoints, and a HID device's interrupt reports.

/// A USB printer (printer class, or an ESC/POS printer in its vendor-specific personality):
/// sends go out as bulk OUT transfers in 4 KiB pieces. When the interface has a bulk IN
/// endpoint, each send is followed by reads for as long as the printer has something to say
/// (status answers, ASB); a printer holds its IN data until the host asks, so nothing is lost
/// between sends, and a write never overlaps a read (some printers and usbfs replays object).
public final class USBPrinterLink: ByteLink {
    public let name: String
    public let device: USBDeviceHandle
    public let interface: USBInterfaceInfo
    private let outEndpoint: UInt8
    private let inEndpoint: UInt8?
    private var queue: [(bytes: [UInt8], sent: Int, completion: (LinkResult) -> Void)] = []
    private var writing = false
    private var reading = false
    private var closed = false
    /// Reads in a row that brought data: a chatty printer must not keep sends waiting.
    private var readsInARow = 0
    public var onReceive: ([UInt8]) -> Void = { _ in }
    public var onClose: (DeviceError) -> Void = { _ in }
    /// How long one piece may take: a printer out of paper stops taking data.
    public var writeTimeout: UInt32 = 10_000
    /// How long a read waits for the printer's answer after a send.
    public var readTimeout: UInt32 = 200
    /// Whether to read after sends; off for a printer used one-way.
    public var readsReplies: Bool

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
        writeNext()
    }

    private func writeNext() {
        guard !writing, !reading, !closed, !queue.isEmpty else { return }
        let (bytes, sent, _) = queue[0]
        let piece = Array(bytes[sent..<min(bytes.count, sent + 4096)])
        writing = true
        device.submit(endpoint: outEndpoint, type: 2, bytes: piece, length: piece.count, timeout: writeTimeout) { [weak self] result, actual in
            guard let self else { return }
            self.writing = false
            guard !self.closed else { return }
            switch result {
            case .success:
                self.queue[0].sent += actual
                if self.queue[0].sent >= self.queue[0].bytes.count { self.queue.removeFirst().completion(.sent) }
                if self.readsReplies {
                    self.readsInARow = 0
                    self.read()
                } else {
                    self.writeNext()
                }
            case .failure(let e):
                self.queue[0].sent += actual
                self.fail(e)
            }
        }
    }

    /// Reads what the printer has to say; again while it says something, then the next send.
    private func read() {
        guard let inEndpoint, readsReplies, !reading, !closed else { return }
        reading = true
        device.submit(endpoint: inEndpoint, type: 2, bytes: [], length: 512, timeout: readTimeout) { [weak self] result, _ in
            guard let self else { return }
            self.reading = false
            guard !self.closed else { return }
            switch result {
            case .success(let data):
                if !data.isEmpty { self.onReceive(data) }
                self.readsInARow += 1
                // More may follow, but a waiting send goes first, and reading stops after a few.
                if data.isEmpty || !self.queue.isEmpty || self.readsInARow >= 4 { self.writeNext() } else { self.read() }
            case .failure(let e) where e.message == "timed out" || e.message == "cancelled":
                self.writeNext()
            case .failure(let e):
                self.fail(e)
            }
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
            case .failure(let e):
                self.closed = true
                self.device.close()
                self.onClose(e)
            }
        }
    }

    public func close() {
        guard !closed else { return }
        closed = true
        device.close()
    }
}

/// One configured device: what it is for, how it is reached, and its profile.
public struct DeviceSpec: Sendable {
    public enum Role: String, Sendable, CaseIterable {
        case printer, display, scanner, cardReader = "card_reader"

        public var kind: DeviceKind {
            switch self {
            case .printer: return .printer
            case .display: return .display
            case .scanner: return .scanner
            case .cardReader: return .cardReader
            }
        }
    }

    public enum Connection: Sendable, Hashable {
        /// A network printer (port 9100 by convention).
        case tcp(host: String, port: UInt16)
        /// A serial port: RS-232, USB-serial or CDC-ACM, by path (a `/dev/kassa/…` link is stable).
        case serial(path: String, baud: Int)
        /// A USB device by vendor and product id, found by discovery and hotplug.
        case usb(vendor: UInt16, product: UInt16)
    }

    public var name: String
    public var role: Role
    public var connection: Connection
    public var printerProfile = PrinterProfile.epson80mm
    public var printerOptions = EscPosPrinter.Options()
    public var displayProfile = DisplayProfile(commandSet: .epson, table: .pc858)
    /// Seconds the drawer may stay open before the alarm; nil never alarms.
    public var drawerAlarmSeconds: Int? = 60
    /// Line input typed as HID reports (USB scanners) or serial text.
    public var encoding: InputReader.Encoding = .serialText
    /// The line speed when the device is a USB-serial adapter found by its ids.
    public var baud = 9600
    public var interCharacterTimeout: Int64 = 200

    public init(name: String, role: Role, connection: Connection) {
        self.name = name
        self.role = role
        self.connection = connection
    }
}

/// A USB device discovery left alone, and why: never silently, since a printer that is not
/// claimed is a printer the register does not print on.
public struct IgnoredDevice: Sendable, Hashable {
    /// What it would have been (a printer, a serial adapter).
    public var kind: DeviceKind
    /// `vvvv:pppp`.
    public var usb: String
    /// Where it is: `usb bus 1 device 2`.
    public var place: String
    public var model: String?
    public var reason: String

    public init(kind: DeviceKind, usb: String, place: String, model: String? = nil, reason: String) {
        self.kind = kind
        self.usb = usb
        self.place = place
        self.model = model
        self.reason = reason
    }
}

/// Keeps every configured device connected: opens serial ports and TCP printers at start, and
/// again whenever they go away, with a growing pause between attempts (1 s doubling to 30 s)
/// so an absent device costs next to nothing. USB devices are attached by discovery and hotplug
/// (`attach(_:link:)`), which find them by the table and the configuration.
///
/// The drivers keep their state across links: a printer's queue waits for the printer to come
/// back, a display is re-initialised and shown its current text.
public final class DeviceManager {
    public let printer: EscPosPrinter?
    public let display: LineDisplay?
    public internal(set) var readers: [InputReader]
    public let specs: [DeviceSpec]
    public let table: DeviceTable
    public var log: (_ message: String, _ fields: KeyValuePairs<String, String>) -> Void = { _, _ in }
    /// A scanner found by its USB ids, with no configuration of its own, got a reader.
    public var onReaderAdded: (InputReader) -> Void = { _ in }

    let loop: any DeviceLoop
    private var retryDelay: [String: Int64] = [:]
    private var retryTimers: [String: LoopTimer] = [:]
    // Discovery (DeviceDiscovery.swift).
    var usb: USBContext?
    var udev: Udev?
    var monitor: UdevMonitor?
    /// Links made by discovery, by the udev syspath of what they came from.
    var discovered: [String: (device: String, link: any ByteLink)] = [:]
    /// USB-serial adapters seen, waiting for their tty node (which appears a little later).
    var awaitingTTY: [String: LoopTimer] = [:]
    /// Devices discovery saw and did not claim, with why, by syspath, until they are unplugged.
    public internal(set) var ignored: [String: IgnoredDevice] = [:]

    /// `discover` adds USB devices the table knows (a printer, scanners) to what is configured:
    /// without a configured printer the manager has one for a USB printer to appear as.
    public init(specs: [DeviceSpec], table: DeviceTable = .standard, discover: Bool = false, loop: any DeviceLoop) {
        self.specs = specs
        self.table = table
        self.loop = loop
        let printerSpec = specs.first { $0.role == .printer }
        if let spec = printerSpec {
            printer = EscPosPrinter(id: spec.name, profile: spec.printerProfile, options: spec.printerOptions, loop: loop)
        } else {
            printer = discover ? EscPosPrinter(id: "printer", profile: .epson80mm, loop: loop) : nil
        }
        display = specs.first { $0.role == .display }.map { LineDisplay(id: $0.name, profile: $0.displayProfile) }
        readers = specs.filter { $0.role == .scanner || $0.role == .cardReader }.map { spec in
            let r = InputReader(id: spec.name, role: spec.role == .scanner ? .scanner : .cardReader, encoding: spec.encoding, loop: loop)
            r.interCharacterTimeout = spec.interCharacterTimeout
            return r
        }
    }

    /// Every device, for listings.
    public var devices: [any Device] {
        var all: [any Device] = []
        if let printer { all.append(printer) }
        if let display { all.append(display) }
        all += readers.map { $0 as any Device }
        return all
    }

    /// Opens what can be opened now and schedules the rest.
    public func start() {
        for spec in specs {
            switch spec.connection {
            case .tcp, .serial: connect(spec)
            case .usb: break
            }
        }
    }

    /// A link for the device named `name` (from discovery, or a test).
    public func attach(_ name: String, link: any ByteLink) {
        guard let spec = specs.first(where: { $0.name == name }) else { return }
        log("device connected", ["device": name, "via": link.name])
        switch spec.role {
        case .printer: printer?.attach(link)
        case .display: display?.attach(link)
        case .scanner, .cardReader: readers.first { $0.id == name }?.attach(link)
        }
        // The drivers hear of the link closing; the manager hears of it through them.
        let previous = link.onClose
        link.onClose = { [weak self] error in
            previous(error)
            self?.lost(spec, error)
        }
    }

    private func connect(_ spec: DeviceSpec) {
        retryTimers[spec.name] = nil
        switch spec.connection {
        case .serial(let path, let baud):
            do {
                attach(spec.name, link: try SerialPort.open(path, baud: baud, loop: loop))
                retryDelay[spec.name] = nil
            } catch {
                retry(spec, error)
            }
        case .tcp(let host, let port):
            TCPConnector.connect(host: host, port: port, loop: loop) { [weak self] result in
                guard let self else { return }
                switch result {
                case .success(let link):
                    self.attach(spec.name, link: link)
                    self.retryDelay[spec.name] = nil
                case .failure(let error):
                    self.retry(spec, error)
                }
            }
        case .usb:
            break
        }
    }

    private func lost(_ spec: DeviceSpec, _ error: DeviceError) {
        log("device disconnected", ["device": spec.name, "reason": error.message])
        retryDelay[spec.name] = nil
        if case .usb = spec.connection { return }
        retry(spec, error)
    }

    private func retry(_ spec: DeviceSpec, _ error: DeviceError) {
        let delay = retryDelay[spec.name] ?? 0
        // Reported once per outage, not on every attempt.
        if delay == 0 { log("device not reachable, retrying", ["device": spec.name, "reason": error.message]) }
        let next = min(max(delay * 2, 1000), 30_000)
        retryDelay[spec.name] = next
        retryTimers[spec.name] = loop.schedule(after: delay == 0 ? 250 : next) { [weak self] in self?.connect(spec) }
    }

    public func stop() {
        for (_, t) in retryTimers { loop.cancel(t) }
        retryTimers = [:]
        printer?.detach()
        display?.detach()
        for r in readers { r.detach() }
    }
}

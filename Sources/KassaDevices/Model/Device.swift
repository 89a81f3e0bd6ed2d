import KassaCore

/// KassaDevices: the register's peripherals behind one device model.
///
/// It owns the device states (closed → claimed → enabled; idle, busy, error, offline), typed status
/// events and outputs with ids, and the drivers and transports behind them. It never decides
/// anything about a sale: the runtime tells it what to print, show or kick, after the journal has
/// recorded why.
///
/// The protocol files (`EscPos`, `CustomerDisplayProtocol`, `HIDKeyboard`, `SerialScanner`,
/// `MagStripe`, `DeviceTable`) are pure functions over bytes: no I/O and no Foundation, so every
/// byte is tested without hardware. Transports do the I/O and call them.
///
/// The module's folders, one per kind of device plus transports and discovery, and how to add a
/// kind or a USB id: `Sources/KassaDevices/README.md`.

/// What a device is for.
public enum DeviceKind: String, Sendable, Hashable, CaseIterable {
    case printer, drawer, display, scanner, cardReader = "card_reader", paymentTerminal = "payment_terminal"
}

/// Where a device is in its life: opened and claimed by kassad, enabled for use.
public enum DeviceState: String, Sendable, Hashable {
    case closed, idle, busy, error, offline
}

public enum PowerState: String, Sendable, Hashable {
    case online, off, offline, unknown
}

/// A typed status report, as printers, drawers and displays give them.
public enum DeviceStatus: String, Sendable, Hashable {
    case paperOut = "paper_out"
    case paperNearEnd = "paper_near_end"
    case coverOpen = "cover_open"
    case drawerOpen = "drawer_open"
    case drawerClosed = "drawer_closed"
    case offline
}

public struct DeviceError: Error, Hashable, Sendable, CustomStringConvertible {
    public var device: String
    public var message: String
    public init(device: String, message: String) {
        self.device = device
        self.message = message
    }
    public var description: String { "\(device): \(message)" }
}

/// What every device tells the runtime about itself.
public protocol Device: AnyObject {
    var id: String { get }
    var kind: DeviceKind { get }
    var state: DeviceState { get }
    var power: PowerState { get }
    var status: [DeviceStatus] { get }
    /// Where it is: `tcp 192.0.2.7:9100`, `/dev/ttyUSB0`, `usb 1-1.2`, `simulated`.
    var detail: String { get }
    /// Maker and model, when the device tells.
    var model: String? { get }
}

extension Device {
    public var model: String? { nil }
}

/// One printout with the id the journal knows it by.
public struct PrintJob {
    public var id: UInt64
    /// Print it marked as a copy: some of it may already be on paper.
    public var copy: Bool
    /// Its lines at the printer's width, marked as a copy when asked. Called when the job is
    /// sent, and again if it must be sent again.
    public var render: (_ copy: Bool) -> [PrintedLine]
    /// Paper only: its text is never logged (a recovery code).
    public var confidential: Bool

    public init(id: UInt64, copy: Bool = false, confidential: Bool = false, render: @escaping (_ copy: Bool) -> [PrintedLine]) {
        self.id = id
        self.copy = copy
        self.confidential = confidential
        self.render = render
    }
}

/// What became of a printout, for the journal.
public enum OutputEvent: Sendable, Equatable {
    /// All its bytes went to the printer (`copy`: marked as a copy).
    case sent(id: UInt64, bytes: Int, copy: Bool)
    /// The printer confirmed it reached the end, or it went to a printer that cannot say.
    case done(id: UInt64, confirmedByPrinter: Bool)
    /// It is being sent again.
    case stalled(id: UInt64, reason: String)
}

/// A receipt printer: a queue of printouts, each reported sent and done through `onOutput`.
public protocol ReceiptPrinter: Device {
    var columns: Int { get }
    func enqueue(_ job: PrintJob)
    var onOutput: (OutputEvent) -> Void { get set }
}

/// A device with a drawer kick port: an ESC/POS printer.
public protocol CashDrawerPort: AnyObject {
    func kickDrawer() throws(DeviceError)
    /// The sensor through the drawer's polarity; nil when unknown.
    var drawerOpen: Bool? { get }
}

/// A cash drawer, usually kicked through the printer.
public protocol CashDrawer: Device {
    /// Opens it now or throws at once; never queued for later.
    func open() throws(DeviceError)
}

/// A 2 × 20 customer display.
public protocol CustomerDisplay: Device {
    func show(_ upper: String, _ lower: String)
}

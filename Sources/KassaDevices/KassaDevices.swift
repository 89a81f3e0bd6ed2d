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
}

/// A receipt printer prints text lines (already laid out at its width) and cuts.
public protocol ReceiptPrinter: Device {
    var columns: Int { get }
    /// Prints one job; `outputID` names it in completion and error reports.
    func print(_ lines: [String], outputID: UInt64) throws(DeviceError)
}

/// A cash drawer, usually kicked through the printer.
public protocol CashDrawer: Device {
    func open() throws(DeviceError)
}

/// A 2 × 20 customer display.
public protocol CustomerDisplay: Device {
    func show(_ upper: String, _ lower: String)
}

/// A cash drawer on a printer's kick port: opened with the printer's real-time pulse, its
/// sensor read from the printer's status through the drawer's polarity.
public final class KickPortDrawer: CashDrawer {
    public let id: String
    public let kind = DeviceKind.drawer
    private let port: any CashDrawerPort & Device

    public init(id: String, printer: any CashDrawerPort & Device) {
        self.id = id
        self.port = printer
    }

    public var state: DeviceState { port.state == .offline ? .offline : .idle }
    public var power: PowerState { port.power }
    public var status: [DeviceStatus] {
        switch port.drawerOpen {
        case true?: return [.drawerOpen]
        case false?: return [.drawerClosed]
        case nil: return port.state == .offline ? [.offline] : []
        }
    }
    public var detail: String { "kick port of \(port.id)" }
    public var isOpen: Bool? { port.drawerOpen }

    public func open() throws(DeviceError) {
        do { try port.kickDrawer() } catch {
            throw DeviceError(device: id, message: error.message)
        }
    }
}

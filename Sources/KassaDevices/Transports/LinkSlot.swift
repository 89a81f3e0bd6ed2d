/// The one link a device has at a time: a new one replaces the old, and whoever holds the slot
/// hears once when the link is gone, whether it ended by itself or was let go.
final class LinkSlot {
    private(set) var link: (any ByteLink)?

    var isConnected: Bool { link != nil }
    /// For `Device.detail`.
    var name: String { link?.name ?? "not connected" }

    /// Takes `link` (letting go of any old one); `receive` gets its bytes, `lost` runs when it ends.
    func attach(_ link: any ByteLink, receive: @escaping ([UInt8]) -> Void, lost: @escaping () -> Void) {
        detach(then: {})
        self.link = link
        link.onReceive = receive
        link.onClose = { [weak self] _ in
            self?.link = nil
            lost()
        }
    }

    /// Closes the link, if any, and then runs `lost`.
    func detach(then lost: () -> Void) {
        guard let old = link else { return }
        old.onClose = { _ in }
        old.onReceive = { _ in }
        old.close()
        link = nil
        lost()
    }
}

/// A device whose whole condition is whether its link is there (displays, scanners, card readers).
protocol SimplyLinkedDevice: Device {
    var slot: LinkSlot { get }
}

extension SimplyLinkedDevice {
    public var state: DeviceState { slot.isConnected ? .idle : .offline }
    public var power: PowerState { slot.isConnected ? .online : .offline }
    public var status: [DeviceStatus] { slot.isConnected ? [] : [.offline] }
    public var detail: String { slot.name }
}

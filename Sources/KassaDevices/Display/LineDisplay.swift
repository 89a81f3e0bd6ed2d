import KassaCore

/// A 2 × 20 customer display on a byte link, in the Epson, CD5220 or Logic Controls command set.
///
/// Only the newest text matters to the customer: while one frame is on its way, newer ones
/// replace each other, so a burst of scans never builds a queue behind a 9600-baud line.
public final class LineDisplay: CustomerDisplay, SimplyLinkedDevice {
    public let id: String
    public let kind = DeviceKind.display
    public var profile: DisplayProfile
    /// Shown when the display (re)connects and when the register is idle.
    public var idleText: (String, String)
    public var onChange: () -> Void = {}
    public private(set) var lines: (String, String) = ("", "")

    let slot = LinkSlot()
    private var sending = false
    private var next: [UInt8]?

    public init(id: String, profile: DisplayProfile, idleText: (String, String) = ("", "")) {
        self.id = id
        self.profile = profile
        self.idleText = idleText
    }

    public func attach(_ link: any ByteLink) {
        slot.attach(link, receive: { _ in }, lost: { [weak self] in self?.lost() })
        var bytes = CustomerDisplayProtocol.initialize(profile.commandSet)
        bytes += frame(lines == ("", "") ? idleText : lines)
        next = nil
        send(bytes)
        onChange()
    }

    public func detach() { slot.detach(then: lost) }

    private func lost() {
        sending = false
        next = nil
        onChange()
    }

    public func show(_ upper: String, _ lower: String) {
        lines = (upper, lower)
        guard slot.isConnected else { return }
        if sending { next = frame(lines) } else { send(frame(lines)) }
    }

    public func showIdle() { show(idleText.0, idleText.1) }

    private func frame(_ text: (String, String)) -> [UInt8] {
        CustomerDisplayProtocol.show(profile.table.transliterated(text.0), profile.table.transliterated(text.1), profile: profile)
    }

    private func send(_ bytes: [UInt8]) {
        guard let link = slot.link else { return }
        sending = true
        link.send(bytes) { [weak self] _ in
            guard let self else { return }
            self.sending = false
            if let pending = self.next {
                self.next = nil
                self.send(pending)
            }
        }
    }
}

import KassaCore

/// A barcode scanner or a magnetic-stripe card reader: a device that types lines, either as HID
/// boot-keyboard reports (decoded with our own usage table, never a keyboard layout) or as serial
/// text. The cashier's keyboard is never one of these: only devices the table or configuration
/// names as scanners or card readers get a reader.
///
/// A line must be typed without pausing: a gap longer than the inter-character timeout drops the
/// unfinished line as an error, so half a barcode never joins the next one. Garbage becomes an
/// error event, never a crash and never a lookup.
public final class InputReader: SimplyLinkedDevice {
    public enum Role: Sendable { case scanner, cardReader }
    public enum Encoding: Sendable { case hidBootKeyboard, serialText }

    public enum Input: Sendable, Equatable {
        /// A barcode whose check digit (EAN-8, UPC-A, EAN-13) is right, or a code without one.
        case barcode(String)
        /// A card swipe; print it only through its masking description.
        case card(CardSwipe)
        case error(String)
    }

    public let id: String
    public let role: Role
    public let encoding: Encoding
    public var kind: DeviceKind { role == .scanner ? .scanner : .cardReader }
    public var interCharacterTimeout: Int64 = 200
    public var onInput: (Input) -> Void = { _ in }
    /// The bytes of the line just finished (HID: the reports), for a technician's scan test.
    public private(set) var lastRaw: [UInt8] = []
    private var raw: [UInt8] = []
    public var onChange: () -> Void = {}

    private let loop: any DeviceLoop
    let slot = LinkSlot()
    private var hid = ScannerLineAssembler(maxLength: 256)
    private var serial = SerialScannerAssembler(maxLength: 256)
    private var gapTimer: LoopTimer?

    public init(id: String, role: Role, encoding: Encoding, loop: any DeviceLoop) {
        self.id = id
        self.role = role
        self.encoding = encoding
        self.loop = loop
    }

    public func attach(_ link: any ByteLink) {
        slot.attach(link, receive: { [weak self] bytes in self?.received(bytes) }, lost: { [weak self] in self?.lost() })
        onChange()
    }

    public func detach() { slot.detach(then: lost) }

    private func lost() {
        _ = hid.abandon()
        _ = serial.abandon()
        onChange()
    }

    /// Feeds bytes as the link delivers them: one HID report per call, or any run of serial text.
    public func received(_ bytes: [UInt8]) {
        if let gapTimer { loop.cancel(gapTimer) }
        gapTimer = nil
        let lines = encoding == .hidBootKeyboard ? hid.feed(bytes) : serial.feed(bytes)
        if raw.count < 4096 { raw += bytes }
        if !lines.isEmpty {
            lastRaw = raw
            raw = []
        }
        for line in lines {
            switch line {
            case .success(let text): onInput(interpret(text))
            case .failure(let error): onInput(.error(error.description))
            }
        }
        gapTimer = loop.schedule(after: interCharacterTimeout) { [weak self] in
            guard let self else { return }
            self.gapTimer = nil
            let dropped = self.encoding == .hidBootKeyboard ? self.hid.abandon() : self.serial.abandon()
            self.lastRaw = self.raw
            self.raw = []
            if dropped { self.onInput(.error("\(self.id) stopped mid-line for over \(self.interCharacterTimeout) ms; the partial line was dropped")) }
        }
    }

    /// What a finished line means for this role.
    func interpret(_ text: String) -> Input {
        switch role {
        case .cardReader:
            do { return .card(try MagStripe.parse(text)) } catch {
                return .error("card reader: \(error)")
            }
        case .scanner:
            if text.hasPrefix("%") || text.hasPrefix(";"), let swipe = try? MagStripe.parse(text) { return .card(swipe) }
            if text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), [8, 12, 13].contains(text.utf8.count),
               case .invalid(let why) = Barcode.classify(text) {
                return .error("barcode \(CardNumberMasker.maskAll(in: text)) rejected: \(why)")
            }
            return .barcode(text)
        }
    }
}

import KassaCore

/// An ESC/POS receipt printer on any byte link: USB, serial or TCP.
///
/// Print jobs queue with their output ids and go out one at a time, in chunks of whole commands,
/// so a drawer pulse or a status poll can go between two chunks without splitting a command. A
/// printer that answers gets `1D 72 01` at the end of each job: the printer answers it only when
/// it reaches it in its buffer, so the answer confirms the job printed. A job survives the printer
/// going away: when the link closes mid-job, the job starts over, marked as a copy if any of its
/// bytes had gone out, once a new link is attached. Paper out pauses the queue; what the printer
/// already holds prints when paper is back, and the rest follows.
///
/// Status comes from `10 04 n` polls while the link is up (and from ASB if the printer sends it).
/// One unanswered poll is forgiven (printers often need a second ask); two in a row mark the
/// printer offline until it answers again.
public final class EscPosPrinter: ReceiptPrinter, CashDrawerPort {
    public struct Options: Sendable {
        /// Whether the printer answers on the link (bi-directional USB, serial, most network printers).
        public var expectsReplies = true
        public var pollInterval: Int64 = 2000
        public var replyTimeout: Int64 = 1000
        /// How long a sent job may go unconfirmed while the printer says all is well before it is
        /// taken as lost in the printer and sent again, as a copy.
        public var confirmTimeout: Int64 = 30_000
        public var chunkSize = 1024
        public init() {}
    }

    public let id: String
    public let kind = DeviceKind.printer
    public var profile: PrinterProfile
    public var options: Options
    public var columns: Int { profile.columns }
    public private(set) var printerStatus = PrinterStatus()
    /// Outputs sent, confirmed or stalled, for the runtime to journal.
    public var onOutput: (OutputEvent) -> Void = { _ in }
    /// State or status changed.
    public var onChange: () -> Void = {}
    public var detail: String { link?.name ?? "not connected" }

    private let loop: any DeviceLoop
    private var link: (any ByteLink)?
    private var jobs: [Job] = []
    /// The head job's chunks not yet sent.
    private var chunks: [[UInt8]] = []
    /// Real-time commands that go ahead of the next chunk.
    private var urgent: [(bytes: [UInt8], then: () -> Void)] = []
    private var sending = false
    private var awaitingConfirmation = false
    private var confirmTimer: LoopTimer?
    private var pendingReplies: [EscPos.StatusRequest] = []
    private var replyTimer: LoopTimer?
    private var pollTimer: LoopTimer?
    private var missedPolls = 0
    private var replyBuffer: [UInt8] = []
    private var lastReported: (DeviceState, [DeviceStatus])?
    /// Maker and model as the printer names them (`1D 49 42`, `1D 49 43`), in the order asked.
    private var identity: [String] = []

    /// "EPSON TM-T20III", once the printer has said.
    public var model: String? { identity.isEmpty ? nil : identity.joined(separator: " ") }

    private struct Job {
        var job: PrintJob
        var started = false
        var bytesSent = 0
    }

    public init(id: String, profile: PrinterProfile, options: Options = Options(), loop: any DeviceLoop) {
        self.id = id
        self.profile = profile
        self.options = options
        self.loop = loop
    }

    deinit {
        if let pollTimer { loop.cancel(pollTimer) }
        if let replyTimer { loop.cancel(replyTimer) }
        if let confirmTimer { loop.cancel(confirmTimer) }
    }

    // MARK: Device

    /// Two polls in a row went unanswered.
    private var unresponsive: Bool { options.expectsReplies && missedPolls >= 2 }

    public var state: DeviceState {
        guard link != nil, !unresponsive else { return .offline }
        if printerStatus.paperOut == true || printerStatus.stoppedAtPaperEnd == true || printerStatus.coverOpen == true
            || printerStatus.offline == true || printerStatus.unrecoverableError == true || printerStatus.error == true {
            return .error
        }
        return jobs.isEmpty ? .idle : .busy
    }

    public var power: PowerState { link == nil ? .offline : unresponsive ? .off : .online }

    public var status: [DeviceStatus] {
        guard link != nil, !unresponsive else { return [.offline] }
        return printerStatus.deviceStatuses(profile)
    }

    /// Printouts queued and not yet done, oldest first.
    public var queuedJobs: [UInt64] { jobs.map(\.job.id) }

    // MARK: Link

    /// Takes a new link to the printer (at start, or when it comes back) and resumes the queue.
    public func attach(_ link: any ByteLink) {
        detach()
        self.link = link
        missedPolls = 0
        printerStatus = PrinterStatus()
        link.onReceive = { [weak self] bytes in self?.received(bytes) }
        link.onClose = { [weak self] error in self?.linkLost(error) }
        identity = []
        if options.expectsReplies {
            urgent.append((EscPos.Command.printerID(.maker) + EscPos.Command.printerID(.model), {}))
            poll()
            schedulePolling()
        }
        reportChange()
        pump()
    }

    /// Lets go of the link (the device manager saw the device leave).
    public func detach() {
        guard let old = link else { return }
        old.onClose = { _ in }
        old.onReceive = { _ in }
        old.close()
        linkLost(DeviceError(device: id, message: "detached"))
    }

    private func linkLost(_ error: DeviceError) {
        link = nil
        sending = false
        urgent = []
        pendingReplies = []
        replyBuffer = []
        for timer in [pollTimer, replyTimer, confirmTimer] { if let timer { loop.cancel(timer) } }
        pollTimer = nil
        replyTimer = nil
        confirmTimer = nil
        // Whatever the printer held is gone with it: the job starts over, a copy if any of it left.
        if !jobs.isEmpty, jobs[0].started {
            if jobs[0].bytesSent > 0 || awaitingConfirmation { jobs[0].job.copy = true }
            jobs[0].started = false
            jobs[0].bytesSent = 0
            chunks = []
        }
        awaitingConfirmation = false
        reportChange()
    }

    // MARK: Jobs

    public func enqueue(_ job: PrintJob) {
        jobs.append(Job(job: job))
        reportChange()
        pump()
    }

    /// Opens the drawer on the kick port with the real-time pulse, ahead of any queued receipt.
    /// Refused at once while the printer is away: a kick is never queued for later.
    public func kickDrawer() throws(DeviceError) {
        guard let link, link.isOpen, !unresponsive else {
            throw DeviceError(device: id, message: "the printer is not connected, so the drawer on its kick port cannot be opened (nothing was queued)")
        }
        urgent.insert((EscPos.realtimeDrawerPulse(profile), {}), at: 0)
        pump()
    }

    /// The drawer's sensor as the last status showed it, through the profile's polarity.
    public var drawerOpen: Bool? {
        guard link != nil, !unresponsive, let high = printerStatus.drawerSensorHigh else { return nil }
        return high == (profile.drawerOpenLevel == .high)
    }

    private var mayPrint: Bool { state == .idle || state == .busy }

    /// Sends the next thing due: a real-time command first, else the head job's next chunk.
    private func pump() {
        guard let link, link.isOpen, !sending else { return }
        if !urgent.isEmpty {
            let (bytes, then) = urgent.removeFirst()
            sending = true
            link.send(bytes) { [weak self] result in
                guard let self else { return }
                self.sending = false
                if result == .sent { then() }
                self.pump()
            }
            return
        }
        guard !jobs.isEmpty, !awaitingConfirmation, mayPrint else { return }
        if !jobs[0].started {
            jobs[0].started = true
            chunks = Self.chunk(render(jobs[0].job), size: options.chunkSize)
        }
        guard !chunks.isEmpty else { return finishedSending() }
        let chunk = chunks.removeFirst()
        sending = true
        link.send(chunk) { [weak self] result in
            guard let self else { return }
            self.sending = false
            switch result {
            case .sent:
                self.jobs[0].bytesSent += chunk.count
                if self.chunks.isEmpty { self.finishedSending() } else { self.pump() }
            case .failed(_, let sent):
                // The link closes and `linkLost` restarts the job; note what may have printed.
                if !self.jobs.isEmpty { self.jobs[0].bytesSent += sent }
            }
        }
    }

    private func render(_ job: PrintJob) -> [[UInt8]] {
        var commands = EscPos.commands(EscPos.document(job.render(job.copy)), profile: profile)
        if options.expectsReplies { commands.append(EscPos.Command.transmitPaperStatus) }
        return commands
    }

    /// Whole commands grouped into sends of about `size` bytes.
    static func chunk(_ commands: [[UInt8]], size: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        for c in commands {
            if !current.isEmpty && current.count + c.count > size {
                out.append(current)
                current = []
            }
            current += c
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private func finishedSending() {
        let job = jobs[0]
        onOutput(.sent(id: job.job.id, bytes: job.bytesSent, copy: job.job.copy))
        guard options.expectsReplies else { return done(confirmedByPrinter: false) }
        awaitingConfirmation = true
        armConfirmTimer()
    }

    private func armConfirmTimer() {
        if let confirmTimer { loop.cancel(confirmTimer) }
        confirmTimer = loop.schedule(after: options.confirmTimeout) { [weak self] in
            guard let self, self.awaitingConfirmation else { return }
            self.confirmTimer = nil
            if !self.mayPrint {
                // Paper out or cover open: the printer holds the job until it is fixed.
                return self.armConfirmTimer()
            }
            // The printer says all is well but never reached the end: it lost the job.
            self.onOutput(.stalled(id: self.jobs[0].job.id, reason: "no confirmation within \(self.options.confirmTimeout) ms; sending it again as a copy"))
            self.awaitingConfirmation = false
            self.jobs[0].job.copy = true
            self.jobs[0].started = false
            self.jobs[0].bytesSent = 0
            self.pump()
        }
    }

    private func done(confirmedByPrinter: Bool) {
        let job = jobs.removeFirst()
        awaitingConfirmation = false
        if let confirmTimer { loop.cancel(confirmTimer) }
        confirmTimer = nil
        onOutput(.done(id: job.job.id, confirmedByPrinter: confirmedByPrinter))
        reportChange()
        pump()
    }

    // MARK: Status

    private func schedulePolling() {
        pollTimer = loop.schedule(after: options.pollInterval) { [weak self] in
            guard let self, self.link != nil else { return }
            self.poll()
            self.schedulePolling()
        }
    }

    private func poll() {
        guard pendingReplies.isEmpty else { return }
        let requests: [EscPos.StatusRequest] = [.printer, .offlineCause, .paperSensor]
        var bytes: [UInt8] = []
        for r in requests { bytes += EscPos.realtimeStatus(r) }
        urgent.append((bytes, { [weak self] in
            guard let self else { return }
            self.pendingReplies = requests
            self.replyTimer = self.loop.schedule(after: self.options.replyTimeout) { [weak self] in self?.pollUnanswered() }
        }))
        pump()
    }

    private func pollUnanswered() {
        replyTimer = nil
        guard !pendingReplies.isEmpty else { return }
        pendingReplies = []
        replyBuffer = []
        missedPolls += 1
        reportChange()
    }

    private func received(_ bytes: [UInt8]) {
        let (replies, rest) = EscPos.splitReplies(replyBuffer + bytes)
        replyBuffer = rest.count > 64 ? [] : rest
        for reply in replies {
            switch reply {
            case .realtimeStatus(let byte):
                guard !pendingReplies.isEmpty else { continue }
                let request = pendingReplies.removeFirst()
                if let s = EscPos.decodeStatus(n: request, byte: byte) { printerStatus = printerStatus.merging(s) }
                if pendingReplies.isEmpty {
                    if let replyTimer { loop.cancel(replyTimer) }
                    replyTimer = nil
                    missedPolls = 0
                }
            case .automaticStatus(let message):
                if let s = EscPos.decodeAutomaticStatus(message) { printerStatus = printerStatus.merging(s) }
                missedPolls = 0
            case .processed(let byte):
                // Bits 2–3: paper end. The job before it has printed.
                printerStatus.paperOut = byte & 0x0C != 0
                if awaitingConfirmation { done(confirmedByPrinter: true) }
            case .printerID(let text):
                if identity.count < 2 && !text.isEmpty { identity.append(text) }
            case .unknown:
                break
            }
        }
        reportChange()
        pump()
    }

    private func reportChange() {
        let now = (state, status)
        if let last = lastReported, last.0 == now.0, last.1 == now.1 { return }
        lastReported = now
        onChange()
    }
}

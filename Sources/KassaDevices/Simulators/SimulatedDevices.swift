#if canImport(Glibc)
import Glibc
#endif
import KassaCore

/// A printer with no hardware: each job's text goes to the log and its bytes are appended to a
/// file, so a demo or a test can read exactly what a real printer would have been sent.
public final class SimulatedPrinter: ReceiptPrinter {
    public let id: String
    public let kind = DeviceKind.printer
    public private(set) var state = DeviceState.idle
    public let power = PowerState.online
    public private(set) var status: [DeviceStatus] = []
    public let columns: Int
    public let outputPath: String
    /// What the bytes are written for: an 80 mm Epson's commands at this printer's width.
    public let profile: PrinterProfile
    /// Printouts waiting for paper, in order.
    private var waiting: [PrintJob] = []
    public var detail: String { "simulated, writes \(outputPath)" }
    public var onOutput: (OutputEvent) -> Void = { _ in }
    private let log: (String) -> Void

    public init(id: String = "printer-sim", columns: Int = 42, outputPath: String, log: @escaping (String) -> Void) {
        self.id = id
        self.columns = columns
        self.outputPath = outputPath
        var profile = PrinterProfile.epson80mm
        profile.columns = columns
        self.profile = profile
        self.log = log
    }

    /// The roll runs out, or a new one goes in (a demo or a training shows what the register
    /// does then): while it is out, printouts wait, as on a real printer, and go out after.
    public func setPaperOut(_ out: Bool) {
        status = out ? [.paperOut] : []
        state = out ? .error : .idle
        log("printer \(id): " + (out ? "out of paper (simulated)" : "paper loaded (simulated)"))
        guard !out else { return }
        let jobs = waiting
        waiting = []
        for job in jobs { enqueue(job) }
    }

    /// Appends the job's ESC/POS bytes, as a real printer on its USB port would get them, to the
    /// output file at once (`kassa receipt render FILE` shows them), flushed to the disk before
    /// the job is reported sent and done, so what was reported printed survives a power cut.
    public func enqueue(_ job: PrintJob) {
        guard !status.contains(.paperOut) else {
            waiting.append(job)
            return
        }
        let printed = job.render(job.copy)
        let bytes = EscPos.encode(EscPos.document(printed), profile: profile)
        let fd = open(outputPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            log("printer \(id): cannot write \(outputPath): errno \(errno); job \(job.id) stays owed")
            return
        }
        defer { close(fd) }
        var written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        if written == bytes.count && fsync(fd) != 0 {
            log("printer \(id): cannot flush \(outputPath): errno \(errno)")
            written = -1
        }
        let lines = printed.map(\.text)
        if job.confidential {
            log("printer \(id) job \(job.id): \(lines.count) lines, confidential: on paper only")
        } else {
            for line in lines { log("printer \(id) job \(job.id): \(line)") }
        }
        onOutput(.sent(id: job.id, bytes: max(0, written), copy: job.copy))
        if written == bytes.count { onOutput(.done(id: job.id, confirmedByPrinter: false)) }
    }
}

/// A drawer with no hardware: each kick goes to the log.
public final class SimulatedDrawer: CashDrawer {
    public let id: String
    public let kind = DeviceKind.drawer
    public let state = DeviceState.idle
    public let power = PowerState.online
    public let status: [DeviceStatus] = [.drawerClosed]
    public let detail = "simulated"
    private let log: (String) -> Void

    public init(id: String = "drawer-sim", log: @escaping (String) -> Void) {
        self.id = id
        self.log = log
    }

    public func open() throws(DeviceError) {
        log("drawer \(id) opened")
    }
}

/// A customer display that writes its two lines to the log.
public final class SimulatedDisplay: CustomerDisplay {
    public let id: String
    public let kind = DeviceKind.display
    public let state = DeviceState.idle
    public let power = PowerState.online
    public let status: [DeviceStatus] = []
    public private(set) var lines = ("", "")
    public let detail = "simulated"
    private let log: (String) -> Void

    public init(id: String = "display-sim", log: @escaping (String) -> Void) {
        self.id = id
        self.log = log
    }

    public func show(_ upper: String, _ lower: String) {
        lines = (TextLayout.pad(upper, to: 20), TextLayout.pad(lower, to: 20))
        log("display \(id): [\(lines.0)] [\(lines.1)]")
    }
}

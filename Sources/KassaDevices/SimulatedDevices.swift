#if canImport(Glibc)
import Glibc
#endif
import KassaCore

/// A printer with no hardware: each job's text goes to the log and its bytes are appended to a
/// file, so a demo or a test can read exactly what a real printer would have been sent.
public final class SimulatedPrinter: ReceiptPrinter {
    public let id: String
    public let kind = DeviceKind.printer
    public let state = DeviceState.idle
    public let power = PowerState.online
    public let status: [DeviceStatus] = []
    public let columns: Int
    public let outputPath: String
    private let log: (String) -> Void

    public init(id: String = "printer-sim", columns: Int = 42, outputPath: String, log: @escaping (String) -> Void) {
        self.id = id
        self.columns = columns
        self.outputPath = outputPath
        self.log = log
    }

    public func print(_ lines: [String], outputID: UInt64) throws(DeviceError) {
        var bytes = Array("--- job \(outputID) ---\n".utf8)
        for line in lines {
            bytes += Array(line.utf8)
            bytes.append(10)
        }
        bytes += Array("--- cut ---\n".utf8)
        let fd = open(outputPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw DeviceError(device: id, message: "cannot write \(outputPath): errno \(errno)") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        guard written == bytes.count else { throw DeviceError(device: id, message: "short write to \(outputPath)") }
        for line in lines { log("printer \(id) job \(outputID): \(line)") }
    }
}

/// A drawer with no hardware: each kick goes to the log.
public final class SimulatedDrawer: CashDrawer {
    public let id: String
    public let kind = DeviceKind.drawer
    public let state = DeviceState.idle
    public let power = PowerState.online
    public let status: [DeviceStatus] = [.drawerClosed]
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

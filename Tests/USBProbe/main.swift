// kassa-usb-probe: KassaDevices' real USB and udev code, run by tests under umockdev's fake
// devices (umockdev works through LD_PRELOAD, so the code under test must run in a process of
// its own). It prints what it saw, one fact a line, for the test to check.
//
//   kassa-usb-probe list                      udev's and libusb's view of the bus
//   kassa-usb-probe print HEX [HEX2]          finds the USB printer, sends HEX (and HEX2 from its completion), prints what it answers
//   kassa-usb-probe receipt                   prints a two-line receipt through the ESC/POS driver
//   kassa-usb-probe scan REPORTS              reads that many HID reports from the scanner, decoded
//   kassa-usb-probe monitor SECONDS           prints udev add/remove events as they come
//   kassa-usb-probe display TTY               shows two lines on a CD5220 display (ASCII) on that serial port
//   kassa-usb-probe discover SECONDS          runs the device manager's discovery, prints what it does
//
// With --loop-refuses-fds first, the loop refuses every descriptor libusb asks it to watch.
import DeviceTestSupport
import Glibc
import KassaCore
import KassaDevices


/// Writes a line at once (the test may read while the probe still runs).
func print(_ text: String) {
    var bytes = Array((text + "\n").utf8)
    bytes.withUnsafeMutableBytes { _ = write(1, $0.baseAddress, $0.count) }
}

var arguments = Array(CommandLine.arguments.dropFirst())
let loop = PollLoop()
if arguments.first == "--loop-refuses-fds" {
    loop.refusesDescriptors = true
    arguments.removeFirst()
}

func printLog(_ message: String, _ fields: KeyValuePairs<String, String>) {
    print("log \(message) " + fields.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
}

func fail(_ message: String) -> Never {
    print("error: \(message)")
    exit(1)
}

func usbDevices(_ udev: Udev) -> [UdevDevice] { udev.enumerate(subsystems: ["usb"]).filter(\.isUSBDevice) }

func openFirst(_ usb: USBContext, _ udev: Udev) -> (USBDeviceHandle, UdevDevice.UsbIdentity) {
    guard let identity = usbDevices(udev).compactMap(\.usbIdentity).first else { fail("no USB device") }
    do {
        return (try usb.open(bus: identity.busNumber, address: identity.deviceAddress), identity)
    } catch {
        fail("open: \(error)")
    }
}

guard let command = arguments.first else { fail("usage: kassa-usb-probe list|print HEX|scan N|monitor SECONDS") }
let udev: Udev
let usb: USBContext
do {
    udev = try Udev()
    usb = try USBContext(loop: loop, log: printLog)
} catch {
    fail("\(error)")
}

switch command {
case "list":
    for d in usbDevices(udev) {
        guard let id = d.usbIdentity else { continue }
        let interfaces = id.interfaces.map { Hex.encode([$0.0, $0.1, $0.2]) }.joined(separator: ",")
        print("udev \(d.devnode ?? "-") \(DeviceManager.ids(id)) bus \(id.busNumber) address \(id.deviceAddress) interfaces \(interfaces)")
        if let entry = DeviceManager(specs: [], loop: loop).tableEntry(for: id) { print("table \(entry.name)") }
    }
    for d in usb.devices() {
        let interfaces = d.interfaces.map { i in
            Hex.encode([i.interfaceClass, i.subclass, i.interfaceProtocol]) + "[" + i.endpoints.map { Hex.encode([$0.address]) }.joined(separator: " ") + "]"
        }.joined(separator: ",")
        print("libusb bus \(d.busNumber) address \(d.address) \(Hex.encode([UInt8(d.vendor >> 8), UInt8(d.vendor & 0xFF), UInt8(d.product >> 8), UInt8(d.product & 0xFF)])) \(interfaces)")
    }

case "print":
    guard (2...3).contains(arguments.count), let bytes = Hex.decode(arguments[1]) else { fail("print HEX [HEX2]") }
    let then = arguments.count == 3 ? Hex.decode(arguments[2]) : nil
    let (handle, _) = openFirst(usb, udev)
    guard let interface = handle.interfaces.first(where: { $0.endpoint(in: false, type: 2) != nil }) else { fail("no bulk OUT") }
    let link: USBPrinterLink
    do { link = try USBPrinterLink(device: handle, interface: interface) } catch { fail("claim: \(error)") }
    var received: [UInt8] = []
    var result: LinkResult?
    link.onReceive = { received += $0 }
    link.onClose = { print("closed: \($0.message)") }
    link.log = printLog
    var sends = [bytes] + (then.map { [$0] } ?? [])
    let expected = sends.count
    var results: [LinkResult] = []
    // Each next send is made from the previous one's completion, as the printer driver does.
    func sendNext() {
        guard !sends.isEmpty else { return }
        link.send(sends.removeFirst()) { r in
            results.append(r)
            sendNext()
        }
    }
    sendNext()
    loop.run(timeout: 3000) { results.count == expected }
    for (i, r) in results.enumerated() {
        switch r {
        case .sent: print("sent \(i == 0 ? bytes.count : then?.count ?? 0)")
        case .failed(let e, let n): print("failed after \(n): \(e.message)")
        }
    }
    if results.isEmpty { print("no completion") }
    loop.run(timeout: 800) { received.count >= expected }
    print("received \(Hex.encode(received))")
    print("most in flight \(handle.mostInFlight)")
    link.close()

case "id":
    let (handle, _) = openFirst(usb, udev)
    guard let interface = handle.interfaces.first else { fail("no interface") }
    do {
        let id = try handle.printerDeviceID(interface: interface)
        print("id \(id.manufacturer ?? "-") \(id.model ?? "-") escpos \(id.speaksEscPos)")
    } catch {
        print("id failed: \(error.message)")
    }

case "receipt":
    let (handle, _) = openFirst(usb, udev)
    guard let interface = handle.interfaces.first(where: { $0.endpoint(in: false, type: 2) != nil }) else { fail("no bulk OUT") }
    let link: USBPrinterLink
    do { link = try USBPrinterLink(device: handle, interface: interface) } catch { fail("claim: \(error)") }
    var options = EscPosPrinter.Options()
    options.expectsReplies = false
    link.readsReplies = false
    let printer = EscPosPrinter(id: "printer", profile: .epson80mm, options: options, loop: loop)
    var done = false
    printer.onOutput = { event in
        print("\(event)")
        if case .done = event { done = true }
    }
    printer.attach(link)
    printer.enqueue(PrintJob(id: 1) { _ in [PrintedLine("Päivä 2,50"), PrintedLine("TOTAL 2,50", .total)] })
    loop.run(timeout: 3000) { done }
    print("state \(printer.state.rawValue)")

case "scan":
    guard arguments.count == 2, let count = Int(arguments[1]) else { fail("scan N") }
    let (handle, _) = openFirst(usb, udev)
    guard let interface = handle.interfaces.first(where: { $0.endpoint(in: true, type: 3) != nil }) else { fail("no interrupt IN") }
    let link: USBInterruptLink
    do { link = try USBInterruptLink(device: handle, interface: interface) } catch { fail("claim: \(error)") }
    let reader = InputReader(id: "scanner", role: .scanner, encoding: .hidBootKeyboard, loop: loop)
    var reports = 0
    reader.onInput = { input in
        switch input {
        case .barcode(let code): print("barcode \(code)")
        case .card(let swipe): print("card \(swipe)")
        case .error(let message): print("scanner error \(message)")
        }
    }
    reader.attach(link)
    let previous = link.onReceive
    link.onReceive = { report in
        reports += 1
        previous(report)
    }
    loop.run(timeout: 3000) { reports >= count }
    print("reports \(reports)")
    reader.detach()

case "display":
    guard arguments.count == 2 else { fail("display TTY") }
    let link: StreamLink
    do { link = try SerialPort.open(arguments[1], baud: 9600, loop: loop) } catch { fail("\(error)") }
    let display = LineDisplay(id: "display", profile: DisplayProfile(commandSet: .cd5220, table: .ascii), idleText: ("Kassa", "Welcome"))
    display.attach(link)
    display.show("Päivä 2,50", "Yht. 3,50 €")
    var finished = false
    link.send([]) { _ in finished = true }  // after both frames
    loop.run(timeout: 2000) { finished }
    // umockdev compares what was written on its own thread: give it the time before exiting.
    loop.run(timeout: 300) { false }
    print("display \(display.state.rawValue)")

case "discover":
    guard arguments.count == 2, let seconds = Int64(arguments[1]) else { fail("discover SECONDS") }
    let manager = DeviceManager(specs: [], discover: true, loop: loop)
    manager.log = printLog
    manager.onReaderAdded = { reader in
        print("reader \(reader.id) \(reader.kind.rawValue)")
        reader.onInput = { input in
            if case .barcode(let code) = input { print("barcode \(reader.id) \(code)") }
        }
    }
    manager.startDiscovery()
    loop.run(timeout: seconds * 1000) { false }
    for d in manager.devices { print("device \(d.id) \(d.kind.rawValue) \(d.state.rawValue) \(d.detail)") }
    for d in manager.ignored.values { print("ignored \(d.kind.rawValue) \(d.usb) \(d.place): \(d.reason)") }

case "monitor":
    guard arguments.count == 2, let seconds = Int64(arguments[1]) else { fail("monitor SECONDS") }
    let monitor: UdevMonitor
    do { monitor = try UdevMonitor(udev: udev, subsystems: ["usb", "tty"], loop: loop) } catch { fail("\(error)") }
    monitor.onEvent = { event in
        let ids = event.device.usbIdentity.map(DeviceManager.ids) ?? "-"
        print("\(event.action.rawValue) \(event.device.subsystem) \(event.device.syspath) \(ids)")
    }
    print("monitoring")
    loop.run(timeout: seconds * 1000) { false }
    withExtendedLifetime(monitor) {}

default:
    fail("unknown command \(command)")
}
exit(0)

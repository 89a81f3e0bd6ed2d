import CLinux
import Glibc
import DeviceTestSupport
import Testing
@testable import KassaDevices

/// The manager keeps configured devices connected, and connects them again when they return.
@Suite struct DeviceManagerTests {
    @Test func aNetworkPrinterThatDropsTheConnectionIsReconnectedAndKeepsItsJob() throws {
        let loop = PollLoop()
        let (server, port) = StreamLinkTests.listener()
        defer { close(server) }
        var spec = DeviceSpec(name: "printer", role: .printer, connection: .tcp(host: "127.0.0.1", port: port))
        spec.printerOptions.expectsReplies = false
        let manager = DeviceManager(specs: [spec], loop: loop)
        var log: [String] = []
        manager.log = { message, _ in log.append(message) }
        manager.start()
        let printer = try #require(manager.printer)
        #expect(loop.run { printer.state == .idle })
        let first = accept(server, nil, nil)
        close(first)
        #expect(loop.run { printer.state == .offline })
        printer.enqueue(PrintJob(id: 1) { _ in [] })
        #expect(printer.queuedJobs == [1])
        #expect(loop.run(timeout: 5000) { printer.state != .offline })
        let second = accept(server, nil, nil)
        defer { close(second) }
        #expect(loop.run { printer.queuedJobs.isEmpty })
        #expect(log.contains("device disconnected"))
        #expect(log.filter { $0 == "device connected" }.count == 2)
    }

    @Test func aSerialDeviceThatAppearsLaterIsOpenedWhenItDoes() throws {
        let loop = PollLoop()
        let (master, path) = StreamLinkTests.pty()
        defer { close(master) }
        let stable = "/tmp/kassa-test-display-\(getpid())"
        unlink(stable)
        defer { unlink(stable) }
        let manager = DeviceManager(specs: [DeviceSpec(name: "display", role: .display, connection: .serial(path: stable, baud: 9600))],
                                    loop: loop)
        manager.start()
        let display = try #require(manager.display)
        loop.run(timeout: 300) { false }
        #expect(display.state == .offline)
        symlink(path, stable)
        #expect(loop.run(timeout: 4000) { display.state == .idle })
        var got: [UInt8] = []
        #expect(loop.run { got += StreamLinkTests.readAll(master); return got.starts(with: [0x1B, 0x40]) })
        manager.stop()
        #expect(display.state == .offline)
    }
}

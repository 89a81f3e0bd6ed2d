// swift-tools-version:6.0
import PackageDescription

// Kassa: a point-of-sale appliance runtime. Module arrows (each module's README.md says its own):
// KassaCore imports nothing of ours and does no I/O; KassaSystem (the thin syscall layer) imports
// only CLinux; every other module may import KassaSystem. KassaJournal imports KassaCore and
// CHardwareHash; KassaIPC may import KassaCore and CLinux; KassaRuntime may import everything
// below it; executables sit on top.
// kassad links only the Swift runtime libraries it uses: no implicit `_StringProcessing` (regex)
// or `_Concurrency` import, so neither library is loaded into its memory.
let lean: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-disable-implicit-string-processing-module-import",
                                         "-Xfrontend", "-disable-implicit-concurrency-module-import"])]

let package = Package(
    name: "Kassa",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kassa", targets: ["kassa"]),
        .executable(name: "kassad", targets: ["kassad"]),
    ],
    targets: [
        .target(name: "KassaCore", exclude: ["README.md"], swiftSettings: lean),
        // EINTR retries, fds, files, termios, readiness, Unix sockets, process start: README.md inside.
        .target(name: "KassaSystem", dependencies: ["CLinux"], exclude: ["README.md"], swiftSettings: lean),
        .target(name: "KassaJournal", dependencies: ["KassaCore", "KassaSystem", "CHardwareHash"], exclude: ["README.md"],
                swiftSettings: lean),
        // SHA-256 and CRC-32C by the CPU's own instructions, for the journal's replay; links nothing.
        .systemLibrary(name: "CHardwareHash", path: "Sources/CHardwareHash"),
        // Declarations Glibc hides (epoll, signalfd, timerfd, SO_PEERCRED credentials); links nothing.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // libusb-1.0 and libudev, wrapped once in KassaDevices.
        .systemLibrary(name: "CLibUSB", path: "Sources/CLibUSB", pkgConfig: "libusb-1.0",
                       providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CLibUDev", path: "Sources/CLibUDev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        .target(name: "KassaDevices", dependencies: ["KassaCore", "KassaSystem", "CLibUSB", "CLibUDev", "CLinux"], exclude: ["README.md"],
                swiftSettings: lean),
        .target(name: "KassaIPC", dependencies: ["KassaCore", "KassaSystem", "CLinux"], exclude: ["PROTOCOL.md", "README.md"], swiftSettings: lean),
        .target(name: "KassaRuntime", dependencies: ["KassaCore", "KassaJournal", "KassaDevices", "KassaIPC", "KassaSystem", "CLinux"], exclude: ["README.md"],
                swiftSettings: lean),
        // The technician's serial console and the cashier's full-screen register: clients of kassad
        // like the CLI.
        .target(name: "KassaConsole", dependencies: ["KassaIPC", "KassaCore", "KassaSystem"], exclude: ["README.md"]),
        .target(name: "KassaRegisterUI", dependencies: ["KassaIPC", "KassaCore", "KassaSystem"], exclude: ["README.md"]),
        .executableTarget(name: "kassad", dependencies: ["KassaRuntime"], exclude: ["README.md"], swiftSettings: lean),
        .executableTarget(name: "kassa", dependencies: ["KassaCore", "KassaJournal", "KassaDevices", "KassaIPC", "KassaRuntime", "KassaSystem", "CLinux",
                                                      "KassaConsole", "KassaRegisterUI"],
                          exclude: ["README.md"]),
        .testTarget(name: "KassaConsoleTests", dependencies: ["KassaConsole"]),
        .testTarget(name: "KassaCoreTests", dependencies: ["KassaCore"]),
        .testTarget(name: "KassaSystemTests", dependencies: ["KassaSystem", "KassaTestSupport", "CLinux"]),
        .testTarget(name: "KassaJournalTests", dependencies: ["KassaJournal", "KassaCore"]),
        // Loops and fake links for device tests, and a probe that umockdev tests run under a fake USB bus.
        .target(name: "DeviceTestSupport", dependencies: ["KassaDevices", "KassaSystem"], path: "Tests/DeviceTestSupport"),
        .executableTarget(name: "kassa-usb-probe", dependencies: ["KassaDevices", "KassaCore", "DeviceTestSupport"],
                          path: "Tests/USBProbe"),
        .testTarget(name: "KassaDevicesTests", dependencies: ["KassaDevices", "KassaCore", "CLinux", "DeviceTestSupport", "KassaTestSupport"]),
        .testTarget(name: "KassaRegisterUITests", dependencies: ["KassaRegisterUI", "KassaIPC", "KassaCore"]),
        .testTarget(name: "KassaIPCTests", dependencies: ["KassaIPC", "KassaCore", "KassaSystem", "CLinux"]),
        // The fuzz corpus replayed as tests; .ci/fuzz builds the libFuzzer targets in Targets/.
        .testTarget(name: "FuzzCorpusTests", dependencies: ["KassaCore", "KassaDevices", "KassaIPC", "KassaJournal"],
                    path: "Tests/Fuzz", exclude: ["Targets", "corpus"]),
        // Helpers for the tests that run the real binaries.
        .target(name: "KassaTestSupport", dependencies: ["KassaSystem"], path: "Tests/Support"),
        .testTarget(name: "SystemTests", dependencies: ["KassaTestSupport", "KassaIPC", "KassaRuntime", "KassaJournal", "KassaCore", "KassaSystem",
                                                        "KassaDevices", "CLinux"]),
        // udev/ holds umockdev descriptions of devices for `udevadm test`.
        .testTarget(name: "KassaCLITests", dependencies: ["KassaTestSupport", "KassaRuntime", "KassaJournal", "KassaCore"],
                    exclude: ["udev"]),
        // Golden/ holds journals written by earlier versions, which every later one must open.
        .testTarget(name: "KassaRuntimeTests", dependencies: ["KassaRuntime", "KassaJournal", "KassaIPC", "KassaDevices", "KassaCore", "KassaSystem", "CLinux",
                                                        "KassaTestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.0
import PackageDescription

// Kassa: a point-of-sale appliance runtime. Module arrows follow DESIGN.md:
// KassaCore imports nothing of ours; KassaJournal imports KassaCore; KassaIPC may import KassaCore
// and CLinux (today only CLinux); KassaRuntime may import everything below it; executables sit on top.
let package = Package(
    name: "Kassa",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kassa", targets: ["kassa"]),
        .executable(name: "kassad", targets: ["kassad"]),
    ],
    targets: [
        .target(name: "KassaCore"),
        .target(name: "KassaJournal", dependencies: ["KassaCore"]),
        // Declarations Glibc hides (epoll, signalfd, timerfd, SO_PEERCRED credentials); links nothing.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "KassaDevices", dependencies: ["KassaCore"]),
        .target(name: "KassaIPC", dependencies: ["KassaCore", "CLinux"], exclude: ["PROTOCOL.md"]),
        .target(name: "KassaRuntime", dependencies: ["KassaCore", "KassaJournal", "KassaDevices", "KassaIPC", "CLinux"]),
        .executableTarget(name: "kassad", dependencies: ["KassaRuntime"]),
        .executableTarget(name: "kassa", dependencies: ["KassaCore", "KassaJournal", "KassaDevices", "KassaIPC", "KassaRuntime", "CLinux"]),
        .testTarget(name: "KassaCoreTests", dependencies: ["KassaCore"]),
        .testTarget(name: "KassaJournalTests", dependencies: ["KassaJournal", "KassaCore"]),
        .testTarget(name: "KassaDevicesTests", dependencies: ["KassaDevices", "KassaCore", "KassaTestSupport"]),
        .testTarget(name: "KassaIPCTests", dependencies: ["KassaIPC", "KassaCore", "CLinux"]),
        // Helpers for the tests that run the real binaries.
        .target(name: "KassaTestSupport", path: "Tests/Support"),
        .testTarget(name: "SystemTests", dependencies: ["KassaTestSupport", "KassaIPC", "KassaRuntime", "KassaJournal", "KassaCore"]),
        .testTarget(name: "KassaCLITests", dependencies: ["KassaTestSupport", "KassaRuntime", "KassaJournal", "KassaCore"]),
        .testTarget(name: "KassaRuntimeTests", dependencies: ["KassaRuntime", "KassaJournal", "KassaIPC", "KassaCore", "CLinux",
                                                        "KassaTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

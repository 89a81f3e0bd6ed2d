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
    ],
    targets: [
        .target(name: "KassaCore"),
        .target(name: "KassaJournal", dependencies: ["KassaCore"]),
        // Declarations Glibc hides (epoll, signalfd, timerfd, SO_PEERCRED credentials); links nothing.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "KassaIPC", dependencies: ["CLinux"], exclude: ["PROTOCOL.md"]),
        .target(name: "KassaRuntime", dependencies: ["KassaCore", "KassaIPC", "CLinux"]),
        .executableTarget(name: "kassa", dependencies: ["KassaCore", "KassaJournal"]),
        .testTarget(name: "KassaCoreTests", dependencies: ["KassaCore"]),
        .testTarget(name: "KassaJournalTests", dependencies: ["KassaJournal", "KassaCore"]),
        .testTarget(name: "KassaIPCTests", dependencies: ["KassaIPC"]),
        .testTarget(name: "KassaRuntimeTests", dependencies: ["KassaRuntime", "KassaIPC", "KassaCore"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.0
import PackageDescription

// Kassa: a point-of-sale appliance runtime. Module arrows follow DESIGN.md:
// KassaCore imports nothing of ours; KassaJournal imports KassaCore; executables sit on top.
let package = Package(
    name: "Kassa",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kassa", targets: ["kassa"]),
    ],
    targets: [
        .target(name: "KassaCore"),
        .target(name: "KassaJournal", dependencies: ["KassaCore"]),
        .executableTarget(name: "kassa", dependencies: ["KassaCore", "KassaJournal"]),
        .testTarget(name: "KassaCoreTests", dependencies: ["KassaCore"]),
        .testTarget(name: "KassaJournalTests", dependencies: ["KassaJournal", "KassaCore"]),
    ],
    swiftLanguageModes: [.v6]
)

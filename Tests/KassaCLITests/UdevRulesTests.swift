import Foundation
import Testing
import KassaTestSupport

@Suite("kassa udev-rules")
struct UdevRulesTests {
    /// The repository's top, found from this file's own path.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theCommittedRulesAreExactlyWhatTheDeviceTableGenerates() throws {
        let r = try Run.kassa(["udev-rules"])
        #expect(r.status == 0)
        let committed = try String(contentsOf: Self.repository.appendingPathComponent("udev-rules/70-kassa.rules"), encoding: .utf8)
        #expect(r.stdout == committed, "udev-rules/70-kassa.rules is stale: regenerate it with `kassa udev-rules > udev-rules/70-kassa.rules`")
    }
}

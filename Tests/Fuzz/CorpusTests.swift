import Foundation
import Testing

/// The fuzz corpus (seeds, and any input a fuzzer ever crashed on, once fixed) replayed through
/// the same decoders as the libFuzzer targets, so `swift test` keeps them answered without
/// libFuzzer: each must end in a value or a typed error.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("corpus")

    @Test(arguments: ["csv", "codec", "ipc", "journal", "devices"])
    func everyCorpusInputIsAnsweredWithoutACrash(target: String) throws {
        let directory = Self.corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!names.isEmpty, "the \(target) corpus has no seed")
        let run = try #require(FuzzInputs.targets[target])
        for name in names {
            run(try [UInt8](Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    @Test func everyTargetHasAnEntryForLibFuzzer() throws {
        let entries = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Targets")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: entries.path).map { String($0.dropLast(".swift".count)) })
        #expect(names == Set(FuzzInputs.targets.keys))
    }
}

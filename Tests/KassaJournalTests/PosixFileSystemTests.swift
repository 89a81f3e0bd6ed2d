import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import KassaJournal

/// A fresh directory under /tmp, removed with everything in it when the test is done.
private final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/kassa-journal-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FileSystemError(code: errno, operation: "mkdtemp", path: "/tmp") }
        path = String(cString: made)
    }

    deinit { remove(path) }

    private func remove(_ directory: String) {
        let fs = PosixFileSystem()
        for name in (try? fs.listDirectory(directory)) ?? [] {
            let child = directory + "/" + name
            if unlink(child) != 0 { remove(child) }
        }
        rmdir(directory)
    }
}

@Suite struct PosixFileSystemTests {
    @Test func journalOnARealDiskRoundTripsRotatesSnapshotsAndRecoversATornTail() throws {
        let temporary = try TemporaryDirectory()
        let state = temporary.path + "/state"
        let fs = PosixFileSystem()
        let journal = try Journal.open(stateDirectory: state, options: options(), fileSystem: fs, warning: { _ in })
        try journal.append(entries(1...5), durable: true)
        try journal.rotate()
        try journal.append(entries(6...8), durable: true)
        try journal.writeSnapshot(throughSeq: 8, chainHash: journal.lastHash, state: [8])
        try journal.append(entries(9...9), durable: true)
        #expect(try fs.listDirectory(state + "/journal").sorted() == ["seg-0000000000000001.kj", "seg-0000000000000006.kj"])

        // Cut record 9 short, as a power cut in the middle of its write would.
        let offsetOfNine = segmentHeaderLength + (6...8).reduce(0) { $0 + recordLength(entry($1)) }
        let segmentPath = state + "/journal/seg-0000000000000006.kj"
        var torn = Array(try fs.readAll(segmentPath)[offsetOfNine..<(offsetOfNine + 10)])
        while torn.last == 0 { torn.removeLast() }
        try fs.open(segmentPath, .readWrite).truncate(to: Int64(offsetOfNine + 10))

        var warnings: [String] = []
        let reopened = try Journal.open(stateDirectory: state, options: options(), fileSystem: fs) { warnings.append($0) }
        #expect(reopened.mode == .readWrite && reopened.lastSeq == 8 && reopened.snapshot?.state == [8])
        #expect(warnings.count == 1)
        let quarantined = try fs.listDirectory(state + "/quarantine")
        #expect(quarantined == ["seg-0000000000000006.kj@000000000\(offsetOfNine).torn"])
        #expect(try fs.readAll(state + "/quarantine/" + quarantined[0]) == torn)
        try reopened.append(entries(9...10), durable: true)
        #expect(expectRecords(try reopened.records(fromSeq: 1), equal: entries(1...10)))
        #expect(try reopened.verifyAll() == JournalVerification(segments: 2, records: 10, lastSeq: 10))
    }

    @Test func reservedSpaceIsAllocatedAheadOfTheWriter() throws {
        let temporary = try TemporaryDirectory()
        let journal = try Journal.open(stateDirectory: temporary.path, options: options(reservationChunk: 65536),
                                       fileSystem: PosixFileSystem(), warning: { _ in })
        try journal.append(entries(1...3), durable: true)
        #expect(journal.reservedBytesRemaining >= 32768)
        var info = stat()
        #expect(stat(temporary.path + "/journal/seg-0000000000000001.kj", &info) == 0)
        #expect(info.st_blocks * 512 >= 65536)
    }

    @Test func missingFileErrorsCarryErrnoAndPath() throws {
        let fs = PosixFileSystem()
        #expect(throws: FileSystemError(code: ENOENT, operation: "open", path: "/nonexistent/kassa")) {
            try fs.open("/nonexistent/kassa", .readOnly)
        }
    }
}

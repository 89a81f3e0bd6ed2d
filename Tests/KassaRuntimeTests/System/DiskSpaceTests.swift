import Glibc
import Testing
import KassaJournal
@testable import KassaRuntime

/// The free space status shows, and the reserve that keeps the last sales recordable.
@Suite struct DiskSpaceTests {
    @Test func aFileSystemThatReportsNoBlocksHasUnknownFreeSpaceNotZero() {
        var fs = statvfs()  // all zeros: what some FUSE and virtual file systems answer
        #expect(RegisterService.trustedFreeBytes(fs) == nil)
        fs.f_blocks = 1000
        fs.f_frsize = 4096
        fs.f_bavail = 0
        #expect(RegisterService.trustedFreeBytes(fs) == 0)  // a full disk is full
        fs.f_bavail = 250
        #expect(RegisterService.trustedFreeBytes(fs) == 1_024_000)
        fs.f_frsize = 0
        #expect(RegisterService.trustedFreeBytes(fs) == nil)
    }

    @Test func theReserveRaisesLowSpaceWhenTheDiskFillsWhateverItsFiguresSay() throws {
        let disk = InMemoryFileSystem(capacity: 96 << 10)
        var options = JournalOptions(registerID: 1)
        options.reservationChunk = 16 << 10
        let journal = try Journal.open(stateDirectory: "/state", options: options, fileSystem: disk, warning: { _ in })
        let sale = JournalEntry(type: 1, time: 0, payload: [UInt8](repeating: 7, count: 500))
        var appended = 0
        while !journal.lowSpace, appended < 1_000, (try? journal.append([sale], durable: true)) != nil { appended += 1 }
        #expect(journal.lowSpace)
        #expect(appended > 10)
    }
}

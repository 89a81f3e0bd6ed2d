import Glibc
import KassaSystem
import KassaTestSupport
import Testing

@Suite struct FileTests {
    @Test func aFileLargerThanOneReadIsReadWhole() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.path + "/big"
        let bytes = patterned(3 * 64 * 1024 + 17)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        try writeAll(fd, bytes)
        close(fd)
        #expect(try readWholeFile(path) == bytes)
    }

    @Test func aMissingFileIsAnErrorNamingItsPath() {
        #expect(throws: SystemError("open(/nonexistent/kassa.conf)", errno: ENOENT)) {
            try readWholeFile("/nonexistent/kassa.conf")
        }
    }

    @Test func anAtomicWriteReplacesTheFileWithItsModeAndLeavesNoTemporaryBehind() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.path + "/secret"
        try writeFileAtomically(path, Array("old".utf8), mode: 0o644)
        try writeFileAtomically(path, Array("new".utf8))
        #expect(try readWholeFile(path) == Array("new".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(access(path + ".tmp", F_OK) != 0)
    }

    @Test func anAtomicWriteThatCannotStartLeavesTheOldFile() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.path + "/config"
        try writeFileAtomically(path, Array("kept".utf8))
        mkdir(path + ".tmp", 0o700)
        defer { rmdir(path + ".tmp") }
        #expect(throws: SystemError.self) { try writeFileAtomically(path, Array("lost".utf8)) }
        #expect(try readWholeFile(path) == Array("kept".utf8))
    }

    @Test func writesAndReadsAtAnOffsetMoveEveryByteAndAReadStopsAtTheEnd() throws {
        let scratch = TemporaryDirectory()
        let fd = open(scratch.path + "/segment", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { close(fd) }
        let bytes = patterned(100_000)
        try writeAll(fd, bytes, at: 4096)
        #expect(try readFully(fd, count: 100_000, at: 4096) == bytes)
        #expect(try readFully(fd, count: 10, at: 4096 + 99_995) == Array(bytes.suffix(5)))
    }

    @Test func readingToTheEndKeepsOnlyTheLimitButDrainsThePipe() throws {
        let pipe = try makePipe()
        defer { close(pipe.read) }
        try writeAll(pipe.write, patterned(1000))
        close(pipe.write)
        #expect(try readToEnd(pipe.read, limit: 10) == Array(patterned(10)))
        var byte: UInt8 = 0
        #expect(read(pipe.read, &byte, 1) == 0)
    }

    @Test func aPipesEndsAreClosedOnExec() throws {
        let pipe = try makePipe()
        defer { close(pipe.read); close(pipe.write) }
        #expect(fcntl(pipe.read, F_GETFD) & FD_CLOEXEC != 0 && fcntl(pipe.write, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func theParentDirectoryOfAPath() {
        #expect(parentDirectory(of: "/var/lib/kassa/secrets/pins") == "/var/lib/kassa/secrets")
        #expect(parentDirectory(of: "/pins") == "/")
        #expect(parentDirectory(of: "pins") == ".")
    }
}

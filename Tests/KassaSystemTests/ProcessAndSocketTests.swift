import Glibc
import KassaSystem
import KassaTestSupport
import Testing

@Suite struct ChildProcessTests {
    @Test func theExitCodeIsThePrograms() throws {
        #expect(try ChildProcess("/bin/sh", ["-c", "exit 3"]).wait() == 3)
    }

    @Test func aProgramEndedByASignalReportsOneHundredTwentyEightPlusIt() throws {
        let sleeper = try ChildProcess("/bin/sleep", ["60"])
        #expect(sleeper.isRunning)
        #expect(sleeper.terminate() == 128 + SIGTERM)
        #expect(!sleeper.isRunning)
    }

    @Test func outputGoesWhereItIsSentAndAProgramIsFoundOnPath() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.path + "/out"
        let echo = try ChildProcess("echo", ["hello"], searchingPath: true, standardOutput: .file(path))
        #expect(echo.wait() == 0)
        #expect(try readWholeFile(path) == Array("hello\n".utf8))
    }

    @Test func aGivenEnvironmentReplacesOurs() throws {
        let pipe = try makePipe()
        defer { close(pipe.read) }
        let shell = try ChildProcess("/bin/sh", ["-c", "echo \"$KASSA_PROBE\""], environment: ["KASSA_PROBE=given"],
                                     standardOutput: .descriptor(pipe.write))
        close(pipe.write)
        #expect(try readToEnd(pipe.read) == Array("given\n".utf8))
        #expect(shell.wait() == 0)
    }

    @Test func aProgramStartsWithNoSignalBlockedThoughWeBlockSome() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let pipe = try makePipe()
        defer { close(pipe.read) }
        let shell = try ChildProcess("/bin/sh", ["-c", "grep SigBlk /proc/self/status"], standardOutput: .descriptor(pipe.write))
        close(pipe.write)
        let line = String(decoding: try readToEnd(pipe.read), as: UTF8.self)
        #expect(shell.wait() == 0)
        #expect(line.hasPrefix("SigBlk:") && line.dropFirst(7).allSatisfy { $0 == "0" || $0 == "\t" || $0 == "\n" }, "\(line)")
    }

    @Test func aProgramGetsNoDescriptorOfOursButItsStandardStreams() throws {
        // High-numbered, so that it cannot be the number the shell itself opens /proc/$$/fd as
        // (a low free number, which another test's descriptors can push to any value).
        let opened = open("/dev/null", O_RDONLY)
        let leaky = fcntl(opened, F_DUPFD, 200)
        close(opened)
        defer { close(leaky) }
        let pipe = try makePipe()
        defer { close(pipe.read) }
        let shell = try ChildProcess("/bin/sh", ["-c", "for f in /proc/$$/fd/*; do echo ${f##*/}; done"],
                                     standardOutput: .descriptor(pipe.write))
        close(pipe.write)
        let descriptors = String(decoding: try readToEnd(pipe.read), as: UTF8.self).split(separator: "\n")
        #expect(shell.wait() == 0)
        #expect(leaky >= 3 && descriptors.contains("1") && !descriptors.contains(Substring(String(leaky))), "\(descriptors)")
    }

    @Test func aProgramThatDoesNotExistIsAnError() {
        #expect(throws: SystemError("posix_spawn(/nonexistent/kassad)", errno: ENOENT)) {
            try ChildProcess("/nonexistent/kassad", [])
        }
    }
}

@Suite struct SocketWaitTests {
    @Test func aSocketThatAppearsLateIsWaitedFor() throws {
        let scratch = TemporaryDirectory()
        let path = scratch.path + "/late.sock"
        var checks = 0
        var listener: Int32 = -1
        let outcome = try waitUntilAccepting(unixSocket: path, intervalMilliseconds: 1) {
            checks += 1
            // Nobody listens for the first two tries.
            if checks == 3 { listener = (try? listeningSocket(path)) ?? -1 }
            return true
        }
        defer { close(listener) }
        #expect(listener >= 0)
        #expect(outcome == .accepting)
        #expect(checks == 3)
    }

    @Test func aSocketNobodyListensOnIsGivenUpAfterTheTimeout() throws {
        let scratch = TemporaryDirectory()
        let start = monotonicMilliseconds()
        #expect(try waitUntilAccepting(unixSocket: scratch.path + "/never.sock", timeoutMilliseconds: 200) == .timedOut)
        #expect(monotonicMilliseconds() - start >= 200)
    }

    @Test func theWaitEndsWhenTheProgramThatWasToListenHasEnded() throws {
        let scratch = TemporaryDirectory()
        let server = try ChildProcess("/bin/true", [])
        #expect(try waitUntilAccepting(unixSocket: scratch.path + "/kassad.sock") { server.isRunning } == .abandoned)
    }

    @Test func aSocketPathTooLongForTheKernelIsAnError() {
        #expect(throws: SystemError.self) {
            try waitUntilAccepting(unixSocket: "/tmp/" + String(repeating: "x", count: 200), timeoutMilliseconds: 1)
        }
    }
}

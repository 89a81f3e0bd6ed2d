import Dispatch
import Glibc
import KassaSystem
import Testing

@Suite struct InterruptionTests {
    @Test func aCallInterruptedByARealSignalIsCalledAgainUntilItCompletes() throws {
        // A handler without SA_RESTART, so the kernel ends the waiting read(2) with EINTR instead of
        // restarting it.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previousAction = sigaction()
        sigaction(SIGUSR1, &action, &previousAction)
        var usr1 = sigset_t()
        sigemptyset(&usr1)
        sigaddset(&usr1, SIGUSR1)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &usr1, &previousMask)

        let data = try makePipe()
        let stop = try makePipe()
        let reader = pthread_self()
        let interrupter = DispatchGroup()
        DispatchQueue.global().async(group: interrupter) {
            var stopped = pollfd(fd: stop.read, events: Int16(POLLIN), revents: 0)
            repeat { pthread_kill(reader, SIGUSR1) } while poll(&stopped, 1, 5) == 0
        }

        var calls = 0
        var byte: UInt8 = 0
        let n = retryingEINTR { () -> Int in
            calls += 1
            // Only the retry finds a byte: the first read can end only by the signal.
            if calls == 2 { try? writeAll(data.write, [42]) }
            return read(data.read, &byte, 1)
        }
        try writeAll(stop.write, [1])
        interrupter.wait()
        // Returning from any system call delivers a signal still pending for this thread; after
        // that the default action (the end of the process) can come back.
        sched_yield()
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        sigaction(SIGUSR1, &previousAction, nil)
        for fd in [data.read, data.write, stop.read, stop.write] { close(fd) }

        #expect(n == 1 && byte == 42)
        #expect(calls == 2)
    }

    @Test func aCallThatFailsOtherwiseIsNotRepeated() {
        var calls = 0
        let result = retryingEINTR { () -> Int32 in
            calls += 1
            return close(-1)
        }
        #expect(result == -1 && errno == EBADF)
        #expect(calls == 1)
    }

    @Test func aCallOfAnyIntegerTypeThatSaysEINTRInErrnoIsRepeated() {
        var calls = 0
        let result = retryingEINTR { () -> Int32 in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(result == 7)
        #expect(calls == 3)
    }

    @Test func aCallReturningItsErrorNumberIsRepeatedOnlyForAnInterruption() {
        var answers: [Int32] = [EINTR, EINTR, ENOSPC, 0]
        let result = retryingReturnedEINTR { answers.removeFirst() }
        #expect(result == ENOSPC)
        #expect(answers == [0])
    }
}

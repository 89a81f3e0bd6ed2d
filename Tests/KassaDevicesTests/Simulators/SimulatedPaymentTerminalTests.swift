import Glibc
import DeviceTestSupport
import Testing
import KassaCore
@testable import KassaDevices
import KassaTestSupport

/// The simulated terminal: what each magic amount does, and that it remembers across a restart.
@Suite("Simulated payment terminal")
struct SimulatedPaymentTerminalTests {
    static let timing = SimulatedPaymentTerminal.Timing(answer: 100, slowAnswer: 2_000, timeout: 10_000)

    /// A simulator on a manual loop, its file in a scratch directory, its log lines collected.
    final class Bench {
        let directory = TemporaryDirectory()
        let loop = ManualLoop()
        var logLines: [String] = []
        var terminal: SimulatedPaymentTerminal!
        var logPath: String { directory.path + "/card-terminal-sim.log" }

        init() { restart() }

        /// A new simulator on the same file, as after kassad was killed and started again.
        func restart() {
            terminal = SimulatedPaymentTerminal(loop: loop, logPath: logPath, timing: SimulatedPaymentTerminalTests.timing,
                                                log: { [unowned self] in self.logLines.append($0) })
        }

        /// Starts an authorisation; the returned box fills in when the completion runs.
        func authorise(_ reference: String, _ amount: Int64) -> Box<Result<AuthorisationAnswer, PaymentTerminalError>> {
            let box = Box<Result<AuthorisationAnswer, PaymentTerminalError>>()
            terminal.authorise(reference: reference, amount: amount, currency: .EUR) { box.set($0) }
            return box
        }

        func lastTransaction() -> Result<TerminalTransaction?, PaymentTerminalError>? {
            let box = Box<Result<TerminalTransaction?, PaymentTerminalError>>()
            terminal.lastTransaction { box.set($0) }
            loop.advance(SimulatedPaymentTerminalTests.timing.answer)
            return box.value
        }

        func reverse(_ reference: String) -> Result<ReversalAnswer, PaymentTerminalError>? {
            let box = Box<Result<ReversalAnswer, PaymentTerminalError>>()
            terminal.reverse(reference: reference) { box.set($0) }
            loop.advance(SimulatedPaymentTerminalTests.timing.answer)
            return box.value
        }

        var file: String {
            let fd = open(logPath, O_RDONLY)
            guard fd >= 0 else { return "" }
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: 65_536)
            let n = read(fd, &bytes, bytes.count)
            return String(decoding: bytes[0..<max(0, n)], as: UTF8.self)
        }
    }

    /// A completion's value, and how many times it came.
    final class Box<T> {
        var value: T?
        var calls = 0
        func set(_ v: T) {
            value = v
            calls += 1
        }
    }

    static func approved(_ r: Result<AuthorisationAnswer, PaymentTerminalError>?) -> CardApproval? {
        if case .success(.approved(let a))? = r { return a }
        return nil
    }

    @Test func anOrdinaryAmountIsApprovedOnlyAfterTheAnswerDelay() {
        let b = Bench()
        let r = b.authorise("R-1", 350)
        b.loop.advance(99)
        #expect(r.value == nil, "the answer comes later, through the loop")
        b.loop.advance(1)
        let approval = Self.approved(r.value)
        #expect(approval?.maskedPAN == "************1111")
        #expect(approval?.scheme == "VISA")
        #expect(approval?.authorisationCode.count == 6)
        #expect(r.calls == 1)
        b.loop.advance(20_000)
        #expect(r.calls == 1, "the driver's timeout does not answer a second time")
        #expect(b.loop.pendingTimers == 0)
        #expect(b.terminal.transactions == [TerminalTransaction(reference: "R-1", amount: 350, currency: "EUR", outcome: .approved(approval!))])
    }

    @Test func anAmountEndingIn13IsDeclinedAndNothingCharged() {
        let b = Bench()
        let r = b.authorise("R-1", 1213)
        b.loop.advance(100)
        let decline = CardDecline(.declinedByIssuer, terminalCode: "05")
        #expect(r.value == .success(.declined(decline)))
        #expect(b.terminal.transactions.last?.outcome == .declined(decline))
    }

    @Test func anAmountEndingIn14IsDeclinedForFundsWithOneSentenceToSay() {
        let b = Bench()
        let r = b.authorise("R-1", 1214)
        b.loop.advance(100)
        guard case .success(.declined(let decline))? = r.value else {
            Issue.record("expected a decline, got \(String(describing: r.value))")
            return
        }
        #expect(decline.code == .insufficientFunds)
        #expect(decline.sentence == "The card was declined: there is not enough money on the account.")
    }

    @Test func aRefundCreditsTheCardAndIsRememberedAsARefundAcrossARestart() {
        let b = Bench()
        let box = Box<Result<AuthorisationAnswer, PaymentTerminalError>>()
        b.terminal.transact(CardRequest(.refund, reference: "R-1", amount: 329, currency: .EUR)) { box.set($0) }
        b.loop.advance(100)
        let approval = Self.approved(box.value)
        #expect(approval?.maskedPAN == "************1111")
        #expect(approval?.trace == "1")
        b.restart()
        #expect(b.lastTransaction() == .success(TerminalTransaction(.refund, reference: "R-1", amount: 329, currency: "EUR",
                                                                    outcome: .approved(approval!))))
        #expect(!b.file.contains("4111111111111111"))
    }

    @Test func anAbortWhileTheTerminalWaitsForTheCardEndsTheRequestAsAborted() {
        let b = Bench()
        let r = b.authorise("R-1", 466)
        b.loop.advance(1_000)
        let abort = Box<Result<AbortAnswer, PaymentTerminalError>>()
        b.terminal.abort { abort.set($0) }
        b.loop.advance(0)
        #expect(abort.value == .success(.aborting))
        #expect(r.value == .success(.aborted))
        #expect(b.terminal.transactions.map(\.outcome) == [.aborted])
        b.loop.advance(Self.timing.timeout)
        #expect(r.calls == 1, "the driver's timeout does not answer a second time")
    }

    @Test func anAbortAfterTheCardWasChargedIsTooLateAndTheApprovalStillComes() {
        let b = Bench()
        let r = b.authorise("R-1", 188)
        b.loop.advance(500)
        let abort = Box<Result<AbortAnswer, PaymentTerminalError>>()
        b.terminal.abort { abort.set($0) }
        b.loop.advance(0)
        #expect(abort.value == .success(.tooLate))
        b.loop.advance(Self.timing.slowAnswer)
        #expect(Self.approved(r.value) != nil)
    }

    @Test func anAmountEndingIn66GetsNoAnswerUntilTheDriverTimesOutAndIsAbortedByAReversal() {
        let b = Bench()
        let r = b.authorise("R-1", 466)
        b.loop.advance(Self.timing.timeout - 1)
        #expect(r.value == nil)
        b.loop.advance(1)
        #expect(r.value == .failure(.timeout))
        #expect(r.value.map { if case .failure(let e) = $0 { return e.outcomeUnknown } else { return false } } == true)
        // Still waiting for the card: the terminal has nothing to show and takes nothing else.
        #expect(b.lastTransaction() == .success(nil))
        let second = b.authorise("R-2", 100)
        b.loop.advance(100)
        #expect(second.value == .failure(.busy))
        #expect(b.reverse("R-1") == .success(.nothingCharged))
        #expect(b.terminal.transactions == [TerminalTransaction(reference: "R-1", amount: 466, currency: "EUR", outcome: .aborted)])
        let third = b.authorise("R-3", 100)
        b.loop.advance(100)
        #expect(Self.approved(third.value) != nil)
    }

    @Test func anAmountEndingIn77IsChargedButTheAnswerIsLost() {
        let b = Bench()
        let r = b.authorise("R-1", 577)
        b.loop.advance(Self.timing.timeout)
        #expect(r.value == .failure(.timeout))
        guard case .success(let last?)? = b.lastTransaction() else {
            Issue.record("the terminal should remember the charge")
            return
        }
        #expect(last.reference == "R-1")
        #expect(last.amount == 577)
        guard case .approved = last.outcome else {
            Issue.record("expected approved, got \(last.outcome)")
            return
        }
    }

    @Test func anAmountEndingIn88IsApprovedSlowly() {
        let b = Bench()
        let r = b.authorise("R-1", 188)
        b.loop.advance(Self.timing.slowAnswer - 1)
        #expect(r.value == nil)
        // Charged already: a crash now leaves the charge in the terminal's memory.
        #expect(b.terminal.transactions.count == 1)
        b.loop.advance(1)
        #expect(Self.approved(r.value) != nil)
    }

    @Test func anAmountEndingIn99CannotReachTheTerminal() {
        let b = Bench()
        let r = b.authorise("R-1", 299)
        b.loop.advance(0)
        guard case .failure(let e)? = r.value, case .offline = e else {
            Issue.record("expected offline, got \(String(describing: r.value))")
            return
        }
        #expect(!e.outcomeUnknown)
        #expect(b.terminal.transactions.isEmpty)
    }

    @Test func anUnreachableTerminalFailsEveryRequestAsOffline() {
        let b = Bench()
        b.terminal.reachable = false
        #expect(b.terminal.power == .offline)
        let r = b.authorise("R-1", 100)
        b.loop.advance(0)
        guard case .failure(.offline)? = r.value, case .failure(.offline)? = b.lastTransaction(),
              case .failure(.offline)? = b.reverse("R-1") else {
            Issue.record("every request should fail as offline")
            return
        }
        #expect(b.terminal.transactions.isEmpty)
    }

    @Test func aChargeIsReversedOnceAndAnUnknownReferenceHasNothingToReverse() {
        let b = Bench()
        _ = b.authorise("R-1", 100)
        b.loop.advance(100)
        #expect(b.reverse("R-1") == .success(.reversed))
        #expect(b.reverse("R-1") == .success(.nothingCharged))
        #expect(b.reverse("R-9") == .success(.nothingCharged))
        #expect(b.terminal.transactions.map(\.outcome) == [.reversed])
    }

    @Test func aRestartedSimulatorRemembersItsTransactionsFromItsFile() {
        let b = Bench()
        for (reference, amount) in [("R-1", Int64(100)), ("R-2", 213), ("R-3", 377)] {
            _ = b.authorise(reference, amount)
            b.loop.advance(Self.timing.timeout)
        }
        _ = b.reverse("R-1")
        let before = b.terminal.transactions
        #expect(before.count == 3)
        b.restart()
        #expect(b.terminal.transactions == before)
        #expect(b.lastTransaction() == .success(before.last))
    }

    @Test func aLineCutShortByACrashIsForgottenAndTheRestKept() {
        let b = Bench()
        _ = b.authorise("R-1", 100)
        b.loop.advance(100)
        let fd = open(b.logPath, O_WRONLY | O_APPEND)
        _ = "R-2\t100\tEUR\tappro".withCString { write(fd, $0, strlen($0)) }
        close(fd)
        b.restart()
        #expect(b.terminal.transactions.map(\.reference) == ["R-1"])
    }

    @Test func aReferenceTheFileCannotHoldIsRejectedWithoutActing() {
        let b = Bench()
        let r = b.authorise("R\t1", 100)
        b.loop.advance(100)
        guard case .failure(let e)? = r.value, case .rejected = e else {
            Issue.record("expected rejected, got \(String(describing: r.value))")
            return
        }
        #expect(!e.outcomeUnknown)
        #expect(b.terminal.transactions.isEmpty)
    }

    @Test func noFullCardNumberLeavesTheSimulator() {
        let b = Bench()
        for (i, amount) in [Int64(100), 200, 377].enumerated() {
            _ = b.authorise("R-\(i)", amount)
            b.loop.advance(Self.timing.timeout)
        }
        let written = b.file + b.logLines.joined(separator: "\n")
        #expect(written.contains("************1111"))
        #expect(written.contains("************4444"))
        #expect(CardNumberMasker.maskAll(in: written) == written, "a full card number was written or logged")
    }
}

@Suite("Payment terminal interface")
struct PaymentTerminalTests {
    @Test func anApprovalMasksTheCardNumberItIsGiven() {
        #expect(CardApproval(authorisationCode: "1", cardNumber: "4111111111111111", scheme: "VISA").maskedPAN == "************1111")
        #expect(CardApproval(authorisationCode: "1", cardNumber: "4111 1111 1111 1111", scheme: "VISA").maskedPAN == "**** **** **** 1111")
        // What a terminal already masked keeps its last four.
        #expect(CardApproval(authorisationCode: "1", cardNumber: "XXXXXXXXXXXX1111", scheme: "VISA").maskedPAN == "XXXXXXXXXXXX1111")
    }

    @Test func anErrorSaysWhetherTheTerminalMayHaveActed() {
        #expect(PaymentTerminalError.timeout.outcomeUnknown)
        #expect(PaymentTerminalError.protocolFailure("crc").outcomeUnknown)
        #expect(!PaymentTerminalError.offline("cable").outcomeUnknown)
        #expect(!PaymentTerminalError.busy.outcomeUnknown)
        #expect(!PaymentTerminalError.rejected("reference").outcomeUnknown)
    }
}

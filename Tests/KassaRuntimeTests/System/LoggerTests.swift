import Testing
@testable import KassaRuntime

@Suite struct LoggerLines {
    final class Lines: @unchecked Sendable {
        // Written only from the test's own thread; unchecked because the sink type is @Sendable.
        var all: [String] = []
    }

    @Test func eachEventIsOneLineWithItsSyslogPriority() {
        let lines = Lines()
        let log = Logger(threshold: .info) { lines.all.append($0) }
        log.error("journal damaged", ["record": "42"])
        log.warning("printer offline")
        log.info("sale completed\nreceipt 7", ["total": "12,50 €", "note": ""])
        log.debug("not shown")
        #expect(lines.all == [
            "<3>journal damaged record=42\n",
            "<4>printer offline\n",
            "<6>sale completed\\nreceipt 7 total=\"12,50 €\" note=\"\"\n",
        ])
    }

    @Test func anythingCalledAPinIsNeverWritten() {
        let lines = Lines()
        let log = Logger(threshold: .debug) { lines.all.append($0) }
        log.info("login", ["operator": "3", "pin": "1234", "supervisor_pin": "9876", "PIN-hash": "abcd",
                           "shipping": "ok", "secret": "s3", "pincode": "1"])
        #expect(lines.all == ["<6>login operator=3 pin=[redacted] supervisor_pin=[redacted] PIN-hash=[redacted] shipping=ok secret=[redacted] pincode=[redacted]\n"])
    }
}

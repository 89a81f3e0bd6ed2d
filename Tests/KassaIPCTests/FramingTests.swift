import Testing
@testable import KassaIPC

/// A reference wrapper, so a reader can be fed and drained inside `#expect`.
private final class Reader {
    var reader: LineReader
    init(maximumLength: Int = LineReader.defaultMaximumLength) { reader = LineReader(maximumLength: maximumLength) }
    func append(_ bytes: [UInt8]) { reader.append(bytes) }
    var hasPartialLine: Bool { reader.hasPartialLine }

    func lines() -> [FramedLine] {
        var out: [FramedLine] = []
        while let l = reader.next() { out.append(l) }
        return out
    }
}

private func line(_ s: String) -> FramedLine { .line(Array(s.utf8)) }

@Suite struct LineFraming {
    @Test func aLineSplitAcrossReadsComesOutWhole() {
        let r = Reader()
        r.append(Array(#"{"id":1,"#.utf8))
        #expect(r.lines().isEmpty)
        #expect(r.hasPartialLine)
        r.append(Array(#""op":"x"}"#.utf8))
        #expect(r.lines().isEmpty)
        r.append(Array("\n{\"id\":2}\n{\"id".utf8))
        #expect(r.lines() == [line(#"{"id":1,"op":"x"}"#), line(#"{"id":2}"#)])
        r.append([0x3A, 0x33, 0x7D, 0x0A])
        #expect(r.lines() == [line(#"{"id:3}"#)])
        #expect(!r.hasPartialLine)
    }

    @Test func crBeforeLFIsNotPartOfTheLine() {
        let r = Reader()
        r.append(Array("a\r\nb\n\r\n".utf8))
        #expect(r.lines() == [line("a"), line("b"), line("")])
    }

    @Test func aLineOfExactlyTheCapIsAccepted() {
        let r = Reader(maximumLength: 8)
        r.append(Array("12345678\n".utf8))
        #expect(r.lines() == [line("12345678")])
    }

    @Test func anOverLongLineIsReportedOnceThenTheReaderResynchronises() {
        let r = Reader(maximumLength: 8)
        r.append(Array("123456789".utf8))
        #expect(r.lines() == [.tooLong])
        // The rest of the long line, however much, is skipped without being buffered.
        for _ in 0..<1000 { r.append(Array("xxxxxxxxxxxxxxxx".utf8)) }
        #expect(r.lines().isEmpty)
        r.append(Array("tail\nok\n".utf8))
        #expect(r.lines() == [line("ok")])
    }

    @Test func anOverLongLineArrivingWholeIsRejectedAndTheNextLineKept() {
        let r = Reader(maximumLength: 4)
        r.append(Array("toolong\nfine\n".utf8))
        #expect(r.lines() == [.tooLong, line("fine")])
    }

    @Test func theDefaultCapIs64KiB() {
        let r = Reader()
        r.append([UInt8](repeating: 0x20, count: 64 * 1024) + [0x0A])
        #expect(r.lines().count == 1)
        r.append([UInt8](repeating: 0x20, count: 64 * 1024 + 1) + [0x0A, 0x31, 0x0A])
        #expect(r.lines() == [.tooLong, line("1")])
    }
}

@Suite struct OutputBuffering {
    @Test func theBufferNeverGrowsPastItsCapacity() {
        var b = OutputBuffer(capacity: 10)
        let fits = b.enqueue(Array("123456".utf8))
        let overflows = b.enqueue(Array("78901".utf8))
        let fillsExactly = b.enqueue(Array("7890".utf8))
        #expect(fits && !overflows && fillsExactly)
        #expect(b.pendingCount == 10)
        var written: [UInt8] = []
        b.drain { bytes in
            written += bytes.prefix(3)
            return 3
        }
        #expect(b.freeSpace == 3)
        let refills = b.enqueue(Array("abc".utf8))
        #expect(refills)
        b.drain { bytes in
            written += bytes
            return bytes.count
        }
        #expect(String(decoding: written, as: UTF8.self) == "1234567890abc")
        #expect(b.isEmpty)
    }
}

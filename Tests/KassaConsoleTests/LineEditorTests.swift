import Testing
@testable import KassaConsole

@Suite struct LineEditorTests {
    private func lines(_ text: String, editor: inout LineEditor) -> [LineEditor.Event] {
        editor.feed(Array(text.utf8))
    }

    @Test func crLfAndCrlfEachEndOneLine() {
        var e = LineEditor()
        #expect(lines("status\r", editor: &e) == [.line("status")])
        #expect(lines("log\n", editor: &e) == [.line("log")])
        #expect(lines("help\r\ndevices\r\n", editor: &e) == [.line("help"), .line("devices")])
    }

    @Test func backspaceAndDelEraseTheLastCharacter() {
        var e = LineEditor()
        #expect(e.feed(Array("statx".utf8) + [0x08] + Array("uz".utf8) + [0x7F] + Array("s\r".utf8)) == [.line("status")])
    }

    @Test func erasingEchoesBackspaceSpaceBackspaceAndNoAnsi() {
        var e = LineEditor()
        _ = e.feed(Array("ab".utf8) + [0x7F])
        let echo = e.takeEcho()
        #expect(echo == Array("ab".utf8) + [0x08, 0x20, 0x08])
        #expect(!echo.contains(0x1B))
    }

    @Test func ctrlUClearsTheLine() {
        var e = LineEditor()
        #expect(e.feed(Array("garbage".utf8) + [0x15] + Array("status\r".utf8)) == [.line("status")])
    }

    @Test func ctrlCAbandonsTheLine() {
        var e = LineEditor()
        #expect(e.feed(Array("poweroff".utf8) + [0x03]) == [.abandoned])
        #expect(e.current.isEmpty)
    }

    @Test func ctrlDLogsOutOnlyOnAnEmptyLine() {
        var e = LineEditor()
        #expect(e.feed(Array("st".utf8) + [0x04]) == [])
        #expect(e.feed([0x15, 0x04]) == [.endOfInput])
    }

    @Test func aSecretLineIsNotEchoedNorRemembered() {
        var e = LineEditor()
        e.secret = true
        #expect(lines("1234\r", editor: &e) == [.line("1234")])
        #expect(e.takeEcho() == Array("\r\n".utf8))
        #expect(e.history.isEmpty)
    }

    @Test func anOverlongLineIsRefusedWholeAndBellsOnce() {
        var e = LineEditor(maximumLength: 10)
        #expect(lines(String(repeating: "x", count: 25) + "\r", editor: &e) == [.tooLong])
        #expect(e.takeEcho().filter { $0 == 0x07 }.count == 1)
        #expect(lines("ok\r", editor: &e) == [.line("ok")])
    }

    @Test func noiseBytesAreDropped() {
        var e = LineEditor()
        let noise: [UInt8] = [0x00, 0x01, 0x02, 0x05, 0x11, 0x13, 0x80, 0xBF, 0xFF, 0xFE, 0x1C, 0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x48]
        #expect(e.feed(noise + Array("status\r".utf8)) == [.line("status")])
    }

    @Test func utf8LettersAreKeptAndBrokenSequencesDropped() {
        var e = LineEditor()
        #expect(e.feed(Array("Kahvila Ä".utf8) + [0xC3] + Array("ö\r".utf8)) == [.line("Kahvila Äö")])
    }

    @Test func arrowUpRecallsTheHistoryOnVt100AndLinuxConsoles() {
        var e = LineEditor()
        _ = lines("status\r", editor: &e)
        _ = lines("log 5\r", editor: &e)
        #expect(e.feed([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x41, 0x0D]) == [.line("status")])
        #expect(e.feed([0x1B, 0x4F, 0x41, 0x0D]) == [.line("status")])
    }
}

@Suite struct WrapTests {
    @Test func everyLineStaysWithin80Columns() {
        let text = String(repeating: "word ", count: 60) + String(repeating: "x", count: 200)
        let out = Wrap.lines(text, width: 80)
        #expect(out.allSatisfy { $0.count <= 80 })
        #expect(out.joined(separator: " ").filter { $0 == "x" }.count == 200)
    }

    @Test func continuationLinesKeepTheIndent() {
        let out = Wrap.lines("  " + String(repeating: "ab ", count: 40), width: 40)
        #expect(out.count > 1)
        #expect(out.dropFirst().allSatisfy { $0.hasPrefix("  ") && $0.count <= 40 })
    }
}

@Suite struct WordsTests {
    @Test func quotesGroupWords() throws {
        #expect(try Words.split(#"config set store_name "Kahvila Kassa""#) == ["config", "set", "store_name", "Kahvila Kassa"])
        #expect(try Words.split("  status  ") == ["status"])
    }

    @Test func anUnclosedQuoteIsAnError() {
        #expect(throws: Words.Unbalanced.self) { try Words.split(#"config set a "b"#) }
    }
}

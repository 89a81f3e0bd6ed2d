import Testing
@testable import KassaRegisterUI

private func keys(_ bytes: [UInt8]) -> [Key] {
    var d = KeyDecoder()
    return d.feed(bytes) + d.flush()
}

private func keys(_ text: String) -> [Key] { keys(Array(text.utf8)) }

@Suite struct KeyDecoding {
    @Test func linuxConsoleFunctionKeysOneToFiveAreEscBracketBracketLetter() {
        #expect(keys("\u{1B}[[A") == [.function(1)])
        #expect(keys("\u{1B}[[B\u{1B}[[C\u{1B}[[D\u{1B}[[E") == [.function(2), .function(3), .function(4), .function(5)])
    }

    @Test func functionKeysSixToTwelveAreTildeSequencesOnEveryTerminal() {
        let sent = ["17", "18", "19", "20", "21", "23", "24"].map { "\u{1B}[\($0)~" }.joined()
        #expect(keys(sent) == (6...12).map { .function($0) })
    }

    @Test func xtermAndRxvtFunctionKeysDecodeToTheSameKeys() {
        #expect(keys("\u{1B}OP\u{1B}OQ\u{1B}OR\u{1B}OS") == [.function(1), .function(2), .function(3), .function(4)])
        #expect(keys("\u{1B}[11~\u{1B}[15~\u{1B}[15;2~") == [.function(1), .function(5), .function(5)])
    }

    @Test func cursorAndEditingKeysInBothCursorModes() {
        #expect(keys("\u{1B}[A\u{1B}[B\u{1B}OA\u{1B}OB") == [.up, .down, .up, .down])
        #expect(keys("\u{1B}[5~\u{1B}[6~\u{1B}[1~\u{1B}[4~\u{1B}[3~") == [.pageUp, .pageDown, .home, .end, .delete])
    }

    @Test func plainKeysEnterBackspaceAndControl() {
        #expect(keys("3*101\r") == [.character("3"), .character("*"), .character("1"), .character("0"), .character("1"), .enter])
        #expect(keys([0x7F, 0x08, 0x0C, 0x03]) == [.backspace, .backspace, .control("l"), .control("c")])
    }

    @Test func utf8LettersArriveWholeEvenWhenSplitBetweenReads() {
        var d = KeyDecoder()
        let bytes = Array("ä".utf8)
        #expect(d.feed([bytes[0]]) == [])
        #expect(d.hasPending)
        #expect(d.feed([bytes[1]]) == [.character("ä")])
    }

    @Test func aSequenceSplitBetweenReadsWaitsForItsEnd() {
        var d = KeyDecoder()
        #expect(d.feed([0x1B, 0x5B]) == [])
        #expect(d.feed([0x5B]) == [])
        #expect(d.feed([0x41, 0x31]) == [.function(1), .character("1")])
    }

    @Test func aLoneEscapeIsTheEscapeKeyOnceNothingFollows() {
        var d = KeyDecoder()
        #expect(d.feed([0x1B]) == [])
        #expect(d.flush() == [.escape])
        #expect(!d.hasPending)
    }

    @Test func unknownSequencesAreSkippedNotTypedIntoTheEntry() {
        #expect(keys("\u{1B}[99~\u{1B}[200x7") == [.character("7")])
    }
}

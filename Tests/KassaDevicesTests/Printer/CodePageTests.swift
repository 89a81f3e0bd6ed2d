import Testing
@testable import KassaDevices

@Suite struct CodePageTests {
    @Test func theEuroSignHasItsByteInEachTable() {
        #expect(CharacterTable.pc858.encode("€") == [0xD5])
        #expect(CharacterTable.wpc1252.encode("€") == [0x80])
        #expect(CharacterTable.iso8859_15.encode("€") == [0xA4])
    }

    @Test func finnishAndSwedishLettersHaveTheirBytesInEachTable() {
        #expect(CharacterTable.pc858.encode("åäöÅÄÖ") == [0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99])
        #expect(CharacterTable.wpc1252.encode("åäöÅÄÖ") == [0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6])
        #expect(CharacterTable.iso8859_15.encode("åäöÅÄÖ") == [0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6])
    }

    @Test func latin1LettersAndPunctuationKeepTheirBytes() {
        #expect(CharacterTable.pc858.encode("éÜß£§°±½«»") == [0x82, 0x9A, 0xE1, 0x9C, 0xF5, 0xF8, 0xF1, 0xAB, 0xAE, 0xAF])
        #expect(CharacterTable.wpc1252.encode("é–—“”…") == [0xE9, 0x96, 0x97, 0x93, 0x94, 0x85])
        #expect(CharacterTable.iso8859_15.encode("ŠšŽžŒœŸ") == [0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE])
    }

    @Test func charactersATableLacksPrintAsQuestionMarks() {
        #expect(CharacterTable.pc858.encode("ı–漢") == [0x3F, 0x3F, 0x3F])
        // 8859-15 gave the places of ¤ and ½ to € and œ.
        #expect(CharacterTable.iso8859_15.encode("¤½") == [0x3F, 0x3F])
        #expect(CharacterTable.wpc1252.encode("\u{81}") == [0x3F])
    }

    @Test func aDecomposedLetterFindsItsPrecomposedByte() {
        #expect(CharacterTable.pc858.encode("a\u{308}") == [0x84])
        #expect(CharacterTable.wpc1252.encode("e\u{301}x") == [0xE9, 0x78])
    }

    @Test func controlCharactersArePrintedAsQuestionMarks() {
        for table in CharacterTable.allCases {
            #expect(table.encode("\u{1B}\u{1D}\u{10}\n\u{7F}") == [0x3F, 0x3F, 0x3F, 0x3F, 0x3F])
        }
    }

    /// Canonically equivalent characters (Å and the Ångström sign U+212B) are one character to
    /// Swift, so they rightly share a byte.
    @Test func everyTableMapsEachByteFromOneCharacterOnly() {
        for table in CharacterTable.allCases {
            var seen: [UInt8: Character] = [:]
            for value in 0x20...0x2FFF {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let character = Character(scalar)
                guard let byte = table.byte(for: character) else { continue }
                #expect(seen[byte] == nil || seen[byte] == character, "\(table) maps both \(seen[byte] ?? " ") and \(character) to \(byte)")
                seen[byte] = character
            }
        }
    }
}

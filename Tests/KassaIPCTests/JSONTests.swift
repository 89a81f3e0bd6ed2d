import Testing
@testable import KassaIPC

private func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONValue.parse(text) }

private func reason(_ bytes: [UInt8]) -> JSONParseError.Reason? {
    do throws(JSONParseError) {
        _ = try JSONValue.parse(bytes)
        return nil
    } catch {
        return error.reason
    }
}

private func reason(_ text: String) -> JSONParseError.Reason? { reason(Array(text.utf8)) }

@Suite struct JSONParsing {
    @Test func scalarsParseToTheirCases() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("9223372036854775807") == .int(Int64.max))
        #expect(try parse("-9223372036854775808") == .int(Int64.min))
        #expect(try parse("\"käsi €\"") == .string("käsi €"))
    }

    @Test func numbersThatAreNotInt64KeepTheirExactText() throws {
        #expect(try parse("9223372036854775808") == .decimal("9223372036854775808"))
        #expect(try parse("12.50") == .decimal("12.50"))
        #expect(try parse("1e400") == .decimal("1e400"))
        #expect(try parse("-0.000000000000000000000000001") == .decimal("-0.000000000000000000000000001"))
        let huge = String(repeating: "9", count: 500)
        #expect(try parse(huge) == .decimal(huge))
    }

    @Test func malformedNumbersAreRejected() {
        for bad in ["01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "-01"] {
            #expect(reason(bad) != nil, "\(bad)")
        }
        #expect(reason("01") == .invalidNumber)
    }

    @Test func objectsKeepKeyOrder() throws {
        let v = try parse(#"{"z":1,"a":{"m":[1,2,{"k":null}]},"b":"x"}"#)
        #expect(v.objectValue?.keys == ["z", "a", "b"])
        #expect(v["a"]?["m"]?.arrayValue?.count == 3)
        #expect(v.serialized() == #"{"z":1,"a":{"m":[1,2,{"k":null}]},"b":"x"}"#)
    }

    @Test func escapesDecode() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e4\u20AC""#) == .string("ä€"))
    }

    @Test func surrogatePairEscapesFormOneScalar() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test func loneSurrogatesAreRejected() {
        #expect(reason(#""\ud83d""#) == .loneSurrogate)
        #expect(reason(#""\ud83dx""#) == .loneSurrogate)
        #expect(reason(#""\ude00""#) == .loneSurrogate)
        #expect(reason(#""\ud83d\u0041""#) == .loneSurrogate)
    }

    @Test func invalidUTF8IsRejectedWherever() {
        let q = UInt8(ascii: "\"")
        #expect(reason([q, 0xC0, 0xAF, q]) == .invalidUTF8)          // overlong "/"
        #expect(reason([q, 0xE0, 0x80, 0xAF, q]) == .invalidUTF8)    // overlong 3-byte
        #expect(reason([q, 0xED, 0xA0, 0x80, q]) == .invalidUTF8)    // UTF-8-encoded surrogate
        #expect(reason([q, 0xF4, 0x90, 0x80, 0x80, q]) == .invalidUTF8)  // above U+10FFFF
        #expect(reason([q, 0x80, q]) == .invalidUTF8)                // stray continuation
        #expect(reason([q, 0xC3, q]) == .invalidUTF8)                // truncated sequence
        #expect(reason([q, 0xFF, q]) == .invalidUTF8)
        #expect(reason([0xC3, 0xA4]) == .invalidUTF8)                // outside a string
        #expect(reason([q, UInt8(ascii: "\\"), UInt8(ascii: "n"), 0xC3, q]) == .invalidUTF8)  // after an escape
    }

    @Test func nestingUpToTheLimitParsesAndBeyondIsRefused() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(ok) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(reason(deep) == .tooDeep(limit: 64))
        let deepObjects = String(repeating: #"{"a":"#, count: 100_000)
        #expect(reason(deepObjects) == .tooDeep(limit: 64))
    }

    @Test func structuralErrorsAreRejectedWithPosition() {
        #expect(reason("") == .unexpectedEnd)
        #expect(reason("{") == .unexpectedEnd)
        #expect(reason("[1,]") == .unexpectedByte(UInt8(ascii: "]")))
        #expect(reason(#"{"a":1,}"#) == .unexpectedByte(UInt8(ascii: "}")))
        #expect(reason(#"{"a" 1}"#) == .unexpectedByte(UInt8(ascii: "1")))
        #expect(reason("tru") == .unexpectedEnd)
        #expect(reason("{'a':1}") == .unexpectedByte(UInt8(ascii: "'")))
        #expect(reason(#""a\x""#) == .invalidEscape)
        #expect(reason(#""\u12G4""#) == .invalidEscape)
        #expect(reason("\"tab\there\"") == .controlCharacterInString)
        do throws(JSONParseError) {
            _ = try JSONValue.parse(#"{"ok":true} x"#)
            Issue.record("trailing garbage accepted")
        } catch {
            #expect(error == JSONParseError(offset: 12, reason: .trailingGarbage))
            #expect(error.description == "data after the JSON value at byte 12")
        }
    }

    @Test func duplicateKeysAreRejectedInSmallAndLargeObjects() {
        #expect(reason(#"{"a":1,"a":2}"#) == .duplicateKey("a"))
        let many = (0..<5000).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(reason("{" + many + "}") == nil)
        #expect(reason("{" + many + #","k4999":0}"#) == .duplicateKey("k4999"))
        #expect(reason("{" + many + #","k3":0}"#) == .duplicateKey("k3"))
    }
}

@Suite struct JSONSerializing {
    @Test func outputIsOneLineWithControlCharactersEscaped() {
        let v: JSONValue = ["text": .string("line1\nline2\r\t\u{1}\u{7F}\"\\ä")]
        let s = v.serialized()
        #expect(s == #"{"text":"line1\nline2\r\t\u0001\u007f\"\\ä"}"#)
        #expect(!s.utf8.contains(0x0A))
    }

    @Test func everyValueSurvivesARoundTrip() throws {
        let v: JSONValue = [
            "id": 7, "amount": .decimal("12.50"), "big": .decimal("123456789012345678901234567890"),
            "list": [nil, true, false, -5, "😀", [:], []], "nested": ["k": ["deeper": "x"]],
        ]
        #expect(try JSONValue.parse(v.serialized()) == v)
    }
}

@Suite struct Base64Tests {
    @Test func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func everyByteValueRoundTrips() {
        let bytes = (0..<256).map { UInt8($0) } + [0xFF, 0x00]
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }

    @Test func malformedTextIsRefused() {
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!", "=Zm9"] { #expect(Base64.decode(bad) == nil) }
    }
}

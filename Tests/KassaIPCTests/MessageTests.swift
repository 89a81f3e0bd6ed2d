import Testing
@testable import KassaIPC

private func decode(_ text: String) -> Result<Request, RequestDecodingError> {
    do throws(RequestDecodingError) {
        return .success(try Request(json: try! JSONValue.parse(text)))
    } catch {
        return .failure(error)
    }
}

@Suite struct Envelope {
    @Test func aFullRequestDecodes() throws {
        let r = try decode(#"{"id":"a1","op":"scan","args":{"code":"6414893400018"},"idempotency_key":"k-1"}"#).get()
        #expect(r == Request(id: .string("a1"), op: "scan", args: ["code": "6414893400018"], idempotencyKey: "k-1"))
    }

    @Test func argsMayBeOmitted() throws {
        #expect(try decode(#"{"id":3,"op":"status"}"#).get().args.isEmpty)
    }

    @Test func envelopeErrorsCarryTheRequestIdWhenReadable() {
        func failure(_ text: String) -> RequestDecodingError? {
            if case .failure(let e) = decode(text) { return e }
            return nil
        }
        #expect(failure(#"{"id":4,"op":"x","extra":1}"#) ==
                RequestDecodingError(id: .int(4), error: IPCError(.unknownField, #"unknown request field "extra""#)))
        #expect(failure(#"{"id":5,"op":"x","args":[]}"#)?.error.code == .badArgs)
        #expect(failure(#"{"id":6}"#)?.error.code == .badRequest)
        #expect(failure(#"{"id":7,"op":""}"#)?.error.code == .badRequest)
        #expect(failure(#"{"id":8,"op":"x","idempotency_key":3}"#)?.id == .int(8))
        #expect(failure(#"{"op":"x"}"#) == RequestDecodingError(id: nil, error: IPCError(.badRequest, #""id" must be a string or an integer"#)))
        #expect(failure(#"{"id":1.5,"op":"x"}"#)?.id == nil)
        #expect(failure("[1]")?.error.code == .badRequest)
    }

    @Test func repliesEventsAndGreetingHaveTheDocumentedShape() {
        #expect(Reply.ok(.int(1), ["total": .decimal("12.50")]).json.serialized() == #"{"id":1,"ok":true,"result":{"total":12.50}}"#)
        #expect(Reply.error(.string("x"), IPCError(.forbidden, "supervisor only")).json.serialized()
                == #"{"id":"x","ok":false,"error":{"code":"forbidden","message":"supervisor only"}}"#)
        #expect(Reply.error(nil, IPCError(.badJSON, "m")).json.serialized() == #"{"id":null,"ok":false,"error":{"code":"bad_json","message":"m"}}"#)
        #expect(Reply.error(.int(2), IPCError(.pinDelayed, "wait", retryAfterMilliseconds: 4_000)).json.serialized()
                == #"{"id":2,"ok":false,"error":{"code":"pin_delayed","message":"wait","retry_after_ms":4000}}"#)
        #expect(Event(name: "sale.changed", seq: 9, data: ["lines": 2]).json.serialized() == #"{"event":"sale.changed","seq":9,"data":{"lines":2}}"#)
        #expect(Gap(first: 3, last: 7).json.serialized() == #"{"event":"gap","first":3,"last":7}"#)
        #expect(Greeting(serverVersion: "0.1.0", capabilities: ["events"]).json.serialized()
                == #"{"kassa":"0.1.0","protocol":1,"capabilities":["events"]}"#)
    }

    @Test func everyServerMessageDecodesBackToItself() throws {
        let messages: [ServerMessage] = [
            .greeting(Greeting(serverVersion: "0.1.0", capabilities: ["events", "idempotency"])),
            .reply(.ok(.int(1), ["a": 1])),
            .reply(.error(.string("q"), IPCError(.pinRequired, "technician PIN needed"))),
            .reply(.error(nil, IPCError(.lineTooLong, "too long"))),
            .reply(.error(.int(3), IPCError(.pinDelayed, "too many wrong PINs", retryAfterMilliseconds: 8_000))),
            .event(Event(name: "alarm", seq: 4, data: "x")),
            .gap(Gap(first: 1, last: 2)),
        ]
        for m in messages {
            let json: JSONValue
            switch m {
            case .greeting(let g): json = g.json
            case .reply(let r): json = r.json
            case .event(let e): json = e.json
            case .gap(let g): json = g.json
            }
            #expect(try ServerMessage(json: JSONValue.parse(json.serialized())) == m)
        }
    }

    @Test func anErrorCodeFromANewerServerIsKeptInTheMessage() throws {
        let m = try ServerMessage(json: JSONValue.parse(#"{"id":1,"ok":false,"error":{"code":"future_thing","message":"hm"}}"#))
        #expect(m == .reply(.error(.int(1), IPCError(.internal, "[future_thing] hm"))))
    }

    @Test func errorCodesAreUniqueSnakeCase() {
        let raws = ErrorCode.allCases.map(\.rawValue)
        #expect(Set(raws).count == raws.count)
        #expect(raws.allSatisfy { $0.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) } })
    }
}

import Testing
import KassaCore
import KassaIPC

/// Each reply type against the wire text kassad sends: read, written again, the same text.
@Suite("Reply types on the wire")
struct ReplyTests {
    static let line = #"{"item":"coffee","name":"Coffee","department":"drinks","unit":"piece","quantity":2,"unit_price":250,"catalog_price":300,"tax_class":"food","tax_bp":1400,"voided":false,"discount":{"percent_bp":1000},"authorised_by":"sami","amount":450,"line":0,"gross":400,"promotion":50}"#
    static let sale = #"{"id":7,"training":false,"operator":"anna","lines":["# + line
        + #"],"tenders":[{"kind":"card","amount":100,"reference":"T-1"}],"totalled":true,"subtotal":450,"total":400,"discount_total":50,"breakdown":[{"tax_class":"food","tax_bp":1400,"net":351,"tax":49,"gross":400}],"paid":100,"due":300,"cash_due":300,"receipt_discount":{"amount":10},"promotions":[{"id":"two","name":"Two for one","amount":50,"lines":[{"line":0,"amount":50}]}],"customer":{"id":3,"name":"Liisa","points":120},"redeem":{"points":100,"value":100}}"#
    static let receipt = #"{"receipt":12,"training":false,"total":400,"change":100,"rounding":0,"tenders":[{"kind":"cash","amount":500}],"breakdown":[],"vouchers":[{"code":"GV-1","kind":"gift","balance":2000}],"text":["KASSA","Total 4,00"]}"#
    static let device = #"{"id":"printer0","kind":"printer","state":"enabled","power":"on","status":["paper_near_end"],"via":"usb 1-2","model":null}"#
    static let status = #"{"register":"demo-1","store":"Demo","version":"0.1.0","uptime_s":5,"time":1765000000000,"time_zone":"Europe/Helsinki","local_time":"2025-12-06 07:46","operator":{"id":"anna","name":"Anna","role":"cashier"},"training":false,"shift":{"number":2,"opened_by":"anna","opened_at":1765000000000,"float":10000},"sale":null,"parked":[{"park_id":1,"lines":2,"total":700}],"journal":{"last_seq":40,"durable_seq":40,"head_hash":"ab12","mode":"read_only","reason":"damaged record 12","free_bytes":1000000},"alarms":[{"code":"paper","message":"paper low","active":true}],"technician_session":false,"printouts_owed":[3],"devices":["# + device + #"],"needs_set_up":false,"screen":{"language":"fi"}}"#

    func roundTrip<Reply: ReplyValue>(_: Reply.Type, _ text: String) throws -> String {
        try Reply(json: JSONValue.parse(text)).json.serialized()
    }

    func refusal<Reply: ReplyValue>(_: Reply.Type, _ text: String) throws -> String? {
        let json = try JSONValue.parse(text)
        do throws(IPCError) {
            _ = try Reply(json: json)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theOpenSaleReadsBackToTheSameText() throws {
        #expect(try roundTrip(SaleReply.self, Self.sale) == Self.sale)
    }

    @Test func aSaleWithoutOptionalPartsReadsBackWithoutThem() throws {
        let plain = #"{"id":1,"training":true,"operator":"anna","lines":[],"tenders":[],"totalled":false,"subtotal":0,"total":0,"discount_total":0,"breakdown":[],"paid":0,"due":0,"cash_due":0}"#
        #expect(try roundTrip(SaleReply.self, plain) == plain)
    }

    @Test func noOpenSaleIsNull() throws {
        #expect(try SaleReply?(json: .null) == nil)
        #expect(try roundTrip(SaleReply?.self, "null") == "null")
    }

    @Test func aSaleLineKeepsItsTypedFields() throws {
        let line = try SaleReply.Line(json: JSONValue.parse(Self.line))
        #expect(line.sold.discount == .percent(1000))
        #expect(line.sold.authorisedBy == "sami")
        #expect(line.gross == 400)
        #expect(line.promotion == 50)
    }

    @Test func theReceiptReadsBackToTheSameText() throws {
        #expect(try roundTrip(ReceiptReply.self, Self.receipt) == Self.receipt)
        #expect(try ReceiptReply(json: JSONValue.parse(Self.receipt)).paid == 500)
    }

    @Test(arguments: [
        #"{"completed":"# + receipt + "}",
        #"{"sale":"# + sale + "}",
        #"{"sale":null,"charged":false}"#,
    ])
    func aPaymentReadsBackToTheSameText(text: String) throws {
        #expect(try roundTrip(PaymentReply.self, text) == text)
    }

    @Test func theStatusReadsBackToTheSameText() throws {
        #expect(try roundTrip(StatusReply.self, Self.status) == Self.status)
    }

    @Test func smallerRepliesReadBackToTheSameText() throws {
        let cleared = #"{"code":"paper","message":"","active":false}"#
        #expect(try roundTrip(AlarmReply.self, cleared) == cleared)
        let nobody = #"{"operator":null}"#
        #expect(try roundTrip(OperatorResultReply.self, nobody) == nobody)
        let disabled = #"{"operator":{"id":"tero","name":"Tero","role":"technician","disabled":true}}"#
        #expect(try roundTrip(OperatorResultReply.self, disabled) == disabled)
        let parked = #"[{"park_id":1,"lines":2,"total":700},{"park_id":4,"lines":0,"total":0}]"#
        #expect(try roundTrip([ParkedSaleReply].self, parked) == parked)
        let shift = #"{"shift":{"number":3,"opened_by":"anna","opened_at":1765000000000,"float":15000}}"#
        #expect(try roundTrip(ShiftResultReply.self, shift) == shift)
        let journal = #"{"last_seq":1,"durable_seq":0,"head_hash":"00","mode":"read_write"}"#
        #expect(try roundTrip(JournalStatusReply.self, journal) == journal)
    }

    @Test func theJournalsVerificationReadsBackToTheSameText() throws {
        let running = #"{"running":true,"through_seq":120000,"checked":40000,"resumed_after":30000,"pass_started":1765000000000,"sound_through":90000,"sound_at":1764000000000}"#
        let reply = try JournalVerificationReply(json: JSONValue.parse(running))
        #expect(try roundTrip(JournalVerificationReply.self, running) == running)
        #expect(reply.summary == "verifying: 40000 of 120000 records checked (this run went on after record 30000); "
                + "last whole pass sound through record 90000")
        let damaged = #"{"running":false,"through_seq":50,"checked":10,"resumed_after":0,"result":{"sound":false,"fault":"seg-0000000000000001.kj at byte 300, record 3: CRC32C mismatch"}}"#
        #expect(try roundTrip(JournalVerificationReply.self, damaged) == damaged)
        let none = #"{"running":false}"#
        #expect(try roundTrip(JournalVerificationReply.self, none) == none)
        let journal = #"{"last_seq":50,"durable_seq":50,"head_hash":"ab","mode":"read_write","verification":"# + damaged + "}"
        #expect(try roundTrip(JournalStatusReply.self, journal) == journal)
        #expect(try JournalStatusReply(json: JSONValue.parse(journal)).verification?.result?.fault?.hasSuffix("CRC32C mismatch") == true)
    }

    @Test func aMissingFieldIsRefusedByName() throws {
        #expect(try refusal(SaleReply.self, Self.sale.replacingFirst(#""total":400,"#, with: "")) == "total is missing")
    }

    @Test func aMissingFieldInsideAListIsNamedByItsPath() throws {
        #expect(try refusal(SaleReply.self, Self.sale.replacingFirst(#""quantity":2,"#, with: "")) == "lines[0].quantity is missing")
        #expect(try refusal(StatusReply.self, Self.status.replacingFirst(#""via":"usb 1-2","#, with: "")) == "devices[0].via is missing")
    }

    @Test func aFieldOfAnotherTypeIsRefusedByName() throws {
        #expect(try refusal(SaleReply.self, Self.sale.replacingFirst(#""due":300"#, with: #""due":"300""#)) == "due is not an integer")
        #expect(try refusal(StatusReply.self, Self.status.replacingFirst(#""role":"cashier""#, with: #""role":"boss""#))
            == "operator.role is not one of its known names")
        #expect(try refusal(SaleReply.self, "[]") == "the reply is not an object")
    }

    @Test func fieldsANewerKassadAddsAreIgnored() throws {
        let newer = Self.receipt.replacingFirst(#""receipt":12,"#, with: #""receipt":12,"lottery":"X7","#)
        #expect(try ReceiptReply(json: JSONValue.parse(newer)).receipt == 12)
    }
}

extension String {
    /// The text with the first `target` replaced; the test fails loudly if it is not there.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = firstRange(of: target) else {
            Issue.record("'\(target)' not in the sample")
            return self
        }
        var copy = self
        copy.replaceSubrange(r, with: replacement)
        return copy
    }
}

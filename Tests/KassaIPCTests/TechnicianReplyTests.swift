import Testing
import KassaCore
import KassaIPC

/// The technician's replies (log, devices, settings, catalog, journal, clock) against the wire
/// text kassad sends: read, written again, the same text.
@Suite("Technician reply types on the wire")
struct TechnicianReplyTests {
    func roundTrip<Reply: ReplyValue>(_: Reply.Type, _ text: String) throws -> String {
        try Reply(json: JSONValue.parse(text)).json.serialized()
    }

    @Test func theLogAndATestPrintReadBackToTheSameText() throws {
        let log = #"{"lines":["kassad started","journal open"]}"#
        #expect(try roundTrip(LogTailReply.self, log) == log)
        let printed = #"{"output":7,"printer":{"id":"printer0","kind":"printer","state":"ignored","power":"on","status":[],"via":"usb 1-2","model":null,"reason":"not a known model"}}"#
        #expect(try roundTrip(TestPrintReply.self, printed) == printed)
        #expect(try TestPrintReply(json: JSONValue.parse(printed)).printer.id == "printer0")
    }

    @Test func aScanTestEventReadsBackToTheSameText() throws {
        let barcode = #"{"device":"scanner0","raw_text":"4006381333931.","raw_bytes":14,"kind":"barcode","value":"4006381333931","note":"check digit"}"#
        #expect(try roundTrip(ScanTestEvent.self, barcode) == barcode)
        let card = #"{"device":"msr0","raw_text":"%B4111********1111^...","raw_bytes":80,"kind":"card","value":"4111********1111","tracks":["1","2"]}"#
        #expect(try roundTrip(ScanTestEvent.self, card) == card)
        #expect(try ScanTestEvent(json: JSONValue.parse(card)).rawBytes == 80)
    }

    @Test func settingsReadBackToTheSameText() throws {
        let keys = #"[{"key":"store_name","file":"[store] name","help":"The name on receipts.","settable":true},{"key":"register_id","file":"[register] id","help":"","settable":false}]"#
        #expect(try roundTrip([SettingKeyReply].self, keys) == keys)
        let changed = #"{"key":"store_name","old":null,"new":"Kauppa"}"#
        #expect(try roundTrip(SettingChangeReply.self, changed) == changed)
        let device = #"{"key":"device.printer","old":"auto","new":"none","restart_needed":true}"#
        #expect(try roundTrip(SettingChangeReply.self, device) == device)
        #expect(try SettingChangeReply(json: JSONValue.parse(changed)).restartNeeded == false)
    }

    @Test func theCatalogsRepliesReadBackToTheSameText() throws {
        #expect(try roundTrip(CatalogImportReply.self, #"{"items":1200}"#) == #"{"items":1200}"#)
        let item = #"{"id":"coffee","name":"Coffee","department":"drinks","price":2490,"tax_class":"food","unit":"weight","barcodes":["2312345"],"plus":["7"]}"#
        #expect(try roundTrip(CatalogLookupReply.self, #"{"item":"# + item + "}") == #"{"item":"# + item + "}")
        let weighed = #"{"item":"# + item + #","grams":450}"#
        #expect(try roundTrip(CatalogLookupReply.self, weighed) == weighed)
        let priced = #"{"item":"# + item + #","amount":1120}"#
        #expect(try CatalogLookupReply(json: JSONValue.parse(priced)).amount == 1120)
    }

    @Test func theJournalsRecoveryAndExportReadBackToTheSameText() throws {
        let recovered = #"{"sealed":"sealed-0001","sealed_last_seq":400,"fault":"record 398: CRC32C mismatch","unreadable":[{"first":398,"last":400}],"unreadable_records":3,"by":"tero"}"#
        #expect(try roundTrip(JournalRecoveryReply.self, recovered) == recovered)
        let page = #"{"records":[{"seq":1,"time":1765000000000,"event":{"type":"shift_opened"}}],"csv":["1;2025-12-06"],"next":2,"last_seq":1,"csv_header":"seq;date"}"#
        #expect(try roundTrip(JournalExportPage.self, page) == page)
        let damaged = #"{"records":[],"csv":[],"next":5,"last_seq":9,"csv_header":"seq;date","fault":"record 5: CRC32C mismatch"}"#
        #expect(try roundTrip(JournalExportPage.self, damaged) == damaged)
    }

    @Test func theClockCheckReadsBackToTheSameText() throws {
        let behind = #"{"ok":false,"time":1765000000000,"newest_journal_time":1765000100000}"#
        #expect(try roundTrip(ClockCheckReply.self, behind) == behind)
        #expect(try ClockCheckReply(json: JSONValue.parse(behind)).ok == false)
    }
}

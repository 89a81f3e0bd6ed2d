import Testing
import KassaCore
import KassaIPC

/// The shop's replies (backups, stock, customers, vouchers) against the wire text kassad sends:
/// read, written again, the same text.
@Suite("Shop reply types on the wire")
struct ShopReplyTests {
    func roundTrip<Reply: ReplyValue>(_: Reply.Type, _ text: String) throws -> String {
        try Reply(json: JSONValue.parse(text)).json.serialized()
    }

    @Test func aBackupListReadsBackToTheSameText() throws {
        let list = #"{"register":"till-1","receipt":42,"last_seq":900,"shift_open":true,"files":[{"path":"journal/seg-0000000000000001.kj","size":65536},{"path":"catalog.csv","size":812}]}"#
        #expect(try roundTrip(BackupListReply.self, list) == list)
        let reply = try BackupListReply(json: JSONValue.parse(list))
        #expect(reply.files.map(\.size) == [65536, 812])
        #expect(BackupManifest(reply).json.serialized()
            == #"{"register":"till-1","receipt":42,"last_seq":900,"files":[{"path":"journal/seg-0000000000000001.kj","size":65536},{"path":"catalog.csv","size":812}]}"#)
    }

    @Test func aBackupChunkAndARestoreReadBackToTheSameText() throws {
        let chunk = #"{"data":"AQID","eof":true}"#
        #expect(try roundTrip(BackupChunkReply.self, chunk) == chunk)
        #expect(try BackupChunkReply(json: JSONValue.parse(chunk)).bytes == [1, 2, 3])
        #expect(BackupChunkReply(bytes: [1, 2, 3], eof: true).json.serialized() == chunk)
        let restored = #"{"register":"till-1","records":900,"technician":"tero","restarting":true}"#
        #expect(try roundTrip(RestoreReply.self, restored) == restored)
    }

    static let stockLine = #"{"item":"coffee","name":"Coffee","unit":"weight","level":1500,"reorder_point":2000,"reorder_quantity":5000,"low":true,"price":2490,"unit_cost":null,"retail_value":3735,"cost_value":null}"#

    @Test func stockLinesAndPagesReadBackToTheSameText() throws {
        #expect(try roundTrip(StockLineReply.self, Self.stockLine) == Self.stockLine)
        let unordered = #"{"item":"tea","name":"","unit":"piece","level":-2,"reorder_point":null,"reorder_quantity":null,"low":false,"price":null,"unit_cost":120,"retail_value":0,"cost_value":0}"#
        #expect(try roundTrip(StockLineReply.self, unordered) == unordered)
        let low = Self.stockLine.replacingFirst(#""cost_value":null}"#, with: #""cost_value":null,"order":5000}"#)
        let page = #"{"items":["# + low + #"],"total_items":3,"next":1}"#
        #expect(try roundTrip(StockPageReply.self, page) == page)
        #expect(try StockPageReply(json: JSONValue.parse(page)).items.first?.order == 5000)
        let last = #"{"items":[],"total_items":0,"next":null}"#
        #expect(try roundTrip(StockPageReply.self, last) == last)
    }

    @Test func theStockValueKeepsItsTotalsInFront() throws {
        let value = #"{"retail_value":3735,"cost_value":0,"items_without_cost":1,"price_mode":"inclusive","basis":"retail: …","items":["# + Self.stockLine + #"],"total_items":1,"next":null}"#
        #expect(try roundTrip(StockPageReply.self, value) == value)
        #expect(try StockPageReply(json: JSONValue.parse(value)).valuation?.itemsWithoutCost == 1)
    }

    static let customer = #"{"id":3,"name":"Liisa Virtanen","phone":"+358401234567","email":null,"cards":["LC-0003"],"points":120,"notes":"","marketing":{"given":true,"at":1765000000000,"local_time":"2025-12-06 07:46"},"since":1764000000000,"purchases":2}"#

    @Test func customersReadBackToTheSameText() throws {
        #expect(try roundTrip(CustomerResultReply.self, #"{"customer":"# + Self.customer + "}") == #"{"customer":"# + Self.customer + "}")
        let found = #"{"customers":[{"id":3,"name":"Liisa Virtanen","phone":null,"email":null,"cards":[],"points":0}],"more":true}"#
        #expect(try roundTrip(CustomerFindReply.self, found) == found)
        #expect(try CustomerFindReply(json: JSONValue.parse(found)).customers.first?.detail == nil)
        let noConsent = Self.customer.replacingFirst(#"{"given":true,"at":1765000000000,"local_time":"2025-12-06 07:46"}"#, with: "null")
        #expect(try roundTrip(CustomerReply.self, noConsent) == noConsent)
    }

    @Test func aCustomersHistoryReadsBackToTheSameText() throws {
        let history = #"{"customer":"# + Self.customer + #","history":[{"receipt":14,"time":1765000000000,"local_time":"2025-12-06 07:46","total":1290,"refunded":300,"points_earned":12,"points_redeemed":0},{"receipt":9,"unreadable":true}],"history_total":2,"next":null}"#
        #expect(try roundTrip(CustomerHistoryReply.self, history) == history)
        let reply = try CustomerHistoryReply(json: JSONValue.parse(history))
        #expect(reply.history.map(\.figures?.refunded) == [300, nil])
        #expect(reply.customer.detail?.purchases == 2)
    }

    static let voucher = #"{"code":"GV-1-0001","kind":"gift","training":false,"state":"outstanding","balance":2000,"issued":{"number":1,"code":"GV-1-0001","kind":"gift","amount":2500,"training":false,"by":"anna","at":1765000000000,"receipt":12,"line":0},"redemptions":[{"sale":14,"receipt":13,"at":1765000100000,"amount":300,"balance_after":2200,"local_time":"2025-12-06 07:48"},{"sale":15,"receipt":null,"at":null,"amount":200,"balance_after":2000,"local_time":null}],"issued_local_time":"2025-12-06 07:46","issued_by_name":"Anna"}"#

    @Test func vouchersReadBackToTheSameText() throws {
        #expect(try roundTrip(VoucherReply.self, Self.voucher) == Self.voucher)
        let credit = #"{"code":"SC-1-0002","kind":"store_credit","training":false,"state":"void","balance":500,"issued":{"number":2,"code":"SC-1-0002","kind":"store_credit","amount":500,"training":false,"by":"anna","at":1765000000000,"refund":4},"redemptions":[],"voided_by_refund":5,"issued_local_time":"2025-12-06 07:46","issued_by_name":"anna"}"#
        #expect(try roundTrip(VoucherReply.self, credit) == credit)
        let reply = try VoucherReply(json: JSONValue.parse(Self.voucher))
        #expect(reply.voucher.issue.source == .sale(receipt: 12, line: 0))
        #expect(reply.redemptionLocalTimes == ["2025-12-06 07:48", nil])
        let list = #"{"vouchers":["# + Self.voucher + #"],"total_vouchers":1,"next":null,"outstanding_count":1,"outstanding_total":2000}"#
        #expect(try roundTrip(VoucherListReply.self, list) == list)
    }
}

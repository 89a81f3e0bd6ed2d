import KassaCore

/// A part of a reply that clients keep as JSON without reading it (an exported journal record).
extension JSONValue: ReplyValue {
    public init(json: JSONValue) { self = json }
    public var json: JSONValue { self }
}

/// `log.tail`: kassad's newest log lines, oldest first.
public struct LogTailReply: ReplyValue, Hashable {
    public var lines: [String]

    public init(lines: [String]) {
        self.lines = lines
    }

    public init(json: JSONValue) throws(IPCError) {
        self.init(lines: try ReplyFields(json).strings("lines"))
    }

    public var json: JSONValue { ["lines": .array(lines.map(JSONValue.string))] }
}

/// `devices.test_print`: the printout queued, and the printer it goes to.
public struct TestPrintReply: ReplyValue, Hashable {
    public var output: Int64
    public var printer: DeviceReply

    public init(output: Int64, printer: DeviceReply) {
        self.output = output
        self.printer = printer
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(output: try f.int("output"), printer: try f.value("printer"))
    }

    public var json: JSONValue { ["output": .int(output), "printer": printer.json] }
}

/// The `scan.test` event: what a reader sent during a technician's scan test, raw and decoded,
/// anything like a payment card number masked.
public struct ScanTestEvent: ReplyValue, Hashable {
    public var device: String
    /// The bytes as text, unprintable ones as dots.
    public var rawText: String
    /// How many bytes came in.
    public var rawBytes: Int64
    /// `barcode`, `card` or `error`.
    public var kind: String
    public var value: String
    /// Why a barcode would not sell, when it looks like one that should.
    public var note: String?
    /// A card's tracks read (`1`, `2`).
    public var tracks: [String]?

    public init(device: String, rawText: String, rawBytes: Int64, kind: String, value: String, note: String? = nil,
                tracks: [String]? = nil) {
        self.device = device
        self.rawText = rawText
        self.rawBytes = rawBytes
        self.kind = kind
        self.value = value
        self.note = note
        self.tracks = tracks
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(device: try f.string("device"), rawText: try f.string("raw_text"), rawBytes: try f.int("raw_bytes"),
                  kind: try f.string("kind"), value: try f.string("value"), note: try f.optionalString("note"),
                  tracks: try f.optionalValues("tracks").map { (t: [JSONValue]) in t.compactMap(\.stringValue) })
    }

    public var json: JSONValue {
        var o: JSONObject = ["device": .string(device), "raw_text": .string(rawText), "raw_bytes": .int(rawBytes),
                             "kind": .string(kind), "value": .string(value)]
        if let note { o["note"] = .string(note) }
        if let tracks { o["tracks"] = .array(tracks.map(JSONValue.string)) }
        return .object(o)
    }
}

/// One row of `config.keys`: a setting, where `kassa.conf` has it, its help, and whether
/// `config.set` may change it.
public struct SettingKeyReply: ReplyValue, Hashable {
    public var key: String
    public var file: String
    public var help: String
    public var settable: Bool

    public init(key: String, file: String, help: String, settable: Bool) {
        self.key = key
        self.file = file
        self.help = help
        self.settable = settable
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(key: try f.string("key"), file: try f.string("file"), help: try f.string("help"), settable: try f.bool("settable"))
    }

    public var json: JSONValue { ["key": .string(key), "file": .string(file), "help": .string(help), "settable": .bool(settable)] }
}

/// `config.set`: the setting as it was and as it is now; a device's setting waits for kassad's
/// next start.
public struct SettingChangeReply: ReplyValue, Hashable {
    public var key: String
    /// Nil when it was not set.
    public var old: String?
    public var new: String
    public var restartNeeded: Bool

    public init(key: String, old: String?, new: String, restartNeeded: Bool) {
        self.key = key
        self.old = old
        self.new = new
        self.restartNeeded = restartNeeded
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(key: try f.string("key"), old: try f.optionalString("old"), new: try f.string("new"),
                  restartNeeded: try f.optionalBool("restart_needed") ?? false)
    }

    public var json: JSONValue {
        var o: JSONObject = ["key": .string(key), "old": old.map(JSONValue.string) ?? .null, "new": .string(new)]
        if restartNeeded { o["restart_needed"] = true }
        return .object(o)
    }
}

/// `catalog.import`: how many items the new catalog has.
public struct CatalogImportReply: ReplyValue, Hashable {
    public var items: Int64

    public init(items: Int64) {
        self.items = items
    }

    public init(json: JSONValue) throws(IPCError) {
        self.init(items: try ReplyFields(json).int("items"))
    }

    public var json: JSONValue { ["items": .int(items)] }
}

extension Item: ReplyValue {
    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(id: ItemID(try f.string("id")), name: try f.string("name"), department: try f.string("department"),
                  price: try f.int("price"), taxClass: TaxClassID(try f.string("tax_class")), unit: try f.named("unit"),
                  barcodes: try f.strings("barcodes"), plus: try f.strings("plus"))
    }

    public var json: JSONValue {
        ["id": .string(id.rawValue), "name": .string(name), "department": .string(department), "price": .int(price),
         "tax_class": .string(taxClass.rawValue), "unit": .string(unit.rawValue), "barcodes": .array(barcodes.map(JSONValue.string)),
         "plus": .array(plus.map(JSONValue.string))]
    }
}

/// `catalog.lookup`: the item a code names, with the grams or the price a scale's or a priced
/// barcode carries.
public struct CatalogLookupReply: ReplyValue, Hashable {
    public var item: Item
    public var grams: Int64?
    public var amount: Int64?

    public init(item: Item, grams: Int64? = nil, amount: Int64? = nil) {
        self.item = item
        self.grams = grams
        self.amount = amount
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(item: try f.value("item"), grams: try f.optionalInt("grams"), amount: try f.optionalInt("amount"))
    }

    public var json: JSONValue {
        var o: JSONObject = ["item": item.json]
        if let grams { o["grams"] = .int(grams) }
        if let amount { o["amount"] = .int(amount) }
        return .object(o)
    }
}

/// `journal.recover` and the `journal.recovered` event: the damaged chain sealed, what of it could
/// not be read, who recovered it.
public struct JournalRecoveryReply: ReplyValue, Hashable {
    /// Records that could not be read, first to last.
    public struct Unreadable: ReplyValue, Hashable {
        public var first: Int64
        public var last: Int64

        public init(first: Int64, last: Int64) {
            self.first = first
            self.last = last
        }

        public init(json: JSONValue) throws(IPCError) {
            let f = try ReplyFields(json)
            self.init(first: try f.int("first"), last: try f.int("last"))
        }

        public var json: JSONValue { ["first": .int(first), "last": .int(last)] }
    }

    public var sealed: String
    public var sealedLastSeq: Int64
    public var fault: String
    public var unreadable: [Unreadable]
    public var unreadableRecords: Int64
    public var by: OperatorID

    public init(sealed: String, sealedLastSeq: Int64, fault: String, unreadable: [Unreadable], unreadableRecords: Int64, by: OperatorID) {
        self.sealed = sealed
        self.sealedLastSeq = sealedLastSeq
        self.fault = fault
        self.unreadable = unreadable
        self.unreadableRecords = unreadableRecords
        self.by = by
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(sealed: try f.string("sealed"), sealedLastSeq: try f.int("sealed_last_seq"), fault: try f.string("fault"),
                  unreadable: try f.values("unreadable"), unreadableRecords: try f.int("unreadable_records"),
                  by: OperatorID(try f.string("by")))
    }

    public var json: JSONValue {
        ["sealed": .string(sealed), "sealed_last_seq": .int(sealedLastSeq), "fault": .string(fault), "unreadable": unreadable.json,
         "unreadable_records": .int(unreadableRecords), "by": by.json]
    }
}

/// `journal.export`: a page of records as `kassa journal dump` shows them, with their rows of the
/// accounting CSV; `next` is the first record of the next page; `fault` the damage it stopped at.
public struct JournalExportPage: ReplyValue, Hashable {
    public var records: [JSONValue]
    public var csv: [String]
    public var next: Int64
    public var lastSeq: Int64
    public var csvHeader: String
    public var fault: String?

    public init(records: [JSONValue], csv: [String], next: Int64, lastSeq: Int64, csvHeader: String, fault: String?) {
        self.records = records
        self.csv = csv
        self.next = next
        self.lastSeq = lastSeq
        self.csvHeader = csvHeader
        self.fault = fault
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(records: try f.values("records"), csv: try f.strings("csv"), next: try f.int("next"), lastSeq: try f.int("last_seq"),
                  csvHeader: try f.string("csv_header"), fault: try f.optionalString("fault"))
    }

    public var json: JSONValue {
        var o: JSONObject = ["records": .array(records), "csv": .array(csv.map(JSONValue.string)), "next": .int(next),
                             "last_seq": .int(lastSeq), "csv_header": .string(csvHeader)]
        if let fault { o["fault"] = .string(fault) }
        return .object(o)
    }
}

/// `clock.check`: whether the clock is at or after the newest journaled time (both in
/// milliseconds since the epoch).
public struct ClockCheckReply: ReplyValue, Hashable {
    public var ok: Bool
    public var time: Int64
    public var newestJournalTime: Int64

    public init(ok: Bool, time: Int64, newestJournalTime: Int64) {
        self.ok = ok
        self.time = time
        self.newestJournalTime = newestJournalTime
    }

    public init(json: JSONValue) throws(IPCError) {
        let f = try ReplyFields(json)
        self.init(ok: try f.bool("ok"), time: try f.int("time"), newestJournalTime: try f.int("newest_journal_time"))
    }

    public var json: JSONValue { ["ok": .bool(ok), "time": .int(time), "newest_journal_time": .int(newestJournalTime)] }
}

/// A catalog item's stable id (the shop's own article number).
public struct ItemID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: ItemID, b: ItemID) -> Bool { a.rawValue < b.rawValue }
}

/// How an item is sold: by the piece (quantity counts pieces) or by weight (price per kilogram,
/// quantity in grams).
public enum SaleUnit: String, Sendable, Hashable, CaseIterable {
    case piece, weight
}

public struct Item: Hashable, Sendable {
    public var id: ItemID
    public var name: String
    public var department: String
    /// Minor units per piece, or per kilogram for weighed items; incl. or excl. VAT per the register's `PriceMode`.
    public var price: Int64
    public var taxClass: TaxClassID
    public var unit: SaleUnit
    public var barcodes: [String]
    public var plus: [String]

    public init(id: ItemID, name: String, department: String = "", price: Int64, taxClass: TaxClassID,
                unit: SaleUnit = .piece, barcodes: [String] = [], plus: [String] = []) {
        self.id = id
        self.name = name
        self.department = department
        self.price = price
        self.taxClass = taxClass
        self.unit = unit
        self.barcodes = barcodes
        self.plus = plus
    }
}

/// What a scanned or typed code stands for.
public enum ScanResolution: Hashable, Sendable {
    /// One piece (or a weighed item whose weight must still be entered).
    case item(Item)
    /// A weighed item whose barcode carries the weight in grams.
    case weighed(Item, grams: Int64)
    /// An item whose barcode carries the price in minor units.
    case priced(Item, amount: Int64)
}

public enum LookupError: Error, Hashable, Sendable {
    case empty
    case malformed(String)
    case invalidCheckDigit(String)
    case unknownCode(String)
}

public enum CatalogError: Error, Equatable, Sendable {
    case duplicateItem(ItemID)
    case duplicateBarcode(String, ItemID, ItemID)
    case duplicatePLU(String, ItemID, ItemID)
    case invalidBarcode(String, ItemID, reason: String)
}

/// The register's items, indexed so that every lookup by id, barcode or PLU is a hash probe.
///
/// A shop's catalog can hold a hundred thousand items on a board with little memory, so items are
/// kept compactly: their text in one UTF-8 arena, one small fixed-size record each, departments
/// and tax classes interned, and numeric barcodes indexed as integers. An `Item` is materialised
/// only when one is looked up.
public struct Catalog: Sendable, Equatable {
    private struct Span: Sendable {
        var offset: UInt32
        var length: UInt32
    }

    private struct Record: Sendable {
        var id: Span
        var name: Span
        /// Barcodes, then PLUs, each ended by a newline.
        var codes: Span
        var price: Int64
        var barcodeCount: UInt16
        var department: UInt16
        var taxClass: UInt16
        var unit: SaleUnit
        var live: Bool
    }

    private var arena: [UInt8] = []
    private var records: [Record] = []
    private var departments = Interner<String>()
    private var taxClasses = Interner<TaxClassID>()
    private var byID: [ItemID: Int32] = [:]
    /// All-digit codes up to 18 digits as `digits | length << 60`; anything else by its text.
    private var byNumericBarcode: [UInt64: Int32] = [:]
    private var byTextBarcode: [String: Int32] = [:]
    private var byPLU: [String: Int32] = [:]
    public var embeddedRules: [EmbeddedBarcodeRule]

    public init(embeddedRules: [EmbeddedBarcodeRule] = []) {
        self.embeddedRules = embeddedRules
    }

    public init(_ items: [Item], embeddedRules: [EmbeddedBarcodeRule] = []) throws(CatalogError) {
        self.embeddedRules = embeddedRules
        records.reserveCapacity(items.count)
        for item in items { try add(item) }
    }

    public var count: Int { byID.count }

    /// Every item by id (built on demand: for exports and tests, not for the sale path).
    public var items: [ItemID: Item] {
        var all: [ItemID: Item] = [:]
        all.reserveCapacity(byID.count)
        for (id, index) in byID { all[id] = materialise(index) }
        return all
    }

    public static func == (a: Catalog, b: Catalog) -> Bool {
        a.embeddedRules == b.embeddedRules && a.items == b.items
    }

    public mutating func add(_ item: Item) throws(CatalogError) {
        guard byID[item.id] == nil else { throw .duplicateItem(item.id) }
        for code in item.barcodes {
            if case .invalid(let why) = Barcode.classify(code) { throw .invalidBarcode(code, item.id, reason: why) }
            if let other = barcodeOwner(code) { throw .duplicateBarcode(code, other, item.id) }
        }
        for plu in item.plus {
            guard !plu.isEmpty, !plu.utf8.contains(where: { $0 < 32 }) else {
                throw .invalidBarcode(plu, item.id, reason: "a PLU is printable text")
            }
            if let other = byPLU[plu] { throw .duplicatePLU(plu, recordID(other), item.id) }
        }
        let index = Int32(records.count)
        let id = store(item.id.rawValue)
        let name = store(item.name)
        let codes = store((item.barcodes + item.plus).map { $0 + "\n" }.joined())
        records.append(Record(id: id, name: name, codes: codes, price: item.price, barcodeCount: UInt16(item.barcodes.count),
                              department: departments.id(item.department), taxClass: taxClasses.id(item.taxClass), unit: item.unit, live: true))
        byID[item.id] = index
        for code in item.barcodes {
            if let key = Self.numericKey(code) { byNumericBarcode[key] = index } else { byTextBarcode[code] = index }
        }
        for plu in item.plus { byPLU[plu] = index }
    }

    /// Replaces the item with the same id (price change, new barcode) keeping indexes right.
    public mutating func upsert(_ item: Item) throws(CatalogError) {
        if let index = byID[item.id] {
            let old = materialise(index)
            for code in old.barcodes {
                if let key = Self.numericKey(code) { byNumericBarcode[key] = nil } else { byTextBarcode[code] = nil }
            }
            for plu in old.plus { byPLU[plu] = nil }
            byID[item.id] = nil
            records[Int(index)].live = false
        }
        try add(item)
    }

    public func item(_ id: ItemID) -> Item? { byID[id].map(materialise) }

    public func item(barcode: String) -> Item? {
        let index = Self.numericKey(barcode).flatMap { byNumericBarcode[$0] } ?? byTextBarcode[barcode]
        return index.map(materialise)
    }

    public func item(plu: String) -> Item? { byPLU[plu].map(materialise) }

    private func barcodeOwner(_ code: String) -> ItemID? {
        let index = Self.numericKey(code).flatMap { byNumericBarcode[$0] } ?? byTextBarcode[code]
        return index.map(recordID)
    }

    private func recordID(_ index: Int32) -> ItemID { ItemID(text(records[Int(index)].id)) }

    private static func numericKey(_ code: String) -> UInt64? {
        let utf8 = code.utf8
        guard (1...18).contains(utf8.count) else { return nil }
        var value: UInt64 = 0
        for b in utf8 {
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + UInt64(b - 48)
        }
        return value | UInt64(utf8.count) << 60
    }

    private mutating func store(_ text: String) -> Span {
        let span = Span(offset: UInt32(arena.count), length: UInt32(text.utf8.count))
        arena.append(contentsOf: text.utf8)
        return span
    }

    private func text(_ span: Span) -> String {
        arena.withUnsafeBufferPointer { String(decoding: $0[Int(span.offset)..<Int(span.offset + span.length)], as: UTF8.self) }
    }

    private func materialise(_ index: Int32) -> Item {
        let r = records[Int(index)]
        let codes = text(r.codes).split(separator: "\n").map(String.init)
        return Item(id: ItemID(text(r.id)), name: text(r.name), department: departments.values[Int(r.department)], price: r.price,
                    taxClass: taxClasses.values[Int(r.taxClass)], unit: r.unit, barcodes: Array(codes.prefix(Int(r.barcodeCount))),
                    plus: Array(codes.dropFirst(Int(r.barcodeCount))))
    }

    /// Resolves what the scanner read or the cashier typed: a PLU, a product barcode (check digit
    /// verified) or a weight/price-embedded in-store barcode.
    public func resolve(_ raw: String) throws(LookupError) -> ScanResolution {
        let code = raw.trimmingSpaces()
        guard !code.isEmpty else { throw .empty }
        if let item = item(plu: code) { return .item(item) }
        guard code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            if let item = item(barcode: code) { return .item(item) }
            throw .malformed(code)
        }
        switch Barcode.classify(code) {
        case .invalid:
            if let item = item(barcode: code) { return .item(item) }
            if [8, 12, 13].contains(code.count) { throw .invalidCheckDigit(code) }
            throw .unknownCode(code)
        case .ean8, .upcA, .ean13:
            if let item = item(barcode: code) { return .item(item) }
            // A UPC-A is the EAN-13 with a leading zero; shops list either form.
            if code.count == 12, let item = item(barcode: "0" + code) { return .item(item) }
            if code.count == 13, code.first == "0", let item = item(barcode: String(code.dropFirst())) { return .item(item) }
            for rule in embeddedRules {
                if let hit = rule.match(code) {
                    guard let item = item(plu: hit.itemCode) ?? item(ItemID(hit.itemCode)) else { continue }
                    switch rule.value {
                    case .grams: return .weighed(item, grams: hit.value)
                    case .cents: return .priced(item, amount: hit.value)
                    }
                }
            }
            throw .unknownCode(code)
        }
    }
}

extension Catalog {
    /// Items whose name contains `query`, ignoring case (ä and Ä alike): names that begin with it
    /// first, then names with a word that begins with it, then the rest, each group by name; at
    /// most `limit`. A linear pass over the names in the arena, without materialising an item that
    /// does not match: a hundred thousand names are a few megabytes read once.
    public func search(name query: String, limit: Int) -> [Item] {
        let needle = Self.folded(Array(query.trimmingSpaces().utf8))
        guard !needle.isEmpty, limit > 0 else { return [] }
        var hits: [(rank: Int, name: String, index: Int32)] = []
        arena.withUnsafeBufferPointer { bytes in
            for (i, r) in records.enumerated() where r.live {
                let name = Self.folded(Array(bytes[Int(r.name.offset)..<Int(r.name.offset + r.name.length)]))
                guard let at = Self.firstMatch(needle, in: name) else { continue }
                let rank = at == 0 ? 0 : (Self.startsWord(name, at) ? 1 : 2)
                hits.append((rank, text(r.name), Int32(i)))
            }
        }
        hits.sort { ($0.rank, $0.name, $0.index) < ($1.rank, $1.name, $1.index) }
        return hits.prefix(limit).map { materialise($0.index) }
    }

    /// Lower case for ASCII and for the two-byte Latin letters (À–Þ), so that ÄÖÅ fold too.
    private static func folded(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        for i in out.indices {
            let b = out[i]
            if b >= 65 && b <= 90 {
                out[i] = b + 32
            } else if b >= 0x80 && b <= 0x9E && b != 0x97 && i > 0 && bytes[i - 1] == 0xC3 {
                out[i] = b + 0x20
            }
        }
        return out
    }

    private static func firstMatch(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count else { return nil }
        for start in 0...(hay.count - needle.count) where hay[start] == needle[0] {
            var k = 1
            while k < needle.count && hay[start + k] == needle[k] { k += 1 }
            if k == needle.count { return start }
        }
        return nil
    }

    private static func startsWord(_ name: [UInt8], _ at: Int) -> Bool {
        at > 0 && " -/(,.".utf8.contains(name[at - 1])
    }
}

/// GS1 retail barcodes and their check digits.
public enum Barcode {
    public enum Kind: Equatable, Sendable {
        case ean8, upcA, ean13
        case invalid(String)
    }

    /// The GS1 mod-10 check digit for the digits before it.
    public static func checkDigit(_ digits: some Collection<UInt8>) -> UInt8 {
        var sum = 0
        // Weights 3,1,3,… from the rightmost data digit.
        for (i, d) in digits.reversed().enumerated() { sum += Int(d) * (i % 2 == 0 ? 3 : 1) }
        return UInt8((10 - sum % 10) % 10)
    }

    public static func classify(_ code: String) -> Kind {
        let bytes = Array(code.utf8)
        guard bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return .invalid("not all digits") }
        let digits = bytes.map { $0 - 48 }
        let kind: Kind
        switch digits.count {
        case 8: kind = .ean8
        case 12: kind = .upcA
        case 13: kind = .ean13
        default: return .invalid("\(digits.count) digits; EAN-8, UPC-A and EAN-13 have 8, 12 and 13")
        }
        let expected = checkDigit(digits.dropLast())
        guard expected == digits.last! else { return .invalid("check digit \(digits.last!) should be \(expected)") }
        return kind
    }

    /// Appends the check digit to 7, 11 or 12 data digits.
    public static func withCheckDigit(_ data: String) -> String {
        data + String(checkDigit(data.utf8.map { $0 - 48 }))
    }
}

/// An in-store EAN-13 that carries an item code and a weight or price, e.g. `21` + 5-digit item +
/// 5-digit grams + check digit. Shops differ, so the layout is configuration.
public struct EmbeddedBarcodeRule: Hashable, Sendable {
    public enum Value: String, Sendable, Hashable { case grams, cents }

    public var prefix: String
    public var itemDigits: Int
    public var valueDigits: Int
    public var value: Value

    public init(prefix: String, itemDigits: Int, valueDigits: Int, value: Value) {
        self.prefix = prefix
        self.itemDigits = itemDigits
        self.valueDigits = valueDigits
        self.value = value
    }

    /// Whether the layout fills an EAN-13 exactly (prefix + item + value + check digit).
    public var isValid: Bool {
        !prefix.isEmpty && itemDigits > 0 && valueDigits > 0 && prefix.count + itemDigits + valueDigits + 1 == 13
    }

    public func match(_ code: String) -> (itemCode: String, value: Int64)? {
        // Digits only: a non-digit byte below "0" would trap in the arithmetic below.
        guard isValid, code.count == 13, code.hasPrefix(prefix), code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        let body = Array(code.utf8)
        let itemStart = prefix.utf8.count
        let itemCode = String(decoding: body[itemStart..<(itemStart + itemDigits)], as: UTF8.self)
        var v: Int64 = 0
        for d in body[(itemStart + itemDigits)..<(itemStart + itemDigits + valueDigits)] { v = v * 10 + Int64(d - 48) }
        return (itemCode, v)
    }

    /// Finland's common layouts: `23` weight in grams, `24` price in cents, 5 + 5 digits.
    public static let finnishDefaults = [
        EmbeddedBarcodeRule(prefix: "23", itemDigits: 5, valueDigits: 5, value: .grams),
        EmbeddedBarcodeRule(prefix: "24", itemDigits: 5, valueDigits: 5, value: .cents),
    ]
}

/// Values that repeat across many items (departments, tax classes), stored once and referred to
/// by a small number.
private struct Interner<Value: Hashable & Sendable>: Sendable {
    private(set) var values: [Value] = []
    private var ids: [Value: UInt16] = [:]

    mutating func id(_ value: Value) -> UInt16 {
        if let id = ids[value] { return id }
        let id = UInt16(values.count)
        values.append(value)
        ids[value] = id
        return id
    }
}

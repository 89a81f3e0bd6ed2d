/// Catalog import and export as CSV (RFC 4180), the format shops keep their price lists in.
///
/// Import is all-or-nothing: a price list with one bad row must not half-replace the catalog at the
/// counter, so the whole file is checked and every problem is reported at once, each with its line
/// and column, for the person fixing the spreadsheet.
///
/// The header row names the columns, in any order and any letter case:
/// `id`, `name`, `price` and `tax_class` are required; `department`, `unit` (`piece` or `weight`,
/// default `piece`), `barcodes` and `plus` are optional. Several barcodes or PLUs in one cell are
/// separated by `|` or spaces. Unquoted cells are trimmed (spreadsheets leave stray spaces); quoted
/// cells are kept exactly. A UTF-8 byte order mark and blank lines are ignored.
public enum CatalogCSV {
    /// The column names, in the order `export` writes them.
    public static let columns = ["id", "name", "department", "price", "tax_class", "unit", "barcodes", "plus"]
    static let requiredColumns: Set<String> = ["id", "name", "price", "tax_class"]

    /// Parses a catalog. `taxClasses`, when given, is the register's set of VAT classes and every
    /// row must name one of them; `embeddedRules` go into the catalog unchanged.
    public static func parse(_ bytes: [UInt8], currency: Currency, taxClasses: Set<TaxClassID>? = nil,
                             embeddedRules: [EmbeddedBarcodeRule] = []) throws(CatalogImportError) -> Catalog {
        var tokenizer = CSVTokenizer(bytes)
        var problems: [CatalogImportProblem] = []
        var records: [CSVRecord] = []
        while let record = tokenizer.next() {
            if !record.isBlank { records.append(record) }
        }
        guard let headerRecord = records.first else {
            throw CatalogImportError(problems: [CatalogImportProblem(line: 1, column: 0, columnName: nil, reason: .missingHeader)])
        }

        let header = Header(headerRecord, problems: &problems)
        var checker = RowChecker(header: header, currency: currency, taxClasses: taxClasses)
        var items: [Item] = []
        // An unterminated quote swallowed the rest of the file: its record is reported, not checked.
        for record in records.dropFirst() where !record.isUnterminated {
            if let item = checker.check(record, problems: &problems) { items.append(item) }
        }
        for var problem in tokenizer.problems {
            problem.columnName = header.name(at: problem.column)
            problems.append(problem)
        }
        // File order, the order in which a person fixes the file (the sort is stable).
        problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        guard problems.isEmpty else { throw CatalogImportError(problems: problems) }

        do {
            return try Catalog(items, embeddedRules: embeddedRules)
        } catch {
            // RowChecker rejects every duplicate and invalid barcode Catalog would, and more.
            preconditionFailure("catalog rows were validated but Catalog refused them: \(error)")
        }
    }

    /// Writes the catalog with a header row, items sorted by id and CRLF line ends (RFC 4180), so
    /// that exports of one catalog compare equal and `parse` gives the same catalog back (given
    /// the same rules; items made in code must hold what `parse` accepts: names, digit PLUs).
    public static func export(_ catalog: Catalog, currency: Currency) -> String {
        let amount = MoneyFormat(decimalSeparator: ".", groupingSeparator: nil, symbol: "", symbolPosition: .none)
        var out = columns.joined(separator: ",") + "\r\n"
        for item in catalog.items.values.sorted(by: { $0.id < $1.id }) {
            let cells = [
                item.id.rawValue, item.name, item.department, amount.number(item.price, currency: currency),
                item.taxClass.rawValue, item.unit.rawValue,
                item.barcodes.joined(separator: "|"), item.plus.joined(separator: "|"),
            ]
            out += cells.map(quoted).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// Quotes a cell when the parser would otherwise split, unquote or trim it.
    static func quoted(_ cell: String) -> String {
        let needsQuotes = cell.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            || cell.trimmingSpaces() != cell
        guard needsQuotes else { return cell }
        var out = "\""
        for c in cell {
            if c == "\"" { out += "\"\"" } else { out.append(c) }
        }
        return out + "\""
    }
}

/// One thing wrong with an imported catalog.
public struct CatalogImportProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable, CustomStringConvertible {
        case missingHeader
        case unknownColumn(String)
        case duplicateColumn(String)
        case missingColumn(String)
        case invalidUTF8
        case unterminatedQuote
        case quoteInUnquotedField
        case textAfterClosingQuote
        case wrongFieldCount(expected: Int, found: Int)
        case emptyField
        case badPrice(String)
        case negativePrice(String)
        case unknownTaxClass(String)
        case unknownUnit(String)
        case invalidBarcode(String, reason: String)
        case invalidPLU(String)
        case duplicateID(String, firstLine: Int)
        /// The id of the register's own gift voucher lines.
        case reservedID(String)
        /// Also when one is the UPC-A and the other the EAN-13 of the same code: the scanner may read either.
        case duplicateBarcode(String, firstLine: Int)
        case duplicatePLU(String, firstLine: Int)
        /// A PLU is looked up before barcodes, so a PLU equal to a barcode would hide one of the two items.
        case pluClashesWithBarcode(String, otherLine: Int)

        public var description: String {
            switch self {
            case .missingHeader: return "no header row"
            case .unknownColumn(let name): return "unknown column \"\(name)\"; known: \(CatalogCSV.columns.joined(separator: ", "))"
            case .duplicateColumn(let name): return "column \"\(name)\" appears twice"
            case .missingColumn(let name): return "required column \"\(name)\" is missing"
            case .invalidUTF8: return "not valid UTF-8"
            case .unterminatedQuote: return "quoted field is never closed"
            case .quoteInUnquotedField: return "a quote inside an unquoted field (quote the whole field and double the quote)"
            case .textAfterClosingQuote: return "text after the closing quote"
            case .wrongFieldCount(let expected, let found): return "\(found) fields, the header has \(expected)"
            case .emptyField: return "must not be empty"
            case .badPrice(let text): return "bad price \"\(text)\""
            case .negativePrice(let text): return "negative price \"\(text)\""
            case .unknownTaxClass(let text): return "unknown tax class \"\(text)\""
            case .unknownUnit(let text): return "unknown unit \"\(text)\"; use piece or weight"
            case .invalidBarcode(let code, let why): return "invalid barcode \(code): \(why)"
            case .invalidPLU(let text): return "PLU \"\(text)\" is not all digits"
            case .duplicateID(let id, let first): return "id \(id) already used on line \(first)"
            case .reservedID(let id): return "id \(id) is the register's own (gift voucher lines)"
            case .duplicateBarcode(let code, let first): return "barcode \(code) already used on line \(first)"
            case .duplicatePLU(let plu, let first): return "PLU \(plu) already used on line \(first)"
            case .pluClashesWithBarcode(let code, let line): return "\(code) is both a PLU and a barcode (other on line \(line))"
            }
        }
    }

    /// 1-based line of the file where the problem's record starts.
    public var line: Int
    /// 1-based field number; 0 when the problem is about the whole row or a missing column.
    public var column: Int
    /// The header's name for that column, when there is one.
    public var columnName: String?
    public var reason: Reason

    public init(line: Int, column: Int, columnName: String?, reason: Reason) {
        self.line = line
        self.column = column
        self.columnName = columnName
        self.reason = reason
    }

    public var description: String {
        var place = "line \(line)"
        if column > 0 { place += ", column \(column)" }
        if let columnName { place += " (\(columnName))" }
        return "\(place): \(reason)"
    }
}

/// Why an import was refused: every problem found in the file, in file order.
public struct CatalogImportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [CatalogImportProblem]

    public init(problems: [CatalogImportProblem]) { self.problems = problems }

    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        return (["catalog not imported, \(problems.count) \(noun):"] + problems.map { "  \($0)" })
            .joined(separator: "\n")
    }
}

// MARK: - RFC 4180 tokenizer

struct CSVField {
    var bytes: [UInt8] = []
    var quoted = false
    var line: Int
}

struct CSVRecord {
    var line: Int
    var fields: [CSVField]
    var isUnterminated = false

    var isBlank: Bool { fields.count == 1 && fields[0].bytes.isEmpty && !fields[0].quoted }
}

/// Splits bytes into records and fields. It works on bytes, not characters: `"`, `,`, CR and LF
/// are ASCII and never occur inside a multi-byte UTF-8 sequence, so UTF-8 can be validated per
/// field afterwards, where a bad byte can be named by line and column.
struct CSVTokenizer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private(set) var problems: [CatalogImportProblem] = []

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    /// Consumes CRLF, LF or a lone CR at the cursor and counts the line.
    private mutating func consumeLineBreak() -> Bool {
        guard index < bytes.count else { return false }
        if bytes[index] == Self.cr {
            index += 1
            if index < bytes.count && bytes[index] == Self.lf { index += 1 }
        } else if bytes[index] == Self.lf {
            index += 1
        } else {
            return false
        }
        line += 1
        return true
    }

    private mutating func report(_ reason: CatalogImportProblem.Reason, record: Int, column: Int) {
        problems.append(CatalogImportProblem(line: record, column: column, columnName: nil, reason: reason))
    }

    mutating func next() -> CSVRecord? {
        guard index < bytes.count else { return nil }
        var record = CSVRecord(line: line, fields: [])
        while true {
            var field = CSVField(line: line)
            if index < bytes.count && bytes[index] == Self.quote {
                field.quoted = true
                index += 1
                var closed = false
                while index < bytes.count {
                    let b = bytes[index]
                    if b == Self.quote {
                        if index + 1 < bytes.count && bytes[index + 1] == Self.quote {
                            field.bytes.append(Self.quote)
                            index += 2
                        } else {
                            index += 1
                            closed = true
                            break
                        }
                    } else if b == Self.cr || b == Self.lf {
                        // Embedded line breaks are data, kept as written; they still count as lines.
                        let start = index
                        _ = consumeLineBreak()
                        field.bytes += bytes[start..<index]
                    } else {
                        field.bytes.append(b)
                        index += 1
                    }
                }
                guard closed else {
                    report(.unterminatedQuote, record: field.line, column: record.fields.count + 1)
                    record.fields.append(field)
                    record.isUnterminated = true
                    return record
                }
                var strayText = false
                while index < bytes.count, bytes[index] != Self.comma, bytes[index] != Self.cr, bytes[index] != Self.lf {
                    strayText = true
                    index += 1
                }
                if strayText { report(.textAfterClosingQuote, record: record.line, column: record.fields.count + 1) }
            } else {
                var strayQuote = false
                while index < bytes.count, bytes[index] != Self.comma, bytes[index] != Self.cr, bytes[index] != Self.lf {
                    if bytes[index] == Self.quote { strayQuote = true }
                    field.bytes.append(bytes[index])
                    index += 1
                }
                if strayQuote { report(.quoteInUnquotedField, record: record.line, column: record.fields.count + 1) }
            }
            record.fields.append(field)
            if index < bytes.count && bytes[index] == Self.comma {
                index += 1
                continue
            }
            _ = consumeLineBreak()
            return record
        }
    }
}

// MARK: - Rows to items

private struct Header {
    /// Column name for each field position; nil for an unknown or repeated column.
    var names: [String?]

    func name(at column: Int) -> String? {
        column >= 1 && column <= names.count ? names[column - 1] : nil
    }

    init(_ record: CSVRecord, problems: inout [CatalogImportProblem]) {
        names = []
        var seen: Set<String> = []
        for (i, field) in record.fields.enumerated() {
            let text = decodeUTF8(field.bytes).map { field.quoted ? $0 : $0.trimmingSpaces() }
            guard let text else {
                problems.append(CatalogImportProblem(line: field.line, column: i + 1, columnName: nil, reason: .invalidUTF8))
                names.append(nil)
                continue
            }
            let name = text.lowercased()
            if !CatalogCSV.columns.contains(name) {
                problems.append(CatalogImportProblem(line: record.line, column: i + 1, columnName: text, reason: .unknownColumn(text)))
                names.append(nil)
            } else if seen.contains(name) {
                problems.append(CatalogImportProblem(line: record.line, column: i + 1, columnName: name, reason: .duplicateColumn(name)))
                names.append(nil)
            } else {
                seen.insert(name)
                names.append(name)
            }
        }
        for name in CatalogCSV.columns where CatalogCSV.requiredColumns.contains(name) && !seen.contains(name) {
            problems.append(CatalogImportProblem(line: record.line, column: 0, columnName: name, reason: .missingColumn(name)))
        }
    }
}

/// Checks rows one by one and remembers the ids and codes of earlier rows, so that a duplicate is
/// reported on the later line with a pointer to the first.
private struct RowChecker {
    let header: Header
    let currency: Currency
    let taxClasses: Set<TaxClassID>?
    var idLines: [String: Int] = [:]
    /// Keyed by `codeKey`, so that a UPC-A and its EAN-13 form collide.
    var barcodeLines: [String: Int] = [:]
    var pluLines: [String: Int] = [:]
    /// PLUs keyed by `codeKey`, to catch a PLU that a scanned barcode would hit.
    var pluKeyLines: [String: Int] = [:]

    init(header: Header, currency: Currency, taxClasses: Set<TaxClassID>?) {
        self.header = header
        self.currency = currency
        self.taxClasses = taxClasses
    }

    /// The form in which the scanner's reading is compared: a 12-digit UPC-A is an EAN-13 with a leading 0.
    static func codeKey(_ code: String) -> String { code.utf8.count == 12 ? "0" + code : code }

    static func codes(_ cell: String) -> [String] {
        cell.split(whereSeparator: { $0 == "|" || $0 == " " }).map(String.init)
    }

    mutating func check(_ record: CSVRecord, problems: inout [CatalogImportProblem]) -> Item? {
        let before = problems.count
        func problem(_ column: Int, _ reason: CatalogImportProblem.Reason) {
            problems.append(CatalogImportProblem(line: record.line, column: column, columnName: header.name(at: column), reason: reason))
        }

        let expected = header.names.count
        if record.fields.count != expected {
            let column = min(record.fields.count, expected) + 1
            problem(column, .wrongFieldCount(expected: expected, found: record.fields.count))
        }
        var cells: [String: (text: String, column: Int)] = [:]
        for (i, field) in record.fields.enumerated() {
            guard let text = decodeUTF8(field.bytes) else {
                problems.append(CatalogImportProblem(line: field.line, column: i + 1, columnName: header.name(at: i + 1),
                                                     reason: .invalidUTF8))
                continue
            }
            if i < expected, let name = header.names[i] {
                cells[name] = (field.quoted ? text : text.trimmingSpaces(), i + 1)
            }
        }
        func required(_ name: String) -> (text: String, column: Int)? {
            guard let cell = cells[name] else { return nil }
            guard !cell.text.isEmpty else { problem(cell.column, .emptyField); return nil }
            return cell
        }

        let id = required("id")
        if let id {
            if let first = idLines[id.text] { problem(id.column, .duplicateID(id.text, firstLine: first)) }
            else { idLines[id.text] = record.line }
            if ItemID(id.text) == .giftVoucher { problem(id.column, .reservedID(id.text)) }
        }
        let name = required("name")

        var price: Int64?
        if let cell = required("price") {
            if let money = try? Money.parse(cell.text, currency: currency) {
                if money.isNegative { problem(cell.column, .negativePrice(cell.text)) } else { price = money.minor }
            } else {
                problem(cell.column, .badPrice(cell.text))
            }
        }

        var taxClass: TaxClassID?
        if let cell = required("tax_class") {
            let classID = TaxClassID(cell.text)
            taxClass = classID
            if let taxClasses, !taxClasses.contains(classID) { problem(cell.column, .unknownTaxClass(cell.text)) }
        }

        var unit = SaleUnit.piece
        if let cell = cells["unit"], !cell.text.isEmpty {
            if let u = SaleUnit(rawValue: cell.text.lowercased()) { unit = u } else { problem(cell.column, .unknownUnit(cell.text)) }
        }

        var barcodes: [String] = []
        if let cell = cells["barcodes"] {
            for code in Self.codes(cell.text) {
                if case .invalid(let why) = Barcode.classify(code) {
                    problem(cell.column, .invalidBarcode(code, reason: why))
                    continue
                }
                let key = Self.codeKey(code)
                if let first = barcodeLines[key] { problem(cell.column, .duplicateBarcode(code, firstLine: first)); continue }
                if let pluLine = pluKeyLines[key] { problem(cell.column, .pluClashesWithBarcode(code, otherLine: pluLine)) }
                barcodeLines[key] = record.line
                barcodes.append(code)
            }
        }

        var plus: [String] = []
        if let cell = cells["plus"] {
            for plu in Self.codes(cell.text) {
                guard plu.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { problem(cell.column, .invalidPLU(plu)); continue }
                if let first = pluLines[plu] { problem(cell.column, .duplicatePLU(plu, firstLine: first)); continue }
                let key = Self.codeKey(plu)
                if let barcodeLine = barcodeLines[key] { problem(cell.column, .pluClashesWithBarcode(plu, otherLine: barcodeLine)) }
                pluLines[plu] = record.line
                pluKeyLines[key] = record.line
                plus.append(plu)
            }
        }

        guard problems.count == before, let id, let name, let price, let taxClass else { return nil }
        return Item(id: ItemID(id.text), name: name.text, department: cells["department"]?.text ?? "", price: price,
                    taxClass: taxClass, unit: unit, barcodes: barcodes, plus: plus)
    }
}

/// The text of the bytes, or nil when they are not valid UTF-8 (no replacement characters: a
/// mangled item name on a receipt is worse than a refused import).
private func decodeUTF8(_ bytes: [UInt8]) -> String? {
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var scalars = String.UnicodeScalarView()
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): scalars.append(scalar)
        case .emptyInput: return String(scalars)
        case .error: return nil
        }
    }
}

import KassaCore
import KassaIPC

/// How the results of the register's lookups and the technician's commands print for people:
/// words and the register's money, never JSON (that is `--json`).
enum PlainOutput {
    /// Prints the result of `op`; false when `op` is not one of these.
    static func show(_ op: String, _ r: JSONValue, _ s: Session) throws(CommandFailure) -> Bool {
        switch op {
        case "lookup":
            // One item, or a list of them (a search by name).
            let items = r["items"]?.arrayValue ?? [r]
            for found in items { lookup(found, s) }
            if items.isEmpty { print("nothing found") }
        case "operators":
            for o in r.arrayValue ?? [] {
                let disabled = o["disabled"]?.boolValue == true ? "  disabled" : ""
                print(TextLayout.pad(o["id"]?.stringValue ?? "?", to: 12) + " " + TextLayout.pad(o["name"]?.stringValue ?? "", to: 24)
                      + " " + (o["role"]?.stringValue ?? "?") + disabled)
            }
        case "journal-status":
            let j = try Session.read(r, as: JournalStatusReply.self)
            print("journal  \(j.mode == "read_write" ? "read-write" : "READ-ONLY")" + (j.reason.map { ": \($0)" } ?? ""))
            print("records  \(j.lastSeq) (\(j.durableSeq) on disk), head \(String(j.headHash.prefix(16)))")
            if let free = j.freeBytes { print("free     \(free / 1_048_576) MiB") }
            if let v = j.verification { print("verified \(v.summary)") }
        case "journal-recover":
            print("the damaged journal is sealed as \(r["sealed"]?.stringValue ?? "?") (its records up to \(r["sealed_last_seq"]?.intValue ?? 0));"
                  + " \(r["unreadable_records"]?.intValue ?? 0) records could not be read; the register goes on from a new chain")
        case "clock-check":
            let ok = r["ok"]?.boolValue == true
            print(ok ? "the clock is fine: not behind the journal's newest time"
                     : "the clock is BEHIND the journal's newest time: selling waits until it has caught up")
            print("clock          \(utc(r["time"]?.intValue))")
            print("newest record  \(utc(r["newest_journal_time"]?.intValue))")
        case "config":
            let settings = r.objectValue ?? [:]
            let width = min(32, (settings.keys.map(\.count).max() ?? 0) + 1)
            for key in settings.keys.sorted() {
                print(TextLayout.pad(key, to: width) + " " + scalar(settings[key] ?? .null))
            }
        case "config-set":
            print("\(r["key"]?.stringValue ?? "?"): \(r["old"]?.stringValue ?? "-") -> \(r["new"]?.stringValue ?? "-")")
            if r["restart_needed"]?.boolValue == true { print("restart kassad for it to take effect") }
        case "training":
            print(r["training"]?.boolValue == true ? "training mode ON: nothing sold counts" : "training mode off")
        case "catalog-import":
            print("catalog imported: \(r["items"]?.intValue ?? Int64(r["items"]?.arrayValue?.count ?? 0)) items")
        case "operator-added":
            let o = r["operator"] ?? .null
            print("added \(o["id"]?.stringValue ?? "?"): \(o["name"]?.stringValue ?? "?") (\(o["role"]?.stringValue ?? "?"))")
        case "clock-fix":
            print("\(r["operator"]?.stringValue ?? "?"): now \(r["status"]?.stringValue ?? "?")")
            for p in r["card"]?.arrayValue ?? [] {
                print("  " + TextLayout.pad(p["action"]?.stringValue ?? "?", to: 12) + " " + (p["at"]?.stringValue ?? utc(p["at"]?.intValue)))
            }
        case "promotion-removed":
            print("promotion removed")
        default:
            return false
        }
        return true
    }

    static func lookup(_ r: JSONValue, _ s: Session) {
        let item = r["item"] ?? r
        let weighed = item["unit"]?.stringValue == "weight"
        var text = TextLayout.pad(item["id"]?.stringValue ?? "?", to: 12) + " " + TextLayout.pad(item["name"]?.stringValue ?? "", to: 24)
            + " " + s.money(item["price"]?.intValue) + (weighed ? "/kg" : "")
        text += "  VAT \(item["tax_class"]?.stringValue ?? "?")"
        if let d = item["department"]?.stringValue, !d.isEmpty { text += "  \(d)" }
        print(text)
        let codes = ((item["barcodes"]?.arrayValue ?? []) + (item["plus"]?.arrayValue ?? [])).compactMap(\.stringValue)
        if !codes.isEmpty { print("  codes: " + codes.joined(separator: ", ")) }
        if let g = r["grams"]?.intValue { print("  this label: \(Receipt.grams(g, separator: s.format.decimalSeparator))") }
        if let a = r["amount"]?.intValue { print("  this label: \(s.money(a))") }
    }

    /// Milliseconds since 1970 as UTC `YYYY-MM-DD HH:MM:SS UTC`.
    static func utc(_ ms: Int64?) -> String {
        guard let ms else { return "?" }
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - day * 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(CivilDate(daysSinceEpoch: day)) \(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60)) UTC"
    }

    /// What no printer above knows: its fields as `key: value` lines, nested ones indented.
    static func fields(_ v: JSONValue, indent: String = "") {
        switch v {
        case .object(let o):
            for key in o.keys.sorted() {
                let value = o[key]!
                if case .object = value { print(indent + key + ":"); fields(value, indent: indent + "  ") }
                else if case .array(let a) = value, a.contains(where: { $0.objectValue != nil }) {
                    print(indent + key + ":")
                    for element in a { fields(element, indent: indent + "  ") }
                } else { print(indent + key + ": " + scalar(value)) }
            }
        case .array(let a):
            for element in a { fields(element, indent: indent) }
        default:
            print(indent + scalar(v))
        }
    }

    /// An event's data on one line: its plain fields as ` key=value`, what is nested as `key=…`.
    static func summary(_ v: JSONValue) -> String {
        guard let o = v.objectValue else { return v == .null ? "" : " " + scalar(v) }
        return o.keys.sorted().map { key in
            switch o[key]! {
            case .object, .array: return " \(key)=…"
            default: return " \(key)=\(scalar(o[key]!))"
            }
        }.joined()
    }

    static func scalar(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .array(let a): return a.map(scalar).joined(separator: ", ")
        case .null: return "-"
        case .object: return "…"
        default: return v.serialized()
        }
    }
}

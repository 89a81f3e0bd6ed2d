/// Sales and refund lines as CSV for accounting (amounts in minor units, times in UTC): what
/// `kassa journal export --csv` prints and what the console's `journal export` writes.
public enum AccountingCSV {
    public static let header = "document,number,original_receipt,time_utc,register,operator,training,line,item,name,quantity,unit,unit_price,gross,tax,net,tax_class,tax_bp"

    /// One row per sold or refunded line; nothing for other events.
    public static func rows(_ event: RegisterEvent) -> [String] {
        switch event {
        case .saleCompleted(let s):
            return s.lines.indices.compactMap { i -> String? in
                guard let p = s.priced[i] else { return nil }
                let l = s.lines[i]
                return row(["sale", String(s.receiptNumber), "", isoTime(s.time), s.registerID, s.operatorID.rawValue,
                            String(s.training), String(i), l.itemID.rawValue, l.name, String(l.quantity), l.unit.rawValue,
                            String(l.unitPrice), String(p.gross), String(p.tax), String(p.net), l.taxClass.rawValue,
                            String(l.taxBasisPoints)])
            }
        case .refundCompleted(let r):
            return r.lines.map { l in
                row(["refund", String(r.refundNumber), String(r.originalReceipt), isoTime(r.time), "", r.operatorID.rawValue,
                     String(r.training), String(l.originalLine), l.itemID.rawValue, l.name, String(-l.quantity),
                     l.unit.rawValue, "", String(-l.gross), String(-l.tax), String(-(l.gross - l.tax)), l.taxClass.rawValue,
                     String(l.taxBasisPoints)])
            }
        default:
            return []
        }
    }

    public static let zHeader = "z,closed_at_utc,register,section,key,count,net,tax,gross"

    /// One Z closing for accounting: its sales and refunds per VAT rate, tenders taken and paid
    /// back, and the day's totals. Amounts in minor units; refunds positive, as paid back.
    /// `anchor` (a `ChainAnchor` as text) ends the file, in its `key`.
    public static func zClosing(_ z: ZReport, anchor: String? = nil) -> [String] {
        let k = z.counters
        func line(_ section: String, _ key: String, count: Int64? = nil, net: Int64? = nil, tax: Int64? = nil, gross: Int64?) -> String {
            row([String(z.number), isoTime(z.closedAt), z.registerID, section, key, count.map(String.init) ?? "",
                 net.map(String.init) ?? "", tax.map(String.init) ?? "", gross.map(String.init) ?? ""])
        }
        func rate(_ t: TaxKey) -> String { "\(t.taxClass.rawValue) \(Receipt.basisPointsText(t.basisPoints))%" }
        var out = [zHeader]
        out.append(line("sales", "total", count: k.salesCount, gross: k.salesGross))
        for (key, a) in k.salesByTax.sorted(by: { $0.key < $1.key }) {
            out.append(line("sales_by_tax", rate(key), net: a.net, tax: a.tax, gross: a.gross))
        }
        for kind in TenderKind.allCases { if let v = k.tenders[kind] { out.append(line("tender", kind.rawValue, gross: v)) } }
        out.append(line("refunds", "total", count: k.refundsCount, gross: k.refundsGross))
        for (key, a) in k.refundsByTax.sorted(by: { $0.key < $1.key }) {
            out.append(line("refunds_by_tax", rate(key), net: a.net, tax: a.tax, gross: a.gross))
        }
        for kind in TenderKind.allCases {
            if let v = k.refundTenders[kind] { out.append(line("refund_tender", kind.rawValue, gross: v)) }
        }
        // Gift vouchers: money taken and paid back that is neither revenue nor VAT (a liability).
        out.append(line("vouchers_sold", "total", count: k.vouchersSoldCount, gross: k.vouchersSold))
        out.append(line("vouchers_refunded", "total", count: k.vouchersRefundedCount, gross: k.vouchersRefunded))
        out.append(line("discounts", "total", count: k.discountCount, gross: k.discountTotal))
        out.append(line("cash_rounding", "total", gross: k.roundingTotal))
        out.append(line("net", "total", gross: k.netTotal))
        if let anchor { out.append(line("anchor", anchor, gross: nil)) }
        return out
    }

    /// RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside.
    public static func row(_ fields: [String]) -> String {
        fields.map { f in
            guard f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return f }
            var quoted = "\""
            for c in f { quoted += c == "\"" ? "\"\"" : String(c) }
            return quoted + "\""
        }.joined(separator: ",")
    }

    /// `2026-02-02T14:05:00Z` from milliseconds since the epoch.
    public static func isoTime(_ t: Timestamp) -> String {
        let ms = t.milliseconds
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let rest = ms - days * 86_400_000
        let date = CivilDate(daysSinceEpoch: days)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date)T\(two(rest / 3_600_000)):\(two(rest / 60_000 % 60)):\(two(rest / 1000 % 60))Z"
    }
}

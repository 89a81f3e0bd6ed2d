/// Sales reports for people: an 80-column table with `#` bars for the console and the screen,
/// and an SVG bar chart for owners who would rather look than read.
public enum SalesReportText {
    public static let columns = 80

    /// The table; `format` writes an amount in minor units as money.
    public static func lines(_ report: SalesReport, format: (Int64) -> String) -> [String] {
        let t = table(report, format: format)
        return t.header + t.rows + t.footer
    }

    /// The table in parts, one line per row of the report in `rows`, so it can be sent in pages.
    public static func table(_ report: SalesReport, format: (Int64) -> String) -> (header: [String], rows: [String], footer: [String]) {
        let title = "SALES BY \(report.grouping.rawValue.uppercased())  \(period(report))"
        let top = report.rows.map { $0.figures.net }.max() ?? 0
        let t = report.total
        let total = "Total: \(t.sales) sales \(format(t.gross)), \(t.refunds) refunds \(format(-t.refunded)), net \(format(t.net))"
        switch report.grouping {
        case .employee:
            let widths = [12, 6, 6, 11, 7, 6, 6, 14]
            func line(_ r: SalesReportRow) -> String {
                let f = r.figures
                return row([r.label, String(f.sales), tenths(f.itemsPerSaleTenths), format(f.averageSale), String(f.refunds),
                            String(f.voidedLines + f.cancelledSales), String(f.priceOverrides + f.discounts), format(f.net)], widths)
            }
            return ([title, row(["Operator", "Sales", "Items", "Average", "Refunds", "Voids", "Overr", "Net"], widths)],
                    report.rows.map(line),
                    [line(SalesReportRow(key: "", label: "Total", figures: report.total)),
                     "Items: per sale. Voids: voided lines and cancelled sales.", "Overr: price overrides and discounts.", total])
        case .tax:
            let widths = [16, 14, 12, 14, 20]
            return ([title, row(["VAT rate", "Gross", "VAT", "Net of VAT", ""], widths)],
                    report.rows.map { r in
                        let f = r.figures
                        return row([r.label, format(f.net), format(f.netTax), format(f.net - f.netTax), bar(f.net, top: top, width: 20)], widths)
                    },
                    [total])
        default:
            let widths = [22, 8, 14, 32]
            let item = report.grouping == .item
            let heading = report.grouping.isTime ? "Period" : report.grouping.rawValue.capitalizedFirst
            return ([title, row([heading, item ? "Qty" : "Count", "Net", ""], widths)],
                    report.rows.map { r in
                        let count = item ? r.figures.quantity : r.figures.sales
                        return row([r.label, String(count), format(r.figures.net), bar(r.figures.net, top: top, width: 32)], widths)
                    },
                    [total])
        }
    }

    static func period(_ r: SalesReport) -> String {
        switch (r.from, r.to) {
        case (nil, nil): return "(all)"
        case (let f?, nil): return "from \(f)"
        case (nil, let t?): return "before \(t)"
        case (let f?, let t?): return "\(f) to \(CivilDate(daysSinceEpoch: t.daysSinceEpoch - 1))"
        }
    }

    /// `#` bar of `value` in proportion to `top`, the largest; integer arithmetic only.
    static func bar(_ value: Int64, top: Int64, width: Int) -> String {
        guard top > 0, value > 0 else { return "" }
        let n = Int(value * Int64(width) / top)
        return String(repeating: "#", count: max(1, min(width, n)))
    }

    /// Cells padded to their widths (text left, figures right), one space apart, cut at 80 columns.
    static func row(_ cells: [String], _ widths: [Int]) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            if i > 0 { line += " " }
            let last = i == cells.count - 1
            let alignment: TextLayout.Alignment = i == 0 || (last && cell.hasPrefix("#")) || cell.isEmpty ? .left : .right
            line += TextLayout.pad(TextLayout.truncate(cell, to: widths[i]), to: widths[i], alignment: alignment)
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return TextLayout.truncate(line, to: columns)
    }

    static func tenths(_ v: Int64) -> String { "\(v / 10).\(v % 10)" }

    /// A horizontal bar chart of each row's net sales, written by hand: rects and escaped text.
    public static func svg(_ report: SalesReport, title: String, format: (Int64) -> String) -> String {
        svg(title: "\(title) \(period(report))", bars: report.rows.map { ($0.label, $0.figures.net) }, format: format)
    }

    /// A horizontal bar chart: one labelled bar per value, in proportion to the largest.
    public static func svg(title: String, bars: [(label: String, value: Int64)], format: (Int64) -> String) -> String {
        let rowHeight = 22, labelWidth = 200, barWidth = 480, top = 40
        let height = top + rowHeight * bars.count + 20
        let largest = bars.map(\.value).max() ?? 0
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barWidth + 140)\" height=\"\(height)\""
            + " font-family=\"sans-serif\" font-size=\"13\">\n"
        s += "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>\n"
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let w = largest > 0 && bar.value > 0 ? max(1, Int(bar.value * Int64(barWidth) / largest)) : 0
            s += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(bar.label))</text>\n"
            s += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"\(rowHeight - 6)\" fill=\"#3a7bd5\"/>\n"
            s += "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 15)\">\(escape(format(bar.value)))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// XML text: the five characters that could end or open markup.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// Sales reports for people: a table with `#` bars, 80 columns for the console and any width for
/// the register's screen, and an SVG bar chart for owners who would rather look than read.
public enum SalesReportText {
    public static let columns = 80

    /// The table; `format` writes an amount in minor units as money.
    public static func lines(_ report: SalesReport, columns: Int = SalesReportText.columns, format: (Int64) -> String) -> [String] {
        let t = table(report, columns: columns, format: format)
        return t.header + t.rows + t.footer
    }

    /// The table in parts, one line per row of the report in `rows`, so it can be sent in pages.
    /// Lines are at most `columns` wide; beyond 80 the labels and the bars get the room.
    public static func table(_ report: SalesReport, columns: Int = SalesReportText.columns,
                             format: (Int64) -> String) -> (header: [String], rows: [String], footer: [String]) {
        let title = TextLayout.truncate("SALES BY \(report.grouping.rawValue.uppercased())  \(period(report))", to: columns)
        let top = report.rows.map { $0.figures.net }.max() ?? 0
        let t = report.total
        let total = TextLayout.truncate("Total: \(t.sales) sales \(format(t.gross)), \(t.refunds) refunds \(format(-t.refunded)), net \(format(t.net))",
                                        to: columns)
        let wider = max(0, columns - SalesReportText.columns)
        func row(_ cells: [String], _ widths: [Int]) -> String { Self.row(cells, widths, columns: columns) }
        switch report.grouping {
        case .employee:
            var widths = [12 + wider / 3, 6, 6, 11, 7, 6, 6, 14]
            // A bar of net sales when there is room for one beside the figures.
            let barWidth = columns - widths.reduce(widths.count, +)
            let bars = barWidth >= 8
            if bars { widths.append(barWidth) }
            func line(_ r: SalesReportRow, bar: Bool) -> String {
                let f = r.figures
                return row([r.label, String(f.sales), tenths(f.itemsPerSaleTenths), format(f.averageSale), String(f.refunds),
                            String(f.voidedLines + f.cancelledSales), String(f.priceOverrides + f.discounts), format(f.net)]
                           + (bar ? [Self.bar(f.net, top: top, width: barWidth)] : []), widths)
            }
            return ([title, row(["Operator", "Sales", "Items", "Average", "Refunds", "Voids", "Overr", "Net"], widths)],
                    report.rows.map { line($0, bar: bars) },
                    [line(SalesReportRow(key: "", label: "Total", figures: report.total), bar: false),
                     TextLayout.truncate("Items: per sale. Voids: voided lines and cancelled sales.", to: columns),
                     TextLayout.truncate("Overr: price overrides and discounts.", to: columns), total])
        case .tax:
            let widths = [16, 14, 12, 14, max(0, columns - 60)]
            return ([title, row(["VAT rate", "Gross", "VAT", "Net of VAT", ""], widths)],
                    report.rows.map { r in
                        let f = r.figures
                        return row([r.label, format(f.net), format(f.netTax), format(f.net - f.netTax), bar(f.net, top: top, width: widths[4])],
                                   widths)
                    },
                    [total])
        default:
            let label = 22 + wider / 3
            let widths = [label, 8, 14, max(0, columns - label - 26)]
            let item = report.grouping == .item
            let heading = report.grouping.isTime ? "Period" : report.grouping.rawValue.capitalizedFirst
            return ([title, row([heading, item ? "Qty" : "Count", "Net", ""], widths)],
                    report.rows.map { r in
                        let count = item ? r.figures.quantity : r.figures.sales
                        return row([r.label, String(count), format(r.figures.net), bar(r.figures.net, top: top, width: widths[3])], widths)
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
        guard top > 0, value > 0, width > 0 else { return "" }
        let n = Int(value * Int64(width) / top)
        return String(repeating: "#", count: max(1, min(width, n)))
    }

    /// Cells padded to their widths (text left, figures right), one space apart, cut at `columns`.
    static func row(_ cells: [String], _ widths: [Int], columns: Int) -> String {
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

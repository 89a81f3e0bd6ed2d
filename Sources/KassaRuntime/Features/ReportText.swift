import KassaCore

/// X and Z reports as text, for the screen, the console and the printer.
enum ReportText {
    /// `at` is the report's local time in the register's time zone, as the caller formats it.
    static func x(_ x: XReport, _ c: RegisterConfig, at: String) -> [String] {
        ["X REPORT (nothing reset)", "Register \(x.registerID), next Z \(x.nextZNumber)", at] + body(x.counters, c)
            + grand(x.grandTotalSales, x.grandTotalRefunds, c)
    }

    /// `anchor`: where the journal's chain stood at the closing, to be kept off the box (a Z
    /// closing read back from a journal whose records before it are gone has none).
    static func z(_ z: ZReport, _ c: RegisterConfig, at: String, anchor: ChainAnchor?) -> [String] {
        ["Z REPORT \(z.number)", "Register \(z.registerID)", at] + body(z.counters, c) + grand(z.grandTotalSales, z.grandTotalRefunds, c)
            + (anchor.map { [row("Anchor", $0.short)] } ?? [])
    }

    private static func row(_ l: String, _ r: String) -> String { TextLayout.leftRight(l, r, columns: 40) }

    private static func body(_ k: ReportCounters, _ c: RegisterConfig) -> [String] {
        var out = [
            row("Sales", "\(k.salesCount)  \(c.format(k.salesGross))"),
            row("Refunds", "\(k.refundsCount)  \(c.format(-k.refundsGross))"),
            row("Net", c.format(k.netTotal)),
            row("Discounts", "\(k.discountCount)  \(c.format(-k.discountTotal))"),
            row("Cash rounding", c.format(k.roundingTotal)),
            row("Voided lines", String(k.voidedLines)),
            row("Cancelled sales", String(k.cancelledSales)),
            row("No-sales", String(k.noSales)),
            row("Price overrides", String(k.priceOverrides)),
            row("Cash in / out", "\(c.format(k.cashIn)) / \(c.format(k.cashOut))"),
        ]
        // Gift vouchers are no sales (no revenue, no VAT) but money in the tenders all the same.
        if k.vouchersSoldCount != 0 || k.vouchersRefundedCount != 0 {
            out.append(row("Vouchers sold", "\(k.vouchersSoldCount)  \(c.format(k.vouchersSold))"))
            out.append(row("Vouchers refunded", "\(k.vouchersRefundedCount)  \(c.format(-k.vouchersRefunded))"))
        }
        for kind in TenderKind.allCases where k.tenders[kind] != nil || k.refundTenders[kind] != nil {
            out.append(row("  \(kind.rawValue)", c.format((k.tenders[kind] ?? 0) - (k.refundTenders[kind] ?? 0))))
        }
        for key in Set(k.salesByTax.keys).union(k.refundsByTax.keys).sorted() {
            let s = k.salesByTax[key] ?? TaxAmounts()
            let r = k.refundsByTax[key] ?? TaxAmounts()
            out.append(row("  VAT \(key.taxClass) \(Receipt.basisPointsText(key.basisPoints))%",
                           "\(c.format(s.tax - r.tax)) of \(c.format(s.gross - r.gross))"))
        }
        return out
    }

    private static func grand(_ sales: Int64, _ refunds: Int64, _ c: RegisterConfig) -> [String] {
        [row("Grand total sales", c.format(sales)), row("Grand total refunds", c.format(refunds))]
    }
}

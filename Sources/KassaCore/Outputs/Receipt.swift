/// The words on a receipt, in the register's language.
public struct ReceiptWords: Hashable, Sendable {
    public var receipt, refund, copy, training, register, cashier, total, change, rounding, discount, receiptDiscount,
        vat, net, gross, cash, card, voucher, originalReceipt, priceOverride, paid, welcome: String
    /// Vouchers: the two kinds, what is on one, what is left on one spent, and the VAT table's
    /// note that a voucher sold carries none.
    public var giftVoucher, storeCredit, balance, balanceLeft, noVAT: String
    public var customer, pointsEarned, pointsRedeemed, pointsBalance, pointsTakenBack, pointsReturned: String
    /// Who approved a refund (a supervisor, or the operator who may refund alone).
    public var approvedBy: String

    public static let english = ReceiptWords(
        receipt: "Receipt", refund: "REFUND", copy: "*** COPY ***", training: "*** TRAINING - NOT A RECEIPT ***",
        register: "Register", cashier: "Cashier", total: "TOTAL", change: "Change", rounding: "Rounding",
        discount: "Discount", receiptDiscount: "Receipt discount", vat: "VAT", net: "Net", gross: "Gross", cash: "Cash",
        card: "Card", voucher: "Voucher", originalReceipt: "Original receipt", priceOverride: "Price changed from",
        paid: "Paid", welcome: "Welcome", giftVoucher: "Gift voucher", storeCredit: "Store credit", balance: "Balance",
        balanceLeft: "Balance left", noVAT: "no VAT",
        customer: "Customer", pointsEarned: "Points earned", pointsRedeemed: "Points redeemed", pointsBalance: "Points balance",
        pointsTakenBack: "Points taken back", pointsReturned: "Points given back", approvedBy: "Approved by")

    public static let finnish = ReceiptWords(
        receipt: "Kuitti", refund: "PALAUTUS", copy: "*** KOPIO ***", training: "*** HARJOITUS - EI KUITTI ***",
        register: "Kassa", cashier: "Myyjä", total: "YHTEENSÄ", change: "Takaisin", rounding: "Pyöristys",
        discount: "Alennus", receiptDiscount: "Kuittialennus", vat: "ALV", net: "Veroton", gross: "Verollinen",
        cash: "Käteinen", card: "Kortti", voucher: "Lahjakortti", originalReceipt: "Alkuperäinen kuitti",
        priceOverride: "Hinta muutettu, oli", paid: "Maksettu", welcome: "Tervetuloa", giftVoucher: "Lahjakortti",
        storeCredit: "Hyvityskortti", balance: "Saldo", balanceLeft: "Saldoa jäljellä", noVAT: "ei ALV",
        customer: "Asiakas", pointsEarned: "Pisteitä kertyi", pointsRedeemed: "Pisteillä", pointsBalance: "Pistesaldo",
        pointsTakenBack: "Pisteitä vähennetty", pointsReturned: "Pisteitä palautettu", approvedBy: "Hyväksyjä")

    public func tender(_ kind: TenderKind) -> String {
        switch kind {
        case .cash: return cash
        case .card: return card
        case .voucher: return voucher
        }
    }
}

/// A receipt as a structure: what was sold or refunded, the VAT, the payment and who and when.
/// Rendering to text (here) or ESC/POS (the printer driver) works from this alone.
public struct Receipt: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case sale, refund }

    public struct Line: Hashable, Sendable {
        public var text: String
        /// Quantity and unit price, shown when more than one piece or a weight.
        public var unit: SaleUnit
        public var quantity: Int64
        public var unitPrice: Int64?
        public var amount: Int64
        /// Discounts and overrides shown under the line, each with its amount (negative off).
        public var adjustments: [Adjustment]
        /// Named in the receipt's language, whatever the journal calls it.
        public var isGiftVoucher = false
    }

    public struct Payment: Hashable, Sendable {
        public var kind: TenderKind
        /// The card terminal's reference or the voucher code.
        public var reference: String?
        public var amount: Int64
        /// A voucher's balance after this payment.
        public var balanceLeft: Int64?
        /// A card paid (or was credited) through the terminal: what the terminal said of it.
        public var card: CardApproval? = nil
    }

    /// A voucher the sale or refund gave: printed with its code, to be scanned or typed to spend it.
    public struct IssuedVoucher: Hashable, Sendable {
        public var code: String
        public var kind: VoucherKind
        public var balance: Int64
    }

    /// The customer's loyalty points: on a sale what was earned and redeemed, on a refund what
    /// was taken back (as `earned`, negative) and given back (as `returned`).
    public struct Loyalty: Hashable, Sendable {
        /// The customer's name (their number once forgotten).
        public var customer: String
        public var earned: Int64
        public var redeemed: Int64
        public var redeemedValue: Int64
        public var returned: Int64
        public var balance: Int64
    }

    public enum Adjustment: Hashable, Sendable {
        case priceChanged(from: Int64)
        /// A line discount: its percentage, if it was one, and the amount off.
        case discount(basisPoints: Int?, amount: Int64)
    }

    public var kind: Kind
    public var number: UInt64
    public var training: Bool
    public var copy: Bool
    public var header: [String]
    public var registerID: String
    public var operatorName: String
    /// Local time as the register shows it (the runtime formats it in the register's time zone).
    public var localTime: String
    /// The first hex digits of the journal chain hash of the record: ties paper to the journal.
    public var chainHash: String?
    public var lines: [Line]
    /// Each promotion in effect as its own line: its name and what it took off (positive).
    public var promotions: [AppliedPromotion] = []
    public var receiptDiscount: Int64
    public var breakdown: [TaxBreakdownLine]
    public var total: Int64
    public var tenders: [Payment]
    public var change: Int64
    public var rounding: Int64
    public var originalReceipt: UInt64?
    public var footer: [String]
    /// Gift vouchers sold (or taken back) on the lines: in the total, in no VAT row.
    public var vouchers: Int64 = 0
    public var issuedVouchers: [IssuedVoucher] = []
    public var loyalty: Loyalty? = nil
    /// A refund's approver, by name.
    public var approvedBy: String? = nil

    static func header(_ config: RegisterConfig) -> [String] {
        [config.storeName, config.storeAddress, config.vatID.isEmpty ? "" : "VAT \(config.vatID)"].filter { !$0.isEmpty }
    }

    /// `vouchers`: those the sale issued or was paid with (`RegisterState.vouchers(of:)`), for
    /// their codes and balances. `customer`: the name of the sale's customer, if it has one.
    public static func sale(_ s: CompletedSale, config: RegisterConfig, operatorName: String, localTime: String,
                            chainHash: String? = nil, copy: Bool = false, vouchers: [Voucher] = [],
                            cardSlips: [CardSlip] = [], customer: String? = nil) -> Receipt {
        var lines: [Line] = []
        var receiptDiscount: Int64 = 0
        for (i, l) in s.lines.enumerated() {
            guard let p = s.priced[i] else { continue }
            var adjustments: [Adjustment] = []
            if l.unitPrice != l.catalogPrice && l.fixedAmount == nil {
                adjustments.append(.priceChanged(from: l.catalogPrice))
            }
            if p.lineDiscount != 0 {
                var bp: Int?
                if case .percent(let v)? = l.discount { bp = v }
                adjustments.append(.discount(basisPoints: bp, amount: -p.lineDiscount))
            }
            receiptDiscount += p.receiptDiscount
            lines.append(Line(text: l.name, unit: l.unit, quantity: l.quantity,
                              unitPrice: l.fixedAmount == nil ? l.unitPrice : nil,
                              amount: p.gross + p.promotion + p.lineDiscount + p.receiptDiscount
                                  - (config.priceMode == .exclusive ? p.tax : 0),
                              adjustments: adjustments, isGiftVoucher: l.isGiftVoucher))
        }
        // Each voucher tender, in order, with the balance its redemption left.
        var left: [String: [Int64]] = [:]
        for v in vouchers { left[v.code] = v.redemptions.filter { $0.receipt == s.receiptNumber }.map(\.balanceAfter) }
        let tenders = s.tenders.map { t in
            var p = Payment(kind: t.kind, reference: t.reference, amount: t.amount)
            if t.kind == .card, let slip = cardSlips.first(where: { $0.reference == t.reference }) {
                // The card as the terminal named it, not the register's reference.
                p.reference = nil
                p.card = slip.approval
            }
            if t.kind == .voucher, let code = t.reference, let first = left[code]?.first {
                p.balanceLeft = first
                left[code]?.removeFirst()
            }
            return p
        }
        let issued = vouchers.compactMap { v -> IssuedVoucher? in
            guard case .sale(let receipt, _) = v.issue.source, receipt == s.receiptNumber else { return nil }
            return IssuedVoucher(code: v.code, kind: v.issue.kind, balance: v.issue.amount)
        }
        // Points redeemed are a discount of their own line, apart from the cashier's.
        let loyalty = s.loyalty.map { l in
            Loyalty(customer: customer ?? "#\(l.customer)", earned: l.earned, redeemed: l.redeemed,
                    redeemedValue: l.redeemedValue, returned: 0, balance: l.balance)
        }
        return Receipt(kind: .sale, number: s.receiptNumber, training: s.training, copy: copy, header: header(config),
                       registerID: s.registerID, operatorName: operatorName, localTime: localTime, chainHash: chainHash,
                       lines: lines, promotions: s.promotions, receiptDiscount: receiptDiscount - (loyalty?.redeemedValue ?? 0),
                       breakdown: s.breakdown, total: s.total,
                       tenders: tenders, change: s.change, rounding: s.rounding, originalReceipt: nil,
                       footer: config.receiptFooter.isEmpty ? [] : [config.receiptFooter], vouchers: s.vouchersSold,
                       issuedVouchers: issued, loyalty: loyalty)
    }

    /// `storeCredit`: the voucher the refund gave instead of money; `customer`: as for a sale.
    public static func refund(_ r: CompletedRefund, config: RegisterConfig, operatorName: String, localTime: String,
                              chainHash: String? = nil, copy: Bool = false, storeCredit: VoucherIssue? = nil,
                              card: CardApproval? = nil, customer: String? = nil, approvedBy: String? = nil) -> Receipt {
        let lines = r.lines.map { l in
            Line(text: l.name, unit: l.unit, quantity: l.quantity, unitPrice: nil, amount: -l.gross, adjustments: [],
                 isGiftVoucher: l.itemID == .giftVoucher)
        }
        return Receipt(kind: .refund, number: r.refundNumber, training: r.training, copy: copy, header: header(config),
                       registerID: config.registerID, operatorName: operatorName, localTime: localTime,
                       chainHash: chainHash, lines: lines, receiptDiscount: 0,
                       breakdown: r.breakdown.map { TaxBreakdownLine(taxClass: $0.taxClass, basisPoints: $0.basisPoints,
                                                                      net: -$0.net, tax: -$0.tax, gross: -$0.gross) },
                       total: -r.total, tenders: [Payment(kind: r.tender, reference: storeCredit?.code, amount: -r.paidOut, card: card)],
                       change: 0, rounding: -r.rounding, originalReceipt: r.originalReceipt, footer: [],
                       vouchers: -r.vouchersRefunded,
                       issuedVouchers: storeCredit.map { [IssuedVoucher(code: $0.code, kind: $0.kind, balance: $0.amount)] } ?? [],
                       loyalty: r.loyalty.map { l in
                           Loyalty(customer: customer ?? "#\(l.customer)", earned: -l.takenBack, redeemed: 0, redeemedValue: 0,
                                   returned: l.returned, balance: l.balance)
                       }, approvedBy: approvedBy)
    }

    public static func grams(_ g: Int64, separator: Character) -> String {
        var frac = String(g % 1000)
        while frac.count < 3 { frac = "0" + frac }
        return "\(g / 1000)\(separator)\(frac) kg"
    }

    func detail(_ l: Line, _ format: MoneyFormat, _ money: (Int64) -> String) -> String? {
        switch l.unit {
        case .piece:
            guard l.quantity != 1 else { return nil }
            return l.unitPrice.map { "\(l.quantity) x \(money($0))" } ?? "\(l.quantity) x"
        case .weight:
            return Self.grams(l.quantity, separator: format.decimalSeparator) + (l.unitPrice.map { " x \(money($0))/kg" } ?? "")
        }
    }

    /// 2550 → "25.5", 1000 → "10", 1350 → "13.5".
    public static func basisPointsText(_ bp: Int) -> String {
        let whole = bp / 100
        var frac = bp % 100
        guard frac != 0 else { return String(whole) }
        var digits = frac < 10 ? "0" + String(frac) : String(frac)
        if frac % 10 == 0 { frac /= 10; digits = String(frac) }
        return "\(whole).\(digits)"
    }

    /// Plain text at 32, 42 or 48 columns (any width from 24 works): every line fits.
    public func render(columns: Int, format: MoneyFormat, currency: Currency, words: ReceiptWords) -> [String] {
        renderLines(columns: columns, format: format, currency: currency, words: words).map(\.text)
    }

    /// The same lines with the emphasis a printer gives them: the total bold and double height,
    /// the copy and training marks bold.
    public func renderLines(columns: Int, format: MoneyFormat, currency: Currency, words: ReceiptWords) -> [PrintedLine] {
        let w = max(24, columns)
        let rule = String(repeating: "-", count: w)
        func money(_ m: Int64) -> String { format.format(m, currency: currency) }
        var out: [PrintedLine] = []
        if training { out += TextLayout.wrap(words.training, columns: w).map { PrintedLine(TextLayout.center($0, in: w), .strong) } }
        if copy { out.append(PrintedLine(TextLayout.center(words.copy, in: w), .strong)) }
        for h in header { out += TextLayout.wrap(h, columns: w).map { TextLayout.center($0, in: w) } }
        out.append(rule)
        let title = kind == .sale ? words.receipt : words.refund
        // A training receipt's number is T1, T2…: never the same as a real receipt's; a refund
        // slip's is R1, R2… (TR1 in training), numbered apart from the receipts.
        let mark = training ? "T" : ""
        let own = kind == .refund ? "R" : ""
        out.append(TextLayout.leftRight("\(title) \(registerID)-\(mark)\(own)\(number)", localTime, columns: w))
        if let o = originalReceipt { out.append(TextLayout.truncate("\(words.originalReceipt) \(registerID)-\(mark)\(o)", to: w)) }
        out.append(TextLayout.truncate("\(words.cashier): \(operatorName)", to: w))
        if let a = approvedBy { out.append(TextLayout.truncate("\(words.approvedBy): \(a)", to: w)) }
        out.append(rule)
        for l in lines {
            let text = l.isGiftVoucher ? words.giftVoucher : l.text
            if let d = detail(l, format, money) {
                out.append(TextLayout.truncate(text, to: w))
                out.append(TextLayout.leftRight("  " + d, money(l.amount), columns: w))
            } else {
                out.append(TextLayout.leftRight(text, money(l.amount), columns: w))
            }
            for a in l.adjustments {
                switch a {
                case .priceChanged(let from):
                    out.append(TextLayout.truncate("  \(words.priceOverride) \(money(from))", to: w))
                case .discount(let bp, let amount):
                    let pct = bp.map { " " + Self.basisPointsText($0) + " %" } ?? ""
                    out.append(TextLayout.leftRight("  " + words.discount + pct, money(amount), columns: w))
                }
            }
        }
        for p in promotions { out.append(TextLayout.leftRight(p.name, money(-p.amount), columns: w)) }
        if receiptDiscount != 0 { out.append(TextLayout.leftRight(words.receiptDiscount, money(-receiptDiscount), columns: w)) }
        if let l = loyalty, l.redeemedValue != 0 {
            out.append(TextLayout.leftRight("\(words.pointsRedeemed) \(l.redeemed)", money(-l.redeemedValue), columns: w))
        }
        out.append(rule)
        out.append(PrintedLine(TextLayout.leftRight(words.total, money(total), columns: w), .total))
        for t in tenders {
            guard let left = t.balanceLeft, let code = t.reference else {
                out.append(TextLayout.leftRight(words.tender(t.kind) + (t.reference.map { " " + $0 } ?? ""), money(t.amount), columns: w))
                for line in t.card?.receiptLines ?? [] { out.append(TextLayout.truncate("  " + line, to: w)) }
                continue
            }
            // A voucher's code on a line of its own (it may be long), and what is left on it.
            out.append(TextLayout.leftRight(words.tender(t.kind), money(t.amount), columns: w))
            out.append(TextLayout.truncate("  " + code, to: w))
            out.append(TextLayout.leftRight("  " + words.balanceLeft, money(left), columns: w))
        }
        if rounding != 0 { out.append(TextLayout.leftRight(words.rounding, money(rounding), columns: w)) }
        if change != 0 { out.append(TextLayout.leftRight(words.change, money(change), columns: w)) }
        out.append(rule)
        out.append(Self.taxRow([words.vat + " %", words.net, words.vat, words.gross], w))
        for b in breakdown {
            let rate = Self.basisPointsText(b.basisPoints) + "%"
            out.append(Self.taxRow([rate, format.number(b.net, currency: currency), format.number(b.tax, currency: currency),
                                    format.number(b.gross, currency: currency)], w))
        }
        if vouchers != 0 { out.append(TextLayout.leftRight("\(words.giftVoucher), \(words.noVAT)", money(vouchers), columns: w)) }
        for v in issuedVouchers {
            // The code as a barcode to scan at the till, with the code under it to type.
            out.append(rule)
            out.append(PrintedLine(TextLayout.center(v.kind == .gift ? words.giftVoucher : words.storeCredit, in: w), .strong))
            if v.code.count <= w {
                out.append(PrintedLine(TextLayout.center(v.code, in: w), .barcode))
            } else {
                out += TextLayout.wrap(v.code, columns: w).map { PrintedLine(TextLayout.center($0, in: w), .strong) }
            }
            out.append(TextLayout.leftRight(words.balance, money(v.balance), columns: w))
        }
        if let l = loyalty {
            out.append(rule)
            out.append(TextLayout.truncate("\(words.customer): \(l.customer)", to: w))
            if kind == .sale {
                out.append(TextLayout.leftRight(words.pointsEarned, "+\(l.earned)", columns: w))
            } else {
                out.append(TextLayout.leftRight(words.pointsTakenBack, "\(l.earned)", columns: w))
                if l.returned != 0 { out.append(TextLayout.leftRight(words.pointsReturned, "+\(l.returned)", columns: w)) }
            }
            out.append(TextLayout.leftRight(words.pointsBalance, "\(l.balance)", columns: w))
        }
        if let h = chainHash {
            out.append(rule)
            out.append(TextLayout.truncate("# \(h)", to: w))
        }
        if !footer.isEmpty {
            out.append("")
            for f in footer { out += TextLayout.wrap(f, columns: w).map { TextLayout.center($0, in: w) } }
        }
        if training { out.append(PrintedLine(TextLayout.center(words.training, in: w), .strong)) }
        return out
    }

    /// Rate, then net, tax and gross right-aligned, each column kept apart by a space.
    static func taxRow(_ cells: [String], _ w: Int) -> String {
        let rest = w / 4
        var s = TextLayout.pad(TextLayout.truncate(cells[0], to: w - 3 * rest), to: w - 3 * rest)
        for c in cells.dropFirst() { s += " " + TextLayout.pad(TextLayout.truncate(c, to: rest - 1), to: rest - 1, alignment: .right) }
        return s
    }
}

/// One line of a printed document and how the printer emphasises it. The text already fits the
/// paper's columns at normal width: emphasis never makes a line wider.
public struct PrintedLine: Hashable, Sendable {
    public enum Emphasis: Hashable, Sendable {
        case normal
        /// Bold.
        case strong
        /// Bold and double height: the amount the customer looks for.
        case total
        /// The text (trimmed) as a CODE128 barcode where the printer can print one, with the text
        /// under it; a text rendering shows the line as it is.
        case barcode
    }

    public var text: String
    public var emphasis: Emphasis

    public init(_ text: String, _ emphasis: Emphasis = .normal) {
        self.text = text
        self.emphasis = emphasis
    }

    public static func plain(_ lines: [String]) -> [PrintedLine] { lines.map { PrintedLine($0) } }
}

extension Array where Element == PrintedLine {
    fileprivate mutating func append(_ text: String) { append(PrintedLine(text)) }
    fileprivate static func += (lines: inout [PrintedLine], texts: [String]) { lines.append(contentsOf: PrintedLine.plain(texts)) }
}

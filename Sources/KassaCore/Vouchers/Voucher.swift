/// Vouchers: gift vouchers sold over the counter and store credit given instead of money on a
/// refund. Each has a code, a balance that redemptions take down and that never goes below zero,
/// and a history of where it was spent.
///
/// A gift voucher is a multi-purpose voucher: selling one is not a sale of goods and carries no
/// VAT (the goods it later pays for are taxed when they are sold). Its sale line is set apart
/// from the VAT breakdown and from taxable revenue; the money taken for it still counts in the
/// tenders, and the day's figures say how much was sold as vouchers.
///
/// The balance goes down when the voucher's tender is added to a sale (`tenderAdded` applied),
/// not when the sale completes, so a voucher cannot pay twice even while its first sale is open.
/// Training vouchers are issued and spent in training mode only and never touch real ones.

/// What a voucher is for, from where it came.
public enum VoucherKind: String, Hashable, Sendable, CaseIterable {
    /// Sold for money on a sale line.
    case gift
    /// Given on a refund instead of money.
    case storeCredit = "store_credit"
}

/// Where a voucher came from.
public enum VoucherSource: Hashable, Sendable {
    /// The receipt that sold it, and its line there.
    case sale(receipt: UInt64, line: Int)
    /// The refund that gave it.
    case refund(UInt64)

    public var kind: VoucherKind {
        switch self {
        case .sale: return .gift
        case .refund: return .storeCredit
        }
    }
}

/// A voucher as it was issued: journaled in the same record group as the sale or refund that
/// gave it.
public struct VoucherIssue: Hashable, Sendable {
    /// The register's running voucher number, part of the code.
    public var number: UInt64
    public var code: String
    public var amount: Int64
    public var training: Bool
    public var source: VoucherSource
    public var by: OperatorID
    public var at: Timestamp

    public init(number: UInt64, code: String, amount: Int64, training: Bool, source: VoucherSource, by: OperatorID,
                at: Timestamp) {
        self.number = number
        self.code = code
        self.amount = amount
        self.training = training
        self.source = source
        self.by = by
        self.at = at
    }

    public var kind: VoucherKind { source.kind }
}

/// One time a voucher paid for (part of) a sale.
public struct VoucherRedemption: Hashable, Sendable {
    /// The sale it was tendered in; its receipt and time once that sale completed.
    public var saleID: UInt64
    public var receipt: UInt64?
    public var at: Timestamp?
    public var amount: Int64
    public var balanceAfter: Int64

    public init(saleID: UInt64, receipt: UInt64? = nil, at: Timestamp? = nil, amount: Int64, balanceAfter: Int64) {
        self.saleID = saleID
        self.receipt = receipt
        self.at = at
        self.amount = amount
        self.balanceAfter = balanceAfter
    }
}

/// A voucher as the register knows it now.
public struct Voucher: Hashable, Sendable {
    public var issue: VoucherIssue
    public var balance: Int64
    /// Oldest first.
    public var redemptions: [VoucherRedemption] = []
    /// The refund that took a gift voucher back unspent: it is worth nothing since.
    public var voidedByRefund: UInt64?

    public init(issue: VoucherIssue, balance: Int64, redemptions: [VoucherRedemption] = [], voidedByRefund: UInt64? = nil) {
        self.issue = issue
        self.balance = balance
        self.redemptions = redemptions
        self.voidedByRefund = voidedByRefund
    }

    public var code: String { issue.code }

    /// Still worth something: part of what the shop owes its customers.
    public var isOutstanding: Bool { balance > 0 && voidedByRefund == nil }
}

/// Why a voucher was not taken (or not given back).
public enum VoucherProblem: Hashable, Sendable {
    /// A voucher tender without a code.
    case codeRequired
    /// The code's check character does not match: a typing or reading error.
    case mistyped(String)
    /// A well-formed code this register never issued.
    case unknown(String)
    /// A well-formed code of another register (vouchers are per register).
    case otherRegister(String, register: String)
    /// A training voucher in a real sale, or a real one in training (`training`: the voucher's mode).
    case otherMode(String, training: Bool)
    case usedUp(String)
    /// A gift voucher refunded unspent.
    case voided(String, refund: UInt64)
    case exceedsBalance(String, balance: Int64)
    /// A voucher pays for a sale: there must be one open.
    case noSaleToPay
    /// A voucher is scanned once, without a quantity.
    case quantityGiven
    /// A voucher line is sold at its face value: no discount or price change.
    case fixedValue(line: Int)
    /// A gift voucher that has been spent (in part) cannot be refunded.
    case spent(String, balance: Int64, issued: Int64)
}

/// Voucher codes: `V-`, the register's id in capitals, the voucher's number (at least four
/// digits) and a check character, apart by hyphens: `V-TILL-1-0007-K`.
///
/// The `V-` prefix cannot be a catalog code (barcodes and PLUs are digits), so a scan can tell a
/// voucher from an item. The register's id keeps codes of different registers apart (a letter or
/// digit of it stays, anything else becomes a hyphen); the number keeps a register's own apart.
/// The check character is ISO 7064 MOD 37,36 over the letters and digits before it: every
/// mistyped single character and every swap of two neighbours is caught.
public enum VoucherCode {
    public static let prefix = "V-"

    public static func make(registerID: String, number: UInt64) -> String {
        var digits = String(number)
        while digits.count < 4 { digits = "0" + digits }
        let body = prefix + registerPart(registerID) + "-" + digits
        return body + "-" + String(Character(Unicode.Scalar(symbol(checkValue(body)))))
    }

    /// The register's id as codes carry it.
    public static func registerPart(_ registerID: String) -> String {
        String(String.UnicodeScalarView(registerID.uppercased().unicodeScalars.map { s in
            value(UInt8(truncatingIfNeeded: s.value)) != nil && s.isASCII ? s : "-"
        }))
    }

    /// What was typed or scanned, as codes are written: no surrounding spaces, capitals.
    public static func normalised(_ text: String) -> String { text.trimmingSpaces().uppercased() }

    /// Whether a scanned or typed code is meant as a voucher (whether or not it is a good one).
    public static func looksLikeVoucher(_ text: String) -> Bool { normalised(text).hasPrefix(prefix) }

    /// The register part and number of a well-formed code, or nil when it is mistyped.
    public static func parse(_ text: String) -> (register: String, number: UInt64)? {
        let code = normalised(text)
        guard code.hasPrefix(prefix), code.utf8.allSatisfy({ $0 < 128 }) else { return nil }
        let parts = code.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let check = parts[parts.count - 1]
        let digits = parts[parts.count - 2]
        let register = parts[..<(parts.count - 2)].joined(separator: "-")
        guard !register.isEmpty, check.utf8.count == 1, let v = value(check.utf8.first!),
              !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = UInt64(digits),
              checkValue(code.utf8.dropLast(2)) == v else { return nil }
        return (register, number)
    }

    /// ISO 7064 MOD 37,36 (hybrid): the check value of the letters and digits of `text`.
    static func checkValue<S: Sequence>(_ text: S) -> Int where S.Element == UInt8 {
        var p = 36
        for byte in text {
            guard let v = value(byte) else { continue }
            var s = (p + v) % 36
            if s == 0 { s = 36 }
            p = (s * 2) % 37
        }
        return (37 - p) % 36
    }

    static func checkValue(_ text: String) -> Int { checkValue(text.utf8) }

    private static func value(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: return Int(byte - 48)
        case 65...90: return Int(byte - 55)
        default: return nil
        }
    }

    private static func symbol(_ value: Int) -> UInt8 {
        value < 10 ? UInt8(48 + value) : UInt8(55 + value)
    }
}

extension ItemID {
    /// The item id of a gift voucher's sale line (the catalog may not use it).
    public static let giftVoucher = ItemID("#voucher")
}

extension TaxClassID {
    /// A gift voucher's line: outside the scope of VAT, apart from every VAT rate.
    public static let voucher = TaxClassID("MPV")
}

extension SaleLine {
    /// A gift voucher of `amount`, one line of its own.
    public static func giftVoucher(_ amount: Int64) -> SaleLine {
        SaleLine(itemID: .giftVoucher, name: "Gift voucher", department: "", unit: .piece, quantity: 1, unitPrice: amount,
                 catalogPrice: amount, taxClass: .voucher, taxBasisPoints: 0)
    }

    public var isGiftVoucher: Bool { itemID == .giftVoucher }
}

extension CompletedSale {
    /// What the sale took for gift vouchers: no revenue, no VAT.
    public var vouchersSold: Int64 {
        var sum: Int64 = 0
        for (i, line) in lines.enumerated() where line.isGiftVoucher && !line.voided { sum += priced[i]?.gross ?? 0 }
        return sum
    }

    /// Whether it sold gift vouchers and nothing else.
    public var soldOnlyVouchers: Bool {
        let live = lines.filter { !$0.voided }
        return !live.isEmpty && live.allSatisfy(\.isGiftVoucher)
    }
}

extension CompletedRefund {
    /// What the refund gave back for gift vouchers taken back unspent.
    public var vouchersRefunded: Int64 {
        lines.filter { $0.itemID == .giftVoucher }.reduce(0) { $0 + $1.gross }
    }

    public var refundedOnlyVouchers: Bool { !lines.isEmpty && lines.allSatisfy { $0.itemID == .giftVoucher } }
}

extension RegisterState {
    /// The vouchers a receipt issued or was paid with, in the receipt's mode.
    public func vouchers(of sale: CompletedSale) -> [Voucher] {
        let codes = Set(sale.tenders.compactMap { $0.kind == .voucher ? $0.reference : nil })
        return voucherState.vouchers.values.filter { v in
            guard v.issue.training == sale.training else { return false }
            if case .sale(let receipt, _) = v.issue.source, receipt == sale.receiptNumber { return true }
            return codes.contains(v.code)
        }.sorted { $0.issue.number < $1.issue.number }
    }

    /// The voucher a typed or scanned code names, or why there is none: no code, mistyped, another
    /// register's, or unknown here.
    public func voucher(code typed: String, registerID: String) throws(Refusal) -> Voucher {
        let code = VoucherCode.normalised(typed)
        guard !code.isEmpty else { throw .voucher(.codeRequired) }
        guard let parsed = VoucherCode.parse(code) else { throw .voucher(.mistyped(code)) }
        guard let voucher = voucherState.vouchers[code] else {
            if parsed.register != VoucherCode.registerPart(registerID) { throw .voucher(.otherRegister(code, register: parsed.register)) }
            throw .voucher(.unknown(code))
        }
        return voucher
    }

    /// The store credit a refund gave, if it gave one.
    public func storeCredit(of refund: CompletedRefund) -> Voucher? {
        voucherState.vouchers.values.first { $0.issue.source == .refund(refund.refundNumber) && $0.issue.training == refund.training }
    }

    /// The gift voucher a receipt's line sold.
    public func voucher(soldOn receipt: UInt64, line: Int, training: Bool) -> Voucher? {
        voucherState.vouchers.values.first { $0.issue.source == .sale(receipt: receipt, line: line) && $0.issue.training == training }
    }

    /// What the shop owes on real vouchers: their balances, voided ones aside.
    public var voucherLiability: (count: Int, total: Int64) {
        var count = 0
        var total: Int64 = 0
        for v in voucherState.vouchers.values where !v.issue.training && v.isOutstanding {
            count += 1
            total += v.balance
        }
        return (count, total)
    }
}

import KassaCore
import KassaIPC

/// One line of the open sale as the screen shows it, read from kassad's Sale object.
public struct SaleLineView: Equatable, Sendable {
    public var line: Int
    public var name: String
    public var weighed: Bool
    public var quantity: Int64
    public var unitPrice: Int64
    public var catalogPrice: Int64
    /// After the line's own discount.
    public var amount: Int64
    public var discount: DiscountView?
    public var voided: Bool
    /// What promotions took off the line.
    public var promotion: Int64

    public init(line: Int, name: String, weighed: Bool = false, quantity: Int64, unitPrice: Int64, catalogPrice: Int64? = nil,
                amount: Int64, discount: DiscountView? = nil, voided: Bool = false, promotion: Int64 = 0) {
        self.line = line
        self.name = name
        self.weighed = weighed
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.catalogPrice = catalogPrice ?? unitPrice
        self.amount = amount
        self.discount = discount
        self.voided = voided
        self.promotion = promotion
    }

    init(_ l: SaleReply.Line) {
        self.init(line: Int(l.line), name: l.sold.name, weighed: l.sold.unit == "weight", quantity: l.sold.quantity,
                  unitPrice: l.sold.unitPrice, catalogPrice: l.sold.catalogPrice, amount: l.gross ?? l.sold.amount ?? 0,
                  discount: l.sold.discount.map(DiscountView.init), voided: l.sold.voided, promotion: l.promotion ?? 0)
    }
}

/// A line or receipt discount: a percentage in basis points or an amount in minor units.
public enum DiscountView: Equatable, Sendable {
    case percent(Int64)
    case amount(Int64)

    init(_ d: Discount) {
        switch d {
        case .percent(let bp): self = .percent(Int64(bp))
        case .amount(let a): self = .amount(a)
        }
    }
}

/// The customer on the sale, their points, and the points redeemed on it.
public struct SaleCustomerView: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var points: Int64
    public var redeemPoints: Int64
    public var redeemValue: Int64

    public init(id: Int64, name: String, points: Int64, redeemPoints: Int64 = 0, redeemValue: Int64 = 0) {
        self.id = id
        self.name = name
        self.points = points
        self.redeemPoints = redeemPoints
        self.redeemValue = redeemValue
    }

    init?(sale: SaleReply) {
        guard let c = sale.customer else { return nil }
        self.init(id: c.id, name: c.name, points: c.points, redeemPoints: sale.redeem?.points ?? 0,
                  redeemValue: sale.redeem?.value ?? 0)
    }
}

/// The open sale as kassad has it; the register keeps nothing of its own that matters.
public struct SaleView: Equatable, Sendable {
    public var id: Int64
    public var training: Bool
    public var lines: [SaleLineView]
    public var receiptDiscount: DiscountView?
    public var tenders: [(kind: String, amount: Int64)]
    public var totalled: Bool
    public var subtotal: Int64
    public var total: Int64
    public var discountTotal: Int64
    public var paid: Int64
    public var due: Int64
    public var cashDue: Int64
    /// The promotions in effect: name and amount off.
    public var promotions: [(name: String, amount: Int64)]
    public var customer: SaleCustomerView?

    public init(id: Int64 = 1, training: Bool = false, lines: [SaleLineView], receiptDiscount: DiscountView? = nil,
                tenders: [(kind: String, amount: Int64)] = [], totalled: Bool = false, subtotal: Int64? = nil, total: Int64,
                discountTotal: Int64 = 0, paid: Int64 = 0, due: Int64? = nil, cashDue: Int64? = nil,
                promotions: [(name: String, amount: Int64)] = [], customer: SaleCustomerView? = nil) {
        self.id = id
        self.training = training
        self.lines = lines
        self.receiptDiscount = receiptDiscount
        self.tenders = tenders
        self.totalled = totalled
        self.subtotal = subtotal ?? total
        self.total = total
        self.discountTotal = discountTotal
        self.paid = paid
        self.due = due ?? total - paid
        self.cashDue = cashDue ?? total - paid
        self.promotions = promotions
        self.customer = customer
    }

    public init(_ sale: SaleReply) {
        self.init(id: sale.id, training: sale.training, lines: sale.lines.map(SaleLineView.init),
                  receiptDiscount: sale.receiptDiscount.map(DiscountView.init),
                  tenders: sale.tenders.map { (kind: $0.kind.rawValue, amount: $0.amount) }, totalled: sale.totalled,
                  subtotal: sale.subtotal, total: sale.total, discountTotal: sale.discountTotal, paid: sale.paid, due: sale.due,
                  cashDue: sale.cashDue, promotions: (sale.promotions ?? []).map { (name: $0.name, amount: $0.amount) },
                  customer: SaleCustomerView(sale: sale))
    }

    public static func == (a: SaleView, b: SaleView) -> Bool {
        a.id == b.id && a.training == b.training && a.lines == b.lines && a.receiptDiscount == b.receiptDiscount
            && a.tenders.map(\.kind) == b.tenders.map(\.kind) && a.tenders.map(\.amount) == b.tenders.map(\.amount)
            && a.totalled == b.totalled && a.total == b.total && a.paid == b.paid && a.due == b.due && a.cashDue == b.cashDue
            && a.promotions.map(\.name) == b.promotions.map(\.name) && a.promotions.map(\.amount) == b.promotions.map(\.amount)
            && a.customer == b.customer
    }
}

/// A finished sale, shown with its change until the next sale starts.
public struct CompletedView: Equatable, Sendable {
    public var receipt: Int64
    public var total: Int64
    public var change: Int64
    public var paid: Int64
    public var training: Bool

    /// The number as screen and paper show it: training receipts are T1, T2…
    public var number: String { (training ? "T" : "") + String(receipt) }

    init(_ r: ReceiptReply) {
        self.init(receipt: r.receipt, total: r.total, change: r.change, paid: r.paid, training: r.training)
    }

    public init(receipt: Int64, total: Int64, change: Int64, paid: Int64, training: Bool = false) {
        self.receipt = receipt
        self.total = total
        self.change = change
        self.paid = paid
        self.training = training
    }
}

/// An alarm kassad raised and has not cleared.
public struct AlarmView: Equatable, Sendable {
    public var code: String
    public var message: String
}

/// Everything the screen is drawn from: kassad's state as last reported, plus what is being typed.
public struct RegisterModel: Sendable {
    public enum Connection: Equatable, Sendable { case connecting, connected, disconnected }

    public var connection = Connection.connecting
    public var registerName = ""
    public var currency = Currency.EUR
    public var moneyFormat = MoneyFormat.finnish
    public var operatorID: String?
    public var operatorName: String?
    public var operatorRole: String?
    public var shiftNumber: Int64?
    /// Training mode; when it changes, the last sale's figures (of the other mode) leave the screen.
    public var training = false {
        didSet { if training != oldValue { lastCompleted = nil } }
    }
    public var sale: SaleView?
    public var parked: [(id: Int64, lines: Int64, total: Int64)] = []
    public var alarms: [AlarmView] = []
    /// Device kind → (state, status words).
    public var devices: [String: (state: String, status: [String])] = [:]
    public var lastCompleted: CompletedView?
    /// The line scanned or changed last, highlighted.
    public var lastTouchedLine: Int?
    /// The line the cursor keys select (void, discount, price); nil means the last live line.
    public var selectedLine: Int?
    /// The first row of a text view (a report, a receipt).
    public var scrollTop = 0
    /// How many lines the sale is scrolled back by hand (PgUp) from where it follows the last
    /// scanned or selected line; any change to the sale follows again.
    public var scrollBack = 0
    public var cardPending = false

    public init() {}

    public func money(_ minor: Int64) -> String { moneyFormat.format(minor, currency: currency) }

    /// The line actions apply to: the selection unless voided, or else the last line not voided.
    public var targetLine: Int? {
        if let s = selectedLine, let sale, sale.lines.contains(where: { $0.line == s && !$0.voided }) { return s }
        return sale?.lines.last { !$0.voided }?.line
    }

    mutating func apply(sale reply: SaleReply?) {
        let new = reply.map(SaleView.init)
        if new != sale { scrollBack = 0 }
        if let new {
            let old = sale
            if old?.id != new.id { selectedLine = nil }
            // The line that changed: a new line, or the one whose contents differ.
            if new.lines.count > (old?.id == new.id ? old!.lines.count : 0) {
                lastTouchedLine = new.lines.last?.line
            } else if let old, old.id == new.id, let changed = zip(old.lines, new.lines).first(where: { $0 != $1 }) {
                lastTouchedLine = changed.1.line
            }
            lastCompleted = nil
        } else {
            lastTouchedLine = nil
            selectedLine = nil
        }
        sale = new
        if new == nil { cardPending = false }
    }

    mutating func apply(alarm: AlarmReply) {
        alarms.removeAll { $0.code == alarm.code }
        if alarm.active { alarms.append(AlarmView(code: alarm.code, message: alarm.message)) }
    }

    mutating func apply(device: DeviceReply) {
        devices[device.kind] = (device.state, device.status)
    }

    mutating func apply(operator op: OperatorReply?) {
        // The last sale's change is for the cashier who took the money, not the next one.
        if op?.id.rawValue != operatorID { lastCompleted = nil }
        operatorID = op?.id.rawValue
        operatorName = op?.name
        operatorRole = op?.role.rawValue
    }

    mutating func apply(status r: StatusReply) {
        registerName = r.register
        apply(operator: r.operator)
        shiftNumber = r.shift?.number
        training = r.training
        apply(sale: r.sale)
        apply(parked: r.parked)
        alarms = []
        for a in r.alarms { apply(alarm: a) }
        devices = [:]
        for d in r.devices { apply(device: d) }
    }

    mutating func apply(parked list: [ParkedSaleReply]) {
        parked = list.map { (id: $0.parkID, lines: $0.lines, total: $0.total) }
    }

    /// The money formats kassad's `money_format` setting names.
    static func moneyFormat(named name: String, currency: Currency) -> MoneyFormat? {
        switch name {
        case "finnish": return .finnish
        case "swedish": return .swedish
        case "english": return .english
        case "plain": return .plain(currency)
        default: return nil
        }
    }
}

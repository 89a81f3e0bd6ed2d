/// The register's settings that its decisions depend on. The runtime loads them from
/// `kassa.conf`; changes made on the box are journaled and folded over them.
public struct RegisterConfig: Hashable, Sendable {
    public var registerID: String
    public var storeName: String
    public var storeAddress: String
    public var vatID: String
    public var receiptFooter: String
    public var currency: Currency
    public var moneyFormat: MoneyFormat
    public var priceMode: PriceMode
    public var taxes: TaxTable
    public var cashRounding: CashRounding
    /// Line or receipt discounts above this share (basis points) need a supervisor.
    public var cashierDiscountLimitBP: Int64
    public var maxParkedSales: Int
    /// How fast PINs may be tried from one source.
    public var pinDelays: PinDelayPolicy
    /// The fewest digits of a new PIN for a supervisor or a technician (a cashier's: 4).
    public var privilegedPinMinimumLength: Int
    /// How customers earn and redeem loyalty points.
    public var loyalty: LoyaltyRules
    /// The most each kind of amount may be.
    public var limits: AmountLimits

    public init(registerID: String = "R1", storeName: String = "Kassa Demo", storeAddress: String = "",
                vatID: String = "", receiptFooter: String = "Kiitos käynnistä! Thank you!",
                currency: Currency = .EUR, moneyFormat: MoneyFormat = .finnish, priceMode: PriceMode = .inclusive,
                taxes: TaxTable = .finland, cashRounding: CashRounding = .finland, cashierDiscountLimitBP: Int64 = 1000,
                maxParkedSales: Int = 8, pinDelays: PinDelayPolicy = PinDelayPolicy(), privilegedPinMinimumLength: Int = 6,
                loyalty: LoyaltyRules = LoyaltyRules(), limits: AmountLimits = AmountLimits()) {
        self.registerID = registerID
        self.storeName = storeName
        self.storeAddress = storeAddress
        self.vatID = vatID
        self.receiptFooter = receiptFooter
        self.currency = currency
        self.moneyFormat = moneyFormat
        self.priceMode = priceMode
        self.taxes = taxes
        self.cashRounding = cashRounding
        self.cashierDiscountLimitBP = cashierDiscountLimitBP
        self.maxParkedSales = maxParkedSales
        self.pinDelays = pinDelays
        self.privilegedPinMinimumLength = privilegedPinMinimumLength
        self.loyalty = loyalty
        self.limits = limits
    }

    /// The fewest digits a new PIN of this role may have.
    public func minimumPinLength(for role: Role) -> Int {
        role >= .supervisor ? max(PinVault.pinLengths.lowerBound, privilegedPinMinimumLength) : PinVault.pinLengths.lowerBound
    }

    public func money(_ minor: Int64) -> Money { Money(minor: minor, currency: currency) }
    public func format(_ minor: Int64) -> String { moneyFormat.format(minor, currency: currency) }
}

import KassaCore

/// Every operation kassad takes, declared once: its name on the wire, what it does to the register,
/// who may call it and its arguments with their bounds. The server checks a request against its
/// row before any handler runs; clients build requests from the same cases. `PROTOCOL.md` lists
/// the same operations, and a test keeps the two in step.
public enum Op: String, CaseIterable, Sendable, Hashable {
    // Session and status
    case status
    case login
    case logout
    case technician
    case subscribe
    case journalStatus = "journal.status"
    case journalRecover = "journal.recover"
    case clockCheck = "clock.check"
    // The sale
    case saleOpen = "sale.open"
    case saleScan = "sale.scan"
    case saleAdd = "sale.add"
    case saleSellVoucher = "sale.sell_voucher"
    case saleVoidLine = "sale.void_line"
    case saleSetQuantity = "sale.set_quantity"
    case saleDiscountLine = "sale.discount_line"
    case saleOverridePrice = "sale.override_price"
    case saleDiscount = "sale.discount"
    case saleTotal = "sale.total"
    case saleTender = "sale.tender"
    case saleComplete = "sale.complete"
    case saleCancel = "sale.cancel"
    case salePark = "sale.park"
    case saleResume = "sale.resume"
    case saleParked = "sale.parked"
    case saleGet = "sale.get"
    case saleCustomer = "sale.customer"
    case saleRedeemPoints = "sale.redeem_points"
    case cardCancel = "card.cancel"
    // Refunds, receipts, drawer, shift, reports
    case refund
    case refundPreview = "refund.preview"
    case receiptGet = "receipt.get"
    case receiptReprint = "receipt.reprint"
    case drawerNoSale = "drawer.no_sale"
    case shiftOpen = "shift.open"
    case shiftCashIn = "shift.cash_in"
    case shiftCashOut = "shift.cash_out"
    case shiftClose = "shift.close"
    case reportX = "report.x"
    case reportZ = "report.z"
    case reportSales = "report.sales"
    case reportZExport = "report.z_export"
    // Vouchers
    case voucherGet = "voucher.get"
    case voucherList = "voucher.list"
    // Catalog, configuration, operators, devices, the technician's tools
    case catalogLookup = "catalog.lookup"
    case catalogSearch = "catalog.search"
    case catalogQuickKeys = "catalog.quick_keys"
    case catalogImport = "catalog.import"
    case catalogUpload = "catalog.upload"
    case configGet = "config.get"
    case configSet = "config.set"
    case configKeys = "config.keys"
    case operatorList = "operator.list"
    case operatorAdd = "operator.add"
    case operatorRemove = "operator.remove"
    case operatorDisable = "operator.disable"
    case operatorEnable = "operator.enable"
    case operatorResetPIN = "operator.reset_pin"
    case operatorSetBadge = "operator.set_badge"
    case technicianRecoveryCode = "technician.recovery_code"
    case technicianRecover = "technician.recover"
    case logTail = "log.tail"
    case journalVerify = "journal.verify"
    case journalVerifyStatus = "journal.verify_status"
    case journalExport = "journal.export"
    case backupList = "backup.list"
    case backupRead = "backup.read"
    case restoreBegin = "restore.begin"
    case restoreWrite = "restore.write"
    case restoreCommit = "restore.commit"
    case trainingSet = "training.set"
    case devicesList = "devices.list"
    case devicesSimulate = "devices.simulate"
    case devicesOpenDrawer = "devices.open_drawer"
    case devicesTestPrint = "devices.test_print"
    case devicesDisplayTest = "devices.display_test"
    case devicesScanTest = "devices.scan_test"
    // Time clock
    case timeclockIn = "timeclock.in"
    case timeclockOut = "timeclock.out"
    case timeclockBreakStart = "timeclock.break_start"
    case timeclockBreakEnd = "timeclock.break_end"
    case timeclockCorrect = "timeclock.correct"
    case timeclockStatus = "timeclock.status"
    case timeclockHours = "timeclock.hours"
    // Stock
    case stockReceive = "stock.receive"
    case stockCount = "stock.count"
    case stockAdjust = "stock.adjust"
    case stockSetReorder = "stock.set_reorder"
    case stockLevels = "stock.levels"
    case stockReorderList = "stock.reorder_list"
    case stockValue = "stock.value"
    // Promotions
    case promotionSet = "promotion.set"
    case promotionRemove = "promotion.remove"
    case promotionList = "promotion.list"
    // Customers
    case customerAdd = "customer.add"
    case customerUpdate = "customer.update"
    case customerRemove = "customer.remove"
    case customerFind = "customer.find"
    case customerGet = "customer.get"

    /// The name on the wire.
    public var name: String { rawValue }

    public init?(name: String) { self.init(rawValue: name) }
}

extension Op {
    /// This operation's row of the table.
    public var spec: OperationSpec {
        typealias A = Argument
        switch self {
        case .status, .subscribe:
            return OperationSpec(.read, .anyone)
        case .journalStatus, .clockCheck, .devicesList, .journalVerifyStatus:
            return OperationSpec(.read, .loggedInOrTechnician)
        case .login:
            return OperationSpec(.write, .credential, [.pin()])
        case .logout:
            return OperationSpec(.write, .loggedIn)
        case .technician:
            return OperationSpec(.read, .credential, [.pin()])
        case .journalRecover:
            return OperationSpec(.durable, .credential, [.pin(), .name("confirm")], whileReadOnly: true)

        case .saleOpen, .saleTotal, .saleComplete, .salePark:
            return OperationSpec(.write, .loggedIn, selling: true)
        case .saleScan:
            return OperationSpec(.write, .loggedIn, [.code("code"), A("quantity", .integer(Bounds.lineQuantity), required: false),
                                                     A("grams", .integer(Bounds.lineQuantity), required: false)], selling: true)
        case .saleAdd:
            return OperationSpec(.write, .loggedIn, [.name("item"), A("quantity", .integer(Bounds.lineQuantity))], selling: true)
        case .saleSellVoucher:
            return OperationSpec(.write, .loggedIn, [.amount("amount")], selling: true)
        case .saleVoidLine:
            return OperationSpec(.write, .loggedIn, [.index("line")], selling: true)
        case .saleSetQuantity:
            return OperationSpec(.write, .loggedIn, [.index("line"), A("quantity", .integer(Bounds.lineQuantity))], selling: true)
        case .saleDiscountLine:
            return OperationSpec(.write, .loggedIn, [.index("line")] + Self.discount, selling: true)
        case .saleOverridePrice:
            return OperationSpec(.write, .loggedIn, [.index("line"), .amount("unit_price"), .overridePIN], selling: true)
        case .saleDiscount:
            return OperationSpec(.write, .loggedIn, Self.discount, selling: true)
        case .saleTender:
            return OperationSpec(.durable, .loggedIn, [A("kind", Self.choice(TenderKind.self)), .amount("amount", required: false),
                                                       .code("reference", required: false)], selling: true)
        case .saleCancel:
            return OperationSpec(.durable, .loggedIn, [.overridePIN], selling: true)
        case .saleResume:
            return OperationSpec(.write, .loggedIn, [.index("park_id")], selling: true)
        case .saleParked, .saleGet:
            return OperationSpec(.read, .loggedInOrTechnician)
        case .saleCustomer:
            return OperationSpec(.write, .loggedIn, [.index("customer", required: false), .code("card", required: false)], selling: true)
        case .saleRedeemPoints:
            return OperationSpec(.write, .loggedIn, [A("points", .integer(0...Bounds.amount.upperBound))], selling: true)

        case .refund:
            return OperationSpec(.durable, .loggedIn, [.index("receipt"), Self.refundLines, A("tender", Self.choice(TenderKind.self), required: false),
                                                       .overridePIN], selling: true)
        case .refundPreview:
            return OperationSpec(.read, .loggedIn, [.index("receipt"), Self.refundLines])
        case .cardCancel:
            return OperationSpec(.durable, .loggedIn)
        case .receiptGet, .receiptReprint:
            return OperationSpec(.read, .loggedInOrTechnician, [.index("receipt"), .flag("training")])
        case .drawerNoSale:
            return OperationSpec(.durable, .loggedIn, [.overridePIN], selling: true)
        case .shiftOpen:
            return OperationSpec(.durable, .loggedIn, [.amount("float")], selling: true)
        case .shiftCashIn, .shiftCashOut:
            return OperationSpec(.durable, .loggedIn, [.amount("amount"), .text("reason")], selling: true)
        case .shiftClose:
            return OperationSpec(.durable, .loggedIn, [.amount("counted")], selling: true)
        case .reportX:
            return OperationSpec(.read, .loggedInOrTechnician)
        case .reportZ:
            return OperationSpec(.durable, .loggedIn, selling: true)
        case .reportSales:
            return OperationSpec(.read, .supervisorOrTechnician, [
                A("by", Self.choice(SalesGrouping.self)),
                A("from", .date, required: false), A("to", .date, required: false),
                A("sort", Self.choice(SalesRanking.self), required: false), .flag("worst"),
            ] + A.page(limit: 1...10_000))
        case .reportZExport:
            return OperationSpec(.read, .supervisorOrTechnician, A.page(limit: 1...50, offset: "from"))

        case .voucherGet:
            return OperationSpec(.read, .loggedInOrTechnician, [.code("code")])
        case .voucherList:
            return OperationSpec(.read, .supervisorOrTechnician, [.flag("all"), .flag("training")] + A.page(limit: 1...500))

        case .catalogLookup:
            return OperationSpec(.read, .loggedInOrTechnician, [.code("code")])
        case .catalogSearch:
            return OperationSpec(.read, .loggedInOrTechnician, [A("query", .text(maxBytes: Bounds.searchBytes)),
                                                                A("limit", .integer(Bounds.searchResults), required: false)])
        case .catalogQuickKeys:
            return OperationSpec(.read, .loggedInOrTechnician)
        case .catalogImport:
            return OperationSpec(.durable, .technician, [A("csv", .text(maxBytes: Bounds.payloadBytes), required: false), .flag("uploaded")])
        case .catalogUpload:
            return OperationSpec(.read, .technician, [A("offset", .integer(0...(64 << 20))), A("data", .text(maxBytes: Bounds.payloadBytes))])
        case .configGet:
            return OperationSpec(.read, .loggedInOrTechnician, [.name("key", required: false)])
        case .configSet:
            return OperationSpec(.durable, .technician, [.name("key"), .text("value")])
        case .configKeys, .operatorList:
            return OperationSpec(.read, .loggedInOrTechnician)
        case .operatorAdd:
            return OperationSpec(.durable, .technician, [.name("id"), .name("name"), A("role", Self.choice(Role.self)), .pin()])
        case .operatorRemove, .operatorDisable, .operatorEnable:
            return OperationSpec(.durable, .technician, [.name("id")])
        case .operatorResetPIN:
            return OperationSpec(.durable, .technician, [.name("id"), .pin()])
        case .operatorSetBadge:
            return OperationSpec(.write, .technician, [.name("id"), .credentialCode("card")])
        case .technicianRecoveryCode:
            return OperationSpec(.durable, .anyone)
        case .technicianRecover:
            return OperationSpec(.durable, .credential, [.credentialCode("code"), .name("id"), .pin(), .name("name", required: false)])
        case .logTail:
            return OperationSpec(.read, .technician, [A("lines", .integer(1...500), required: false)])
        case .journalVerify:
            return OperationSpec(.read, .technician)
        case .journalExport:
            return OperationSpec(.read, .technician, [A("from", .integer(1...Int64.max), required: false), A("limit", .integer(1...2000), required: false)])
        case .backupList:
            return OperationSpec(.read, .technician)
        case .backupRead:
            return OperationSpec(.read, .technician, [.text("path"), A("offset", .integer(0...Int64.max))])
        case .restoreBegin:
            return OperationSpec(.write, .technician)
        case .restoreWrite:
            return OperationSpec(.write, .technician, [.text("path"), A("offset", .integer(0...Int64.max)), A("data", .text(maxBytes: Bounds.payloadBytes))])
        case .restoreCommit:
            return OperationSpec(.write, .technician, [.name("register"), .name("technician"), .pin(), .name("anchor", required: false)])
        case .trainingSet:
            return OperationSpec(.durable, .loggedIn, [A("on", .flag), .overridePIN])
        case .devicesSimulate:
            return OperationSpec(.read, .technician, [A("condition", .choice(["paper_out", "paper_ok"]))])
        case .devicesOpenDrawer:
            return OperationSpec(.durable, .technician)
        case .devicesTestPrint:
            return OperationSpec(.durable, .technician)
        case .devicesDisplayTest:
            return OperationSpec(.read, .technician)
        case .devicesScanTest:
            return OperationSpec(.read, .technician, [A("seconds", .integer(1...600), required: false)])

        case .timeclockIn, .timeclockOut, .timeclockBreakStart, .timeclockBreakEnd:
            return OperationSpec(.durable, .credential, [.pin(required: false), .credentialCode("card", required: false)])
        case .timeclockCorrect:
            let punch = ArgumentKind.record([A("action", Self.choice(ClockAction.self)), A("at", .moment)])
            return OperationSpec(.durable, .loggedIn, [.name("operator"), A("remove", punch, required: false), A("add", punch, required: false),
                                                       .text("reason"), .overridePIN])
        case .timeclockStatus:
            return OperationSpec(.read, .loggedInOrTechnician)
        case .timeclockHours:
            return OperationSpec(.read, .loggedInOrTechnician, [A("from", .date), A("to", .date), .name("operator", required: false)])

        case .stockReceive:
            return OperationSpec(.durable, .loggedIn, [.name("item"), A("quantity", .integer(Bounds.quantity)), .amount("unit_cost", required: false),
                                                       .text("reason", required: false)])
        case .stockCount:
            return OperationSpec(.durable, .loggedIn, [.name("item"), A("counted", .integer(Bounds.quantity)), .overridePIN])
        case .stockAdjust:
            return OperationSpec(.durable, .loggedIn, [.name("item"), A("delta", .integer(Bounds.quantity)), .text("reason"), .overridePIN])
        case .stockSetReorder:
            return OperationSpec(.durable, .loggedInOrTechnician, [.name("item"), A("point", .integer(Bounds.quantity), required: false),
                                                                   A("quantity", .integer(Bounds.quantity), required: false), .flag("remove"), .overridePIN])
        case .stockLevels:
            return OperationSpec(.read, .loggedInOrTechnician, [.name("item", required: false)] + A.page(limit: 1...500))
        case .stockReorderList, .stockValue:
            return OperationSpec(.read, .loggedInOrTechnician, A.page(limit: 1...500))

        case .promotionSet:
            return OperationSpec(.durable, .loggedInOrTechnician, Self.promotion + [.overridePIN])
        case .promotionRemove:
            return OperationSpec(.durable, .loggedInOrTechnician, [.name("id"), .overridePIN])
        case .promotionList:
            return OperationSpec(.read, .loggedInOrTechnician)

        case .customerAdd:
            return OperationSpec(.durable, .loggedIn, Self.customerFields + [A("cards", .list(.text(maxBytes: Bounds.codeBytes), maxCount: 20), required: false)])
        case .customerUpdate:
            return OperationSpec(.durable, .loggedIn, [.index("customer")] + Self.customerFields.map { var a = $0; a.required = false; return a }
                                    + [.code("add_card", required: false), .code("remove_card", required: false)])
        case .customerRemove:
            return OperationSpec(.durable, .loggedInOrTechnician, [.index("customer"), .overridePIN])
        case .customerFind:
            return OperationSpec(.read, .loggedInOrTechnician, [.code("card", required: false), .name("phone", required: false),
                                                                .name("name", required: false), A("limit", .integer(1...50), required: false)])
        case .customerGet:
            return OperationSpec(.read, .loggedInOrTechnician, [.index("customer")] + A.page(limit: 1...100, offset: "history_offset", limitName: "history_limit"))
        }
    }

    /// The names of a closed set of the core's: the table never spells them again.
    private static func choice<T: CaseIterable & RawRepresentable>(_: T.Type) -> ArgumentKind where T.RawValue == String {
        .choice(T.allCases.map(\.rawValue))
    }

    private static let refundLines = Argument("lines", .list(.record([.index("line"), Argument("quantity", .integer(Bounds.lineQuantity))]),
                                                             maxCount: 1000))

    private static let discount: [Argument] = [
        Argument("percent_bp", .integer(Bounds.basisPoints), required: false), .amount("amount", required: false), .overridePIN,
    ]

    private static let customerFields: [Argument] = [
        .name("name"), .name("phone", required: false), .name("email", required: false), .text("notes", required: false), .flag("marketing"),
    ]

    private static let promotion: [Argument] = [
        .name("id"), .name("name"), Argument("from", .date, required: false), Argument("until", .date, required: false),
        Argument("weekdays", .list(.integer(1...7), maxCount: 7), required: false),
        .name("start", required: false), .name("end", required: false),
        .name("department", required: false), Argument("items", .list(.text(maxBytes: Bounds.nameBytes), maxCount: 10_000), required: false),
        Argument("percent_bp", .integer(Bounds.basisPoints), required: false), .amount("amount_off", required: false),
        Argument("buy", .integer(-1_000_000...1_000_000), required: false), Argument("free", .integer(-1_000_000...1_000_000), required: false),
        Argument("bundle_count", .integer(-1_000_000...1_000_000), required: false), .amount("bundle_price", required: false),
    ]
}

extension Request {
    /// A request for an operation of the table.
    public init(id: RequestID, op: Op, args: JSONObject = [:], idempotencyKey: String? = nil) {
        self.init(id: id, op: op.name, args: args, idempotencyKey: idempotencyKey)
    }
}

/// Ringing up a sale: its lines, discounts and prices, paying, completing, cancelling, parking.
extension RegisterState {
    func startSale(_ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        guard shiftAndDayState.shift != nil || staffState.training else { throw .shiftNotOpen }
        guard saleState.openSale == nil else { throw .saleInProgress }
        return [.saleOpened(id: saleState.lastSaleID + 1, by: me, training: staffState.training, at: ctx.now)]
    }

    /// A scanned or typed code: an item, a voucher to pay with, or a loyalty card. `quantity` is
    /// pieces and `grams` a weight: each only where the code leaves it open.
    func scan(_ code: String, quantity: Int64?, grams: Int64?, _ env: RegisterEnvironment,
              _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        if VoucherCode.looksLikeVoucher(code) {
            // The front-end and the scanners redeem a voucher by scanning it, like an item.
            guard (quantity == nil || quantity == 1) && grams == nil else { throw .voucher(.quantityGiven) }
            return try redeemVoucher(code, amount: nil, env.config, ctx)
        }
        let resolution: ScanResolution
        do { resolution = try env.catalog.resolve(code) } catch {
            // Not an item: a loyalty card's barcode puts its customer on the sale.
            if let customer = customerState.customerCards[code.trimmingSpaces()], quantity == nil, grams == nil {
                return try attachCustomer(customer, env, ctx)
            }
            throw .lookup(error)
        }
        switch resolution {
        case .item(let item) where item.unit == .weight:
            // Pieces of something sold by the kilogram mean nothing: its weight is asked for.
            guard quantity == nil, let grams else { throw .weightRequired(item.id) }
            return try addLine(item, quantity: grams, fixedAmount: nil, env, ctx)
        case .item(let item):
            guard grams == nil else { throw .quantityNotAllowed(code) }
            return try addLine(item, quantity: quantity ?? 1, fixedAmount: nil, env, ctx)
        case .weighed(let item, let weight):
            guard quantity == nil && grams == nil else { throw .quantityNotAllowed(code) }
            return try addLine(item, quantity: weight, fixedAmount: nil, env, ctx)
        case .priced(let item, let amount):
            guard quantity == nil && grams == nil else { throw .quantityNotAllowed(code) }
            return try addLine(item, quantity: try labelQuantity(item, amount), fixedAmount: amount, env, ctx)
        }
    }

    /// A price label's line holds what it stands for: one piece, or the weight its price buys
    /// at the item's price per kilogram, to the nearest gram (the line's amount stays the
    /// label's). `SaleLine.stockQuantity` works the same grams out again.
    private func labelQuantity(_ item: Item, _ amount: Int64) throws(Refusal) -> Int64 {
        guard item.unit == .weight else { return 1 }
        guard item.price > 0 else {
            throw .invalidAmount("\(item.id) has no price per kilogram: the weight of its price label cannot be worked out")
        }
        do { return try Checked.mulDiv(amount, 1000, item.price) } catch { throw .money(error) }
    }

    func addItem(_ id: ItemID, quantity: Int64, _ env: RegisterEnvironment, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        guard let item = env.catalog.item(id) else { throw .unknownItem(id) }
        return try addLine(item, quantity: quantity, fixedAmount: nil, env, ctx)
    }

    func voidLine(_ index: Int) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        let sale = try editableSale()
        try checkLine(index, sale)
        return [.lineVoided(index: index, by: me)]
    }

    /// A new quantity for a line already rung up, within what a new line may have; its discount
    /// and the sale's total must still hold.
    func setQuantity(line index: Int, _ quantity: Int64, _ env: RegisterEnvironment) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        let sale = try editableSale()
        try checkLine(index, sale)
        let line = sale.lines[index]
        guard !line.isGiftVoucher else { throw .voucher(.fixedValue(line: index)) }
        guard line.fixedAmount == nil else { throw .invalidAmount("the barcode fixes this line's amount") }
        guard Self.lineQuantities(line.unit).contains(quantity) else { throw .invalidQuantity(quantity) }
        guard quantity != line.quantity else { return [] }
        var probe = sale
        probe.lines[index].quantity = quantity
        if case .amount(let off)? = line.discount {
            let base: Int64
            do { base = try probe.lines[index].baseAmount() } catch { throw .money(error) }
            guard off <= base else { throw .invalidDiscount("the line's discount is more than its new amount") }
        }
        try checkTotals(probe, env.config)
        return [.lineQuantityChanged(index: index, quantity: quantity, by: me)]
    }

    /// What a line may be rung up with: pieces, or grams of a weighed item.
    static func lineQuantities(_ unit: SaleUnit) -> ClosedRange<Int64> { unit == .weight ? 1...1_000_000 : 1...9_999 }

    func discountLine(_ index: Int, _ discount: Discount?, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                      pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        let sale = try editableSale()
        try checkLine(index, sale)
        guard !sale.lines[index].isGiftVoucher else { throw .voucher(.fixedValue(line: index)) }
        var by: OperatorID?
        if let d = discount {
            let base: Int64
            do { base = try sale.lines[index].baseAmount() } catch { throw .money(error) }
            try validate(d, base: base)
            if d.basisPoints(of: base) > env.config.cashierDiscountLimitBP {
                by = try authorise(.discountOverLimit, override: override, env, ctx, &pinEvents)
            }
        }
        return [.lineDiscounted(index: index, discount, authorisedBy: by)]
    }

    func overridePrice(line index: Int, unitPrice price: Int64, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                       pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        let sale = try editableSale()
        try checkLine(index, sale)
        guard !sale.lines[index].isGiftVoucher else { throw .voucher(.fixedValue(line: index)) }
        guard price >= 0 else { throw .invalidAmount("a price cannot be negative") }
        try env.config.limits.check(price, .price)
        guard sale.lines[index].fixedAmount == nil else { throw .invalidAmount("the barcode fixes this line's price") }
        let by = try authorise(.priceOverride, override: override, env, ctx, &pinEvents)
        var probe = sale
        probe.lines[index].unitPrice = price
        try checkTotals(probe, env.config)
        return [.linePriceOverridden(index: index, unitPrice: price, authorisedBy: by)]
    }

    func discountReceipt(_ discount: Discount?, override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                         pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        let sale = try editableSale()
        var by: OperatorID?
        if let d = discount {
            let subtotal: Int64
            do {
                // Gift vouchers are sold at face value: a receipt discount is on the goods alone.
                let totals = try SaleTotals.compute(lines: sale.lines, receiptDiscount: nil, priceMode: env.config.priceMode,
                                                    offers: sale.offers)
                subtotal = totals.total - totals.vouchers
            } catch { throw .money(error) }
            try validate(d, base: subtotal)
            if d.basisPoints(of: subtotal) > env.config.cashierDiscountLimitBP {
                by = try authorise(.discountOverLimit, override: override, env, ctx, &pinEvents)
            }
        }
        return [.receiptDiscounted(discount, authorisedBy: by)]
    }

    /// The cashier pressed total.
    func totalSale() throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard let sale = saleState.openSale else { throw .noOpenSale }
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        return sale.totalled ? [] : [.totalled]
    }

    /// A tender of cash or card; a voucher tender is redeemed by its code.
    func pay(_ tender: Tender, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        if tender.kind == .voucher { return try redeemVoucher(tender.reference ?? "", amount: tender.amount, config, ctx) }
        try require(.sell)
        guard let sale = saleState.openSale else { throw .noOpenSale }
        try checkTender(tender, sale, config)
        var tender = tender
        // A reference is typed by hand: a full card number typed there never reaches the
        // journal or the receipt.
        tender.reference = tender.reference.map { CardNumberMasker.maskAll(in: $0) }
        return try paying(sale, with: tender, config, ctx)
    }

    func complete(_ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard let sale = saleState.openSale else { throw .noOpenSale }
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        try checkRedemption(sale, config)
        let s = try settlement(sale, config, finishing: true)
        guard s.settled else { throw .notSettled(remaining: s.remainingExact) }
        return try completion(sale, s, slips: saleState.cardSlips, config, ctx)
    }

    func cancel(override: String?, _ env: RegisterEnvironment, _ ctx: Context,
                pinEvents: inout [RegisterEvent]) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        guard let sale = saleState.openSale else { throw .noOpenSale }
        guard sale.tenders.allSatisfy({ $0.kind == .cash }) else { throw .tendersPresent }
        var by: OperatorID?
        if sale.totalled { by = try authorise(.cancelAfterTotal, override: override, env, ctx, &pinEvents) }
        return [.saleCancelled(by: me, authorisedBy: by)]
    }

    func park(_ config: RegisterConfig) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard let sale = saleState.openSale else { throw .noOpenSale }
        guard sale.tenders.isEmpty else { throw .tendersPresent }
        guard sale.hasLiveLines else { throw .saleIsEmpty }
        guard saleState.parked.count < config.maxParkedSales else { throw .parkLimit(config.maxParkedSales) }
        return [.saleParked(parkID: sale.id)]
    }

    func resume(parkID: UInt64) throws(Refusal) -> [RegisterEvent] {
        try require(.sell)
        guard saleState.openSale == nil else { throw .saleInProgress }
        guard let sale = saleState.parked[parkID] else { throw .noSuchParkedSale(parkID) }
        guard sale.training == staffState.training else { throw .trainingModeMismatch }
        return [.saleResumed(parkID: parkID)]
    }

    // MARK: Lines

    func editableSale() throws(Refusal) -> OpenSale {
        guard let sale = saleState.openSale else { throw .noOpenSale }
        guard sale.tenders.isEmpty else { throw .tendersPresent }
        return sale
    }

    private func checkLine(_ index: Int, _ sale: OpenSale) throws(Refusal) {
        guard sale.lines.indices.contains(index) else { throw .noSuchLine(index) }
        guard !sale.lines[index].voided else { throw .lineAlreadyVoided(index) }
    }

    private func validate(_ d: Discount, base: Int64) throws(Refusal) {
        switch d {
        case .percent(let bp):
            guard bp > 0 && bp <= 10_000 else { throw .invalidDiscount("a percentage must be above 0 and at most 100") }
        case .amount(let a):
            guard a > 0 else { throw .invalidDiscount("a discount must be more than zero") }
            guard a <= base else { throw .invalidDiscount("the discount is more than the amount") }
        }
    }

    /// Every live line and the sale's total within the register's limits.
    private func checkTotals(_ sale: OpenSale, _ config: RegisterConfig) throws(Refusal) {
        var lines: [Int64] = []
        let total: Int64
        do {
            for line in sale.lines where !line.voided && !line.isGiftVoucher { lines.append(try line.baseAmount()) }
            total = try totals(of: sale, config.priceMode).total
        } catch {
            throw .money(error)
        }
        for amount in lines { try config.limits.check(amount, .line) }
        try config.limits.check(total, .sale)
    }

    private func addLine(_ item: Item, quantity: Int64, fixedAmount: Int64?, _ env: RegisterEnvironment,
                         _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        let me = try require(.sell)
        guard Self.lineQuantities(item.unit).contains(quantity) else { throw .invalidQuantity(quantity) }
        try env.config.limits.check(item.price, .price)
        guard let bp = env.config.taxes.basisPoints(item.taxClass, on: ctx.today) else {
            throw .noTaxRate(item.taxClass, ctx.today)
        }
        let line = SaleLine(itemID: item.id, name: item.name, department: item.department, unit: item.unit,
                            quantity: quantity, unitPrice: item.price, catalogPrice: item.price,
                            taxClass: item.taxClass, taxBasisPoints: bp, fixedAmount: fixedAmount)
        return try appending(line, by: me, env.config, ctx)
    }

    /// The line added to the open sale, or to a new one.
    func appending(_ line: SaleLine, by me: OperatorID, _ config: RegisterConfig, _ ctx: Context) throws(Refusal) -> [RegisterEvent] {
        var events: [RegisterEvent] = []
        var sale: OpenSale
        if let open = saleState.openSale {
            guard open.tenders.isEmpty else { throw .tendersPresent }
            sale = open
        } else {
            guard shiftAndDayState.shift != nil || staffState.training else { throw .shiftNotOpen }
            sale = OpenSale(id: saleState.lastSaleID + 1, operatorID: me, training: staffState.training, openedAt: ctx.now)
            events.append(.saleOpened(id: sale.id, by: me, training: staffState.training, at: ctx.now))
        }
        sale.lines.append(line)
        events.append(.lineAdded(line))
        let offers = line.isGiftVoucher ? [] : promotions(for: line, on: ctx.today, minute: ctx.minuteOfDay)
        if !offers.isEmpty {
            sale.offers[sale.lines.count - 1] = offers
            events.append(.lineOffers(index: sale.lines.count - 1, offers))
        }
        try checkTotals(sale, config)
        return events
    }
}

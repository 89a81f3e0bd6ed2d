import Glibc
import KassaCore
import KassaDevices
import KassaIPC
import KassaJournal
import KassaSystem

/// What the register does once the journal has the events: receipts, drawer, display, and the
/// replies and events its clients see.
extension RegisterService {
    func effects(_ events: [RegisterEvent]) {
        var saleChanged = false
        var paid: CompletedSale?
        for e in events {
            switch e {
            case .saleOpened, .lineAdded, .lineVoided, .lineQuantityChanged, .lineDiscounted, .linePriceOverridden, .receiptDiscounted,
                 .totalled, .tenderAdded, .saleCancelled, .saleParked, .saleResumed, .saleCustomerSet, .pointsRedemptionSet:
                saleChanged = true
            case .saleCompleted(let sale):
                saleChanged = true
                if sale.tenders.contains(where: { $0.kind == .cash }) { kickDrawer() }
                paid = sale
                broadcast("sale.completed", receiptView(sale, state: ledger.state).json)
            case .refundCompleted(let r):
                if r.tender == .cash { kickDrawer() }
                broadcast("refund.completed", ["refund": .int(Int64(r.refundNumber)), "total": .int(r.total)])
            case .noSale:
                kickDrawer()
            case .loggedIn:
                broadcast("operator.changed", Views.session(ledger.state).json)
                // A supervisor's log-in is how they see the alarm of someone guessing PINs.
                refreshPinAlarm()
            case .loggedOut:
                broadcast("operator.changed", Views.session(ledger.state).json)
            case .shiftOpened, .shiftClosed:
                broadcast("shift.changed", ShiftResultReply(shift: ledger.state.shift.map(ShiftReply.init)).json)
            case .outputQueued(let id, let output):
                printOutput(id, output, copy: false)
            case .dayClosed(let z):
                broadcast("day.closed", ["z": .int(Int64(z.number))])
            case .settingChanged(let key, _, _, _):
                // Screens read what they show by (language, idle lock) again, without a restart.
                broadcast("config.changed", ["key": .string(key)])
            default:
                break
            }
        }
        refreshStockAlarm()
        if saleChanged {
            broadcast("sale.changed", Views.sale(ledger.state, config).json)
            // The customer sees what they paid and their change; otherwise the sale as it stands.
            if let paid { showPaid(paid) } else { showOpenSale() }
        }
    }

    func operatorName(_ id: OperatorID) -> String { ledger.state.operators[id]?.name ?? id.rawValue }

    func localTimeText(_ t: Timestamp) -> String { fileConfig.timeZone.localTime(t).minuteText }

    /// `state`: the register with the sale applied, for the vouchers it issued and spent (the
    /// journal's state unless the sale is not recorded yet).
    func receiptLines(_ sale: CompletedSale, hash: [UInt8]?, copy: Bool = false, state: RegisterState? = nil) -> [PrintedLine] {
        Receipt.sale(sale, config: config, operatorName: operatorName(sale.operatorID), localTime: localTimeText(sale.time),
                     chainHash: hash.map { String(Hex.encode($0).prefix(16)) }, copy: copy,
                     vouchers: (state ?? ledger.state).vouchers(of: sale), cardSlips: cardSlips(sale, state: state),
                     customer: sale.loyalty.flatMap { customerLabel($0.customer) })
            .renderLines(columns: printer.columns, format: config.moneyFormat, currency: config.currency, words: fileConfig.words)
    }

    /// A completed sale as a reply or an event shows it: the receipt with its text and the
    /// vouchers it issued, from `state` with the sale applied.
    func receiptView(_ sale: CompletedSale, state: RegisterState) -> ReceiptReply {
        Views.receipt(sale, text: receiptLines(sale, hash: nil, state: state).map(\.text), vouchers: state.vouchers(of: sale))
    }

    /// `card`: what the terminal said of the card the refund was credited to.
    func refundLines(_ r: CompletedRefund, storeCredit: VoucherIssue?, card: CardApproval?) -> [PrintedLine] {
        Receipt.refund(r, config: config, operatorName: operatorName(r.operatorID), localTime: localTimeText(r.time),
                       storeCredit: storeCredit, card: card, customer: r.loyalty.flatMap { customerLabel($0.customer) },
                       approvedBy: operatorName(r.authorisedBy))
            .renderLines(columns: printer.columns, format: config.moneyFormat, currency: config.currency, words: fileConfig.words)
    }

    /// What the terminal said of the card a refund's events credited.
    static func cardApproval(in events: [RegisterEvent]) -> CardApproval? {
        for e in events { if case .cardRefundResolved(_, .approved(let approval)) = e { return approval } }
        return nil
    }

    /// The cards that paid `sale`: from the register's state while the sale is the last one
    /// (its reply, its first print), else from the journal's record beside the sale's.
    func cardSlips(_ sale: CompletedSale, state: RegisterState?) -> [CardSlip] {
        let references = Set(sale.tenders.compactMap { $0.kind == .card ? $0.reference : nil })
        guard !references.isEmpty else { return [] }
        let known = (state ?? ledger.state).saleState.cardSlips.filter { references.contains($0.reference) }
        return known.isEmpty ? ledger.cardSlips(receipt: sale.receiptNumber, training: sale.training) : known
    }

    /// The store credit a refund's events gave.
    static func storeCredit(in events: [RegisterEvent]) -> VoucherIssue? {
        for e in events { if case .voucherIssued(let v) = e, case .refund = v.source { return v } }
        return nil
    }

    func broadcast(_ name: String, _ data: JSONValue) {
        server?.broadcast(name, data: data)
    }
}

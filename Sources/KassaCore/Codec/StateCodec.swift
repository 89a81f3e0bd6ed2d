/// The binary form of the register's whole state, for snapshots and for `chain_restarted`.
///
/// Format 2 is a version byte and a list of sections, each a section id, a length and the bytes
/// of one feature's part of the state, written and read by that feature's codec. A reader skips
/// the sections it does not know and leaves a feature whose section is missing as a new register
/// has it, so a feature that comes later adds a section and nothing else. A section is read to its
/// last byte, a section given twice is damage: what a feature keeps later goes in a new section.
///
/// Format 1, written until format 2 replaced it, is the same parts in one fixed order, the later
/// ones appended behind end-of-data checks; it is still read, and `chain_restarted` still
/// carries it (followed by the sections format 1 lacks), so its record stays the same.
extension EventCodec {
    public static let formatVersion: UInt8 = 2

    public static func encode(_ state: RegisterState) -> [UInt8] {
        var w = ByteWriter(capacity: 4096)
        w.u8(formatVersion)
        w.stateSections(state, StateSection.allCases)
        return w.bytes
    }

    public static func decodeState(_ bytes: [UInt8]) throws(CodecError) -> RegisterState {
        try withBytes(bytes) { raw throws(CodecError) in
            var r = ByteReader(raw)
            var s = RegisterState()
            switch try r.u8() {
            case 1: s = try r.stateFormat1()
            case 2: try r.stateSections(into: &s)
            case let v: throw .badValue("snapshot format \(v)", at: 0)
            }
            try r.finish()
            return s
        }
    }

    /// A snapshot as format 1 wrote it: tests write it to show that such snapshots still read.
    static func encodeFormat1(_ state: RegisterState) -> [UInt8] {
        var w = ByteWriter(capacity: 4096)
        w.u8(1)
        w.stateFormat1(state)
        return w.bytes
    }
}

/// The parts of the state, by the feature that owns each. Ids are part of the snapshot format:
/// never renumber one, only add.
enum StateSection: UInt64, CaseIterable {
    /// Operators, who is logged in, training mode, disabled operators.
    case staff = 1
    case shift = 2
    /// The open and parked sales with their offers, the last sale and receipt numbers.
    case sale = 3
    case refunds = 4
    /// The day's report counters, the Z number and the grand totals.
    case day = 5
    case settings = 6
    case requests = 7
    case outputs = 8
    case sealedChains = 9
    case cardPayments = 10
    case timeClock = 11
    case stock = 12
    case vouchers = 13
    case promotions = 14
    case customers = 15
    /// What the remembered request keys were used for.
    case requestDigests = 20
    /// Wrong PINs in a row from each source.
    case pinAttempts = 16
    /// The card refund awaited from the terminal, what receipts refunded to cards, and the cards
    /// that paid the open sale.
    case cardRefunds = 21

    /// The sections format 1 held. A section added since goes after the format-1 part of a
    /// `chain_restarted` record.
    static let inFormat1: Set<StateSection> = [.staff, .shift, .sale, .refunds, .day, .settings, .requests, .outputs,
                                               .sealedChains, .cardPayments, .timeClock, .stock, .vouchers, .promotions,
                                               .customers]
}

extension ByteWriter {
    mutating func stateSections(_ s: RegisterState, _ sections: [StateSection]) {
        for section in sections {
            var body = ByteWriter(capacity: 256)
            body.section(section, of: s)
            varint(section.rawValue)
            raw(body.bytes)
        }
    }

    mutating func section(_ section: StateSection, of s: RegisterState) {
        switch section {
        case .staff: operatorsState(s.staffState); disabledOperatorsState(s.staffState)
        case .shift: shiftState(s.shiftAndDayState)
        case .sale: salesState(s.saleState); saleOffersState(s.saleState)
        case .refunds: refundsState(s.refundState)
        case .day: dayState(s.shiftAndDayState); voucherCounters(s.shiftAndDayState.day)
        case .settings: settingsState(s.settingsState)
        case .requests: requestsState(s.settingsState)
        case .outputs: outputsState(s.outputState)
        case .sealedChains: sealedChainsState(s)
        case .cardPayments: cardPaymentsState(s.saleState)
        case .timeClock: timeCardsState(s.timeClockState)
        case .stock: stockState(s.stockState)
        case .vouchers: vouchersState(s.voucherState)
        case .promotions: promotionsState(s.promotionState)
        case .customers: customersState(s.customerState)
        case .requestDigests: requestDigestsState(s.settingsState)
        case .pinAttempts: pinAttemptsState(s.staffState.pinAttempts)
        case .cardRefunds: cardRefundsState(s.refundState, s.saleState)
        }
    }

    /// `sectionsOfTag90`: only what a tag-90 `chain_restarted` record held (tests write such
    /// records to show that they are still read).
    mutating func stateFormat1(_ s: RegisterState, sectionsOfTag90: Bool = false) {
        operatorsState(s.staffState)
        shiftState(s.shiftAndDayState)
        salesState(s.saleState)
        refundsState(s.refundState)
        dayState(s.shiftAndDayState)
        settingsState(s.settingsState)
        requestsState(s.settingsState)
        outputsState(s.outputState)
        sealedChainsState(s)
        cardPaymentsState(s.saleState)
        disabledOperatorsState(s.staffState)
        timeCardsState(s.timeClockState)
        stockState(s.stockState)
        if sectionsOfTag90 { return }
        vouchersState(s.voucherState)
        voucherCounters(s.shiftAndDayState.day)
        promotionsState(s.promotionState)
        saleOffersState(s.saleState)
        customersState(s.customerState)
    }
}

extension ByteReader {
    /// Reads sections to the end, skipping those this version does not know.
    mutating func stateSections(into s: inout RegisterState) throws(CodecError) {
        var seen: Set<UInt64> = []
        while !isAtEnd {
            let at = offset
            let id = try varint()
            guard seen.insert(id).inserted else { throw .badValue("state section \(id) twice", at: at) }
            var body = try lengthPrefixed()
            guard let section = StateSection(rawValue: id) else { continue }
            do throws(CodecError) {
                try body.section(section, into: &s)
                try body.finish()
            } catch {
                throw .badValue("state section \(id) (\(error))", at: at)
            }
        }
    }

    mutating func section(_ section: StateSection, into s: inout RegisterState) throws(CodecError) {
        switch section {
        case .staff: try operatorsState(into: &s.staffState); try disabledOperatorsState(into: &s.staffState)
        case .shift: try shiftState(into: &s.shiftAndDayState)
        case .sale: try salesState(into: &s.saleState); try saleOffersState(into: &s.saleState)
        case .refunds: try refundsState(into: &s.refundState)
        case .day: try dayState(into: &s.shiftAndDayState); try voucherCounters(&s.shiftAndDayState.day)
        case .settings: try settingsState(into: &s.settingsState)
        case .requests: try requestsState(into: &s.settingsState)
        case .outputs: try outputsState(into: &s.outputState)
        case .sealedChains: try sealedChainsState(into: &s)
        case .cardPayments: try cardPaymentsState(into: &s.saleState)
        case .timeClock: try timeCardsState(into: &s.timeClockState)
        case .stock: try stockState(into: &s.stockState)
        case .vouchers: try vouchersState(into: &s.voucherState)
        case .promotions: try promotionsState(into: &s.promotionState)
        case .customers: try customersState(into: &s.customerState)
        case .requestDigests: try requestDigestsState(into: &s.settingsState)
        case .pinAttempts: try pinAttemptsState(into: &s.staffState.pinAttempts)
        case .cardRefunds: try cardRefundsState(into: &s.refundState, &s.saleState)
        }
    }

    /// Format 1: the parts in their fixed order, each group added later read only when the
    /// bytes go on. `sectionsOfTag90`: stop after what a tag-90 `chain_restarted` record held.
    mutating func stateFormat1(sectionsOfTag90: Bool = false) throws(CodecError) -> RegisterState {
        var s = RegisterState()
        try operatorsState(into: &s.staffState)
        try shiftState(into: &s.shiftAndDayState)
        try salesState(into: &s.saleState)
        try refundsState(into: &s.refundState)
        try dayState(into: &s.shiftAndDayState)
        try settingsState(into: &s.settingsState)
        try requestsState(into: &s.settingsState)
        try outputsState(into: &s.outputState)
        try sealedChainsState(into: &s)
        if !isAtEnd { try cardPaymentsState(into: &s.saleState) }
        if !isAtEnd { try disabledOperatorsState(into: &s.staffState) }
        if !isAtEnd {
            try timeCardsState(into: &s.timeClockState)
            try stockState(into: &s.stockState)
        }
        if sectionsOfTag90 { return s }
        if !isAtEnd {
            try vouchersState(into: &s.voucherState)
            try voucherCounters(&s.shiftAndDayState.day)
        }
        if !isAtEnd {
            try promotionsState(into: &s.promotionState)
            try saleOffersState(into: &s.saleState)
        }
        if !isAtEnd { try customersState(into: &s.customerState) }
        return s
    }
}

import Testing
@testable import KassaCore

/// Sales reports agree with a brute-force recomputation over seeded random trading.
@Suite("Sales reports")
struct SalesReportTests {
    /// A zone two hours ahead of UTC, three in summer (from the last Sunday of March to the
    /// last Sunday of October 2026, at 01:00 UTC), like Helsinki.
    static func helsinki(_ t: Timestamp) -> Int {
        let summerStart: Int64 = 1_774_746_000_000  // 2026-03-29 01:00 UTC
        let summerEnd: Int64 = 1_792_890_000_000  // 2026-10-25 01:00 UTC
        return t.milliseconds >= summerStart && t.milliseconds < summerEnd ? 3 * 3600 : 2 * 3600
    }

    /// Journal events with their record times: a year of random sales by two operators with
    /// voids, overrides, training sales, cancellations, card and cash tenders, and refunds.
    static func trading(seed: UInt64, sales: Int) -> [(RegisterEvent, Timestamp)] {
        var t = Till()
        var random = SplitMix64(seed: seed)
        var out: [(RegisterEvent, Timestamp)] = t.journal.map { ($0, t.ctx.now) }
        func run(_ c: Command) {
            let at = t.ctx.now
            let before = t.journal.count
            t.must(c)
            out += t.journal[before...].map { ($0, at) }
        }
        t.ctx.now = Timestamp(milliseconds: 1_767_218_400_000)  // 2025-12-31 22:00 UTC
        run(.login(pin: Till.supervisorPIN))
        run(.openShift(float: 10_000))
        var completed: [CompletedSale] = []
        for n in 0..<sales {
            t.ctx.now.milliseconds += Int64(random.next(below: 110_000_000))
            if n % 40 == 39 {
                // Another operator takes over now and then.
                run(.logout)
                run(.login(pin: random.next(below: 2) == 0 ? Till.cashierPIN : Till.supervisorPIN))
            }
            let training = random.next(below: 20) == 0
            if training { run(.setTraining(true, override: Till.supervisorPIN)) }
            let lines = 1 + random.next(below: 4)
            for _ in 0..<lines {
                switch random.next(below: 4) {
                case 0: run(.addItem(Till.coffee.id, quantity: Int64(1 + random.next(below: 3))))
                case 1: run(.addItem(Till.bun.id, quantity: 1))
                case 2: run(.addItem(Till.mug.id, quantity: Int64(1 + random.next(below: 2))))
                default: run(.addItem(Till.candy.id, quantity: Int64(50 + random.next(below: 400))))
                }
            }
            if lines > 1, random.next(below: 8) == 0 { run(.voidLine(0)) }
            if random.next(below: 10) == 0 { run(.overridePrice(line: lines - 1, unitPrice: 100, override: Till.supervisorPIN)) }
            if random.next(below: 25) == 0 {
                run(.cancel(override: Till.supervisorPIN))
            } else {
                let due = try! t.state.openSale!.totals(.inclusive).total
                run(random.next(below: 2) == 0 ? .tender(Tender(kind: .card, amount: due)) : .tender(Tender(kind: .cash, amount: (due / 500 + 1) * 500)))
                if let sale = t.lastSale, !sale.training { completed.append(sale) }
            }
            if training { run(.setTraining(false, override: Till.supervisorPIN)) }
            if random.next(below: 10) == 0, !completed.isEmpty {
                let sale = completed[random.next(below: completed.count)]
                let refundable = sale.lines.indices.filter { !sale.lines[$0].voided && sale.lines[$0].unit == .piece }
                if let line = refundable.first, t.state.openSale == nil,
                   t.state.decide(.refund(original: sale, lines: [RefundRequestLine(line: line, quantity: 1)], tender: .cash,
                                          override: Till.supervisorPIN), t.env, t.ctx).refusal == nil {
                    run(.refund(original: sale, lines: [RefundRequestLine(line: line, quantity: 1)], tender: .cash, override: Till.supervisorPIN))
                }
            }
        }
        return out
    }

    static func report(_ events: [(RegisterEvent, Timestamp)], _ by: SalesGrouping, from: CivilDate? = nil, to: CivilDate? = nil,
                       limit: Int? = nil, worst: Bool = false) -> SalesReport {
        var b = SalesReportBuilder(grouping: by, from: from, to: to, utcOffsetSeconds: helsinki)
        for (e, at) in events where SalesReportBuilder.wants(e.tag) { b.add(e, recordTime: at) }
        return b.report(worst: worst, limit: limit)
    }

    /// The few figures each grouping is about, for comparison.
    struct Figures: Hashable, CustomStringConvertible {
        var a: Int64 = 0, b: Int64 = 0, c: Int64 = 0, d: Int64 = 0, e: Int64 = 0
        var description: String { "(\(a) \(b) \(c) \(d) \(e))" }
    }

    static func figures(_ f: SalesFigures, _ by: SalesGrouping) -> Figures {
        switch by {
        case .item: return Figures(a: f.quantity, b: f.gross, c: f.refunded, d: f.tax, e: f.refundedTax)
        case .department, .tender: return Figures(a: f.sales, b: f.gross, c: f.refunded, d: f.refunds)
        case .tax: return Figures(a: f.gross, b: f.tax, c: f.refunded, d: f.refundedTax)
        default: return Figures(a: f.sales, b: f.gross, c: f.refunds * 1_000_000 + f.refunded, d: f.voidedLines * 1000 + f.cancelledSales,
                                e: f.priceOverrides * 1_000_000 + f.items)
        }
    }

    /// The slow obvious way: every figure recomputed from scratch, local time by plain arithmetic,
    /// ISO weeks by counting Mondays from the week holding 4 January.
    static func bruteForce(_ events: [(RegisterEvent, Timestamp)], _ by: SalesGrouping, from: CivilDate?, to: CivilDate?) -> [String: Figures] {
        func localDate(_ t: Timestamp) -> (CivilDate, Int) {
            let ms = t.milliseconds + Int64(helsinki(t)) * 1000
            var days = ms / 86_400_000
            if ms < 0 && ms % 86_400_000 != 0 { days -= 1 }
            return (CivilDate(daysSinceEpoch: days), Int((ms - days * 86_400_000) / 3_600_000))
        }
        func inPeriod(_ d: CivilDate) -> Bool { (from.map { d >= $0 } ?? true) && (to.map { d < $0 } ?? true) }
        func isoWeek(_ d: CivilDate) -> String {
            for year in [d.year + 1, d.year, d.year - 1] {
                let jan4 = CivilDate(year: year, month: 1, day: 4)
                let monday = jan4.daysSinceEpoch - Int64(jan4.isoWeekday - 1)
                if d.daysSinceEpoch >= monday {
                    let w = (d.daysSinceEpoch - monday) / 7 + 1
                    return "\(year)-W" + (w < 10 ? "0\(w)" : "\(w)")
                }
            }
            return "?"
        }
        func timeKey(_ t: Timestamp) -> String? {
            let (d, hour) = localDate(t)
            guard inPeriod(d) else { return nil }
            switch by {
            case .hour: return String(hour)
            case .day: return d.description
            case .week: return isoWeek(d)
            case .month: return String(d.description.prefix(7))
            default: return String(d.year)
            }
        }
        var out: [String: Figures] = [:]
        var departments: [String: String] = [:]
        var openBy: [OperatorID] = []
        var openTraining = false
        for (event, at) in events {
            switch event {
            case .saleOpened(_, let by, let training, _):
                openBy = [by]
                openTraining = training
            case .saleCancelled:
                if !openTraining, let key = by.isTime ? timeKey(at) : (by == .employee && inPeriod(localDate(at).0) ? openBy[0].rawValue : nil) {
                    out[key, default: Figures()].d += 1
                }
            case .saleCompleted(let s) where !s.training:
                for l in s.lines { departments[l.itemID.rawValue] = l.department }
                guard inPeriod(localDate(s.time).0) else { continue }
                let live = s.lines.indices.filter { !s.lines[$0].voided }
                switch by {
                case .item, .department:
                    for i in live {
                        let key = by == .item ? s.lines[i].itemID.rawValue : s.lines[i].department
                        if by == .item {
                            out[key, default: Figures()].a += s.lines[i].quantity
                            out[key, default: Figures()].d += s.priced[i]!.tax
                        } else {
                            out[key, default: Figures()].a += 1
                        }
                        out[key, default: Figures()].b += s.priced[i]!.gross
                    }
                case .tax:
                    for b in s.breakdown {
                        out["\(b.taxClass.rawValue) \(b.basisPoints)", default: Figures()].a += b.gross
                        out["\(b.taxClass.rawValue) \(b.basisPoints)", default: Figures()].b += b.tax
                    }
                case .tender:
                    for kind in Set(s.tenders.map(\.kind)) {
                        out[kind.rawValue, default: Figures()].a += 1
                        out[kind.rawValue, default: Figures()].b += s.tenders.filter { $0.kind == kind }.map(\.amount).reduce(0, +)
                            - (kind == .cash ? s.change : 0)
                    }
                default:
                    let key = by == .employee ? s.operatorID.rawValue : timeKey(s.time)!
                    out[key, default: Figures()].a += 1
                    out[key, default: Figures()].b += s.total
                    out[key, default: Figures()].d += Int64(s.lines.filter(\.voided).count) * 1000
                    let overrides = live.filter { s.lines[$0].unitPrice != s.lines[$0].catalogPrice }.count
                    let items = live.map { s.lines[$0].unit == .piece ? s.lines[$0].quantity : 1 }.reduce(0, +)
                    out[key, default: Figures()].e += Int64(overrides) * 1_000_000 + items
                }
            case .refundCompleted(let r) where !r.training:
                guard inPeriod(localDate(r.time).0) else { continue }
                switch by {
                case .item, .department:
                    for l in r.lines {
                        let key = by == .item ? l.itemID.rawValue : departments[l.itemID.rawValue]!
                        if by == .item {
                            out[key, default: Figures()].a -= l.quantity
                            out[key, default: Figures()].e += l.tax
                        } else {
                            out[key, default: Figures()].d += 1
                        }
                        out[key, default: Figures()].c += l.gross
                    }
                case .tax:
                    for b in r.breakdown {
                        out["\(b.taxClass.rawValue) \(b.basisPoints)", default: Figures()].c += b.gross
                        out["\(b.taxClass.rawValue) \(b.basisPoints)", default: Figures()].d += b.tax
                    }
                case .tender:
                    out[r.tender.rawValue, default: Figures()].c += r.paidOut
                    out[r.tender.rawValue, default: Figures()].d += 1
                default:
                    let key = by == .employee ? r.operatorID.rawValue : timeKey(r.time)!
                    out[key, default: Figures()].c += 1_000_000 + r.total
                }
            default:
                break
            }
        }
        return out
    }

    static let events = trading(seed: 2026, sales: 1500)

    @Test(arguments: SalesGrouping.allCases)
    func everyGroupingAgreesWithBruteForceOverTheYear(_ by: SalesGrouping) {
        let report = Self.report(Self.events, by)
        let got = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.key, Self.figures($0.figures, by)) })
        #expect(got == Self.bruteForce(Self.events, by, from: nil, to: nil))
        #expect(report.rows.count > 1)
    }

    @Test(arguments: [SalesGrouping.day, .month, .item, .employee, .tax])
    func aPeriodCountsOnlyItsLocalDays(_ by: SalesGrouping) {
        let from = CivilDate(year: 2026, month: 3, day: 29), to = CivilDate(year: 2026, month: 11, day: 1)
        let report = Self.report(Self.events, by, from: from, to: to)
        let got = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.key, Self.figures($0.figures, by)) })
        #expect(got == Self.bruteForce(Self.events, by, from: from, to: to))
    }

    @Test func totalsAreTheSameWhateverTheGrouping() {
        let totals = SalesGrouping.allCases.map { Self.report(Self.events, $0).total }
        #expect(Set(totals).count == 1)
        #expect(totals[0].refunds > 0 && totals[0].cancelledSales > 0 && totals[0].voidedLines > 0 && totals[0].priceOverrides > 0)
    }

    @Test func trainingSalesAreLeftOut() {
        let training = Self.events.filter { if case .saleCompleted(let s) = $0.0 { return s.training } else { return false } }
        #expect(!training.isEmpty)
        let all = Self.report(Self.events, .year).total
        let withoutTraining = Self.report(Self.events.filter { e in !training.contains { $0 == e } }, .year).total
        #expect(all == withoutTraining)
    }

    /// 23:30 local on 31 January is 21:30 UTC: the sale belongs to January, the hour 23,
    /// and the 1 February refund at 00:30 local (22:30 UTC on 31 January) to February.
    @Test func aSaleLateOnTheLastDayOfAMonthBelongsToThatMonth() {
        var t = Till()
        t.ctx.now = Timestamp(milliseconds: CivilDate(year: 2026, month: 1, day: 31).daysSinceEpoch * 86_400_000 + 21 * 3_600_000 + 30 * 60_000)
        var events: [(RegisterEvent, Timestamp)] = []
        func run(_ c: Command) {
            let at = t.ctx.now
            events += t.must(c).map { ($0, at) }
        }
        run(.login(pin: Till.supervisorPIN))
        run(.openShift(float: 0))
        run(.addItem(Till.mug.id, quantity: 1))
        run(.tender(Tender(kind: .card, amount: 1290)))
        t.ctx.now.milliseconds += 3_600_000
        run(.refund(original: t.lastSale!, lines: [RefundRequestLine(line: 0, quantity: 1)], tender: .card, override: nil))
        let months = Self.report(events, .month)
        #expect(months.rows.map(\.key) == ["2026-01", "2026-02"])
        #expect(months.rows.map(\.figures.net) == [1290, -1290])
        #expect(Self.report(events, .hour).rows.map(\.key) == ["0", "23"])
        #expect(Self.report(events, .day, from: CivilDate(year: 2026, month: 2, day: 1)).total.sales == 0)
        #expect(Self.report(events, .day, to: CivilDate(year: 2026, month: 2, day: 1)).total.refunds == 0)
    }

    @Test func bestAndWorstSellersAreRankedByRevenueOrQuantity() {
        var b = SalesReportBuilder(grouping: .item, from: nil, to: nil, utcOffsetSeconds: Self.helsinki)
        for (e, at) in Self.events where SalesReportBuilder.wants(e.tag) { b.add(e, recordTime: at) }
        let best = b.report(ranking: .revenue, limit: 2).rows.map(\.figures.net)
        let all = b.report(ranking: .revenue).rows.map(\.figures.net)
        #expect(best == Array(all.sorted(by: >).prefix(2)))
        #expect(b.report(ranking: .revenue, worst: true).rows.map(\.figures.net) == all.sorted())
        let byQuantity = b.report(ranking: .quantity).rows.map(\.figures.quantity)
        #expect(byQuantity == byQuantity.sorted(by: >))
    }

    @Test func isoWeeksFollowTheThursdayRule() {
        func week(_ y: Int, _ m: Int, _ d: Int) -> String {
            let w = SalesReportBuilder.isoWeek(CivilDate(year: y, month: m, day: d).daysSinceEpoch)
            return "\(w.year)-\(w.week)"
        }
        #expect(week(2026, 1, 1) == "2026-1")  // a Thursday
        #expect(week(2027, 1, 1) == "2026-53")  // a Friday of 2026's 53rd week
        #expect(week(2024, 12, 30) == "2025-1")
        #expect(week(2021, 1, 3) == "2020-53")
    }

    @Test func theTableFitsEightyColumnsAndTheChartIsEscapedSVG() {
        for by in SalesGrouping.allCases {
            let lines = SalesReportText.lines(Self.report(Self.events, by), format: RegisterConfig().format)
            #expect(lines.allSatisfy { TextLayout.width($0) <= 80 }, "\(by)")
            #expect(lines.count > 2)
        }
        let day = SalesReportText.lines(Self.report(Self.events, .month), format: RegisterConfig().format)
        #expect(day.contains { $0.hasSuffix("################################") })
        var report = Self.report(Self.events, .department)
        report.rows[0].label = "Café & <Tea>"
        let svg = SalesReportText.svg(report, title: "Sales \"by\" department", format: RegisterConfig().format)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("Café &amp; &lt;Tea&gt;") && svg.contains("Sales &quot;by&quot; department"))
        #expect(!svg.contains("<Tea>"))
        #expect(svg.split(separator: "\n").filter { $0.hasPrefix("<rect") }.count == report.rows.count)
    }

    /// The register's screen may be wider than 80 columns: labels and bars take the room, no
    /// line passes the width, and at 80 the table is the console's.
    @Test(arguments: [60, 80, 100, 132])
    func theTableFillsTheWidthItIsGivenAndNoMore(columns: Int) {
        for by in SalesGrouping.allCases {
            let report = Self.report(Self.events, by)
            let lines = SalesReportText.lines(report, columns: columns, format: RegisterConfig().format)
            #expect(lines.allSatisfy { TextLayout.width($0) <= columns }, "\(by) at \(columns)")
            if columns == 80 { #expect(lines == SalesReportText.lines(report, format: RegisterConfig().format)) }
            // The best row's bar reaches the last column wherever there is a bar.
            let bars = lines.filter { $0.hasSuffix("#") }
            if by == .employee && columns <= 80 {
                #expect(bars.isEmpty, "at \(columns) the staff figures leave no room for a bar")
            } else if columns >= 80 {
                #expect(bars.contains { TextLayout.width($0) >= columns - 1 }, "\(by) at \(columns)")
            }
        }
        let month = SalesReportText.lines(Self.report(Self.events, .month), columns: columns, format: RegisterConfig().format)
        let longest = month.map { $0.filter { $0 == "#" }.count }.max() ?? 0
        // 32 columns of bar at 80; narrower, the bar gives way; wider, it takes two thirds of the room.
        #expect(longest == [60: 12, 80: 32, 100: 46, 132: 67][columns])
    }

    @Test func onlyASupervisorOrATechnicianMayReadSalesReports() {
        #expect(!Role.cashier.allows(.salesReports))
        #expect(Role.supervisor.allows(.salesReports) && Role.technician.allows(.salesReports))
    }
}

@Suite("Z closing CSV")
struct ZClosingCSVTests {
    /// One file per Z: sales per VAT rate add up to the sales total, cash is net of change, and
    /// the refund is there per rate and per tender.
    @Test func aZClosingForAccountingAddsUp() throws {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        t.must(.openShift(float: 0))
        t.must(.addItem(Till.mug.id, quantity: 1))
        t.must(.addItem(Till.coffee.id, quantity: 2))
        t.must(.tender(Tender(kind: .cash, amount: 5000)))
        let sale = try #require(t.lastSale)
        t.must(.refund(original: sale, lines: [RefundRequestLine(line: 1, quantity: 1)], tender: .cash, override: nil))
        let events = t.must(.closeDay)
        guard case .dayClosed(let z)? = events.first else { Issue.record("no Z"); return }
        let rows = AccountingCSV.zClosing(z).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows[0].joined(separator: ",") == AccountingCSV.zHeader)
        func amounts(_ section: String) -> [Int64] { rows.filter { $0[3] == section }.map { Int64($0[8])! } }
        #expect(amounts("sales") == [sale.total])
        #expect(amounts("sales_by_tax").reduce(0, +) == sale.total)
        #expect(amounts("sales_by_tax").count == 2)
        #expect(amounts("tender") == [sale.total + sale.rounding])
        #expect(amounts("refunds") == [350])
        #expect(amounts("refunds_by_tax") == [350])
        #expect(amounts("refund_tender") == [t.lastRefund!.paidOut])
        #expect(amounts("net") == [sale.total - 350])
        #expect(rows.dropFirst().allSatisfy { $0[0] == String(z.number) && $0.count == 9 })
    }
}

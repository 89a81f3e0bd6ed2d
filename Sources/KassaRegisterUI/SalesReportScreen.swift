import KassaCore
import KassaIPC

/// The reports the register's menu offers: each a grouping of kassad's `report.sales`.
public enum ReportKind: CaseIterable, Sendable {
    case hour, day, week, month, year, bestSellers, worstSellers, department, tax, tender, employee

    public var grouping: SalesGrouping {
        switch self {
        case .hour: return .hour
        case .day: return .day
        case .week: return .week
        case .month: return .month
        case .year: return .year
        case .bestSellers, .worstSellers: return .item
        case .department: return .department
        case .tax: return .tax
        case .tender: return .tender
        case .employee: return .employee
        }
    }

    public func text(_ language: Language) -> String {
        switch self {
        case .hour: return language.pick("By hour of the day", "Tunneittain")
        case .day: return language.pick("By day", "Päivittäin")
        case .week: return language.pick("By week", "Viikoittain")
        case .month: return language.pick("By month", "Kuukausittain")
        case .year: return language.pick("By year", "Vuosittain")
        case .bestSellers: return language.pick("Best sellers", "Myydyimmät tuotteet")
        case .worstSellers: return language.pick("Worst sellers", "Heikoimmin myyvät tuotteet")
        case .department: return language.pick("By department", "Osastoittain")
        case .tax: return language.pick("By VAT rate", "ALV-kannoittain")
        case .tender: return language.pick("By payment method", "Maksutavoittain")
        case .employee: return language.pick("Staff: sales, refunds, voids, overrides", "Henkilökunta: myynnit, palautukset, mitätöinnit")
        }
    }
}

/// The days a report covers, counted from the register's local date.
public enum ReportPeriod: Equatable, Sendable {
    case today, thisWeek, thisMonth, thisYear
    /// The first and the last day, both included.
    case dates(CivilDate, CivilDate)

    public static let offered: [ReportPeriod] = [.today, .thisWeek, .thisMonth, .thisYear]

    /// The first day and the day after the last, as `report.sales` takes them. Weeks are ISO
    /// weeks, Monday to Sunday.
    public func range(today: CivilDate) -> (from: CivilDate, to: CivilDate) {
        func day(_ d: Int64) -> CivilDate { CivilDate(daysSinceEpoch: d) }
        switch self {
        case .today:
            return (today, day(today.daysSinceEpoch + 1))
        case .thisWeek:
            let monday = today.daysSinceEpoch - Int64(today.isoWeekday - 1)
            return (day(monday), day(monday + 7))
        case .thisMonth:
            let next = today.month == 12 ? CivilDate(year: today.year + 1, month: 1, day: 1) : CivilDate(year: today.year, month: today.month + 1, day: 1)
            return (CivilDate(year: today.year, month: today.month, day: 1), next)
        case .thisYear:
            return (CivilDate(year: today.year, month: 1, day: 1), CivilDate(year: today.year + 1, month: 1, day: 1))
        case .dates(let first, let last):
            return (first, day(last.daysSinceEpoch + 1))
        }
    }

    public func text(_ language: Language) -> String {
        switch self {
        case .today: return language.pick("Today", "Tänään")
        case .thisWeek: return language.pick("This week", "Tämä viikko")
        case .thisMonth: return language.pick("This month", "Tämä kuukausi")
        case .thisYear: return language.pick("This year", "Tämä vuosi")
        case .dates: return language.texts.otherDates
        }
    }

    /// `2026-03-02 - 2026-03-08`, or the one day.
    static func days(_ range: (from: CivilDate, to: CivilDate)) -> String {
        let last = CivilDate(daysSinceEpoch: range.to.daysSinceEpoch - 1)
        return last == range.from ? range.from.description : "\(range.from) - \(last)"
    }
}

/// The menu's sales reports: a grouping, a period, then the table with bars from kassad's
/// `report.sales`, laid out for the screen's width. kassad decides who may read them (a
/// supervisor or technician); a cashier is told so before choosing, and any refusal of kassad's
/// is shown as it comes.
extension RegisterApp {
    var mayReadReports: Bool { model.operatorRole.flatMap(Role.init(rawValue:))?.allows(.salesReports) == true }

    func openSalesReports() {
        guard mayReadReports else { return show(texts.reportsNotAllowed, error: true) }
        choose(texts.salesReport, ReportKind.allCases.map { kind in
            Choice.Option(text: kind.text(language)) { [unowned self] in choosePeriod(kind) }
        }, back: .sale)
    }

    private func choosePeriod(_ kind: ReportKind) {
        let kinds = mode
        var options = ReportPeriod.offered.map { period in
            Choice.Option(text: period.text(language)) { [unowned self] in showReport(kind, period, back: mode) }
        }
        options.append(Choice.Option(text: texts.otherDates) { [unowned self] in askDates(kind, back: mode) })
        choose(kind.text(language) + ": " + texts.reportPeriod, options, back: kinds)
    }

    private func askDates(_ kind: ReportKind, back: Mode) {
        ask(Prompt(label: texts.firstDay, input: .date) { [unowned self] first in
            guard let from = CivilDate(first) else { return show(texts.notADate + ": " + first, error: true) }
            ask(Prompt(label: texts.lastDay, input: .date) { [unowned self] last in
                guard let to = last.isEmpty ? from : CivilDate(last) else { return show(texts.notADate + ": " + last, error: true) }
                guard from <= to else { return show(texts.endBeforeStart, error: true) }
                showReport(kind, .dates(from, to), back: back)
            }, back: back)
        }, back: back)
    }

    /// The register's local date (kassad's time zone) for `then`.
    func today(then: @escaping (CivilDate) -> Void) {
        request(.status) { [unowned self] r in
            guard let today = (r["local_time"]?.stringValue).flatMap({ CivilDate(String($0.prefix(10))) }) else {
                return show(texts.errorOther + ": kassad gave no local time", error: true)
            }
            then(today)
        }
    }

    func showReport(_ kind: ReportKind, _ period: ReportPeriod, back: Mode) {
        today { [unowned self] today in
            let range = period.range(today: today)
            var args: JSONObject = ["by": .string(kind.grouping.rawValue), "from": .string(range.from.description),
                                    "to": .string(range.to.description)]
            if kind == .worstSellers { args["worst"] = true }
            show(texts.readingJournal)
            allPages(.reportSales, args, items: "rows") { [unowned self] rows, last in
                message = nil
                let report = SalesReport(grouping: kind.grouping, from: range.from, to: range.to,
                                         rows: rows.compactMap(SalesReportRow.init(json:)), total: SalesFigures(json: last["total"] ?? .null))
                open(reportPage(report, title: kind.text(language) + " · " + period.text(language) + " · " + ReportPeriod.days(range)),
                     back: back)
            }
        }
    }

    /// Every page of a paged list (`next` is the following page's offset), put together.
    func allPages(_ op: Op, _ args: JSONObject, items key: String, collected: [JSONValue] = [],
                  then: @escaping (_ items: [JSONValue], _ lastPage: JSONValue) -> Void) {
        request(op, args) { [unowned self] page in
            let all = collected + (page[key]?.arrayValue ?? [])
            guard let next = page["next"]?.intValue, next > (args["offset"]?.intValue ?? 0) else { return then(all, page) }
            var again = args
            again["offset"] = .int(next)
            allPages(op, again, items: key, collected: all, then: then)
        }
    }

    /// The report as the console's table with bars, as wide as the screen; the column headings
    /// stay while the rows scroll.
    func reportPage(_ report: SalesReport, title: String) -> Page {
        let m = model
        let empty = texts.noSalesInPeriod
        return Page(title: title, layout: { width in
            let table = SalesReportText.table(report, columns: width, format: { m.money($0) })
            var lines = table.rows.map { Page.Line($0) }
            if report.rows.isEmpty { lines.append(Page.Line(empty, .dim)) }
            lines.append(Page.Line(""))
            lines += table.footer.map { Page.Line($0, .total) }
            // The table's own title is the page's.
            return Page.Layout(heading: table.header.dropFirst().map { Page.Line($0, Style(.white, bright: true)) }, lines: lines)
        }, hint: texts.scrollHint)
    }
}

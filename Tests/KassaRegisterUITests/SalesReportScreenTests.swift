import KassaCore
import KassaIPC
import Testing
@testable import KassaRegisterUI

/// A row of `report.sales` as kassad sends it.
private func reportRow(_ key: String, _ label: String? = nil, sales: Int64, gross: Int64, items: Int64 = 0, refunds: Int64 = 0,
                       refunded: Int64 = 0, voided: Int64 = 0, cancelled: Int64 = 0, overrides: Int64 = 0, discounts: Int64 = 0) -> JSONValue {
    var f = SalesFigures()
    f.sales = sales
    f.gross = gross
    f.items = items
    f.refunds = refunds
    f.refunded = refunded
    f.voidedLines = voided
    f.cancelledSales = cancelled
    f.priceOverrides = overrides
    f.discounts = discounts
    return SalesReportRow(key: key, label: label ?? key, figures: f).json
}

private func reply(_ rows: [JSONValue], total: JSONValue? = nil, next: Int64? = nil) -> JSONValue {
    var o: JSONObject = ["rows": .array(rows), "total": total ?? reportRow("", sales: 0, gross: 0)["figures"]!, "text": []]
    if let next { o["next"] = .int(next) }
    return .object(o)
}

/// F9 r, the report's key and the period's key; kassad's local time is `now`.
private func chooseReport(_ app: RegisterApp, _ kassad: FakeKassad, _ kind: Character, _ period: Character,
                          now: String = "2026-03-04 10:15") {
    app.handle(.function(9), now: 0)
    type(app, "r")
    app.handle(.character(kind), now: 0)
    app.handle(.character(period), now: 0)
    #expect(kassad.last.op == "status")
    answer(app, kassad.last, ["local_time": .string(now)])
}

@Suite struct SalesReportScreen {
    @Test func aCashierIsToldReportsAreForASupervisorAndKassadIsNotAsked() {
        let (app, kassad) = connectedRegister()
        let before = kassad.requests.count
        app.handle(.function(9), now: 0)
        type(app, "r")
        #expect(kassad.requests.count == before)
        #expect(screen(app).text.contains("Sales reports are for a supervisor: log in as one"))
        #expect(app.message?.isError == true)
        if case .sale = app.mode {} else { Issue.record("a cashier stays at the sale, not \(app.mode)") }
    }

    @Test func aSupervisorChoosesAGroupingAndAPeriodAndKassadIsAskedForThoseDays() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        app.handle(.function(9), now: 0)
        type(app, "r")
        let kinds = screen(app).text
        for kind in ReportKind.allCases { #expect(kinds.contains(kind.text(.en)), "\(kind)") }
        #expect(kinds.contains("   a  Staff: sales, refunds, voids, overrides"))
        app.handle(.character("2"), now: 0)
        let periods = screen(app).text
        #expect(periods.contains("By day: period") && periods.contains("2  This week") && periods.contains("5  Other dates"))
        app.handle(.character("2"), now: 0)
        answer(app, kassad.last, ["local_time": "2026-03-04 10:15"])
        #expect(kassad.last.op == "report.sales")
        #expect(kassad.last.args["by"] == "day" && kassad.last.args["from"] == "2026-03-02" && kassad.last.args["to"] == "2026-03-09")
        #expect(kassad.last.args["worst"] == nil)
        answer(app, kassad.last, reply([reportRow("2026-03-02", sales: 4, gross: 2_000), reportRow("2026-03-03", sales: 2, gross: 1_000)],
                                       total: reportRow("", sales: 6, gross: 3_000)["figures"]))
        let s = screen(app)
        #expect(s.text.contains("By day · This week · 2026-03-02 - 2026-03-08"))
        let monday = s.text(row: s.row(containing: "2026-03-02  ")!)
        let tuesday = s.text(row: s.row(containing: "2026-03-03  ")!)
        #expect(monday.contains("20,00 €") && tuesday.contains("10,00 €"))
        // Bars in proportion: Monday's twice Tuesday's.
        let bar = { (row: String) in row.filter { $0 == "#" }.count }
        #expect(bar(monday) == 2 * bar(tuesday) && bar(tuesday) > 0)
        #expect(s.text.contains("Total: 6 sales 30,00 €"))
        // Esc: back to the periods, then the groupings, then the sale.
        app.handle(.escape, now: 0)
        #expect(screen(app).text.contains("By day: period"))
        app.handle(.escape, now: 0)
        app.handle(.escape, now: 0)
        if case .sale = app.mode {} else { Issue.record("Esc leads back to the sale, not \(app.mode)") }
    }

    @Test func worstSellersAskForItemsWorstFirstAndTheArrowsAndEnterChooseToo() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        app.handle(.function(9), now: 0)
        type(app, "r")
        for _ in 0..<6 { app.handle(.down, now: 0) }
        var s = screen(app)
        #expect(s.cells[s.row(containing: "Worst sellers")!][4].style == .selected)
        app.handle(.enter, now: 0)
        // Up from the first period wraps round to the last.
        app.handle(.up, now: 0)
        s = screen(app)
        #expect(s.cells[s.row(containing: "Other dates")!][4].style == .selected)
        app.handle(.down, now: 0)
        app.handle(.down, now: 0)
        app.handle(.enter, now: 0)
        answer(app, kassad.last, ["local_time": "2026-12-31 23:59"])
        #expect(kassad.last.op == "report.sales")
        #expect(kassad.last.args["by"] == "item" && kassad.last.args["worst"] == true)
        #expect(kassad.last.args["from"] == "2026-12-28" && kassad.last.args["to"] == "2027-01-04")
    }

    @Test func aLongReportIsFetchedPageByPageAndShownWhole() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        chooseReport(app, kassad, "8", "4")
        #expect(kassad.last.args["by"] == "department" && kassad.last.args["from"] == "2026-01-01" && kassad.last.args["to"] == "2027-01-01")
        answer(app, kassad.last, reply([reportRow("Kahvila", sales: 9, gross: 9_000)], next: 1))
        #expect(kassad.last.op == "report.sales" && kassad.last.args["offset"] == 1 && kassad.last.args["by"] == "department")
        answer(app, kassad.last, reply([reportRow("Leipä", sales: 3, gross: 3_000)]))
        let s = screen(app).text
        #expect(s.contains("Kahvila") && s.contains("Leipä"))
    }

    @Test func kassadsRefusalIsShownAsItComes() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        chooseReport(app, kassad, "1", "1")
        refuse(app, kassad.last, .forbidden, "sales reports are for a supervisor or a technician")
        let s = screen(app)
        #expect(s.text.contains("Not allowed: sales reports are for a supervisor or a technician"))
        #expect(app.message?.isError == true)
    }

    @Test func staffPerformanceShowsSalesItemsAverageRefundsVoidsAndOverrides() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        chooseReport(app, kassad, "a", "3")
        #expect(kassad.last.args["by"] == "employee" && kassad.last.args["from"] == "2026-03-01" && kassad.last.args["to"] == "2026-04-01")
        answer(app, kassad.last, reply([reportRow("anna", "Anna", sales: 4, gross: 5_000, items: 10, refunds: 1, refunded: 500,
                                                  voided: 2, cancelled: 1, overrides: 1, discounts: 2)]))
        let s = screen(app)
        let heading = s.text(row: s.row(containing: "Operator")!)
        for column in ["Sales", "Items", "Average", "Refunds", "Voids", "Overr", "Net"] { #expect(heading.contains(column), "\(column)") }
        let anna = s.text(row: s.row(containing: "Anna ")!).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        // Sales 4, 2.5 items a sale, 12,50 average, 1 refund, 3 voids (2 lines, 1 sale), 3 overrides (1 price, 2 discounts), net 45,00.
        #expect(anna == ["Anna", "4", "2.5", "12,50", "€", "1", "3", "3", "45,00", "€"])
    }

    @Test func theTableIsAsWideAsTheScreenAndNothingIsCut() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        chooseReport(app, kassad, "9", "1")
        answer(app, kassad.last, reply([reportRow("A 25.5", "VAT A 25.5%", sales: 3, gross: 123_456), reportRow("B 14", "VAT B 14%", sales: 1, gross: 1_000)]))
        for width in [80, 100, 132] {
            let s = screen(app, width: width, height: 25)
            let a = s.text(row: s.row(containing: "VAT A 25.5%")!)
            // The widest bar ends on the last column: 20 columns of bar at 80, and all the room beyond.
            #expect(a.count == width && a.last == "#", "\(width)")
            #expect(a.filter { $0 == "#" }.count == width - 60)
            #expect(a.contains("1234,56 €"))
        }
    }

    @Test func arrowsAndPagesScrollTheReportWhileItsHeadingsStay() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        chooseReport(app, kassad, "2", "4")
        let days = (0..<60).map { d -> JSONValue in
            let date = CivilDate(daysSinceEpoch: CivilDate(year: 2026, month: 1, day: 1).daysSinceEpoch + Int64(d))
            return reportRow(date.description, sales: 1, gross: 100 + Int64(d))
        }
        answer(app, kassad.last, reply(days))
        var s = screen(app).text
        #expect(s.contains("2026-01-01  ") && !s.contains("2026-02-28") && !s.contains("Total:"))
        app.handle(.pageDown, now: 0)
        s = screen(app).text
        #expect(!s.contains("2026-01-01  ") && s.contains("2026-01-20  ") && s.contains("Period"))
        app.handle(.end, now: 0)
        s = screen(app).text
        #expect(s.contains("2026-03-01  ") && s.contains("Total: 0 sales") && s.contains("Period"))
        let bottom = screen(app).row(containing: "2026-03-01  ")!
        app.handle(.up, now: 0)
        #expect(screen(app).row(containing: "2026-03-01  ") == bottom + 1)
        app.handle(.home, now: 0)
        #expect(screen(app).text.contains("2026-01-01  "))
    }

    @Test func typedDatesAreCheckedAndTheLastDayIsIncluded() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        app.handle(.function(9), now: 0)
        type(app, "r25")
        #expect(screen(app).text.contains("First day (YYYY-MM-DD): _"))
        type(app, "2026-02-30\r")
        #expect(screen(app).text.contains("Not a date (YYYY-MM-DD): 2026-02-30"))
        app.handle(.character("5"), now: 0)
        type(app, "2026-02-10\r2026-02-01\r")
        #expect(screen(app).text.contains("The last day is before the first"))
        app.handle(.character("5"), now: 0)
        type(app, "2026-02-01\r2026-02-28\r")
        answer(app, kassad.last, ["local_time": "2026-03-04 10:15"])
        #expect(kassad.last.op == "report.sales" && kassad.last.args["from"] == "2026-02-01" && kassad.last.args["to"] == "2026-03-01")
        answer(app, kassad.last, reply([]))
        let s = screen(app).text
        #expect(s.contains("Other dates · 2026-02-01 - 2026-02-28") && s.contains("No sales in this period"))
    }
}

@Suite struct ReportPeriods {
    private func range(_ p: ReportPeriod, _ today: String) -> String {
        let r = p.range(today: CivilDate(today)!)
        return "\(r.from) \(r.to)"
    }

    @Test func periodsRunFromTheirFirstDayToTheDayAfterTheirLast() {
        #expect(range(.today, "2026-12-31") == "2026-12-31 2027-01-01")
        // ISO weeks start on Monday: a Sunday is the week's last day.
        #expect(range(.thisWeek, "2026-03-08") == "2026-03-02 2026-03-09")
        #expect(range(.thisWeek, "2026-03-02") == "2026-03-02 2026-03-09")
        #expect(range(.thisWeek, "2026-12-31") == "2026-12-28 2027-01-04")
        #expect(range(.thisMonth, "2026-12-15") == "2026-12-01 2027-01-01")
        #expect(range(.thisMonth, "2024-02-29") == "2024-02-01 2024-03-01")
        #expect(range(.thisYear, "2026-07-01") == "2026-01-01 2027-01-01")
        #expect(range(.dates(CivilDate("2026-02-01")!, CivilDate("2026-02-01")!), "2026-07-01") == "2026-02-01 2026-02-02")
    }
}

import KassaCore
import KassaIPC
import Testing
@testable import KassaRegisterUI

/// A StockLine as kassad sends it.
private func stockLine(_ id: String, _ name: String, level: Int64, weighed: Bool = false, point: Int64? = nil, quantity: Int64? = nil) -> JSONValue {
    let low = point.map { level <= $0 } ?? false
    var o: JSONObject = ["item": .string(id), "name": .string(name), "unit": weighed ? "weight" : "piece", "level": .int(level),
                         "reorder_point": point.map(JSONValue.int) ?? .null, "reorder_quantity": quantity.map(JSONValue.int) ?? .null,
                         "low": .bool(low), "price": 100, "unit_cost": .null, "retail_value": 0, "cost_value": .null]
    if low { o["order"] = .int(quantity ?? 0) }
    return .object(o)
}

/// m s, answered with `lines` (in pages of `pageSize`) and the stock's value.
private func openStock(_ app: RegisterApp, _ kassad: FakeKassad, _ lines: [JSONValue], pageSize: Int = 200) {
    app.handle(.function(9), now: 0)
    type(app, "s")
    var offset = 0
    while true {
        #expect(kassad.last.op == "stock.levels" && (kassad.last.args["offset"]?.intValue ?? 0) == Int64(offset))
        let end = min(lines.count, offset + pageSize)
        answer(app, kassad.last, ["items": .array(Array(lines[offset..<end])), "total_items": .int(Int64(lines.count)),
                                  "next": end < lines.count ? .int(Int64(end)) : .null])
        if end == lines.count { break }
        offset = end
    }
    #expect(kassad.last.op == "stock.value")
    answer(app, kassad.last, ["retail_value": 123_450, "cost_value": 60_000, "items_without_cost": 2, "items": [], "next": .null])
}

@Suite struct StockScreen {
    @Test func lowItemsComeFirstWithWhatToOrderAndTheStockValueClosesTheList() {
        let (app, kassad) = connectedRegister()
        openStock(app, kassad, [stockLine("1001", "Kahvi", level: 40, point: 10, quantity: 50),
                                stockLine("1002", "Pulla", level: 3, point: 5, quantity: 20),
                                stockLine("1003", "Tomaatti", level: 1_250, weighed: true)], pageSize: 2)
        let s = screen(app)
        #expect(s.text.contains("1 to reorder (at or below the reorder point)"))
        let pulla = s.row(containing: "Pulla")!, kahvi = s.row(containing: "Kahvi")!
        #expect(pulla < kahvi)
        #expect(s.cells[pulla][2].style == .warning && s.cells[kahvi][2].style == .normal)
        let low = s.text(row: pulla).split(separator: " ").map(String.init)
        #expect(low == ["1002", "Pulla", "3", "5", "20"])
        #expect(s.text(row: kahvi).split(separator: " ").map(String.init) == ["1001", "Kahvi", "40", "10"])
        #expect(s.text(row: s.row(containing: "Tomaatti")!).contains("1,250 kg"))
        #expect(s.text.contains("Stock value at selling price: 1234,50 €"))
        #expect(s.text.contains("Stock value at cost: 600,00 € (2 without a cost)"))
        #expect(s.text(row: 24).contains("r receive goods  c count stock"))
    }

    @Test func goodsReceivedAskTheItemThenTheQuantityAndShowTheNewLevel() {
        let (app, kassad) = connectedRegister()
        openStock(app, kassad, [stockLine("1001", "Kahvi", level: 3)])
        type(app, "r")
        #expect(screen(app).text.contains("Item: scan or type its code: _"))
        type(app, "6400001000011\r")
        #expect(kassad.last.op == "catalog.lookup" && kassad.last.args["code"] == "6400001000011")
        answer(app, kassad.last, ["item": ["id": "1001", "name": "Kahvi", "unit": "piece"]])
        #expect(kassad.last.op == "stock.levels" && kassad.last.args["item"] == "1001")
        answer(app, kassad.last, ["items": [stockLine("1001", "Kahvi", level: 3)], "next": .null])
        #expect(screen(app).text.contains("Quantity received: Kahvi (in stock 3): _"))
        type(app, "12\r")
        #expect(kassad.last.op == "stock.receive" && kassad.last.args["item"] == "1001" && kassad.last.args["quantity"] == 12)
        #expect(kassad.last.idempotencyKey != nil)
        answer(app, kassad.last, stockLine("1001", "Kahvi", level: 15))
        #expect(screen(app).text.contains("Kahvi: in stock 15"))
        #expect(kassad.last.op == "stock.levels")
    }

    @Test func aWeighedItemIsReceivedInGramsOrKilograms() {
        let (app, kassad) = connectedRegister()
        openStock(app, kassad, [])
        type(app, "r1003\r")
        refuse(app, kassad.last, .notFound, "no item with code 1003")
        #expect(kassad.last.op == "stock.levels" && kassad.last.args["item"] == "1003")
        answer(app, kassad.last, ["items": [stockLine("1003", "Tomaatti", level: 250, weighed: true)], "next": .null])
        #expect(screen(app).text.contains("Quantity received (g): Tomaatti (in stock 0,250 kg)"))
        type(app, "1,5\r")
        #expect(kassad.last.op == "stock.receive" && kassad.last.args["quantity"] == 1500)
    }

    @Test func aCountByACashierAsksForASupervisorsPinAndGoesAgainWithIt() {
        let (app, kassad) = connectedRegister()
        openStock(app, kassad, [stockLine("1001", "Kahvi", level: 3)])
        type(app, "c1001\r")
        refuse(app, kassad.last, .notFound, "no item with code 1001")
        answer(app, kassad.last, ["items": [stockLine("1001", "Kahvi", level: 3)], "next": .null])
        #expect(screen(app).text.contains("Quantity counted: Kahvi (in stock 3): _"))
        type(app, "0\r")
        #expect(kassad.last.op == "stock.count" && kassad.last.args["counted"] == 0 && kassad.last.args["override_pin"] == nil)
        refuse(app, kassad.last, .pinRequired, "counting stock needs a supervisor")
        #expect(screen(app).text.contains("Supervisor PIN (a stock change): _"))
        type(app, "2222\r")
        #expect(kassad.last.op == "stock.count" && kassad.last.args["counted"] == 0 && kassad.last.args["override_pin"] == "2222")
        answer(app, kassad.last, stockLine("1001", "Kahvi", level: 0))
        #expect(screen(app).text.contains("Kahvi: in stock 0"))
    }

    @Test func anUnknownItemIsRefusedClearlyAndNothingChanges() {
        let (app, kassad) = connectedRegister()
        openStock(app, kassad, [])
        type(app, "rnope\r")
        refuse(app, kassad.last, .notFound, "no item with code nope")
        refuse(app, kassad.last, .notFound, "unknown item nope")
        #expect(screen(app).text.contains("Not found: unknown item nope"))
        #expect(!kassad.ops.contains("stock.receive"))
        if case .page = app.mode {} else { Issue.record("back on the stock list, not \(app.mode)") }
    }
}

@Suite struct TimeClockScreen {
    private let hours: JSONValue = [
        "from": "2026-03-02", "to": "2026-03-08",
        "employees": [["operator": "anna", "name": "Anna", "status": "working",
                       "days": [["date": "2026-03-02", "seconds": 28_800], ["date": "2026-03-04", "seconds": 5_400]],
                       "weeks": [["week": "2026-W10", "seconds": 34_200]], "total_seconds": 34_200]],
    ]

    @Test func onTheLoginScreenAnEmployeeClocksInWithTheirPinAndSeesTheirWeek() {
        let (app, kassad) = connectedRegister(operator: nil)
        #expect(screen(app).text.contains("t time clock"))
        type(app, "t")
        var s = screen(app).text
        #expect(s.contains("1  Clock in") && s.contains("4  End the break") && !s.contains("My hours"))
        type(app, "11111")
        #expect(screen(app).text.contains("Clock in: Your PIN: ****_"))
        app.handle(.enter, now: 0)
        #expect(kassad.last.op == "timeclock.in" && kassad.last.args["pin"] == "1111" && kassad.last.idempotencyKey != nil)
        let asked = kassad.requests.count
        // The punch's reply carries the week: nobody is logged in to ask for it.
        answer(app, kassad.last, ["operator": "anna", "name": "Anna", "action": "in", "local_time": "2026-03-04 09:02", "status": "working",
                                  "week": hours])
        #expect(kassad.requests.count == asked)
        s = screen(app).text
        #expect(s.contains("Anna clocked in at 09:02"))
        #expect(s.contains("Hours this week: Anna"))
        let sc = screen(app)
        let monday = sc.text(row: sc.row(containing: "Mon 2026-03-02")!)
        let wednesday = sc.text(row: sc.row(containing: "Wed 2026-03-04")!)
        #expect(monday.contains("8:00") && wednesday.contains("1:30"))
        #expect(monday.filter { $0 == "#" }.count == 52 && wednesday.filter { $0 == "#" }.count == 9)
        #expect(sc.text(row: sc.row(containing: "Tue 2026-03-03")!).contains("0:00"))
        #expect(s.contains("9:30") && s.contains("Now: working"))
        // Nobody was logged in: Esc returns to the login screen, still nobody.
        app.handle(.escape, now: 0)
        if case .login = app.mode {} else { Issue.record("back to the login screen, not \(app.mode)") }
        #expect(!kassad.ops.contains("login"))
    }

    @Test func aWrongPinOrAPunchOutOfOrderIsRefusedClearly() {
        let (app, kassad) = connectedRegister(operator: nil)
        type(app, "t2")
        type(app, "1111\r")
        #expect(kassad.last.op == "timeclock.out")
        refuse(app, kassad.last, .conflict, "anna is not clocked in")
        #expect(screen(app).text.contains("Refused: anna is not clocked in"))
        #expect(!kassad.ops.contains("timeclock.hours"))
    }

    @Test func theLoggedInOperatorSeesTheirOwnHoursFromTheMenu() {
        let (app, kassad) = connectedRegister()
        app.handle(.function(9), now: 0)
        type(app, "t")
        #expect(screen(app).text.contains("5  My hours this week"))
        type(app, "5")
        answer(app, kassad.last, ["local_time": "2026-03-08 18:00"])
        #expect(kassad.last.op == "timeclock.hours" && kassad.last.args["operator"] == "anna")
        #expect(kassad.last.args["from"] == "2026-03-02" && kassad.last.args["to"] == "2026-03-08")
        answer(app, kassad.last, hours)
        #expect(screen(app).text.contains("Hours this week: Anna"))
        app.handle(.escape, now: 0)
        if case .sale = app.mode {} else { Issue.record("back to the sale, not \(app.mode)") }
    }
}

@Suite struct ViewsAtOddSizes {
    /// The report, stock and hours views draw at every size without a crash, and pages laid out
    /// for a width never pass it.
    @Test func everyNewViewDrawsAtEverySize() {
        let (app, kassad) = connectedRegister(operator: "Sami", role: "supervisor")
        openStock(app, kassad, (0..<40).map { stockLine("\($0)", "Item \($0)", level: Int64($0), point: 5, quantity: 10) })
        let stock = app.mode
        app.handle(.escape, now: 0)
        app.handle(.function(9), now: 0)
        type(app, "r")
        let choice = app.mode
        for mode in [stock, choice] {
            app.mode = mode
            for width in [1, 2, 10, 40, 79, 80, 81, 200] {
                for height in 1...26 {
                    let s = screen(app, width: width, height: height)
                    #expect(s.width == width && s.height == height)
                }
                if case .page(let page, _) = mode {
                    let layout = page.layout(width)
                    #expect(width < 80 || (layout.heading + layout.lines).allSatisfy { TextLayout.width($0.text) <= width }, "\(width)")
                }
            }
        }
    }
}

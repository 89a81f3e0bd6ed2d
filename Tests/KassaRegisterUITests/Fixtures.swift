import KassaCore
import KassaIPC
@testable import KassaRegisterUI

/// Stands in for kassad: records each request and lets the test answer it.
final class FakeKassad: RegisterLink {
    var requests: [Request] = []
    var connected = true

    func send(_ request: Request) -> Bool {
        guard connected else { return false }
        requests.append(request)
        return true
    }

    var ops: [String] { requests.map(\.op) }
    var last: Request { requests.last! }
}

/// A register connected to a fake kassad that has answered the start-up requests: `status`
/// gives the operator, shift, sale, alarms and devices the test asks for.
func connectedRegister(operator name: String? = "Anna", role: String = "cashier", sale: JSONValue = .null, alarms: [JSONValue] = [],
                       training: Bool = false, config: JSONObject = ["language": "en", "money_format": "finnish"])
    -> (RegisterApp, FakeKassad) {
    let app = RegisterApp(makeKey: { "key" })
    let kassad = FakeKassad()
    app.connected(kassad)
    app.receive(.greeting(Greeting(serverVersion: "test", capabilities: ["events"],
                                   register: ["register": "till-1", "currency": ["code": "EUR", "decimals": 2]])))
    let devices: [JSONValue] = [
        ["id": "printer-sim", "kind": "printer", "state": "idle", "status": [], "power": "online"],
        ["id": "drawer-sim", "kind": "drawer", "state": "idle", "status": ["drawer_closed"], "power": "online"],
    ]
    let status: JSONValue = [
        "register": "till-1", "operator": name.map { ["id": .string($0.lowercased()), "name": .string($0), "role": .string(role)] } ?? .null,
        "shift": ["number": 1, "float": 0], "training": .bool(training), "sale": sale, "parked": [], "alarms": .array(alarms),
        "devices": .array(devices),
    ]
    for r in kassad.requests {
        switch r.op {
        case "config.get": answer(app, r, .object(config))
        case "status": answer(app, r, status)
        default: answer(app, r, ["seq": 0])
        }
    }
    return (app, kassad)
}

func answer(_ app: RegisterApp, _ request: Request, _ result: JSONValue) {
    app.receive(.reply(Reply.ok(request.id, result)))
}

func refuse(_ app: RegisterApp, _ request: Request, _ code: ErrorCode, _ message: String) {
    app.receive(.reply(Reply.error(request.id, IPCError(code, message))))
}

/// What a terminal of that size shows of the app.
func screen(_ app: RegisterApp, width: Int = 80, height: Int = 25) -> ScreenBuffer {
    app.screenSize = (width, height)
    return RegisterScreen.draw(app, width: width, height: height)
}

func type(_ app: RegisterApp, _ text: String, now: Int64 = 0) {
    for ch in text { app.handle(ch == "\r" ? .enter : .character(ch), now: now) }
}

/// A sale line as kassad sends it.
func line(_ n: Int, _ name: String, qty: Int64 = 1, price: Int64, discountBP: Int64? = nil, voided: Bool = false) -> JSONValue {
    var amount = price * qty
    var o: JSONObject = ["line": .int(Int64(n)), "item": .string("i\(n)"), "name": .string(name), "unit": "piece", "quantity": .int(qty),
                         "unit_price": .int(price), "catalog_price": .int(price), "voided": .bool(voided), "amount": .int(amount)]
    if let bp = discountBP {
        o["discount"] = ["percent_bp": .int(bp)]
        amount -= amount * bp / 10_000
    }
    o["gross"] = .int(amount)
    return .object(o)
}

func sale(_ lines: [JSONValue], id: Int64 = 7, paid: Int64 = 0, training: Bool = false) -> JSONValue {
    let total = lines.reduce(Int64(0)) { $0 + (($1["voided"]?.boolValue == true) ? 0 : ($1["gross"]?.intValue ?? 0)) }
    return ["id": .int(id), "training": .bool(training), "lines": .array(lines), "tenders": paid > 0 ? [["kind": "card", "amount": .int(paid)]] : [],
            "totalled": false, "subtotal": .int(total), "total": .int(total), "discount_total": 0, "paid": .int(paid),
            "due": .int(total - paid), "cash_due": .int(total - paid)]
}

extension ScreenBuffer {
    func row(containing text: String) -> Int? { (0..<height).first { self.text(row: $0).contains(text) } }
}

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
    let reply = status(operator: name, role: role, sale: sale, alarms: alarms, training: training, config: config)
    for r in kassad.requests {
        switch r.op {
        case "status": answer(app, r, reply)
        default: answer(app, r, ["seq": 0])
        }
    }
    return (app, kassad)
}

/// kassad's `status`, with the screen's settings in `config`.
func status(operator name: String? = "Anna", role: String = "cashier", sale: JSONValue = .null, alarms: [JSONValue] = [],
            training: Bool = false, config: JSONObject = ["language": "en", "money_format": "finnish"]) -> JSONValue {
    let devices = [
        DeviceReply(id: "printer-sim", kind: "printer", state: "idle", power: "online", status: [], via: "simulator", model: nil),
        DeviceReply(id: "drawer-sim", kind: "drawer", state: "idle", power: "online", status: ["drawer_closed"], via: "simulator", model: nil),
    ]
    let reply = StatusReply(
        register: "till-1", store: "", version: "test", uptimeSeconds: 0, time: 0, timeZone: "UTC", localTime: "",
        operator: name.map { OperatorReply(id: OperatorID($0.lowercased()), name: $0, role: Role(rawValue: role)!) },
        training: training, shift: ShiftReply(number: 1, openedBy: "anna", openedAt: 0, float: 0), sale: nil, parked: [],
        journal: JournalStatusReply(lastSeq: 0, durableSeq: 0, headHash: "", mode: "read_write"), alarms: [],
        technicianSession: false, printoutsOwed: [], devices: devices, needsSetUp: false,
        screen: Dictionary(uniqueKeysWithValues: config.compactMap { k, v in v.stringValue.map { (k, $0) } }))
    // The sale and alarms as the test wrote them, so that the register reads them off the wire.
    guard case .object(var o) = reply.json else { fatalError("a status is an object") }
    o["sale"] = sale
    o["alarms"] = .array(alarms)
    return .object(o)
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
    let amount = price * qty
    let sold = SaleLineReply(item: "i\(n)", name: name, department: "", unit: "piece", quantity: qty, unitPrice: price,
                             catalogPrice: price, taxClass: "A", taxBasisPoints: 2550, voided: voided,
                             discount: discountBP.map { .percent(Int($0)) }, amount: amount)
    return SaleReply.Line(sold: sold, line: Int64(n), gross: amount - amount * (discountBP ?? 0) / 10_000).json
}

func sale(_ lines: [JSONValue], id: Int64 = 7, paid: Int64 = 0, training: Bool = false) -> JSONValue {
    let total = lines.reduce(Int64(0)) { $0 + (($1["voided"]?.boolValue == true) ? 0 : ($1["gross"]?.intValue ?? 0)) }
    var o = SaleReply(id: id, training: training, operatorID: "anna", lines: [], tenders: paid > 0 ? [Tender(kind: .card, amount: paid)] : [],
                      totalled: false, subtotal: total, total: total, discountTotal: 0, breakdown: [], paid: paid, due: total - paid,
                      cashDue: total - paid).json.objectValue!
    // The lines as the test wrote them, promotions and all.
    o["lines"] = .array(lines)
    return .object(o)
}

extension ScreenBuffer {
    func row(containing text: String) -> Int? { (0..<height).first { self.text(row: $0).contains(text) } }
}

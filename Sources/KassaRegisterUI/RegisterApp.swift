import KassaCore
import KassaIPC

/// Where requests go: the live connection to kassad, or a recorder in tests.
public protocol RegisterLink: AnyObject {
    /// Writes one request; false when there is no connection.
    func send(_ request: Request) -> Bool
}

/// A question on the entry line: a PIN, an amount, a receipt number, a reason, a yes/no.
public struct Prompt {
    public enum Input: Sendable { case digits, amount, date, text, confirm }
    public var label: String
    public var input: Input
    public var secret = false
    public var onEnter: (String) -> Void
    /// Extra keys the prompt answers (the refund's `k` for card).
    public var onKey: [Key: (String) -> Void] = [:]
}

/// Which screen the register shows.
public indirect enum Mode {
    case login
    case locked
    case sale
    case payment
    case menu
    case help(back: Mode)
    case text(title: String, lines: [String], back: Mode)
    case page(Page, back: Mode)
    case choice(Choice, back: Mode)
    case prompt(Prompt, back: Mode)

    var isSelling: Bool {
        switch self {
        case .sale, .payment: return true
        default: return false
        }
    }
}

/// The register's logic: keys in, requests out; replies and events in, a model out. It holds
/// nothing that matters: the sale, the operator and the shift are kassad's, re-read after every
/// reconnect. One thread, no I/O: the terminal loop (`RegisterProgram`) feeds it.
public final class RegisterApp {
    public internal(set) var model = RegisterModel()
    public internal(set) var mode: Mode = .login
    public internal(set) var entry = ""
    public internal(set) var message: (text: String, isError: Bool)?
    public private(set) var language: Language
    public var texts: Texts { language.texts }
    /// Seconds without a key before the screen locks (kassad's `idle_lock`); nil never.
    public private(set) var idleLockSeconds: Int?
    /// Cash more than this above what is due asks for a confirmation (minor units); nil never.
    public private(set) var confirmTenderOver: Int64? = 10_000
    /// Set when the whole screen must be drawn again (Ctrl-L, reconnect).
    public var needsFullRedraw = true
    public private(set) var quitRequested = false
    /// Set when the terminal should sound its bell (an unknown code); the program rings it once.
    public var bellPending = false
    /// The terminal's size as last drawn, for paging through a long view.
    public var screenSize = (width: RegisterScreen.minimumWidth, height: RegisterScreen.minimumHeight)

    private weak var link: RegisterLink?
    private var waiting: [Int64: (Result<JSONValue, IPCError>) -> Void] = [:]
    private var nextID: Int64 = 1
    private var lastInput: Int64 = 0
    private var activitySeen = false
    /// Keys typed while a request is unanswered wait for its answer, so that a key acts on the
    /// state the keys before it made (a scan, then at once `p` parks that sale).
    private var typedAhead: [Key] = []
    private let makeKey: () -> String

    public init(language: Language = .en, makeKey: @escaping () -> String) {
        self.language = language
        self.makeKey = makeKey
    }

    // MARK: Connection

    /// A fresh connection: nothing is known until the greeting and the status arrive.
    public func connected(_ link: RegisterLink) {
        self.link = link
        waiting = [:]
        model.connection = .connecting
    }

    public func disconnected() {
        link = nil
        waiting = [:]
        typedAhead = []
        model.connection = .disconnected
        model.cardPending = false
    }

    public func receive(_ message: ServerMessage) {
        switch message {
        case .greeting(let g):
            // PROTOCOL.md: a client that does not know the protocol's version does not go on.
            guard g.protocolVersion == KassaIPC.protocolVersion else {
                link = nil
                show(texts.errorOther + ": kassad protocol \(g.protocolVersion)", error: true)
                return
            }
            if let code = g.register["currency"]?["code"]?.stringValue, let d = g.register["currency"]?["decimals"]?.intValue,
               (0...4).contains(d) {
                model.currency = Currency(code: code, minorUnits: Int(d))
            }
            model.registerName = g.register["register"]?.stringValue ?? ""
            request(.subscribe) { _ in }
            refreshStatus()
        case .reply(let reply):
            guard case .int(let id) = reply.id, let done = waiting.removeValue(forKey: id) else { return }
            done(reply.outcome)
            while waiting.isEmpty, !typedAhead.isEmpty {
                act(on: typedAhead.removeFirst())
            }
        case .event(let e):
            receive(event: e.name, e.data)
        case .gap:
            refreshStatus()
        }
    }

    /// The settings `status` shows before anyone logs in: language, money format, idle lock.
    private func applyScreenSettings(_ r: [String: String]) {
        if let l = r[SettingKey.language].flatMap(Language.init(rawValue:)) { language = l }
        if let f = r[SettingKey.moneyFormat].flatMap({ RegisterModel.moneyFormat(named: $0, currency: model.currency) }) {
            model.moneyFormat = f
        }
        if let s = r[SettingKey.idleLock].flatMap({ Int($0) }) { idleLockSeconds = s > 0 ? s : nil }
        if let m = r[SettingKey.confirmTenderOver].flatMap({ Entry.amount($0, currency: model.currency) }) {
            confirmTenderOver = m > 0 ? m : nil
        }
    }

    private func refreshStatus() {
        request(.status, as: StatusReply.self) { [unowned self] r in
            applyScreenSettings(r.screen)
            model.apply(status: r)
            model.connection = .connected
            needsFullRedraw = true
            followOperator()
        }
    }

    private func receive(event name: String, _ data: JSONValue) {
        switch name {
        case "sale.changed":
            guard let sale = read(data, as: SaleReply?.self, from: name) else { return }
            model.apply(sale: sale)
            followSale()
            // A scan on kassad's own scanner is the cashier at work too.
            activitySeen = true
        case "sale.completed":
            if let receipt = read(data, as: ReceiptReply.self, from: name) { model.lastCompleted = CompletedView(receipt) }
        case "operator.changed":
            guard let session = read(data, as: OperatorResultReply.self, from: name) else { return }
            model.apply(operator: session.operator)
            followOperator()
        case "config.changed":
            // The language or the idle lock changed: the screen follows at once.
            refreshStatus()
        case "shift.changed":
            if let changed = read(data, as: ShiftResultReply.self, from: name) { model.shiftNumber = changed.shift?.number }
        case "alarm":
            if let alarm = read(data, as: AlarmReply.self, from: name) { model.apply(alarm: alarm) }
        case "device.status":
            if let device = read(data, as: DeviceReply.self, from: name) { model.apply(device: device) }
        case "scan":
            if data["ok"]?.boolValue == false { show(data["error"]?["message"]?.stringValue ?? "scan refused", error: true) }
        case "card.swiped":
            if let e = data["error"]?.stringValue { show(e, error: true) }
        case "card.status":
            if let state = data["state"]?.stringValue { show(texts.card + ": " + state, error: state != "approved" && state != "requested") }
        default:
            break
        }
    }

    /// The operator decides between the login screen and the sale.
    private func followOperator() {
        if model.operatorName == nil {
            mode = .login
            entry = ""
        } else if case .login = mode {
            mode = .sale
        }
    }

    /// A sale closed elsewhere (completed, cancelled, parked from the CLI) ends the payment screen.
    private func followSale() {
        if case .payment = mode, model.sale == nil { mode = .sale }
    }

    // MARK: Requests

    /// Sends a request; a refusal is shown, and one that needs a supervisor asks for the PIN and
    /// goes again with it. `onError` may take an error first (true: handled).
    func request(_ op: Op, _ args: JSONObject = [:],
                 onError: ((IPCError) -> Bool)? = nil, then: @escaping (JSONValue) -> Void) {
        guard let link else {
            show(texts.inputRefused, error: true)
            return
        }
        let id = nextID
        nextID += 1
        let sent = link.send(Request(id: .int(id), op: op, args: args, idempotencyKey: op.spec.effect.writes ? makeKey() : nil))
        guard sent else {
            show(texts.inputRefused, error: true)
            return
        }
        let back = mode
        waiting[id] = { [unowned self] outcome in
            switch outcome {
            case .success(let result):
                then(result)
            case .failure(let e):
                if onError?(e) == true { return }
                if e.code == .pinRequired, args["override_pin"] == nil {
                    ask(Prompt(label: texts.supervisorPIN + " (" + language.purpose(op) + ")", input: .digits, secret: true) { [unowned self] pin in
                        var again = args
                        again["override_pin"] = .string(pin)
                        mode = back
                        request(op, again, onError: onError, then: then)
                    }, back: back)
                    return
                }
                show(texts.heading(e.code) + ": " + e.message, error: true)
            }
        }
    }

    /// Every sale operation answers with the sale, applied at once.
    func saleRequest(_ op: Op, _ args: JSONObject = [:]) {
        request(op, args, as: SaleReply?.self) { [unowned self] sale in
            model.apply(sale: sale)
            followSale()
        }
    }

    /// `request`, with the result read as its reply type; a result of another shape is shown as
    /// an error and `then` does not run.
    func request<Reply: ReplyValue>(_ op: Op, _ args: JSONObject = [:], as type: Reply.Type,
                                    onError: ((IPCError) -> Bool)? = nil, then: @escaping (Reply) -> Void) {
        request(op, args, onError: onError) { [unowned self] r in
            if let reply = read(r, as: type, from: op.name) { then(reply) }
        }
    }

    /// A reply or an event read as its type; nil, with the field that did not fit shown, otherwise.
    func read<Reply: ReplyValue>(_ json: JSONValue, as _: Reply.Type, from source: String) -> Reply? {
        do throws(IPCError) { return try Reply(json: json) } catch {
            show(source + ": " + error.message, error: true)
            return nil
        }
    }

    func show(_ text: String, error: Bool = false) { message = (text, error) }

    private var askingToQuit: Bool {
        if case .prompt(let p, _) = mode { return p.label == texts.confirmQuit }
        return false
    }

    func ask(_ prompt: Prompt, back: Mode) {
        entry = ""
        mode = .prompt(prompt, back: back)
    }

    // MARK: Time

    /// Called about once a second and after every key: locks an idle register.
    public func tick(now: Int64) {
        if activitySeen {
            activitySeen = false
            if case .locked = mode {} else { lastInput = now }
        }
        guard let idle = idleLockSeconds, model.operatorName != nil, model.connection == .connected else { return }
        if case .locked = mode { return }
        if case .login = mode {
            // A badge swipe logs in without a key: the idle time starts from the login screen.
            lastInput = now
            return
        }
        if now - lastInput >= Int64(idle) * 1000 {
            mode = .locked
            entry = ""
        }
    }

    // MARK: Keys

    public func handle(_ key: Key, now: Int64) {
        lastInput = now
        if key == .control("l") {
            needsFullRedraw = true
            return
        }
        if key == .control("c") {
            // With a sale on the screen it asks first; Ctrl-C again is a yes.
            if model.sale?.lines.contains(where: { !$0.voided }) == true, !askingToQuit {
                ask(Prompt(label: texts.confirmQuit, input: .confirm) { [unowned self] _ in quitRequested = true }, back: mode)
                return
            }
            quitRequested = true
            return
        }
        guard model.connection == .connected else {
            show(texts.inputRefused, error: true)
            return
        }
        if !waiting.isEmpty {
            typedAhead.append(key)
            return
        }
        act(on: key)
    }

    private func act(on key: Key) {
        if case .prompt = mode {} else if key != .enter { message = nil }
        switch mode {
        case .login, .locked:
            pinKey(key)
        case .sale:
            saleKey(key)
        case .payment:
            paymentKey(key)
        case .menu:
            menuKey(key)
        case .help(let back):
            mode = back
        case .text(_, let lines, let back):
            switch key {
            case .up, .pageUp: model.scrollTop = max(0, model.scrollTop - (key == .up ? 1 : 10))
            case .down, .pageDown: model.scrollTop = min(max(0, lines.count - 1), model.scrollTop + (key == .down ? 1 : 10))
            default:
                model.scrollTop = 0
                mode = back
            }
        case .page(let page, let back):
            pageKey(key, page, back)
        case .choice(let choice, let back):
            choiceKey(key, choice, back)
        case .prompt(let prompt, let back):
            promptKey(key, prompt, back)
        }
    }

    func edit(_ key: Key, allowed: (Character) -> Bool) -> Bool {
        switch key {
        case .character(let c) where allowed(c):
            if entry.count < 64 { entry.append(c) }
            return true
        case .backspace:
            if !entry.isEmpty { entry.removeLast() }
            return true
        default:
            return false
        }
    }

    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    private func pinKey(_ key: Key) {
        if edit(key, allowed: Self.isDigit) { return }
        switch key {
        case .enter:
            let pin = entry
            entry = ""
            guard !pin.isEmpty else { return }
            request(.login, ["pin": .string(pin)], as: OperatorResultReply.self) { [unowned self] r in
                model.apply(operator: r.operator)
                mode = .sale
                message = nil
            }
        case .escape:
            entry = ""
        case .function(1), .character("?"):
            mode = .help(back: mode)
        case .character("t"), .function(12):
            // Clocking in needs only the employee's own PIN, not a login.
            entry = ""
            openTimeClock(back: mode)
        default:
            break
        }
    }

    private func saleKey(_ key: Key) {
        let before = entry
        if edit(key, allowed: { Entry.accepts($0, after: before) }) { return }
        guard let action = KeyBindings.action(for: key, in: KeyBindings.sale) else { return }
        let typed = entry
        switch action {
        case .help:
            mode = .help(back: .sale)
        case .sell:
            entry = ""
            sell(typed)
        case .total:
            guard model.sale != nil else { return show(texts.nothingToDo, error: true) }
            // Digits typed for a code (or a scanner without Enter) never become money: the
            // cashier sells or clears them first.
            guard typed.isEmpty else { return show(texts.codePending, error: true) }
            request(.saleTotal, as: SaleReply?.self) { [unowned self] sale in
                model.apply(sale: sale)
                mode = .payment
            }
        case .void:
            guard let line = model.targetLine, let shown = model.sale?.lines.first(where: { $0.line == line }) else {
                return show(texts.nothingToDo, error: true)
            }
            // Destructive: one key more, and Esc leaves the line as it was.
            let label = texts.confirmVoid.replacingFirst("%@", with: String(line + 1)).replacingFirst("%@", with: shown.name)
            ask(Prompt(label: label, input: .confirm) { [unowned self] _ in
                saleRequest(.saleVoidLine, ["line": .int(Int64(line))])
            }, back: .sale)
        case .quantity:
            guard let line = model.targetLine, let shown = model.sale?.lines.first(where: { $0.line == line }) else {
                return show(texts.nothingToDo, error: true)
            }
            entry = ""
            let change = { [unowned self] (text: String) in
                guard let q = Entry.quantity(text, weighed: shown.weighed) else { return show(texts.notANumber, error: true) }
                saleRequest(.saleSetQuantity, ["line": .int(Int64(line)), "quantity": .int(q)])
            }
            if !typed.isEmpty { return change(typed) }
            ask(Prompt(label: (shown.weighed ? texts.weightPrompt : texts.newQuantity) + " (\(line + 1) " + shown.name + ")",
                       input: shown.weighed ? .amount : .digits, onEnter: change), back: .sale)
        case .discountLine, .discountSale:
            guard let line = model.targetLine else { return show(texts.nothingToDo, error: true) }
            entry = ""
            guard let d = Entry.discount(typed, currency: model.currency) else { return show(texts.notANumber, error: true) }
            var args: JSONObject = [:]
            switch d {
            case .percent(let bp): args["percent_bp"] = .int(bp)
            case .amount(let a): args["amount"] = .int(a)
            case .remove: break
            }
            if action == .discountLine {
                args["line"] = .int(Int64(line))
                saleRequest(.saleDiscountLine, args)
            } else {
                saleRequest(.saleDiscount, args)
            }
        case .priceOverride:
            guard let line = model.targetLine else { return show(texts.nothingToDo, error: true) }
            let override = { [unowned self] (text: String) in
                guard let price = Entry.amount(text, currency: model.currency) else { return show(texts.notANumber, error: true) }
                mode = .sale
                saleRequest(.saleOverridePrice, ["line": .int(Int64(line)), "unit_price": .int(price)])
            }
            entry = ""
            if typed.isEmpty {
                ask(Prompt(label: texts.newPrice, input: .amount, onEnter: override), back: .sale)
            } else {
                override(typed)
            }
        case .park:
            entry = ""
            park(typed)
        case .cancel:
            guard model.sale != nil else { return show(texts.nothingToDo, error: true) }
            confirmCancel(back: .sale)
        case .menu:
            entry = ""
            mode = .menu
        case .logout:
            request(.logout) { [unowned self] _ in
                model.apply(operator: nil)
                mode = .login
                show(texts.loggedOut)
            }
        case .reprintLast:
            if let last = model.lastCompleted?.receipt {
                reprint(last)
            } else {
                ask(Prompt(label: texts.receiptNumber, input: .digits) { [unowned self] t in
                    if let n = Int64(t) { reprint(n) } else { show(texts.notANumber, error: true) }
                }, back: .sale)
            }
        case .selectUp, .selectDown:
            guard let sale = model.sale, !sale.lines.isEmpty else { return }
            let current = model.targetLine ?? sale.lines.count - 1
            let next = action == .selectUp ? max(0, current - 1) : min(sale.lines.count - 1, current + 1)
            model.selectedLine = next
        case .pageUp, .pageDown:
            let count = model.sale?.lines.count ?? 0
            model.scrollBack = action == .pageUp ? min(count, model.scrollBack + 10) : max(0, model.scrollBack - 10)
        case .clear:
            entry = ""
            model.selectedLine = nil
        default:
            break
        }
    }

    func scan(_ code: String, quantity: Int64?, grams: Int64? = nil) {
        var args: JSONObject = ["code": .string(code)]
        if let quantity { args["quantity"] = .int(quantity) }
        if let grams { args["grams"] = .int(grams) }
        request(.saleScan, args, as: SaleReply?.self, onError: { [unowned self] e in
            // A code that is nobody's: the bell, so the cashier looks up.
            if e.code == .notFound { bellPending = true }
            // A weighed item without a weight (or with a number of pieces): ask for it and sell again.
            guard e.code == .weightRequired, grams == nil else { return false }
            askWeight(for: code) { [unowned self] g in scan(code, quantity: nil, grams: g) }
            show(code + " " + texts.weightNeeded)
            return true
        }) { [unowned self] sale in
            model.apply(sale: sale)
            model.selectedLine = nil
        }
    }

    private func park(_ typed: String) {
        if model.sale != nil {
            request(.salePark) { [unowned self] r in
                let id = r["park_id"]?.intValue ?? 0
                show(texts.parkedAs + " \(id)")
                // Listed at once from what was on the screen; kassad's list follows.
                if let sale = model.sale {
                    model.parked.append((id: id, lines: Int64(sale.lines.filter { !$0.voided }.count), total: sale.total))
                }
                model.apply(sale: nil)
                request(.saleParked, as: [ParkedSaleReply].self) { [unowned self] list in model.apply(parked: list) }
            }
            return
        }
        let resume = { [unowned self] (id: Int64) in
            mode = .sale
            request(.saleResume, ["park_id": .int(id)], as: SaleReply?.self) { [unowned self] sale in
                model.apply(sale: sale)
                show(texts.resumed + " \(id)")
                request(.saleParked, as: [ParkedSaleReply].self) { [unowned self] list in model.apply(parked: list) }
            }
        }
        if let id = Int64(typed) { return resume(id) }
        if model.parked.count == 1 { return resume(model.parked[0].id) }
        guard !model.parked.isEmpty else { return show(texts.nothingToDo, error: true) }
        ask(Prompt(label: texts.resumeWhich, input: .digits) { [unowned self] t in
            if let id = Int64(t) { resume(id) } else { show(texts.notANumber, error: true) }
        }, back: .sale)
    }

    func confirmCancel(back: Mode) {
        ask(Prompt(label: texts.confirmCancel, input: .confirm) { [unowned self] _ in
            mode = .sale
            request(.saleCancel) { [unowned self] _ in
                model.apply(sale: nil)
                show(texts.done)
            }
        }, back: back)
    }

    func reprint(_ receipt: Int64) {
        mode = .sale
        request(.receiptReprint, ["receipt": .int(receipt)]) { [unowned self] r in
            show(texts.reprinted + " (\(texts.receipt) \(receipt))")
            mode = .text(title: texts.receipt + " \(receipt)", lines: textLines(r["text"]), back: .sale)
        }
    }

    /// The lines of a text kassad rendered (a receipt, a report).
    func textLines(_ json: JSONValue?) -> [String] { (json?.arrayValue ?? []).map { $0.stringValue ?? "" } }

    private func promptKey(_ key: Key, _ prompt: Prompt, _ back: Mode) {
        if let extra = prompt.onKey[key] {
            let typed = entry
            entry = ""
            return extra(typed)
        }
        let allowed: (Character) -> Bool
        switch prompt.input {
        case .digits: allowed = Self.isDigit
        case .amount: allowed = { Self.isDigit($0) || ",.".contains($0) }
        case .date: allowed = { Self.isDigit($0) || $0 == "-" }
        case .text: allowed = { !$0.isControlLike }
        case .confirm: allowed = { _ in false }
        }
        if edit(key, allowed: allowed) { return }
        switch key {
        case .enter:
            let typed = entry
            entry = ""
            mode = back
            prompt.onEnter(typed)
        case .escape:
            entry = ""
            mode = back
        default:
            break
        }
    }
}

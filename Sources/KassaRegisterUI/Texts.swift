import KassaCore
import KassaIPC

/// The languages the register speaks; chosen by kassad's `language` setting (`en` or `fi`).
public enum Language: String, Sendable, CaseIterable {
    case en, fi

    public var texts: Texts {
        switch self {
        case .en: return .english
        case .fi: return .finnish
        }
    }

    /// The English or the Finnish words, in this language.
    public func pick(_ english: String, _ finnish: String) -> String { self == .fi ? finnish : english }
}

/// Every word the register shows, one table per language. A struct rather than a dictionary, so
/// a language missing a text does not compile.
public struct Texts: Sendable {
    // Status line
    public var online, offline, noOperator, shift, noShift, printer, drawer, ok, open, closed, away, paperOut, busy: String
    public var training, trainingBanner: String
    // Login, lock, connection
    public var loginTitle, loginPrompt, pin, lockedTitle, lockedPrompt, disconnected, inputRefused: String
    // Sale
    public var columnItem, columnQuantity, columnPrice, columnDiscount, columnAmount, voided, overridden: String
    public var total, subtotal, discount, paid, due, cashDue, change, receipt, noSale, code, lines, parkedSales: String
    public var weightPrompt, weightNeeded, quantityHint: String
    // Payment
    public var payment, exact, nextNote, card, cash, cardPending, tenderHint: String
    // Prompts and results
    public var supervisorPIN, receiptNumber, refundLines, refundTender, float, counted, amount, reason: String
    public var confirmCancel, confirmZ, confirmQuit, resumeWhich, percentOrAmount, newPrice, parkedAs, resumed, drawerOpened: String
    public var shiftOpened, shiftClosed, expected, overShort, done, reprinted, refunded, paidOut, menu, help, back: String
    public var trainingOn, trainingOff, loggedOut, nothingToDo, notANumber, scrollHint, helpTitle: String
    // What a refusal from kassad is, before kassad's own words (which are English).
    public var errorWrongPin, errorPinDelayed, errorForbidden, errorNotFound, errorRefused, errorDevice, errorClock, errorReadOnly: String
    public var errorCardDeclined, errorCardNotCharged, errorOverLimit, errorOther: String
    // The key hints on the bottom line; the help screen lists everything.
    public var hintSale, hintPayment, hintLogin, hintOther, chooseHint: String
    // Sales reports
    public var reportsNotAllowed, salesReport, reportPeriod, otherDates, firstDay, lastDay, notADate, endBeforeStart: String
    public var noSalesInPeriod, readingJournal: String
    // Stock
    public var stock, columnInStock, columnReorderAt, columnOrder, toReorder, nothingToReorder, valueAtPrice, valueAtCost: String
    public var withoutCost, stockHint, itemCode, quantityReceived, quantityCounted, inStock: String
    // Time clock
    public var timeClock, yourPIN, myHours, hoursThisWeek, columnDay, columnHours, clockedOff, working, onBreak, now: String
    /// Monday first.
    public var weekdays: [String]
    // Vouchers
    public var voucherValue, voucherAdded, storeCredit: String
    // The customer on the sale and their loyalty points.
    public var customer, points: String
    public var customerQuery, noCustomerFound, whichCustomer, customerOnSale, pointsToRedeem, pointsRedeemed: String
    /// A code typed (or scanned without Enter) when the cashier went to payment; the confirmation
    /// of cash far above what is due.
    public var codePending, confirmCash: String
    // Finding an item by name or on the quick keys; voiding and changing a line.
    public var itemsNamed, noItemNamed, quickKeys, noQuickKeys, confirmVoid, newQuantity: String
    /// What a refund gives back, shown before its tender is asked.
    public var toPayBack: String

    public static let english = Texts(
        online: "online", offline: "OFFLINE", noOperator: "nobody logged in", shift: "Shift", noShift: "no shift",
        printer: "Printer", drawer: "Drawer", ok: "ok", open: "OPEN", closed: "closed", away: "AWAY",
        paperOut: "PAPER OUT", busy: "busy",
        training: "TRAINING", trainingBanner: "*** TRAINING MODE - NOT A REAL SALE ***",
        loginTitle: "Kassa register", loginPrompt: "Enter your PIN or swipe your badge", pin: "PIN",
        lockedTitle: "Locked", lockedPrompt: "Enter a PIN to unlock",
        disconnected: "NO CONNECTION TO KASSAD - reconnecting...", inputRefused: "No connection: input refused",
        columnItem: "Item", columnQuantity: "Qty", columnPrice: "Price", columnDiscount: "Discount",
        columnAmount: "Amount", voided: "VOID", overridden: "price set",
        total: "TOTAL", subtotal: "Subtotal", discount: "Discount", paid: "Paid", due: "Due", cashDue: "Cash due",
        change: "CHANGE", receipt: "Receipt", noSale: "Scan or type a barcode or PLU and press Enter", code: "Code",
        lines: "lines", parkedSales: "Parked sales",
        weightPrompt: "Weight in grams", weightNeeded: "is sold by weight: type the weight in grams",
        quantityHint: "3* before a code sells 3",
        payment: "PAYMENT", exact: "Exact", nextNote: "Next note", card: "Card", cash: "Cash",
        cardPending: "Card payment: follow the card terminal...",
        tenderHint: "Type an amount: Enter cash, k card. Empty amount = what is due.",
        supervisorPIN: "Supervisor PIN", receiptNumber: "Receipt number",
        refundLines: "Lines to refund (line or line*qty, space between)",
        refundTender: "Enter as paid, c cash, k card, v store credit", float: "Float in the drawer", counted: "Counted cash",
        amount: "Amount", reason: "Reason", confirmCancel: "Cancel the whole sale? Enter yes, Esc no",
        confirmZ: "Close the day with a Z report? Enter yes, Esc no",
        confirmQuit: "A sale is open: quit the register anyway? Enter yes, Esc no", resumeWhich: "Parked sale to resume",
        percentOrAmount: "Discount: 10% or an amount (empty removes)", newPrice: "New unit price",
        parkedAs: "Parked as", resumed: "Resumed parked sale", drawerOpened: "Drawer opened",
        shiftOpened: "Shift opened", shiftClosed: "Shift closed", expected: "expected", overShort: "over/short",
        done: "Done", reprinted: "Copy sent to the printer", refunded: "Refund", paidOut: "paid out", menu: "Menu",
        help: "help", back: "back",
        trainingOn: "Training mode on", trainingOff: "Training mode off", loggedOut: "Logged out",
        nothingToDo: "Nothing to do here", notANumber: "Not a valid entry",
        scrollHint: "PgUp/PgDn scroll, Esc back", helpTitle: "Keys",
        errorWrongPin: "Wrong PIN", errorPinDelayed: "Too many wrong PINs: wait", errorForbidden: "Not allowed", errorNotFound: "Not found", errorRefused: "Refused",
        errorDevice: "Device away", errorClock: "Clock behind: selling paused", errorReadOnly: "Journal read-only",
        errorCardDeclined: "Card declined", errorCardNotCharged: "Card not charged", errorOverLimit: "Over the limit",
        errorOther: "Error",
        hintSale: "? help F2 pay F3 void F4 disc F7 park F8 cancel F9 menu F10 logout F12 qty",
        hintPayment: "Enter cash  x exact  n next note  k card  c cancel  Esc back  ? help",
        hintLogin: "Enter log in  t time clock  ? help", hintOther: "Enter ok  Esc back",
        chooseHint: "1-9 or ↑↓ and Enter choose  Esc back",
        reportsNotAllowed: "Sales reports are for a supervisor: log in as one", salesReport: "Sales report",
        reportPeriod: "period", otherDates: "Other dates", firstDay: "First day (YYYY-MM-DD)",
        lastDay: "Last day (YYYY-MM-DD, empty: the same day)", notADate: "Not a date (YYYY-MM-DD)",
        endBeforeStart: "The last day is before the first", noSalesInPeriod: "No sales in this period",
        readingJournal: "Reading the journal...",
        stock: "Stock", columnInStock: "In stock", columnReorderAt: "Reorder at", columnOrder: "Order",
        toReorder: "to reorder (at or below the reorder point)", nothingToReorder: "Nothing is at or below its reorder point",
        valueAtPrice: "Stock value at selling price", valueAtCost: "Stock value at cost", withoutCost: "without a cost",
        stockHint: "↑↓ PgUp/PgDn scroll  r receive goods  c count stock  Esc back",
        itemCode: "Item: scan or type its code", quantityReceived: "Quantity received", quantityCounted: "Quantity counted",
        inStock: "in stock",
        timeClock: "Time clock", yourPIN: "Your PIN", myHours: "My hours this week", hoursThisWeek: "Hours this week",
        columnDay: "Day", columnHours: "Hours", clockedOff: "not clocked in", working: "working", onBreak: "on a break",
        now: "Now", weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        voucherValue: "Gift voucher value", voucherAdded: "Gift voucher added:", storeCredit: "store credit",
        customer: "Customer", points: "points",
        customerQuery: "Customer's phone or name", noCustomerFound: "No such customer", whichCustomer: "Which customer?",
        customerOnSale: "Customer on the sale:", pointsToRedeem: "Points to redeem (0 takes them back)", pointsRedeemed: "Points redeemed:",
        codePending: "A code is typed: Enter sells it, Esc clears it", confirmCash: "Cash tendered %@ for %@ due? Enter yes, Esc no",
        itemsNamed: "Items named", noItemNamed: "No item's name contains", quickKeys: "Quick keys",
        noQuickKeys: "No quick keys: the quick_keys setting lists them", confirmVoid: "Void line %@ %@? Enter yes, Esc no",
        newQuantity: "New quantity", toPayBack: "To pay back")

    public static let finnish = Texts(
        online: "yhteys ok", offline: "EI YHTEYTTÄ", noOperator: "ei kirjautunut", shift: "Vuoro", noShift: "ei vuoroa",
        printer: "Tulostin", drawer: "Laatikko", ok: "ok", open: "AUKI", closed: "kiinni", away: "POISSA",
        paperOut: "PAPERI LOPPU", busy: "varattu",
        training: "HARJOITUS", trainingBanner: "*** HARJOITUSTILA - EI OIKEA MYYNTI ***",
        loginTitle: "Kassa", loginPrompt: "Syötä PIN tai vedä henkilökortti", pin: "PIN",
        lockedTitle: "Lukittu", lockedPrompt: "Avaa syöttämällä PIN",
        disconnected: "EI YHTEYTTÄ KASSADIIN - yhdistetään...", inputRefused: "Ei yhteyttä: syöttö estetty",
        columnItem: "Tuote", columnQuantity: "Määrä", columnPrice: "Hinta", columnDiscount: "Alennus",
        columnAmount: "Summa", voided: "MITÄTÖITY", overridden: "hinta muutettu",
        total: "YHTEENSÄ", subtotal: "Välisumma", discount: "Alennus", paid: "Maksettu", due: "Maksettava",
        cashDue: "Käteisellä", change: "VAIHTORAHA", receipt: "Kuitti",
        noSale: "Skannaa tai syötä viivakoodi tai PLU ja paina Enter", code: "Koodi",
        lines: "riviä", parkedSales: "Pysäköidyt myynnit",
        weightPrompt: "Paino grammoina", weightNeeded: "myydään painon mukaan: syötä paino grammoina",
        quantityHint: "3* ennen koodia myy 3 kpl",
        payment: "MAKSU", exact: "Tasan", nextNote: "Seuraava seteli", card: "Kortti", cash: "Käteinen",
        cardPending: "Korttimaksu: seuraa maksupäätettä...",
        tenderHint: "Syötä summa: Enter käteinen, k kortti. Tyhjä = koko maksettava.",
        supervisorPIN: "Esimiehen PIN", receiptNumber: "Kuitin numero",
        refundLines: "Palautettavat rivit (rivi tai rivi*määrä, välilyönti väliin)",
        refundTender: "Enter kuten maksettu, c käteinen, k kortti, v hyvityskortti", float: "Vaihtokassa", counted: "Laskettu käteinen",
        amount: "Summa", reason: "Syy", confirmCancel: "Perutaanko koko myynti? Enter kyllä, Esc ei",
        confirmZ: "Suljetaanko päivä Z-raportilla? Enter kyllä, Esc ei",
        confirmQuit: "Myynti on kesken: lopetetaanko silti? Enter kyllä, Esc ei", resumeWhich: "Jatkettava myynti",
        percentOrAmount: "Alennus: 10% tai summa (tyhjä poistaa)", newPrice: "Uusi yksikköhinta",
        parkedAs: "Pysäköity numerolla", resumed: "Pysäköity myynti jatkuu", drawerOpened: "Laatikko avattu",
        shiftOpened: "Vuoro avattu", shiftClosed: "Vuoro suljettu", expected: "odotettu", overShort: "erotus",
        done: "Valmis", reprinted: "Kopio lähetetty tulostimelle", refunded: "Palautus", paidOut: "maksettu",
        menu: "Valikko", help: "ohje", back: "takaisin",
        trainingOn: "Harjoitustila päällä", trainingOff: "Harjoitustila pois", loggedOut: "Kirjauduttu ulos",
        nothingToDo: "Ei tehtävää", notANumber: "Virheellinen syöte",
        scrollHint: "PgUp/PgDn selaa, Esc takaisin", helpTitle: "Näppäimet",
        errorWrongPin: "Väärä PIN", errorPinDelayed: "Liian monta väärää PIN-koodia: odota", errorForbidden: "Ei sallittu", errorNotFound: "Ei löydy", errorRefused: "Hylätty",
        errorDevice: "Laite ei käytettävissä", errorClock: "Kello jäljessä: myynti tauolla",
        errorReadOnly: "Päiväkirja vain luettavissa", errorCardDeclined: "Kortti hylätty",
        errorCardNotCharged: "Korttia ei veloitettu", errorOverLimit: "Yli rajan", errorOther: "Virhe",
        hintSale: "? ohje F2 maksu F3 mitätöi F7 pysäköi F8 peru F9 valikko F10 ulos F12 määrä",
        hintPayment: "Enter käteinen  x tasan  n seur. seteli  k kortti  c peru  Esc takaisin",
        hintLogin: "Enter kirjaudu  t leimaus  ? ohje", hintOther: "Enter ok  Esc takaisin",
        chooseHint: "1-9 tai ↑↓ ja Enter valitsee  Esc takaisin",
        reportsNotAllowed: "Myyntiraportit ovat esimiehelle: kirjaudu esimiehenä", salesReport: "Myyntiraportti",
        reportPeriod: "ajanjakso", otherDates: "Muu aikaväli", firstDay: "Ensimmäinen päivä (VVVV-KK-PP)",
        lastDay: "Viimeinen päivä (VVVV-KK-PP, tyhjä: sama päivä)", notADate: "Ei päivämäärä (VVVV-KK-PP)",
        endBeforeStart: "Viimeinen päivä on ennen ensimmäistä", noSalesInPeriod: "Ei myyntiä tällä ajanjaksolla",
        readingJournal: "Luetaan päiväkirjaa...",
        stock: "Varasto", columnInStock: "Saldo", columnReorderAt: "Tilausraja", columnOrder: "Tilaa",
        toReorder: "tilattavaa (tilausrajalla tai alle)", nothingToReorder: "Mikään ei ole tilausrajalla tai alle",
        valueAtPrice: "Varaston arvo myyntihintaan", valueAtCost: "Varaston arvo ostohintaan", withoutCost: "ilman ostohintaa",
        stockHint: "↑↓ PgUp/PgDn selaa  r vastaanota tavaraa  c inventoi  Esc takaisin",
        itemCode: "Tuote: skannaa tai syötä koodi", quantityReceived: "Vastaanotettu määrä", quantityCounted: "Laskettu määrä",
        inStock: "saldo",
        timeClock: "Työaikaleimaus", yourPIN: "Oma PIN", myHours: "Omat tunnit tällä viikolla", hoursThisWeek: "Tunnit tällä viikolla",
        columnDay: "Päivä", columnHours: "Tunnit", clockedOff: "ei leimattu sisään", working: "töissä", onBreak: "tauolla",
        now: "Nyt", weekdays: ["ma", "ti", "ke", "to", "pe", "la", "su"],
        voucherValue: "Lahjakortin arvo", voucherAdded: "Lahjakortti lisätty:", storeCredit: "hyvityskortti",
        customer: "Asiakas", points: "pistettä",
        customerQuery: "Asiakkaan puhelin tai nimi", noCustomerFound: "Asiakasta ei löydy", whichCustomer: "Kuka asiakas?",
        customerOnSale: "Asiakas myynnillä:", pointsToRedeem: "Käytettävät pisteet (0 perii takaisin)", pointsRedeemed: "Pisteitä käytetty:",
        codePending: "Koodi kirjoitettu: Enter myy, Esc tyhjentää", confirmCash: "Käteistä %@, maksettavana %@? Enter kyllä, Esc ei",
        itemsNamed: "Tuotteet nimellä", noItemNamed: "Minkään tuotteen nimessä ei ole", quickKeys: "Pikanäppäimet",
        noQuickKeys: "Ei pikanäppäimiä: asetus quick_keys luettelee ne", confirmVoid: "Mitätöidäänkö rivi %@ %@? Enter kyllä, Esc ei",
        newQuantity: "Uusi määrä", toPayBack: "Palautetaan")
}

extension Texts {
    /// The heading a refusal is shown under, in this table's language.
    public func heading(_ code: ErrorCode) -> String {
        switch code {
        case .wrongPin: return errorWrongPin
        case .pinDelayed: return errorPinDelayed
        case .forbidden, .notLoggedIn, .pinRequired: return errorForbidden
        case .notFound: return errorNotFound
        case .conflict, .refused, .badArgs, .cardPaymentPending: return errorRefused
        case .deviceUnavailable: return errorDevice
        case .clockBehind: return errorClock
        case .readOnly: return errorReadOnly
        case .cardDeclined: return errorCardDeclined
        case .cardNotCharged: return errorCardNotCharged
        case .overLimit: return errorOverLimit
        default: return errorOther
        }
    }
}

extension String {
    /// The text with its first `%@` (or other marker) replaced: a text's slots are filled in order.
    func replacingFirst(_ marker: String, with value: String) -> String {
        guard let r = firstRange(of: marker) else { return self }
        return String(self[..<r.lowerBound]) + value + String(self[r.upperBound...])
    }
}

extension Language {
    /// A role as the cashier reads it, never its name on the wire.
    public func role(_ name: String) -> String {
        guard let role = Role(rawValue: name) else { return pick("staff", "henkilökunta") }
        switch role {
        case .cashier: return pick("cashier", "myyjä")
        case .supervisor: return pick("supervisor", "esimies")
        case .technician: return pick("technician", "teknikko")
        }
    }

    /// What a supervisor's PIN is asked for, after "Supervisor PIN".
    public func purpose(_ op: Op) -> String {
        switch op {
        case .saleDiscountLine: return pick("a line discount", "rivialennus")
        case .saleDiscount: return pick("a discount on the sale", "alennus ostokseen")
        case .saleOverridePrice: return pick("a price change", "hinnan muutos")
        case .saleCancel: return pick("cancelling a totalled sale", "summatun myynnin peruminen")
        case .refund: return pick("a refund", "palautus")
        case .drawerNoSale: return pick("opening the drawer", "laatikon avaus")
        case .trainingSet: return pick("training mode", "harjoitustila")
        case .stockCount, .stockAdjust, .stockSetReorder: return pick("a stock change", "varaston muutos")
        case .timeclockCorrect: return pick("a time card correction", "työaikakortin korjaus")
        case .customerRemove: return pick("removing a customer", "asiakkaan poisto")
        default: return pick("going on", "jatkaminen")
        }
    }

    /// An alarm kassad raised, in words; never its code.
    public func alarm(_ code: String) -> String {
        switch code {
        case "paper_out": return pick("PAPER OUT", "PAPERI LOPPU")
        case "drawer_open": return pick("Drawer open", "Laatikko auki")
        case "drawer_not_opened": return pick("Drawer did not open", "Laatikko ei auennut")
        case "journal_read_only": return pick("Journal read-only", "Päiväkirja vain luettavissa")
        case "clock_behind": return pick("Clock behind", "Kello jäljessä")
        case "disk_low": return pick("Disk nearly full", "Levy melkein täynnä")
        case "pin_guessing": return pick("Wrong PINs in a row", "Vääriä PIN-koodeja peräkkäin")
        case "printer_offline": return pick("Printer away", "Tulostin poissa")
        case "cover_open": return pick("Printer cover open", "Tulostimen kansi auki")
        case "low_stock": return pick("Low stock", "Varasto vähissä")
        default: return pick("Alarm", "Hälytys")
        }
    }
}

import Foundation
import KassaIPC
import Testing

/// Customers and loyalty points over the socket, against the real kassad (demo: cashier anna
/// 1111, supervisor sami 2222, technician tero 3333; PLU 101 is a coffee at 2.90).
@Suite struct CustomerSystemTests {
    @Test func aCustomerEarnsRedeemsAndIsRefundedPointsAcrossARestartAndIsForgottenOnRequest() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        #expect(c.errorCode(.customerFind, ["name": "x"]) == nil)
        // A point per cent, so that a coffee earns enough to redeem.
        _ = try c.call(.technician, args: ["pin": "3333"])
        _ = try c.call(.configSet, args: ["key": "loyalty.points_per_unit", "value": "100"])
        #expect(c.errorCode(.configSet, ["key": "loyalty.point_value", "value": "0"]) == .badArgs)

        let pan = "4111111111111111"
        #expect(c.errorCode(.customerAdd, ["name": "Liisa", "cards": [.string(pan)]]) == .refused)
        #expect(c.errorCode(.customerAdd, ["name": " "]) == .badArgs)
        #expect(c.errorCode(.customerAdd, ["name": "Liisa", "phone": "12"]) == .badArgs)
        #expect(c.errorCode(.customerAdd, ["name": "Liisa", "cards": "LOY-1001"]) == .badArgs)
        let added = try c.call(.customerAdd, args: ["name": "Liisa Laine", "phone": "040 123 4567", "email": "liisa@example.fi",
                                                       "marketing": true, "cards": ["LOY-1001"]])
        #expect(added["customer"]?["id"]?.intValue == 1)
        #expect(added["customer"]?["phone"]?.stringValue == "0401234567")
        #expect(added["customer"]?["marketing"]?["given"]?.boolValue == true)
        #expect(c.errorCode(.customerAdd, ["name": "Ville", "cards": ["LOY-1001"]]) == .conflict)
        #expect(try c.call(.customerFind, args: ["phone": "+358 40 1234567"])["customers"]?.arrayValue?.count == 1)
        #expect(try c.call(.customerFind, args: ["name": "LAINE"])["customers"]?.arrayValue?.first?["id"]?.intValue == 1)
        #expect(c.errorCode(.customerFind, [:]) == .badArgs)
        #expect(c.errorCode(.customerFind, ["name": "a", "limit": 51]) == .badArgs)

        // Scanning her card opens a sale with her on it; 5.80 of coffee earns 580 points.
        let scanned = try c.call(.saleScan, args: ["code": "LOY-1001"])
        #expect(scanned["customer"]?["id"]?.intValue == 1)
        #expect(scanned["customer"]?["name"]?.stringValue == "Liisa Laine")
        _ = try c.call(.saleScan, args: ["code": "101", "quantity": 2])
        let first = try c.call(.saleTender, args: ["kind": "cash", "amount": 1000])
        let text = (first["completed"]?["text"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(text.contains { $0.hasPrefix("Customer: Liisa Laine (****1001)") })
        #expect(text.contains { $0.hasPrefix("Points earned") && $0.hasSuffix("+580") })
        #expect(text.contains { $0.hasPrefix("Points balance") && $0.hasSuffix("580") })

        // On the next sale by number: 2.00 of her points off a coffee.
        #expect(c.errorCode(.saleRedeemPoints, ["points": 200]) == .conflict)
        _ = try c.call(.saleCustomer, args: ["customer": 1])
        _ = try c.call(.saleScan, args: ["code": "101"])
        #expect(c.errorCode(.saleRedeemPoints, ["points": 581]) == .refused)
        #expect(c.errorCode(.saleRedeemPoints, ["points": 50]) == .badArgs)
        let redeemed = try c.call(.saleRedeemPoints, args: ["points": 200])
        #expect(redeemed["total"]?.intValue == 90)
        #expect(redeemed["redeem"]?["value"]?.intValue == 200)
        let second = try c.call(.saleTender, args: ["kind": "cash", "amount": 90])
        let secondText = (second["completed"]?["text"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(secondText.contains { $0.hasPrefix("Points redeemed 200") })
        #expect(secondText.contains { $0.hasPrefix("Points balance") && $0.hasSuffix("470") })

        // After a crash: the balance and the history, newest first, from the journal.
        try d.restart()
        let again = try d.client()
        _ = try again.call(.login, args: ["pin": "1111"])
        let history = try again.call(.customerGet, args: ["customer": 1])
        #expect(history["customer"]?["points"]?.intValue == 470)
        #expect(history["history"]?.arrayValue?.map { $0["receipt"]?.intValue } == [2, 1])
        #expect(history["history"]?.arrayValue?.map { $0["total"]?.intValue } == [90, 580])
        #expect(history["history"]?.arrayValue?.first?["points_redeemed"]?.intValue == 200)

        // One coffee of the first sale back: the 290 points it earned go with it.
        let refund = try again.call(.refund, args: ["receipt": 1, "lines": [["line": 0, "quantity": 1]], "tender": "cash",
                                                     "override_pin": "2222"])
        let slip = (refund["text"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(slip.contains { $0.hasPrefix("Points taken back") && $0.hasSuffix("-290") })
        let after = try again.call(.customerGet, args: ["customer": 1, "history_limit": 1])
        #expect(after["customer"]?["points"]?.intValue == 180)
        #expect(after["history"]?.arrayValue?.count == 1)
        #expect(after["next"]?.intValue == 1)
        #expect(try again.call(.customerGet, args: ["customer": 1, "history_offset": 1])["history"]?.arrayValue?.first?["refunded"]?.intValue == 290)

        // The CLI shows her.
        let shown = try d.kassa(["customer", "show", "1"])
        #expect(shown.status == 0)
        #expect(shown.out.contains("Liisa Laine") && shown.out.contains("180 p"))
        let ville = try d.kassa(["customer", "add", "Ville", "Virta", "--phone", "050 765 4321", "--marketing", "yes", "--card", "LOY-2002"])
        #expect(ville.status == 0, "\(ville.err)")
        #expect(ville.out.contains("Ville Virta") && ville.out.contains("0507654321") && ville.out.contains("LOY-2002"))
        let found = try d.kassa(["customer", "find", "--phone", "+358 50 765 4321"])
        #expect(found.out.contains("Ville Virta") && !found.out.contains("Liisa"))

        // Forgotten on request: a supervisor's PIN; the receipts stay, naming only her number.
        #expect(again.errorCode(.customerRemove, ["customer": 1]) == .pinRequired)
        _ = try again.call(.customerRemove, args: ["customer": 1, "override_pin": "2222"])
        #expect(again.errorCode(.customerGet, ["customer": 1]) == .notFound)
        #expect(try again.call(.customerFind, args: ["card": "LOY-1001"])["customers"]?.arrayValue?.isEmpty == true)
        let reprint = (try again.call(.receiptReprint, args: ["receipt": 1])["text"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(reprint.contains("Customer: #1"))
        #expect(!reprint.joined().contains("Liisa"))
        #expect(again.errorCode(.saleScan, ["code": "LOY-1001"]) == .badArgs)

        _ = d.stop()
        #expect(!d.log.contains(pan))
        let dump = try d.kassa(["journal", "dump", "--state-dir", d.stateDirectory])
        #expect(dump.status == 0)
        #expect(!dump.out.contains(pan))
        #expect(dump.out.contains("\"customer_removed\""))
    }
}

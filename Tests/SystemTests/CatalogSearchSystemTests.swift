import Foundation
import KassaIPC
import Testing

/// Finding items without their codes over the socket, against the real kassad and its demo
/// catalog (PLU 101 Kahvi 2,90, 102 Kahvi iso 3,50, 103 Tee 2,80).
@Suite struct CatalogSearchSystemTests {
    @Test func aClientListsItemsByNameAndTheQuickKeysASettingNames() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        // A name, not a sweep of every code: beginnings first, any case.
        let found = try c.call(.catalogSearch, args: ["query": "KAHVI", "limit": 50])["items"]?.arrayValue ?? []
        let names = found.compactMap { $0["name"]?.stringValue }
        #expect(Array(names.prefix(2)) == ["Kahvi", "Kahvi iso"], "\(names)")
        #expect(found.first?["plus"]?.arrayValue?.first?.stringValue == "101")
        #expect(try c.call(.catalogSearch, args: ["query": "kahvi", "limit": 1])["items"]?.arrayValue?.count == 1)
        #expect(c.errorCode(.catalogSearch, ["query": "  "]) == .badArgs)
        #expect(c.errorCode(.catalogSearch, ["query": "kahvi", "limit": 51]) == .badArgs)
        #expect(c.errorCode(.catalogSearch, ["query": .string(String(repeating: "k", count: 65))]) == .badArgs)

        // Quick keys: none on a new box; set by a technician, read in the setting's order, a
        // code no item has named apart; a screen subscribed hears of the change.
        #expect(try c.call(.catalogQuickKeys)["items"]?.arrayValue == [])
        let events = try d.client()
        _ = try events.call(.subscribe)
        _ = try c.call(.technician, args: ["pin": "3333"])
        #expect(c.errorCode(.configSet, ["key": "quick_keys", "value": "101 101"]) == .badArgs)
        _ = try c.call(.configSet, args: ["key": "quick_keys", "value": "103 99999 101"])
        let keys = try c.call(.catalogQuickKeys)
        #expect(keys["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Tee", "Kahvi"])
        #expect(keys["missing"]?.arrayValue == ["99999"])
        #expect(try c.call(.status)["screen"]?["quick_keys"]?.stringValue == "103 99999 101")
        var changed: JSONValue?
        let deadline = Date().addingTimeInterval(60)
        while changed == nil, Date() < deadline {
            if case .event(let e) = try events.nextEvent(), e.name == "config.changed" { changed = e.data }
        }
        #expect(changed?["key"]?.stringValue == "quick_keys")
    }

    @Test func aLinesQuantityChangesOverTheSocketWithinItsBounds() throws {
        let d = Daemon()
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        let sale = try c.call(.saleSetQuantity, args: ["line": 0, "quantity": 4])
        #expect(sale["lines"]?.arrayValue?.first?["quantity"]?.intValue == 4)
        #expect(sale["total"]?.intValue == Int64(4 * 290))
        #expect(c.errorCode(.saleSetQuantity, ["line": 0, "quantity": 10_000]) == .badArgs)
        #expect(c.errorCode(.saleSetQuantity, ["line": 0, "quantity": .int(Int64.max)]) == .badArgs)
        #expect(c.errorCode(.saleSetQuantity, ["line": 3, "quantity": 2]) != nil)
        let paid = try c.call(.saleTender, args: ["kind": "cash", "amount": .int(4 * 290)])
        #expect(paid["completed"]?["total"]?.intValue == Int64(4 * 290))
    }
}

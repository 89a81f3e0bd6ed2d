import Testing
@testable import KassaCore

/// What a technician does to operators from the console: disable, enable, reset a PIN, and the
/// physical-access recovery; each a journaled fact that replay folds back.
@Suite struct OperatorAdministrationTests {
    @Test func aDisabledOperatorCannotLogInByPinOrBadgeAndIsNotNamed() {
        var t = Till()
        t.record([.operatorDisabled("anna", true, by: "tero")])
        #expect(t.run(.login(pin: Till.cashierPIN)) == .wrongPIN)
        try! t.env.pins.setBadge("BADGE-1", for: "anna")
        #expect(t.run(.loginWithBadge(card: "BADGE-1")) == .unknownBadge)
        t.record([.operatorDisabled("anna", false, by: "tero")])
        #expect(t.run(.login(pin: Till.cashierPIN)) == nil)
    }

    @Test func disablingTheOperatorAtTheRegisterLogsThemOut() {
        var t = Till()
        t.must(.login(pin: Till.cashierPIN))
        t.record([.operatorDisabled("anna", true, by: "tero")])
        #expect(t.state.currentOperator == nil)
    }

    @Test func theNewEventsRoundTripAndAreDurable() throws {
        let events: [RegisterEvent] = [.operatorDisabled("anna", true, by: "tero"), .pinReset("anna", by: "tero"),
                                       .technicianRecovered("tero", at: Timestamp(milliseconds: 42))]
        for e in events {
            #expect(try EventCodec.decode(EventCodec.encode(e)) == e)
            #expect(e.isDurable)
        }
        #expect(events.map(\.recordType) == [63, 64, 65])
    }

    @Test func disabledOperatorsSurviveASnapshot() throws {
        var t = Till()
        t.record([.operatorDisabled("anna", true, by: "tero")])
        #expect(try EventCodec.decodeState(EventCodec.encode(t.state)).disabledOperators == ["anna"])
    }
}

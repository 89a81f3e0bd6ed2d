import Testing
@testable import KassaCore

/// Who may change the staff, the settings and the catalog, and test the devices: one set of rules
/// in the core, whoever calls (the register's session, a technician's session on the console, a
/// new box being set up, the holder of a printed recovery code).
@Suite struct StaffRulesTests {
    private static let newTill: Till = {
        var t = Till()
        t.state = RegisterState()
        t.journal = []
        return t
    }()

    @Test func theFirstOperatorOfANewRegisterMustBeATechnician() {
        var t = Self.newTill
        #expect(t.run(.addOperator(Operator(id: "anna", name: "Anna", role: .cashier)), by: .firstBoot) == .firstOperatorMustBeTechnician)
        #expect(t.must(.addOperator(Operator(id: "tero", name: "Tero", role: .technician)), by: .firstBoot).count == 1)
        #expect(t.run(.addOperator(Operator(id: "anna", name: "Anna", role: .cashier)), by: .firstBoot)
                == .permissionDenied(.manageOperators), "set-up ends with the first operator")
    }

    @Test func settingUpNeedsANewRegisterAndATechnicianAmongTheOperators() {
        var t = Self.newTill
        let cashier = Operator(id: "anna", name: "Anna", role: .cashier)
        let technician = Operator(id: "tero", name: "Tero", role: .technician)
        #expect(t.run(.setUpOperators([cashier]), by: .firstBoot) == .firstOperatorMustBeTechnician)
        #expect(t.run(.setUpOperators([technician]), by: .register) == .permissionDenied(.manageOperators))
        #expect(t.run(.setUpOperators([technician, technician]), by: .firstBoot) == .operatorExists("tero"))
        #expect(t.must(.setUpOperators([cashier, technician]), by: .firstBoot).count == 2)
        #expect(t.run(.setUpOperators([technician]), by: .firstBoot) == .permissionDenied(.manageOperators))
    }

    @Test func anOperatorsIdIsShortAndPrintable() {
        var t = Till()
        t.must(.login(pin: Till.technicianPIN))
        for bad in ["", "has space", String(repeating: "x", count: 33), "tab\tbed"] {
            #expect(t.run(.addOperator(Operator(id: OperatorID(bad), name: "X", role: .cashier))) == .invalidOperatorID, "\(bad)")
        }
        #expect(t.run(.addOperator(Operator(id: OperatorID(String(repeating: "x", count: 32)), name: "X", role: .cashier))) == nil)
    }

    @Test func onlyATechnicianManagesOperators() {
        var t = Till()
        t.must(.login(pin: Till.supervisorPIN))
        #expect(t.run(.addOperator(Operator(id: "new", name: "New", role: .cashier))) == .permissionDenied(.manageOperators))
        #expect(t.run(.setOperatorDisabled("anna", true)) == .permissionDenied(.manageOperators))
        #expect(t.run(.resetPIN("anna")) == .permissionDenied(.manageOperators))
        #expect(t.run(.removeOperator("anna")) == .permissionDenied(.manageOperators))
        #expect(t.run(.enrolBadge("anna")) == .permissionDenied(.manageOperators))
        #expect(t.run(.changeSetting(key: "store_name", old: nil, new: "X")) == .permissionDenied(.configure))
        #expect(t.run(.importCatalog(items: 1, sha256: "00")) == .permissionDenied(.configure))
        #expect(t.run(.testDrawer) == .permissionDenied(.testDevices))
        #expect(t.run(.printTestPage(lines: [])) == .permissionDenied(.testDevices))
    }

    @Test func aTechniciansSessionActsAsThatTechnicianWhoeverIsLoggedIn() {
        var t = Till()
        t.must(.login(pin: Till.cashierPIN))
        #expect(t.must(.setOperatorDisabled("anna", true), by: .technician("tero")) == [.operatorDisabled("anna", true, by: "tero")])
        #expect(t.must(.testDrawer, by: .technician("tero")) == [.noSale(by: "tero", authorisedBy: "tero")])
        #expect(t.must(.changeSetting(key: "store_name", old: "A", new: "B"), by: .technician("tero"))
                == [.settingChanged(key: "store_name", old: "A", new: "B", by: "tero")])
    }

    @Test func aSessionOfSomeoneNoLongerATechnicianActsAsNobody() {
        var t = Till()
        #expect(t.run(.resetPIN("anna"), by: .technician("sami")) == .notATechnician("sami", .supervisor))
        #expect(t.run(.resetPIN("anna"), by: .technician("gone")) == .unknownOperator("gone"))
        t.record([.operatorDisabled("tero", true, by: "tero")])
        #expect(t.run(.resetPIN("anna"), by: .technician("tero")) == .operatorDisabled("tero"))
    }

    @Test func nobodyDisablesOrRemovesThemselves() {
        var t = Till()
        #expect(t.run(.setOperatorDisabled("tero", true), by: .technician("tero")) == .cannotDisableSelf)
        #expect(t.run(.removeOperator("tero"), by: .technician("tero")) == .cannotRemoveSelf)
        #expect(t.run(.setOperatorDisabled("tero", false), by: .technician("tero")) == nil, "enabling oneself changes nothing harmful")
    }

    @Test func aTechnicianSessionNeedsATechniciansPinAndAnyOtherCountsWithoutSayingWhose() {
        var t = Till()
        #expect(t.run(.openTechnicianSession(pin: Till.technicianPIN)) == nil)
        #expect(t.run(.openTechnicianSession(pin: Till.cashierPIN)) == .wrongPIN)
        #expect(t.run(.openTechnicianSession(pin: "9999")) == .wrongPIN)
        #expect(t.state.pinAttempts.failures(from: t.ctx.source, at: t.ctx.now, t.env.config.pinDelays) == 2)
        t.record([.operatorDisabled("tero", true, by: "tero")])
        #expect(t.run(.openTechnicianSession(pin: Till.technicianPIN)) == .wrongPIN)
    }

    @Test func aRecoveryCodeIsOnlyForWhenNoTechnicianCanLogIn() {
        var t = Till()
        #expect(t.run(.printRecoveryCode) == .recoveryNotNeeded)
        #expect(t.run(.recoverTechnician("new", name: nil), by: .recoveryCode) == .recoveryNotNeeded)
        // The only technician's PIN is gone (a box restored without its PIN store): allowed, and why.
        t.env.pins.remove("tero")
        let now = t.ctx.now
        #expect(t.must(.printRecoveryCode) == [.recoveryCodePrinted(.noTechnicianPIN, at: now)])
        try! t.env.pins.setPIN("314159", for: "tero")
        #expect(t.run(.printRecoveryCode) == .recoveryNotNeeded)
        t.record([.operatorDisabled("tero", true, by: "sami")])
        #expect(t.must(.printRecoveryCode).map(\.tag) == [.recoveryCodePrinted])
        #expect(t.journal.last == .recoveryCodePrinted(.noEnabledTechnician, at: Timestamp(milliseconds: t.ctx.now.milliseconds - 1000)))
    }

    @Test func recoveryTakesThePrintedCodeAndMakesOnlyTechnicians() {
        var t = Till()
        t.record([.operatorDisabled("tero", true, by: "tero")])
        #expect(t.run(.recoverTechnician("tero", name: nil)) == .permissionDenied(.manageOperators))
        #expect(t.run(.recoverTechnician("anna", name: nil), by: .recoveryCode) == .notATechnician("anna", .cashier))
        let events = t.must(.recoverTechnician("tero", name: nil), by: .recoveryCode)
        #expect(events == [.operatorDisabled("tero", false, by: "tero"), .pinReset("tero", by: "tero"),
                           .technicianRecovered("tero", at: events.last.flatMap { if case .technicianRecovered(_, let at) = $0 { at } else { nil } }!)])
        // Tero can log in again: the code makes nobody else.
        #expect(t.run(.recoverTechnician("new", name: "New One"), by: .recoveryCode) == .recoveryNotNeeded)
        t.env.pins.remove("tero")
        let added = t.must(.recoverTechnician("new", name: "New One"), by: .recoveryCode)
        #expect(added.first == .operatorAdded(Operator(id: "new", name: "New One", role: .technician)))
        #expect(t.state.operators["new"]?.role == .technician)
    }

    @Test func aNewBoxIsConfiguredBeforeItHasOperators() {
        var t = Self.newTill
        #expect(t.must(.changeSetting(key: "store_name", old: nil, new: "Kahvila"), by: .firstBoot)
                == [.settingChanged(key: "store_name", old: nil, new: "Kahvila", by: "first-boot")])
        #expect(t.must(.importCatalog(items: 3, sha256: "ab"), by: .firstBoot) == [.catalogImported(items: 3, sha256: "ab", by: "first-boot")])
        t.must(.addOperator(Operator(id: "tero", name: "Tero", role: .technician)), by: .firstBoot)
        #expect(t.run(.changeSetting(key: "store_name", old: "Kahvila", new: "X"), by: .firstBoot) == .permissionDenied(.configure))
    }

    @Test func aReprintAndATestPageAreOwedLikeAnyPrintout() {
        var t = Till()
        #expect(t.must(.reprint(.receipt(number: 1, training: false))) == [.outputQueued(id: 1, .receipt(number: 1, training: false))])
        #expect(t.must(.printTestPage(lines: []), by: .technician("tero")) == [.outputQueued(id: 2, .document(kind: "test_page", lines: []))])
    }
}

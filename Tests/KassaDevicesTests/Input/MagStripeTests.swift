import KassaCore
import Testing
@testable import KassaDevices

private let visa = "4111111111111111"
private let track1 = "%B4111111111111111^DOE/JOHN^2512101000000000000?"
private let track2 = ";4111111111111111=25121010000000000000?"

/// The digits of `text`, in order, so a test can count how many of a number's digits show.
private func visibleDigits(_ text: String) -> String { String(text.filter { $0.isNumber }) }

@Suite struct MagStripeParseTests {
    @Test func track1SplitsIntoItsFields() throws {
        let swipe = try MagStripe.parse(track1)
        let track = try #require(swipe.track1)
        #expect(track.formatCode == "B")
        #expect(track.pan == visa)
        #expect(track.name == "DOE/JOHN")
        #expect(track.expiry == "2512")
        #expect(track.serviceCode == "101")
        #expect(track.discretionary == "000000000000")
        #expect(swipe.track2 == nil)
    }

    @Test func track2SplitsIntoItsFields() throws {
        let track = try #require(try MagStripe.parse(track2).track2)
        #expect(track.pan == visa)
        #expect(track.expiry == "2512")
        #expect(track.serviceCode == "101")
        #expect(track.discretionary == "0000000000000")
    }

    @Test func bothTracksOnOneLineAreBothRead() throws {
        let swipe = try MagStripe.parse(track1 + track2 + ";999?")
        #expect(swipe.track1?.pan == visa && swipe.track2?.pan == visa)
        #expect(swipe.number == visa)
    }

    @Test func aShopCardMayCarryOnlyANumberOnTrack2() throws {
        let track = try #require(try MagStripe.parse(";9901234567?").track2)
        #expect(track.pan == "9901234567" && track.expiry == nil && track.serviceCode == nil)
    }

    @Test func malformedTracksAreRejectedWithoutQuotingThem() {
        #expect(throws: MagStripeError.malformedTrack1) { try MagStripe.parse("%B4111111111111111^DOE^25?") }
        #expect(throws: MagStripeError.malformedTrack1) { try MagStripe.parse("%B4111111111111111^D^2512101?") }
        #expect(throws: MagStripeError.malformedTrack1) { try MagStripe.parse("%B41111111111111112222^DOE/J^2512101?") }
        #expect(throws: MagStripeError.malformedTrack1) { try MagStripe.parse("%B4111111111111111^DOE/JOHN^2512101") }
        #expect(throws: MagStripeError.malformedTrack2) { try MagStripe.parse(";4111111111111111=25?") }
        #expect(throws: MagStripeError.malformedTrack2) { try MagStripe.parse(";41111A1111111111?") }
        #expect(throws: MagStripeError.noTrack) { try MagStripe.parse("4111111111111111") }
        #expect(throws: MagStripeError.readFailed) { try MagStripe.parse("%E?;E?") }
        for error in [MagStripeError.noTrack, .readFailed, .malformedTrack1, .malformedTrack2] {
            #expect(!visibleDigits(error.description).contains("4111"))
        }
    }
}

@Suite struct LuhnAndMaskTests {
    @Test func luhnAcceptsValidNumbersAndRejectsOthers() {
        #expect(MagStripe.luhnValid(visa))
        #expect(MagStripe.luhnValid("378282246310005"))
        #expect(MagStripe.luhnValid("5555555555554444"))
        #expect(!MagStripe.luhnValid("4111111111111112"))
        #expect(!MagStripe.luhnValid("4111 1111 1111 1111"))
        #expect(!MagStripe.luhnValid(""))
    }

    @Test func maskKeepsOnlyTheLastFourDigits() {
        #expect(MagStripe.mask(visa) == "************1111")
        #expect(MagStripe.mask("378282246310005") == "***********0005")
        #expect(MagStripe.mask("12345") == "*2345")
    }

    @Test func aNumberOfFourDigitsOrFewerIsHiddenWhole() {
        #expect(MagStripe.mask("1234") == "****")
        #expect(MagStripe.mask("") == "")
    }

    @Test func tracksAndSwipesPrintTheirNumberMasked() throws {
        let swipe = try MagStripe.parse(track1 + track2)
        var dumped = ""
        dump(swipe, to: &dumped)
        for text in ["\(swipe)", String(reflecting: swipe), "\(swipe.track1!)", "\(swipe.track2!)",
                     String(reflecting: swipe.track1!), dumped] {
            #expect(!text.contains("411111"), "\(text)")
            #expect(text.contains("1111"))
        }
    }
}

@Suite struct CardNumberMaskerTests {
    @Test func aCardNumberInTextIsMaskedToItsLastFour() {
        #expect(CardNumberMasker.maskAll(in: "card 4111111111111111 declined") == "card ************1111 declined")
    }

    @Test func groupedCardNumbersAreMaskedWithTheirSeparatorsKept() {
        #expect(CardNumberMasker.maskAll(in: "4111 1111 1111 1111") == "**** **** **** 1111")
        #expect(CardNumberMasker.maskAll(in: "5555-5555-5555-4444") == "****-****-****-4444")
        #expect(CardNumberMasker.maskAll(in: "amex 3782 822463 10005.") == "amex **** ****** *0005.")
    }

    @Test func aNumberFollowedByAnotherGroupIsStillFound() {
        // Stretches of the longer run that pass Luhn by chance may hide more: never less.
        let masked = CardNumberMasker.maskAll(in: "4111 1111 1111 1111 2512")
        #expect(masked.hasPrefix("**** **** **** "))
        #expect(masked.hasSuffix(" 2512"))
    }

    @Test func rawTrackDataIsMasked() {
        let masked = CardNumberMasker.maskAll(in: "swipe " + track1 + track2)
        #expect(!masked.contains("411111"))
        #expect(masked.contains("************1111^DOE/JOHN"))
        #expect(masked.contains(";************1111="))
    }

    @Test func neverMoreThanTheLastFourDigitsOfACardShow() {
        for text in ["x\(visa)y", "\(visa)\(visa)", "a \(visa) b \(visa) c", "4111-1111 1111-1111", "12\(visa)9876543"] {
            let masked = CardNumberMasker.maskAll(in: text)
            #expect(!masked.contains("11111"), "\(masked)")
        }
    }

    @Test func aBarcodeThatHappensToPassLuhnIsMaskedToo() {
        #expect(CardNumberMasker.maskAll(in: "scan 5901234123457") == "scan *********3457")
    }

    @Test func numbersThatFailLuhnOrAreTooShortStayReadable() {
        let text = "order 4111111111111112, till 12, phone 040 123 4567, EAN 4006381333931 total 12,40"
        #expect(CardNumberMasker.maskAll(in: text) == text)
    }
}

@Suite struct CardClassifierTests {
    private let classifier = CardClassifier(loyaltyPrefixes: ["990"], staffPrefixes: ["9977"])

    @Test func aPaymentCardKeepsOnlyItsMaskedNumber() throws {
        #expect(classifier.classify(try MagStripe.parse(track2)) == .payment(maskedNumber: "************1111"))
        #expect(!"\(classifier.classify(try MagStripe.parse(track1)))".contains("411111"))
    }

    @Test func configuredPrefixesMakeLoyaltyAndStaffCards() throws {
        #expect(classifier.classify(try MagStripe.parse(";9901234567?")) == .loyalty(number: "9901234567"))
        #expect(classifier.classify(try MagStripe.parse(";99770042?")) == .staff(number: "99770042"))
    }

    @Test func aConfiguredPrefixWinsOverTheLuhnCheck() throws {
        let shop = CardClassifier(loyaltyPrefixes: ["4111"])
        #expect(shop.classify(try MagStripe.parse(track2)) == .loyalty(number: visa))
    }

    @Test func anUnconfiguredCardThatIsNotPaymentLikeIsUnknownAndMasked() throws {
        #expect(CardClassifier().classify(try MagStripe.parse(";12345678?")) == .unknown(maskedNumber: "****5678"))
    }
}

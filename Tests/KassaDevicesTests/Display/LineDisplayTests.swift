import KassaCore
import DeviceTestSupport
import Testing
@testable import KassaDevices

@Suite struct LineDisplayTests {
    @Test func attachingInitialisesAndShowsTheIdleText() {
        let d = LineDisplay(id: "display", profile: DisplayProfile(commandSet: .cd5220, table: .ascii), idleText: ("Kassa", "Welcome"))
        let link = FakeLink()
        d.attach(link)
        #expect(link.sent == [[0x1B, 0x40] + CustomerDisplayProtocol.show("Kassa", "Welcome", profile: d.profile)])
        #expect(d.state == .idle)
    }

    @Test func charactersTheDisplayLacksAreTransliterated() {
        let d = LineDisplay(id: "display", profile: DisplayProfile(commandSet: .cd5220, table: .ascii))
        let link = FakeLink()
        d.attach(link)
        d.show("Päivän keitto", "Yht. 3,50 €")
        let frame = link.sent.last!
        #expect(Array(frame[3..<23]) == Array("Paivan keitto       ".utf8))
        #expect(Array(frame[27..<47]) == Array("Yht. 3,50 EUR       ".utf8))
    }

    @Test func aDisplayWithTheLettersKeepsThem() {
        let table = CharacterTable.pc858
        #expect(table.transliterated("Päivä 3,50 €") == "Päivä 3,50 €")
        #expect(CharacterTable.ascii.transliterated("Ωmega “x”") == "?mega \"x\"")
    }

    @Test func whileAFrameIsOnItsWayOnlyTheNewestWaits() {
        let d = LineDisplay(id: "display", profile: DisplayProfile(commandSet: .epson, table: .pc858))
        let link = FakeLink()
        link.autoComplete = false
        d.attach(link)
        d.show("one", "")
        d.show("two", "")
        d.show("three", "")
        #expect(link.sent.count == 1)
        link.completeNext()
        #expect(link.sent.count == 2)
        #expect(link.sent[1] == CustomerDisplayProtocol.show("three", "", profile: d.profile))
        link.completeNext()
        #expect(link.sent.count == 2)
    }

    @Test func anUnpluggedDisplayIsOfflineAndShowsItsCurrentTextWhenBack() {
        let d = LineDisplay(id: "display", profile: DisplayProfile(commandSet: .epson, table: .pc858))
        let link = FakeLink()
        d.attach(link)
        link.unplug()
        #expect(d.state == .offline)
        d.show("Kahvi", "3,50")
        let back = FakeLink()
        d.attach(back)
        #expect(back.sent == [[0x1B, 0x40] + CustomerDisplayProtocol.show("Kahvi", "3,50", profile: d.profile)])
    }
}

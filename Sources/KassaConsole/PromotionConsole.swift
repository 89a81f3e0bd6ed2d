import KassaCore
import KassaIPC

/// The console's `promotion`: what is set up and in force, and ending one. Setting one up takes
/// many words; `kassa promotion set` does that on the box's shell or over SSH.
enum PromotionConsole {
    static let command = ConsoleCommand(
        usage: "promotion | promotion remove ID",
        help: """
            Without a word: every promotion, its rule and window, and whether it is in
            force now (the register's time zone). remove ID: ends one (journaled;
            lines already rung up keep it). Set one up with kassa promotion set.
            """,
        run: promotion)

    static func promotion(_ c: Console, _ args: [String]) throws(ConsoleError) {
        switch args.first {
        case nil:
            let all = try c.call(.promotionList).arrayValue ?? []
            if all.isEmpty { c.say("No promotions.") }
            for p in all {
                let now = p["in_force_now"]?.boolValue == true ? "  IN FORCE" : ""
                c.say(Wrap.clip((p["id"]?.stringValue ?? "?") + ": " + (p["summary"]?.stringValue ?? "") + now, width: c.options.width))
            }
        case "remove":
            try ConsoleCommands.expect(args, 2...2, "promotion remove ID")
            _ = try c.call(.promotionRemove, ["id": .string(args[1])])
            c.say("Removed and journaled.")
        default:
            throw .usage("promotion, or promotion remove ID")
        }
    }
}

/// The `config.get` / `config.set` keys that clients act on by name: the register screen's
/// language, money style and lock, the currency amounts are typed in, and what the console's first-boot set-up asks for. kassad's
/// settings table declares these settings with these names; every other key reaches clients only
/// as `config.get` and `config.keys` list it.
public enum SettingKey {
    public static let currency = "currency"
    public static let storeName = "store_name"
    public static let registerID = "register_id"
    public static let timeZone = "time_zone"
    public static let language = "language"
    public static let moneyFormat = "money_format"
    public static let idleLock = "idle_lock"
    public static let confirmTenderOver = "confirm_tender_over"
    public static let quickKeys = "quick_keys"

    /// What `status` shows anyone, because a screen needs it before anyone logs in.
    public static let screen = [language, moneyFormat, idleLock, confirmTenderOver, quickKeys]
}

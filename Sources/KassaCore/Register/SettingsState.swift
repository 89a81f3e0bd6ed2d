/// Settings changed on the box, and the results of keyed requests. A snapshot keeps them in its
/// `settings` and `requests` sections.
public struct SettingsState: Hashable, Sendable {
    /// Settings changed on the box, by key: they override the configuration file.
    public var settings: [String: String] = [:]
    /// Results of the newest keyed requests, oldest first in `requestOrder`.
    public var requestResults: [String: String] = [:]
    public var requestOrder: [String] = []
    /// What each remembered key was used for (a digest of the operation and its arguments), so
    /// that the key cannot answer a different request. Keys journaled before digests have none.
    public var requestDigests: [String: String] = [:]
    /// How many request results are remembered; older keys are forgotten in order.
    public static let rememberedRequests = 4096

    public init() {}

    /// Applies changed settings and completed requests; the other events change nothing here.
    mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .settingChanged(let key, _, let new, _):
            settings[key] = new
        case .requestCompleted(let key, let digest, let result):
            if requestResults.updateValue(result, forKey: key) == nil { requestOrder.append(key) }
            requestDigests[key] = digest
            if requestOrder.count > Self.rememberedRequests {
                let forgotten = requestOrder.removeFirst()
                requestResults[forgotten] = nil
                requestDigests[forgotten] = nil
            }
        default:
            break
        }
    }
}

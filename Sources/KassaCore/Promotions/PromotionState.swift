/// The promotions set up. A snapshot keeps them in its `promotions` section.
public struct PromotionState: Hashable, Sendable {
    /// Promotions set up, by id; each is in force only within its window.
    public var promotions: [String: Promotion] = [:]

    public init() {}

    /// Applies the promotions' events; the others change nothing here.
    mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .promotionSet(let p, _):
            promotions[p.id] = p
        case .promotionRemoved(let id, _):
            promotions[id] = nil
        default:
            break
        }
    }

    /// The promotions in force for a line's item at a local date and minute, in the order of their ids.
    func inForce(for line: SaleLine, on date: CivilDate, minute: Int) -> [Promotion] {
        promotions.values.filter { $0.applies(to: line) && $0.window.contains(date: date, minute: minute) }
            .sorted { $0.id < $1.id }
    }
}

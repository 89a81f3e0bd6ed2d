/// Each employee's time card. A snapshot keeps it in its `timeClock` section.
public struct TimeClockState: Hashable, Sendable {
    /// Each employee's time card, oldest punch first. Kept whole (about four punches a day each):
    /// hours of any past week can be asked for, at the price of a snapshot that grows with them.
    public var timeCards: [OperatorID: [TimePunch]] = [:]

    public init() {}

    /// Applies the time clock's events; the others change nothing here.
    mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .timePunched(let id, let punch):
            timeCards[id, default: []].insertInOrder(punch)
        case .timeCorrected(let c):
            var card = timeCards[c.operatorID] ?? []
            if let removed = c.removed, let i = card.firstIndex(of: removed) { card.remove(at: i) }
            if let added = c.added { card.insertInOrder(added) }
            timeCards[c.operatorID] = card.isEmpty ? nil : card
        default:
            break
        }
    }
}

extension Array where Element == TimePunch {
    /// Keeps a time card in time order, whatever order its punches arrive in.
    mutating func insertInOrder(_ punch: TimePunch) {
        let i = lastIndex(where: { $0.at <= punch.at }).map { $0 + 1 } ?? 0
        insert(punch, at: i)
    }
}

/// Printouts owed to the printer. A snapshot keeps them in its `outputs` section.
public struct OutputState: Hashable, Sendable {
    /// Printouts owed, by output id: queued and not yet done.
    public var pendingOutputs: [UInt64: PendingOutput] = [:]
    public var lastOutputID: UInt64 = 0

    public init() {}

    /// Applies the outputs' events; the others change nothing here.
    mutating func apply(_ event: RegisterEvent) {
        switch event {
        case .outputQueued(let id, let output):
            pendingOutputs[id] = PendingOutput(output: output)
            lastOutputID = max(lastOutputID, id)
        case .outputSent(let id, _, _):
            pendingOutputs[id]?.sent = true
        case .outputDone(let id, _):
            pendingOutputs[id] = nil
        default:
            break
        }
    }
}

/// Printouts owed to the printer.
extension RegisterState {
    /// A copy of a receipt or document, owed to the printer like any printout.
    func reprint(_ output: Output) throws(Refusal) -> [RegisterEvent] {
        if case .receipt(_, let training) = output { _ = try receiptsReachable(asked: training) }
        return [.outputQueued(id: outputState.lastOutputID + 1, output)]
    }
}

extension RegisterState {
    /// Which receipts a request may read, reprint or refund: in training mode only training
    /// receipts, outside it only real ones; they are numbered apart and never reach each other.
    /// `asked` is the kind a client named, if it named one.
    public func receiptsReachable(asked: Bool?) throws(Refusal) -> Bool {
        let training = staffState.training
        if let asked, asked != training { throw .trainingModeMismatch }
        return training
    }
}

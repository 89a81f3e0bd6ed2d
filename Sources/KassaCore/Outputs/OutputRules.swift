/// Printouts owed to the printer.
extension RegisterState {
    /// A copy of a receipt or document, owed to the printer like any printout.
    func reprint(_ output: Output) -> [RegisterEvent] {
        [.outputQueued(id: outputState.lastOutputID + 1, output)]
    }
}

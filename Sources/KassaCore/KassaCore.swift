/// KassaCore: the register's pure domain.
///
/// It owns money, tax, cash rounding, the catalog, the sale state machine, refunds, operators,
/// shifts, reports, receipts and the register events whose fold is the register's whole state.
///
/// KassaCore never does I/O, never reads the wall clock and never draws random numbers: time, ids
/// and secrets arrive as values, so every decision can be replayed from the journal bit for bit.
public enum KassaCore {
    public static let version = "0.1.0"
}

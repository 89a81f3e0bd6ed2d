/// KassaIPC: the local wire protocol between kassad and its clients (see PROTOCOL.md).
///
/// It owns strict JSON, line framing, the message envelope and stable error codes, a non-blocking
/// server half driven by the runtime's reactor, and a small blocking client for the CLI and tests.
///
/// KassaIPC never owns a thread, never blocks inside the server, never lets a buffer grow without
/// bound, and never decides what a request means: answering is the register's job.
public enum KassaIPC {
    /// The protocol version the greeting announces.
    public static let protocolVersion: Int64 = 1
}

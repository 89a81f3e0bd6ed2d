import KassaIPC

/// A mutating request's idempotency key with the digest of the request it came with (the
/// operation and its non-secret arguments): the key answers a retry of that request only.
struct RequestKey: Sendable, Hashable {
    var key: String
    /// nil only for a card payment journaled before a restart, whose digest was not kept.
    var digest: String?

    /// The refusal of a key already used for something else.
    func reused(for op: Op) -> IPCError {
        IPCError(.conflict, "idempotency key '\(key)' was already used for a different request; \(op.name) was not performed (use a new key)")
    }
}

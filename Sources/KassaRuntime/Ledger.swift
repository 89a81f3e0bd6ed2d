import KassaCore
import KassaJournal

/// The register's memory: its journal, the state folded from it, and an index from receipt
/// numbers to journal records (so a refund or reprint of any past receipt reads one record).
///
/// Opening reads the newest snapshot and replays only the records after it, so start-up does not
/// grow with years of history. Every event is journaled before anything acts on it; events that
/// others rely on (a completed sale, a refund, a Z closing) are fdatasync'd before `record` returns.
public final class Ledger {
    public let journal: Journal
    public private(set) var state: RegisterState
    private var index: ReceiptIndex
    /// Records since the last snapshot; a new one is written every `snapshotInterval` records.
    private var sinceSnapshot: UInt64 = 0
    public var snapshotInterval: UInt64

    public enum OpenError: Error, CustomStringConvertible {
        case journal(JournalError)
        /// A record that passed its checksum and chain but is not a register event this build knows.
        case undecodable(seq: UInt64, CodecError)

        public var description: String {
            switch self {
            case .journal(let e): return e.description
            case .undecodable(let seq, let e): return "record \(seq) is not a register event: \(e)"
            }
        }
    }

    public static func journalKey(_ registerID: String) -> UInt64 {
        let h = SHA256.hash(Array(registerID.utf8))
        return h.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public init(stateDirectory: String, registerID: String, snapshotInterval: UInt64 = 10_000,
                fileSystem: any JournalFileSystem = PosixFileSystem(), warning: @escaping (String) -> Void) throws(OpenError) {
        do {
            journal = try Journal.open(stateDirectory: stateDirectory, options: JournalOptions(registerID: Self.journalKey(registerID)),
                                       fileSystem: fileSystem, warning: warning)
        } catch {
            throw .journal(error)
        }
        self.snapshotInterval = snapshotInterval
        state = RegisterState()
        index = ReceiptIndex()
        var from: UInt64 = 1
        if let snap = journal.snapshot {
            do {
                (state, index) = try LedgerSnapshot.decode(snap.state)
                from = snap.throughSeq + 1
            } catch {
                warning("snapshot through record \(snap.throughSeq) cannot be read (\(error)); replaying the whole journal")
                state = RegisterState()
                index = ReceiptIndex()
            }
        }
        var failure: OpenError?
        do {
            // Open has just walked these records checking CRC, sequence and chain; replay rechecks the
            // CRC (cheap) but not the SHA-256 chain.
            try journal.forEachRecord(fromSeq: from, verifyingChain: false) { view in
                do throws(CodecError) {
                    let event = try EventCodec.decode(view.payload)
                    self.state.apply(event)
                    self.index.note(event, seq: view.seq)
                } catch {
                    failure = .undecodable(seq: view.seq, error)
                    throw error
                }
            }
        } catch {
            if let failure { throw failure }
            throw .journal(error as? JournalError ?? .invalidArgument("replay failed: \(error)"))
        }
        sinceSnapshot = journal.lastSeq - (from - 1)
    }

    /// Journals decided events; durable ones are on disk when this returns. `deferSync` is for
    /// bulk loads (benchmarks, migrations) that call `journal.sync()` themselves at the end.
    @discardableResult
    public func record(_ events: [RegisterEvent], at time: Timestamp, deferSync: Bool = false) throws(JournalError) -> [UInt64] {
        guard !events.isEmpty else { return [] }
        let durable = !deferSync && events.contains { $0.isDurable }
        let entries = events.map { JournalEntry(type: $0.recordType, time: time.milliseconds, payload: EventCodec.encode($0)) }
        let seqs = try journal.append(entries, durable: durable)
        for (e, seq) in zip(events, seqs) {
            state.apply(e)
            index.note(e, seq: seq)
            if case .dayClosed = e { try journal.rotate() }
        }
        sinceSnapshot += UInt64(events.count)
        return seqs
    }

    /// Writes a snapshot when enough records have passed since the last one. Call it when idle.
    public func snapshotIfDue() throws(JournalError) {
        guard sinceSnapshot >= snapshotInterval else { return }
        try snapshot()
    }

    public func snapshot() throws(JournalError) {
        try journal.sync()
        try journal.writeSnapshot(throughSeq: journal.lastSeq, chainHash: journal.lastHash,
                                  state: LedgerSnapshot.encode(state, index))
        sinceSnapshot = 0
    }

    public enum LookupError: Error, CustomStringConvertible {
        case noSuchReceipt(UInt64)
        case journal(JournalError)
        case notASale(seq: UInt64)

        public var description: String {
            switch self {
            case .noSuchReceipt(let n): return "no receipt \(n)"
            case .journal(let e): return e.description
            case .notASale(let seq): return "record \(seq) is not the sale the index points to"
            }
        }
    }

    /// A completed sale by receipt number, as it was recorded: for refunds and reprints.
    public func sale(receipt: UInt64, training: Bool = false) throws(LookupError) -> (CompletedSale, chainHash: [UInt8]) {
        guard let seq = index.seq(receipt: receipt, training: training) else { throw .noSuchReceipt(receipt) }
        let record: JournalRecord
        do { record = try journal.read(seq: seq) } catch { throw .journal(error) }
        guard case .saleCompleted(let sale)? = try? EventCodec.decode(record.payload) else { throw .notASale(seq: seq) }
        return (sale, record.chainHash)
    }
}

/// Receipt number → journal sequence number, for real and training receipts. Sequence numbers
/// only grow, so the snapshot stores them as varint deltas: about 2 bytes a receipt.
struct ReceiptIndex: Equatable {
    var receipts: [UInt64] = []
    var training: [UInt64] = []

    mutating func note(_ event: RegisterEvent, seq: UInt64) {
        guard case .saleCompleted(let s) = event else { return }
        if s.training {
            if s.receiptNumber == UInt64(training.count) + 1 { training.append(seq) }
        } else if s.receiptNumber == UInt64(receipts.count) + 1 {
            receipts.append(seq)
        }
    }

    func seq(receipt: UInt64, training isTraining: Bool) -> UInt64? {
        let list = isTraining ? training : receipts
        guard receipt >= 1, receipt <= UInt64(list.count) else { return nil }
        return list[Int(receipt - 1)]
    }
}

/// The snapshot payload: register state and receipt index.
enum LedgerSnapshot {
    static let version: UInt8 = 1

    static func encode(_ state: RegisterState, _ index: ReceiptIndex) -> [UInt8] {
        var w = ByteWriter(capacity: 4096 + index.receipts.count * 2)
        w.u8(version)
        w.raw(EventCodec.encode(state))
        for list in [index.receipts, index.training] {
            w.varint(UInt64(list.count))
            var previous: UInt64 = 0
            for seq in list {
                w.varint(seq - previous)
                previous = seq
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(CodecError) -> (RegisterState, ReceiptIndex) {
        try EventCodec.withBytes(bytes) { raw throws(CodecError) in
            var r = ByteReader(raw)
            let v = try r.u8()
            guard v == version else { throw .badValue("ledger snapshot version \(v)", at: 0) }
            let state = try EventCodec.decodeState(try r.raw())
            var index = ReceiptIndex()
            for k in 0..<2 {
                let n = try r.count()
                var list: [UInt64] = []
                list.reserveCapacity(n)
                var previous: UInt64 = 0
                for _ in 0..<n {
                    previous += try r.varint()
                    list.append(previous)
                }
                if k == 0 { index.receipts = list } else { index.training = list }
            }
            try r.finish()
            return (state, index)
        }
    }
}

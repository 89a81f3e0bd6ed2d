#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaJournal

/// The register's memory: its journal, the state folded from it, and an index from receipt
/// numbers to journal records (so a refund or reprint of any past receipt reads one record).
///
/// Opening reads the newest snapshot and replays only the records after it, so start-up does not
/// grow with years of history. Every event is journaled before anything acts on it; events that
/// others rely on (a completed sale, a refund, a Z closing) are fdatasync'd before `record` returns.
public final class Ledger {
    public private(set) var journal: Journal
    private let stateDirectory: String
    private let registerID: String
    private let fileSystem: any JournalFileSystem
    private let warning: (String) -> Void
    public private(set) var state: RegisterState
    private var index: ReceiptIndex
    /// Records since the last snapshot; a new one is written every `snapshotInterval` records.
    private var sinceSnapshot: UInt64 = 0
    public var snapshotInterval: UInt64

    public enum OpenError: Error, CustomStringConvertible {
        case journal(JournalError)

        public var description: String {
            switch self {
            case .journal(let e): return e.description
            }
        }
    }

    public static func journalKey(_ registerID: String) -> UInt64 {
        let h = SHA256.hash(Array(registerID.utf8))
        return h.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `readOnly` opens without writing anything, for that reason; `journalKey` overrides the
    /// key made from `registerID` (a read-only start whose configuration could not be read).
    public init(stateDirectory: String, registerID: String, snapshotInterval: UInt64 = 10_000,
                fileSystem: any JournalFileSystem = PosixFileSystem(), readOnly: String? = nil, journalKey: UInt64? = nil,
                warning: @escaping (String) -> Void) throws(OpenError) {
        var options = JournalOptions(registerID: journalKey ?? Self.journalKey(registerID))
        options.readOnlyReason = readOnly
        // While the journal's open checks the chain on this thread, another decodes and folds the
        // same records (two cores, one pass each); its state is taken only if it ends where the
        // checked chain ends (see `ConcurrentReplay`).
        var alongside: ConcurrentReplay?
        do {
            journal = try Journal.open(stateDirectory: stateDirectory, options: options, fileSystem: fileSystem, warning: warning,
                                       beforeWalk: { snapshot in
                guard fileSystem.readsConcurrently else { return }
                alongside = ConcurrentReplay.start(stateDirectory: stateDirectory, registerID: options.registerID,
                                                   fileSystem: fileSystem, snapshot: snapshot)
            })
        } catch {
            _ = alongside?.finish()
            throw .journal(error)
        }
        self.snapshotInterval = snapshotInterval
        self.stateDirectory = stateDirectory
        self.registerID = registerID
        self.fileSystem = fileSystem
        self.warning = warning
        state = RegisterState()
        index = ReceiptIndex()
        if let replayed = alongside?.finish(), replayed.through == journal.lastSeq, replayed.hash == journal.lastHash {
            (state, index) = (replayed.state, replayed.index)
            sinceSnapshot = journal.lastSeq - (journal.snapshot?.throughSeq ?? 0)
            return
        }
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
        // A record this version cannot use stops the replay there: the state is the fold of the
        // records before it, and the journal records nothing more (read-only, the alarm names the
        // record) until a recovery seals it; never a crash at every start.
        var unusable: (seq: UInt64, why: String)?
        do {
            // Open has just walked these records checking CRC, sequence and chain; replay rechecks the
            // CRC (cheap) but not the SHA-256 chain.
            try journal.forEachRecord(fromSeq: from, verifyingChain: false) { view in
                do throws(LedgerReplayStop) {
                    try Self.fold(view, into: &self.state, &self.index)
                } catch {
                    unusable = (view.seq, error.why)
                    throw error
                }
            }
        } catch {
            guard let unusable else { throw .journal(error as? JournalError ?? .invalidArgument("replay failed: \(error)")) }
            journal.stopWriting(unusable: unusable.seq, unusable.why)
        }
        sinceSnapshot = journal.lastSeq - (from - 1)
    }

    /// Applies one journaled record to the state and the receipt index.
    fileprivate static func fold(_ view: JournalRecordView, into state: inout RegisterState,
                                 _ index: inout ReceiptIndex) throws(LedgerReplayStop) {
        let event: RegisterEvent
        do { event = try EventCodec.decode(view.payload) } catch {
            throw LedgerReplayStop(why: "it is no register event this version knows (type \(view.type): \(error))")
        }
        do { try state.apply(event) } catch {
            throw LedgerReplayStop(why: "the register cannot apply its \(event.name): \(error)")
        }
        index.note(event, seq: view.seq)
    }

    /// Journals decided events; durable ones are on disk when this returns. `deferSync` is for
    /// bulk loads (benchmarks, migrations) that call `journal.sync()` themselves at the end.
    @discardableResult
    ///
    /// A record's time is never before the newest one's: with the clock set back, a record at the
    /// clock's time would make the journal look as if the clock were right again, and the guard
    /// that keeps receipts from going back in time (`journal.lastTime`) would let them.
    public func record(_ events: [RegisterEvent], at time: Timestamp, deferSync: Bool = false) throws(JournalError) -> [UInt64] {
        guard !events.isEmpty else { return [] }
        let durable = !deferSync && events.contains { $0.isDurable }
        let stamp = max(time.milliseconds, journal.lastTime)
        let entries = events.map { JournalEntry(type: $0.recordType, time: stamp, payload: EventCodec.encode($0)) }
        let seqs = try journal.append(entries, durable: durable)
        for (e, seq) in zip(events, seqs) {
            do { try state.apply(e) } catch {
                // A decision the state cannot take is a bug: stop recording rather than build on it.
                journal.stopWriting(unusable: seq, "the register cannot apply its \(e.name): \(error)")
                throw .invalidArgument("record \(seq) cannot be applied: \(error)")
            }
            index.note(e, seq: seq)
            if case .dayClosed = e { try journal.rotate() }
        }
        sinceSnapshot += UInt64(events.count)
        return seqs
    }

    /// Wrong PINs that could not be journaled (the register is read-only, the disk is full) count
    /// all the same: they change the state in memory only, so that guessing is no faster while
    /// nothing can be recorded. Every other event is journaled or does not happen.
    public func countUnrecorded(_ events: [RegisterEvent]) {
        for e in events { if case .pinRefused = e { try? state.apply(e) } }
    }

    /// Records replayed after the newest snapshot: at start-up, the tail that was read.
    public var recordsSinceSnapshot: UInt64 { sinceSnapshot }

    /// A tail this long, found at start-up, is snapshot soon after: a register in a crash or
    /// power-cut loop never lives long enough for the timed one, and would replay more each time.
    public static let longTail: UInt64 = 1_000

    /// Enough records have passed since the last snapshot for the next one.
    public var snapshotDue: Bool { sinceSnapshot >= snapshotInterval }

    /// Writes a snapshot when enough records have passed since the last one. Call it when idle.
    public func snapshotIfDue() throws(JournalError) {
        guard snapshotDue else { return }
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

    /// A completed sale by receipt number, as it was recorded: for refunds and reprints. A
    /// receipt from before a recovery is read from the sealed chain that holds it.
    public func sale(receipt: UInt64, training: Bool = false) throws(LookupError) -> (CompletedSale, chainHash: [UInt8]) {
        let record: JournalRecord
        if let seq = index.seq(receipt: receipt, training: training) {
            do { record = try journal.read(seq: seq) } catch { throw .journal(error) }
        } else {
            guard let (chain, seq) = sealedLocation(receipt: receipt, training: training) else { throw .noSuchReceipt(receipt) }
            // A sealed chain is damaged somewhere: read past the damage when the chain walk cannot.
            let directory = stateDirectory + "/" + JournalSalvage.sealedDirectory + "/" + chain
            if let found = try? JournalReader(stateDirectory: directory, fileSystem: fileSystem).read(seq: seq) {
                record = found
            } else {
                let found: JournalRecord?
                do { found = try JournalSalvage.record(seq: seq, stateDirectory: directory, fileSystem: fileSystem) } catch {
                    throw .journal(error)
                }
                guard let found else { throw .journal(.noSuchRecord(seq)) }
                record = found
            }
        }
        guard case .saleCompleted(let sale)? = try? EventCodec.decode(record.payload), sale.receiptNumber == receipt else {
            throw .notASale(seq: record.seq)
        }
        return (sale, record.chainHash)
    }

    /// What the terminal said of the cards that paid a receipt: the record right after the sale's,
    /// when the cards went through the terminal (none for a receipt of a sealed chain).
    public func cardSlips(receipt: UInt64, training: Bool) -> [CardSlip] {
        guard let seq = index.seq(receipt: receipt, training: training), let record = try? journal.read(seq: seq + 1),
              case .saleCardDetails(let number, let isTraining, let slips)? = try? EventCodec.decode(record.payload),
              number == receipt, isTraining == training else { return [] }
        return slips
    }

    /// The sealed chain and record that hold a receipt from before a recovery; receipts are
    /// numbered on across chains, so each chain's list starts where the one before it left off.
    private func sealedLocation(receipt: UInt64, training: Bool) -> (String, UInt64)? {
        var first: UInt64 = 1
        for chain in state.sealedChains {
            let list = training ? chain.trainingReceiptSeqs : chain.receiptSeqs
            if receipt >= first, receipt < first + UInt64(list.count) {
                let seq = list[Int(receipt - first)]
                return seq == 0 ? nil : (chain.name, seq)
            }
            first += UInt64(list.count)
        }
        return nil
    }

    public enum RecoveryError: Error, CustomStringConvertible {
        case notDamaged
        case journal(JournalError)
        case salvage(String)

        public var description: String {
            switch self {
            case .notDamaged: return "the journal is not damaged: there is nothing to recover"
            case .journal(let e): return e.description
            case .salvage(let why): return "the damaged journal could not be read: \(why)"
            }
        }
    }

    /// Seals the damaged journal and starts a new chain: the register is rebuilt from
    /// every record that can still be read, the old journal moves whole under `sealed/`, and the
    /// new chain's first record, durable before this returns, links to it and says which records
    /// could not be read. `damage` describes damage the journal itself has not seen (found by
    /// the background verification); nil needs the journal to be read-only for damage.
    public func recoverOntoNewChain(by: OperatorID, at time: Timestamp, damage: String? = nil) throws(RecoveryError) -> ChainLink {
        var fault = damage
        switch journal.mode {
        case .readOnly(.damaged(let f)): fault = f.description
        case .readOnly(let reason) where reason.isUnusableRecord: fault = reason.description
        default: break
        }
        guard let fault else { throw .notDamaged }
        var rebuilt = RegisterState()
        var rebuiltIndex = ReceiptIndex()
        var undecodable: [UInt64] = []
        // The new chain starts no earlier than the old one ended, whatever the clock says.
        var newest = max(time.milliseconds, journal.lastTime)
        let report: SalvageReport
        do {
            report = try JournalSalvage.salvage(stateDirectory: stateDirectory, fileSystem: fileSystem) { view in
                newest = max(newest, view.time)
                // A record that does not decode, or that the state cannot take, is left out like an unreadable one.
                guard let event = try? EventCodec.decode(view.payload), (try? rebuilt.apply(event)) != nil else {
                    return undecodable.append(view.seq)
                }
                rebuiltIndex.note(event, seq: view.seq)
            }
        } catch {
            throw .salvage("\(error)")
        }
        let unreadable = (report.unreadable + undecodable.map { $0...$0 }).sorted { $0.lowerBound < $1.lowerBound }
        let name = "chain-\(time.milliseconds)"
        let link = ChainLink(sealed: name, lastSeq: report.lastSeq, lastHash: Hex.encode(report.lastHash), fault: fault,
                             unreadable: unreadable, by: by, at: time, state: rebuilt,
                             receiptSeqs: rebuiltIndex.receipts, trainingReceiptSeqs: rebuiltIndex.training)
        do throws(JournalError) {
            try JournalSalvage.seal(stateDirectory: stateDirectory, name: name, fileSystem: fileSystem)
            journal = try Journal.open(stateDirectory: stateDirectory, options: JournalOptions(registerID: Self.journalKey(registerID)),
                                       fileSystem: fileSystem, warning: warning)
            state = RegisterState()
            index = ReceiptIndex()
            sinceSnapshot = 0
            try record([.chainRestarted(link)], at: Timestamp(milliseconds: newest))
            try snapshot()
        } catch {
            throw .journal(error)
        }
        return link
    }
}

/// The replay at open, on a thread of its own beside the journal's walk: from the snapshot the
/// journal loaded, it decodes and folds every record whose CRC32C holds, to the end of the data.
/// The state it reaches is the ledger's only when its last record is the journal's `lastSeq` with
/// the `lastHash` the journal's walk checked: then it folded exactly the records the chain proved.
/// Anything else (a torn tail set aside, damage, a record this version cannot use, a snapshot it
/// cannot read) and the ledger replays on its own thread as it always did, which says why.
private final class ConcurrentReplay: @unchecked Sendable {
    /// What the thread reached: the state folded through record `through`, whose chain hash is `hash`.
    struct Replayed {
        var state: RegisterState
        var index: ReceiptIndex
        var through: UInt64
        var hash: [UInt8]
    }

    private let reader: JournalReader
    private let snapshot: JournalSnapshot?
    private var replayed: Replayed?
    private var thread = pthread_t()

    private init(reader: JournalReader, snapshot: JournalSnapshot?) {
        self.reader = reader
        self.snapshot = snapshot
    }

    /// Nil when no thread could be started: the ledger then replays alone.
    static func start(stateDirectory: String, registerID: UInt64, fileSystem: any JournalFileSystem,
                      snapshot: JournalSnapshot?) -> ConcurrentReplay? {
        guard let reader = try? JournalReader(stateDirectory: stateDirectory, registerID: registerID, fileSystem: fileSystem) else {
            return nil
        }
        let replay = ConcurrentReplay(reader: reader, snapshot: snapshot)
        let retained = Unmanaged.passRetained(replay)
        let started = pthread_create(&replay.thread, nil, { raw in
            Unmanaged<ConcurrentReplay>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, retained.toOpaque())
        guard started == 0 else {
            retained.release()
            return nil
        }
        return replay
    }

    /// Waits for the thread; what it reached, or nil when it stopped short of the end of the data.
    func finish() -> Replayed? {
        pthread_join(thread, nil)
        return replayed
    }

    private func run() {
        var state = RegisterState()
        var index = ReceiptIndex()
        var through: UInt64 = 0
        var hash = [UInt8](repeating: 0, count: 32)  // the chain before record 1
        if let snapshot {
            guard let decoded = try? LedgerSnapshot.decode(snapshot.state) else { return }
            (state, index) = decoded
            through = snapshot.throughSeq
            hash = snapshot.chainHash
        }
        do {
            _ = try reader.forEachRecord(after: snapshot) { view in
                try Ledger.fold(view, into: &state, &index)
                through = view.seq
                hash.withUnsafeMutableBytes { $0.copyMemory(from: view.chainHash) }
            }
        } catch {
            return
        }
        replayed = Replayed(state: state, index: index, through: through, hash: hash)
    }
}

/// Why the replay stopped at a record.
struct LedgerReplayStop: Error {
    var why: String
}

extension JournalMode.ReadOnlyReason {
    /// A record the register cannot use stopped the journal: a recovery onto a new chain leaves it out.
    public var isUnusableRecord: Bool {
        if case .unusableRecord = self { return true }
        return false
    }
}

/// Receipt number → journal sequence number, for real and training receipts. Sequence numbers
/// only grow, so the snapshot stores them as varint deltas: about 2 bytes a receipt.
struct ReceiptIndex: Equatable {
    var receipts: [UInt64] = []
    var training: [UInt64] = []
    /// The receipts numbered before this chain began (held by sealed chains).
    var receiptBase: UInt64 = 0
    var trainingBase: UInt64 = 0

    init() {}

    /// The index of a chain that starts after a recovery: its receipts number on from the state's.
    init(after state: RegisterState) {
        receiptBase = state.lastReceipt
        trainingBase = state.lastTrainingReceipt
    }

    mutating func note(_ event: RegisterEvent, seq: UInt64) {
        if case .chainRestarted(let link) = event {
            self = ReceiptIndex(after: link.state)
            return
        }
        guard case .saleCompleted(let s) = event else { return }
        // A receipt whose record could not be read (recovered from damage) leaves a 0.
        if s.training {
            while s.receiptNumber > trainingBase + UInt64(training.count) + 1 { training.append(0) }
            if s.receiptNumber == trainingBase + UInt64(training.count) + 1 { training.append(seq) }
        } else {
            while s.receiptNumber > receiptBase + UInt64(receipts.count) + 1 { receipts.append(0) }
            if s.receiptNumber == receiptBase + UInt64(receipts.count) + 1 { receipts.append(seq) }
        }
    }

    func seq(receipt: UInt64, training isTraining: Bool) -> UInt64? {
        let list = isTraining ? training : receipts
        let base = isTraining ? trainingBase : receiptBase
        guard receipt > base, receipt <= base + UInt64(list.count), list[Int(receipt - base - 1)] != 0 else { return nil }
        return list[Int(receipt - base - 1)]
    }
}

/// The snapshot payload: register state and receipt index.
enum LedgerSnapshot {
    static let version: UInt8 = 2

    static func encode(_ state: RegisterState, _ index: ReceiptIndex) -> [UInt8] {
        var w = ByteWriter(capacity: 4096 + index.receipts.count * 2)
        w.u8(version)
        w.raw(EventCodec.encode(state))
        w.varint(index.receiptBase)
        w.varint(index.trainingBase)
        for list in [index.receipts, index.training] {
            w.varint(UInt64(list.count))
            var previous: UInt64 = 0
            // Deltas plus one; 0 stands for a receipt whose record could not be read.
            for seq in list {
                if seq == 0 {
                    w.varint(0)
                } else {
                    w.varint(seq - previous + 1)
                    previous = seq
                }
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
            index.receiptBase = try r.varint()
            index.trainingBase = try r.varint()
            for k in 0..<2 {
                let n = try r.count()
                var list: [UInt64] = []
                list.reserveCapacity(n)
                var previous: UInt64 = 0
                for _ in 0..<n {
                    let delta = try r.varint()
                    if delta == 0 {
                        list.append(0)
                    } else {
                        previous += delta - 1
                        list.append(previous)
                    }
                }
                if k == 0 { index.receipts = list } else { index.training = list }
            }
            try r.finish()
            return (state, index)
        }
    }
}

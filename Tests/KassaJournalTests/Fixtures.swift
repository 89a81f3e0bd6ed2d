import KassaJournal

let stateDirectory = "/state"
let registerID: UInt64 = 0x4B41_5353_4131

/// Collects the journal's warnings, so tests can say whether one was logged.
final class WarningLog {
    var lines: [String] = []
    var sink: (String) -> Void { { self.lines.append($0) } }
}

func options(segmentSizeLimit: Int64 = 64 << 20, reservationChunk: Int64 = 4096,
             minimumDurableSeq: UInt64 = 0) -> JournalOptions {
    var options = JournalOptions(registerID: registerID)
    options.segmentSizeLimit = segmentSizeLimit
    options.reservationChunk = reservationChunk
    options.minimumDurableSeq = minimumDurableSeq
    return options
}

func openJournal(_ fs: any JournalFileSystem, _ log: WarningLog = WarningLog(),
                 options journalOptions: JournalOptions = options()) throws -> Journal {
    try Journal.open(stateDirectory: stateDirectory, options: journalOptions, fileSystem: fs, warning: log.sink)
}

/// Entry `n`: payloads of varying lengths (20 to 276 bytes) with content derived from `n`.
func entry(_ n: Int) -> JournalEntry {
    let length = 20 + (n * 37) % 257
    return JournalEntry(type: UInt16(n % 7), time: 1_700_000_000_000 + Int64(n) * 1000,
                        payload: (0..<length).map { UInt8(truncatingIfNeeded: n &* 31 &+ $0) })
}

func entries(_ range: ClosedRange<Int>) -> [JournalEntry] { range.map(entry) }

let segmentHeaderLength = 80
func recordLength(_ entry: JournalEntry) -> Int { 68 + entry.payload.count }

/// The byte offset of record `seq` in a single-segment journal holding entries 1, 2, 3, ….
func offsetOfRecord(_ seq: Int) -> Int {
    segmentHeaderLength + (1..<seq).reduce(0) { $0 + recordLength(entry($1)) }
}

func segmentPath(_ firstSeq: UInt64) -> String {
    let digits = String(firstSeq)
    return stateDirectory + "/journal/seg-" + String(repeating: "0", count: 16 - digits.count) + digits + ".kj"
}

func fileNames(_ fs: InMemoryFileSystem, _ directory: String) throws -> [String] {
    try fs.listDirectory(stateDirectory + "/" + directory).sorted()
}

/// Replaces a file's contents (and makes it durable, as if it had always been so).
func rewrite(_ fs: InMemoryFileSystem, _ path: String, _ change: (inout [UInt8]) -> Void) throws {
    var bytes = fs.contents(of: path)!
    change(&bytes)
    let file = try fs.open(path, .readWrite)
    try file.truncate(to: 0)
    try bytes.withUnsafeBytes { try file.write($0, at: 0) }
    try file.dataSync()
}

func expectRecords(_ records: [JournalRecord], equal expected: [JournalEntry], from firstSeq: UInt64 = 1) -> Bool {
    records.count == expected.count && zip(records, expected).enumerated().allSatisfy { i, pair in
        pair.0.seq == firstSeq + UInt64(i) && pair.0.type == pair.1.type && pair.0.time == pair.1.time
            && pair.0.payload == pair.1.payload
    }
}

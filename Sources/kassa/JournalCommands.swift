#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaJournal
import KassaRuntime
import KassaSystem

/// `kassa journal verify|dump|export`: read-only views of a state directory's journal, safe on a
/// live register and on a damaged journal alike (they never truncate, quarantine or write).
enum JournalCommands {
    static let usage = """
        usage: kassa journal verify --state-dir DIR [--anchor ANCHOR]... [--anchors FILE]
               kassa journal dump   --state-dir DIR [--from SEQ]
               kassa journal export --state-dir DIR --csv
        verify: checks every record's CRC, the gap-free sequence and the SHA-256 chain across
                segments, and every Z closing against the sales, refunds and cash movements
                it covers (and the grand totals across closings); exit 0 when sound, 1 naming
                the first bad record. An ANCHOR, as a Z report prints it (`Z12 4711:1a2b…`: a
                record and the start of its chain hash), proves the journal still holds the
                history that Z report saw: an edit before it, however re-chained, or a journal
                cut short of it fails. FILE: anchors one a line (`#` comments), or Z export CSV
                files (`z-000012.csv`), whose anchor rows are taken.
        dump:   one JSON object per record.
        export: sales and refund lines as CSV for accounting (amounts in minor units).
        """

    static func run(_ args: inout Arguments) throws(UsageError) -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let sub = try args.positional("journal command (verify, dump or export)")
        let dir = try args.option("--state-dir") ?? "/var/lib/kassa"
        switch sub {
        case "verify":
            var anchors: [ChainAnchor] = []
            while let text = try args.option("--anchor") {
                guard let a = ChainAnchor(parsing: text) else { throw UsageError("--anchor needs SEQ:HASH (16 to 64 hex digits), not '\(text)'") }
                anchors.append(a)
            }
            while let file = try args.option("--anchors") { anchors += try anchorsFile(file) }
            try args.finish()
            return verify(dir, anchors: anchors)
        case "dump":
            let from = try args.option("--from").map { v throws(UsageError) -> UInt64 in
                guard let n = UInt64(v), n >= 1 else { throw UsageError("--from needs a record number from 1") }
                return n
            } ?? 1
            try args.finish()
            return dump(dir, from: from)
        case "export":
            guard args.flag("--csv") else { throw UsageError("export needs --csv") }
            try args.finish()
            return export(dir)
        default:
            throw UsageError("unknown journal command '\(sub)'\n\(usage)")
        }
    }

    static func open(_ dir: String) -> JournalReader? {
        do {
            return try JournalReader(stateDirectory: dir)
        } catch {
            printError("kassa: cannot read the journal in \(dir): \(error)")
            return nil
        }
    }

    /// Anchors one a line, or the anchor rows of Z export CSV files (their fifth field).
    static func anchorsFile(_ path: String) throws(UsageError) -> [ChainAnchor] {
        let bytes: [UInt8]
        do { bytes = try readWholeFile(path) } catch { throw UsageError("cannot read \(path): \(error)") }
        var anchors: [ChainAnchor] = []
        for (n, line) in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }).enumerated() {
            var text = String(line).trimmingSpaces()
            if text.isEmpty || text.hasPrefix("#") { continue }
            if text.contains(",") {
                let fields = text.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count > 4, fields[3] == "anchor" else { continue }
                text = String(fields[4])
            }
            guard let a = ChainAnchor(parsing: text) else { throw UsageError("\(path), line \(n + 1): no anchor (SEQ:HASH): '\(text)'") }
            anchors.append(a)
        }
        guard !anchors.isEmpty else { throw UsageError("\(path) holds no anchor") }
        return anchors
    }

    /// Safe on a running register: a record being written is not taken for damage (see
    /// `JournalReader.verifyLive`).
    static func verify(_ dir: String, anchors: [ChainAnchor] = []) -> ExitCode {
        guard open(dir) != nil else { return .failure }
        func sound(_ v: JournalVerification) {
            print("journal sound: \(v.lastSeq) records in \(v.segments) segments, last record \(v.lastSeq)")
        }
        do {
            let verified: JournalVerification
            switch try JournalReader.verifyLive(stateDirectory: dir) {
            case .sound(let v):
                sound(v)
                verified = v
            case .unfinishedTail(let v, let fault):
                sound(v)
                print("after it, an unfinished write (\(fault.problem), \(fault.segment) at byte \(fault.offset)): "
                      + "a power cut's torn tail, which kassad sets aside at its next start")
                verified = v
            case .stillBeingWritten(let v, let fault):
                sound(v)
                print("after it, records being written (\(fault.segment) at byte \(fault.offset) at the last look)")
                verified = v
            case .damaged(let v, let fault):
                print("journal DAMAGED: \(fault)")
                print("\(v.lastSeq) records before it verified in \(v.segments) segments")
                return .failure
            }
            return audit(dir, through: verified.lastSeq, anchors: anchors)
        } catch {
            printError("kassa: cannot verify \(dir): \(error)")
            return .failure
        }
    }

    /// The Z closings' cross-check and the anchors, over the records found sound.
    static func audit(_ dir: String, through lastSeq: UInt64, anchors: [ChainAnchor]) -> ExitCode {
        let result: JournalAudit.Result
        do { result = try JournalAudit.check(stateDirectory: dir, through: lastSeq, anchors: anchors) } catch {
            printError("kassa: cannot cross-check \(dir): \(error)")
            return .failure
        }
        print("\(result.closingsChecked) Z closings cross-checked against the records they cover"
              + (anchors.isEmpty ? "" : "; \(result.anchorsHeld) of \(anchors.count) anchors held"))
        guard let first = result.findings.first else { return .ok }
        print("journal CONTRADICTS its history at \(first)")
        for finding in result.findings.dropFirst().prefix(9) { print("also at \(finding)") }
        if result.findings.count > 10 { print("and \(result.findings.count - 10) more") }
        return .failure
    }

    /// Streams records from `from` through `line`, which appends its output for one record;
    /// stops with exit 1 at damage, after writing everything before it.
    static func stream(_ dir: String, from: UInt64, header: String? = nil,
                       _ line: (JournalRecordView, inout [UInt8]) -> Void) -> ExitCode {
        guard let reader = open(dir) else { return .failure }
        var out: [UInt8] = header.map { Array(($0 + "\n").utf8) } ?? []
        out.reserveCapacity(1 << 16)
        do {
            let fault = try reader.forEachRecord(fromSeq: from) { view in
                line(view, &out)
                if out.count > 1 << 15 { flush(&out) }
            }
            flush(&out)
            if let fault {
                printError("kassa: the journal is damaged: \(fault)")
                return .failure
            }
            return .ok
        } catch {
            flush(&out)
            printError("kassa: cannot read \(dir): \(error)")
            return .failure
        }
    }

    static func dump(_ dir: String, from: UInt64) -> ExitCode {
        stream(dir, from: from) { view, out in
            var o: JSONObject = ["seq": .int(Int64(view.seq)), "time": .int(view.time), "type": .int(Int64(view.type)),
                                 "hash": .string(Hex.encode(view.chainHash))]
            do throws(CodecError) {
                o["event"] = try EventCodec.decode(view.payload).json
            } catch {
                o["error"] = .string("undecodable payload: \(error)")
            }
            JSONValue.object(o).write(to: &out)
            out.append(10)
        }
    }

    static func export(_ dir: String) -> ExitCode {
        stream(dir, from: 1, header: AccountingCSV.header) { view, out in
            guard let event = try? EventCodec.decode(view.payload) else { return }
            for row in AccountingCSV.rows(event) {
                out += Array(row.utf8)
                out.append(10)
            }
        }
    }
}

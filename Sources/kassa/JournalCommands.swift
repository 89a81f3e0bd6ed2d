#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaJournal

/// `kassa journal verify|dump|export`: read-only views of a state directory's journal, safe on a
/// live register and on a damaged journal alike (they never truncate, quarantine or write).
enum JournalCommands {
    static let usage = """
        usage: kassa journal verify --state-dir DIR
               kassa journal dump   --state-dir DIR [--from SEQ]
               kassa journal export --state-dir DIR --csv
        verify: checks every record's CRC, the gap-free sequence and the SHA-256 chain across
                segments; exit 0 when sound, 1 naming the first bad record.
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
            try args.finish()
            return verify(dir)
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

    /// Safe on a running register: a record being written is not taken for damage (see
    /// `JournalReader.verifyLive`).
    static func verify(_ dir: String) -> ExitCode {
        guard open(dir) != nil else { return .failure }
        func sound(_ v: JournalVerification) {
            print("journal sound: \(v.lastSeq) records in \(v.segments) segments, last record \(v.lastSeq)")
        }
        do {
            switch try JournalReader.verifyLive(stateDirectory: dir) {
            case .sound(let v):
                sound(v)
            case .unfinishedTail(let v, let fault):
                sound(v)
                print("after it, an unfinished write (\(fault.problem), \(fault.segment) at byte \(fault.offset)): "
                      + "a power cut's torn tail, which kassad sets aside at its next start")
            case .stillBeingWritten(let v, let fault):
                sound(v)
                print("after it, records being written (\(fault.segment) at byte \(fault.offset) at the last look)")
            case .damaged(let v, let fault):
                print("journal DAMAGED: \(fault)")
                print("\(v.lastSeq) records before it verified in \(v.segments) segments")
                return .failure
            }
            return .ok
        } catch {
            printError("kassa: cannot verify \(dir): \(error)")
            return .failure
        }
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

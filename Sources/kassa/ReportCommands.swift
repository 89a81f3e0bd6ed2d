#if canImport(Glibc)
import Glibc
#endif
import KassaCore
import KassaIPC
import KassaRuntime

/// `kassa report sales|export-z`: sales reports and Z closings from the journal, asked of kassad
/// (a supervisor logged in) or read offline from a state directory with `--state-dir`.
enum ReportCommands {
    static let subcommands: Set<String> = ["sales", "export-z"]

    static let usage = """
        usage: kassa report sales --by hour|day|week|month|year|item|department|tax|tender|employee
                                  [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--sort revenue|quantity]
                                  [--worst] [--limit N] [--svg FILE] [--json]
                                  [--state-dir DIR [--zone NAME]]
               kassa report export-z --out DIR [--state-dir DIR]
          sales: a table with bars of sales net of refunds; --to is the first day after the period
          (local dates in the register's time zone). --svg also writes the chart as an SVG file.
          Item rows are best sellers first (--worst: worst first), 20 unless --limit says.
          export-z: one CSV file per Z closing (z-000001.csv…): sales per VAT rate, tenders, refunds.
          Without --state-dir both ask kassad; offline, --zone names the time zone (default UTC).
        """

    static func run(_ args: inout Arguments, socket: String?) throws -> ExitCode {
        if args.flag("--help") {
            print(usage)
            return .ok
        }
        let sub = try args.positional("report")
        let json = args.flag("--json")
        let dir = try args.option("--state-dir")
        switch sub {
        case "sales":
            var query = SalesReportQuery(grouping: .day)
            let by = try args.option("--by") ?? "day"
            guard let grouping = SalesGrouping(rawValue: by) else {
                throw UsageError("--by must be one of \(SalesGrouping.allCases.map(\.rawValue).joined(separator: ", ")), not '\(by)'")
            }
            query.grouping = grouping
            query.from = try date(args.option("--from"), "--from")
            query.to = try date(args.option("--to"), "--to")
            if let sort = try args.option("--sort") {
                guard let r = SalesRanking(rawValue: sort) else { throw UsageError("--sort revenue or quantity") }
                query.ranking = r
            }
            query.worst = args.flag("--worst")
            query.limit = try args.option("--limit").map { v throws(UsageError) -> Int in try BenchCommands.number(v, default: 0, "--limit") }
            let svg = try args.option("--svg")
            let zone = try args.option("--zone")
            let result: JSONValue
            let money: (Int64) -> String
            if let dir {
                try args.finish()
                if grouping == .item && query.limit == nil { query.limit = 20 }
                let tz = try zone.map { name throws(CommandFailure) -> ZoneInfo in
                    do { return try ZoneInfo.load(name) } catch { throw CommandFailure(.usage, "\(error)") }
                } ?? (try! ZoneInfo(name: "UTC", posixRule: "UTC0"))
                let report: SalesReport
                do { report = try JournalReports.sales(stateDirectory: dir, query, zone: tz) } catch {
                    throw CommandFailure(.failure, "\(error)")
                }
                money = RegisterConfig().format
                result = JournalReports.json(report, text: SalesReportText.lines(report, format: money))
            } else {
                guard zone == nil else { throw UsageError("--zone is for --state-dir: kassad uses its own time zone") }
                let path = try Session.socketPath(socket, &args)
                try args.finish()
                let s = Session(path: path, json: json, idempotencyKey: nil)
                var a: JSONObject = ["by": .string(grouping.rawValue), "sort": .string(query.ranking.rawValue), "worst": .bool(query.worst)]
                if let f = query.from { a["from"] = .string(f.description) }
                if let t = query.to { a["to"] = .string(t.description) }
                if let l = query.limit { a["limit"] = .int(Int64(l)) }
                // The reply comes in pages of about 40 KB: put them together.
                var page = try s.call(.reportSales, a)
                var rows = page["rows"]?.arrayValue ?? []
                var text = page["text"]?.arrayValue ?? []
                while let next = page["next"]?.intValue {
                    a["offset"] = .int(next)
                    page = try s.call(.reportSales, a)
                    rows += page["rows"]?.arrayValue ?? []
                    text += page["text"]?.arrayValue ?? []
                }
                var whole = page.objectValue ?? [:]
                whole["rows"] = .array(rows)
                whole["text"] = .array(text)
                whole["offset"] = nil
                result = .object(whole)
                money = { s.money($0) }
            }
            if let svg {
                let bars = (result["rows"]?.arrayValue ?? []).map { r in
                    (label: r["label"]?.stringValue ?? "", value: r["figures"]?["net"]?.intValue ?? 0)
                }
                let title = "Sales by \(grouping.rawValue)" + [result["from"]?.stringValue.map { " from \($0)" }, result["to"]?.stringValue.map { " before \($0)" }]
                    .compactMap { $0 }.joined()
                guard writeTextFile(svg, SalesReportText.svg(title: title, bars: bars, format: money)) else {
                    throw CommandFailure(.failure, "cannot write \(svg)")
                }
            }
            if json {
                print(result.serialized())
            } else {
                for line in result["text"]?.arrayValue ?? [] { print(line.stringValue ?? "") }
            }
            return .ok
        case "export-z":
            guard let out = try args.option("--out") else { throw UsageError("export-z needs --out DIR") }
            var files: [(String, [String])] = []
            if let dir {
                try args.finish()
                do {
                    files = try JournalReports.zClosings(stateDirectory: dir).map { (JournalReports.zFileName($0.report), $0.csv) }
                } catch { throw CommandFailure(.failure, "\(error)") }
            } else {
                let path = try Session.socketPath(socket, &args)
                try args.finish()
                let s = Session(path: path, json: json, idempotencyKey: nil)
                var from: Int64 = 1
                while true {
                    let page = try s.call(.reportZExport, ["from": .int(from), "limit": .int(50)])
                    let closings = page["closings"]?.arrayValue ?? []
                    for c in closings {
                        files.append((c["file"]?.stringValue ?? "z.csv", (c["csv"]?.arrayValue ?? []).compactMap(\.stringValue)))
                        from = (c["z"]?.intValue ?? from) + 1
                    }
                    if closings.isEmpty || from > page["last_z"]?.intValue ?? 0 { break }
                }
            }
            mkdir(out, 0o755)
            for (name, lines) in files {
                guard writeTextFile(out + "/" + name, lines.joined(separator: "\n") + "\n") else {
                    throw CommandFailure(.failure, "cannot write \(out)/\(name)")
                }
            }
            print("\(files.count) Z closings written to \(out)")
            return .ok
        default:
            throw UsageError(usage)
        }
    }

    private static func date(_ text: String?, _ name: String) throws(UsageError) -> CivilDate? {
        guard let text else { return nil }
        guard let d = CivilDate(text) else { throw UsageError("\(name) needs a date YYYY-MM-DD, not '\(text)'") }
        return d
    }
}

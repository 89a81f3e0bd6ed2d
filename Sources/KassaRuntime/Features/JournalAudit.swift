import KassaCore
import KassaJournal

/// Checks that a journal still holds the history its Z closings saw, beyond what its chain
/// proves: anyone who can write the state directory can change a record and compute the unkeyed
/// chain anew. Two checks catch what that leaves behind:
///
/// - every Z closing's counters and the perpetual grand totals are folded again from the
///   sales, refunds and cash movements before it: an edit that leaves the Z records alone shows;
/// - anchors (`ChainAnchor`, printed on each Z report and kept off the box) must find their
///   record with their chain hash: an edit before an anchor, even one that also fixed the Z
///   records and chained everything anew, or a journal cut short of one, shows.
public enum JournalAudit {
    public struct Finding: Equatable, Sendable, CustomStringConvertible {
        /// The record found wrong (for a journal cut short, the anchor's record that is missing).
        public var seq: UInt64
        public var problem: String
        public var description: String { "record \(seq): \(problem)" }
    }

    public struct Result: Equatable, Sendable {
        public var closingsChecked = 0
        public var anchorsHeld = 0
        /// In journal order; a journal cut short of an anchor comes last.
        public var findings: [Finding] = []
    }

    private struct Stop: Error {}

    /// Walks records 1 through `lastSeq` of a journal whose CRCs, sequence and chain were verified
    /// that far, folding the register's state as kassad does.
    public static func check(stateDirectory: String, through lastSeq: UInt64, anchors: [ChainAnchor]) throws(ReportError) -> Result {
        var result = Result()
        var anchorsAt: [UInt64: [ChainAnchor]] = [:]
        var closingAt: [UInt64: ChainAnchor] = [:]
        for a in anchors {
            anchorsAt[a.seq, default: []].append(a)
            if a.z != nil { closingAt[a.seq + 1] = a }
        }
        var state = RegisterState()
        var folding = true
        do {
            let reader = try JournalReader(stateDirectory: stateDirectory)
            _ = try reader.forEachRecord(fromSeq: 1, verifyingChain: false) { record in
                guard record.seq <= lastSeq else { throw Stop() }
                for a in anchorsAt[record.seq] ?? [] {
                    if a.matches(record.chainHash) {
                        result.anchorsHeld += 1
                    } else {
                        let found = Hex.encode(UnsafeRawBufferPointer(rebasing: record.chainHash.prefix(a.hash.count)))
                        result.findings.append(Finding(seq: record.seq, problem: "its chain hash begins \(found), but anchor \(a.full) "
                            + "says \(Hex.encode(a.hash)): the history up to this record is not the one the anchor saw"))
                    }
                }
                let expected = closingAt[record.seq]?.z
                guard folding || expected != nil else { return }
                let event: RegisterEvent
                do { event = try EventCodec.decode(record.payload) } catch {
                    result.findings.append(Finding(seq: record.seq, problem: "no register event this version knows (\(error)): not cross-checked further"))
                    folding = false
                    return
                }
                if let expected, event.closedZ != expected {
                    result.findings.append(Finding(seq: record.seq, problem: "anchor Z\(expected) \(record.seq - 1):… says Z closing \(expected) "
                        + "follows its record, but this record is \(event.closedZ.map { "Z closing \($0)" } ?? "a \(event.name)")"))
                }
                guard folding else { return }
                if case .dayClosed(let z) = event {
                    result.closingsChecked += 1
                    if let problem = contradiction(z, state.shiftAndDayState) {
                        result.findings.append(Finding(seq: record.seq, problem: problem))
                    }
                }
                do { try state.apply(event) } catch {
                    result.findings.append(Finding(seq: record.seq, problem: "the register cannot apply its \(event.name) (\(error)): not cross-checked further"))
                    folding = false
                }
            }
        } catch is Stop {
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError(description: "cannot read the journal: \(error)")
        }
        for a in anchors where a.seq > lastSeq {
            result.findings.append(Finding(seq: a.seq, problem: "the journal ends at record \(lastSeq), before anchor \(a.short): "
                + "the records from \(lastSeq + 1) on were cut off"))
        }
        return result
    }

    /// What a Z closing says that the records before it do not, or nil when they agree.
    static func contradiction(_ z: ZReport, _ folded: ShiftAndDayState) -> String? {
        guard z.number != folded.lastZ + 1 || z.counters != folded.day || z.grandTotalSales != folded.grandTotalSales
            || z.grandTotalRefunds != folded.grandTotalRefunds else { return nil }
        let k = z.counters
        let f = folded.day
        let figures: [(String, Int64, Int64)] = [
            ("number", Int64(z.number), Int64(folded.lastZ + 1)), ("sales", k.salesCount, f.salesCount),
            ("sales total", k.salesGross, f.salesGross), ("refunds", k.refundsCount, f.refundsCount),
            ("refunds total", k.refundsGross, f.refundsGross), ("cash in", k.cashIn, f.cashIn), ("cash out", k.cashOut, f.cashOut),
            ("grand total of sales", z.grandTotalSales, folded.grandTotalSales),
            ("grand total of refunds", z.grandTotalRefunds, folded.grandTotalRefunds),
        ]
        let differing = figures.filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1) where they add up to \($0.2)" }
        return "Z closing \(z.number) does not match the records it covers: "
            + (differing.isEmpty ? "its VAT, tender or other counters differ" : "it says " + differing.joined(separator: ", "))
    }
}

extension RegisterEvent {
    /// The number of the Z closing this event is, if it is one.
    var closedZ: UInt64? {
        if case .dayClosed(let z) = self { return z.number }
        return nil
    }
}

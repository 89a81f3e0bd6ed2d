/// The binary form of outputs: printouts owed, sent and done, so that none is lost or doubled.
extension ByteWriter {
    mutating func outputQueued(_ output: UInt64, _ o: Output) { varint(output); self.output(o) }
    mutating func outputSent(_ output: UInt64, bytes: Int, copy: Bool) { varint(output); int(bytes); bool(copy) }
    mutating func outputDone(_ output: UInt64, confirmedByPrinter: Bool) { varint(output); bool(confirmedByPrinter) }

    mutating func output(_ o: Output) {
        switch o {
        case .receipt(let number, let training):
            u8(0); varint(number); bool(training)
        case .document(let kind, let lines):
            u8(1); string(kind)
            array(lines) { w, l in
                w.string(l.text)
                switch l.emphasis {
                case .normal: w.u8(0)
                case .strong: w.u8(1)
                case .total: w.u8(2)
                case .barcode: w.u8(3)
                }
            }
        }
    }

    /// In a snapshot: the printouts still owed and the last output id.
    mutating func outputsState(_ s: OutputState) {
        array(s.pendingOutputs.keys.sorted()) { w, k in
            let p = s.pendingOutputs[k]!
            w.varint(k); w.output(p.output); w.bool(p.sent)
        }
        varint(s.lastOutputID)
    }
}

extension ByteReader {
    mutating func outputQueued() throws(CodecError) -> RegisterEvent { .outputQueued(id: try varint(), try output()) }
    mutating func outputSent() throws(CodecError) -> RegisterEvent { .outputSent(id: try varint(), bytes: try int(), copy: try bool()) }
    mutating func outputDone() throws(CodecError) -> RegisterEvent { .outputDone(id: try varint(), confirmedByPrinter: try bool()) }

    mutating func output() throws(CodecError) -> Output {
        let at = offset
        switch try u8() {
        case 0: return .receipt(number: try varint(), training: try bool())
        case 1:
            return .document(kind: try string(), lines: try array { r throws(CodecError) in
                let text = try r.string()
                let at = r.offset
                switch try r.u8() {
                case 0: return PrintedLine(text, .normal)
                case 1: return PrintedLine(text, .strong)
                case 2: return PrintedLine(text, .total)
                case 3: return PrintedLine(text, .barcode)
                case let t: throw .badTag("emphasis", t, at: at)
                }
            })
        case let t: throw .badTag("output", t, at: at)
        }
    }

    mutating func outputsState(into s: inout OutputState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let k = try varint()
            s.pendingOutputs[k] = PendingOutput(output: try output(), sent: try bool())
        }
        s.lastOutputID = try varint()
    }
}

/// The binary form of the box's own administration: settings changed on it, catalog imports, and
/// the results of keyed requests that a retry gets back.
extension ByteWriter {
    mutating func settingChanged(_ key: String, old: String?, new: String, by: OperatorID) {
        string(key); optional(old) { $0.string($1) }; string(new); id(by)
    }

    mutating func catalogImported(items: Int, sha256: String, by: OperatorID) { int(items); string(sha256); id(by) }
    /// Tag 62 holds the key and the result; tag 68 the digest between them.
    mutating func requestCompleted(_ key: String, digest: String?, result: String) {
        string(key)
        if let digest { string(digest) }
        string(result)
    }

    /// In a snapshot: the settings changed on the box.
    mutating func settingsState(_ s: SettingsState) {
        array(s.settings.keys.sorted()) { w, k in w.string(k); w.string(s.settings[k]!) }
    }

    /// In a snapshot: the remembered request results, oldest first.
    mutating func requestsState(_ s: SettingsState) {
        array(s.requestOrder) { w, k in w.string(k); w.string(s.requestResults[k]!) }
    }

    /// In a snapshot: the digests of the remembered requests that have one.
    mutating func requestDigestsState(_ s: SettingsState) {
        array(s.requestDigests.keys.sorted()) { w, k in w.string(k); w.string(s.requestDigests[k]!) }
    }
}

extension ByteReader {
    mutating func settingChanged() throws(CodecError) -> RegisterEvent {
        .settingChanged(key: try string(), old: try optional { r throws(CodecError) in try r.string() }, new: try string(), by: try id())
    }

    mutating func catalogImported() throws(CodecError) -> RegisterEvent {
        .catalogImported(items: try int(), sha256: try string(), by: try id())
    }

    mutating func requestCompleted(withDigest: Bool) throws(CodecError) -> RegisterEvent {
        .requestCompleted(key: try string(), digest: withDigest ? try string() : nil, result: try string())
    }

    mutating func settingsState(into s: inout SettingsState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let k = try string()
            s.settings[k] = try string()
        }
    }

    mutating func requestsState(into s: inout SettingsState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let k = try string()
            s.requestResults[k] = try string()
            s.requestOrder.append(k)
        }
    }

    mutating func requestDigestsState(into s: inout SettingsState) throws(CodecError) {
        for _ in 0..<(try count()) {
            let k = try string()
            s.requestDigests[k] = try string()
        }
    }
}

import Glibc
import KassaCore
import KassaSystem

func makeDirectory(_ path: String, mode: mode_t) throws(SystemError) {
    if mkdir(path, mode) != 0 && errno != EEXIST { throw .last("mkdir(\(path))") }
}

/// The PIN key and the operators' PIN MACs, in `StateDirectory/secrets/` (mode 0700, files 0600):
/// readable by kassad alone and never part of the journal, its snapshots or its exports.
final class PinStore {
    private let directory: String
    private(set) var vault: PinVault

    private var keyPath: String { directory + "/pin.key" }
    private var macsPath: String { directory + "/pins" }

    init(stateDirectory: String) throws(SystemError) {
        directory = stateDirectory + "/secrets"
        try makeDirectory(directory, mode: 0o700)
        let key: [UInt8]
        if let existing = try? readWholeFile(directory + "/pin.key"), existing.count == 32 {
            key = existing
        } else {
            key = try randomBytes(32)
            try writeFileAtomically(directory + "/pin.key", key)
        }
        vault = PinVault(key: key, macs: Self.readMACs(directory + "/pins"), badges: Self.readMACs(directory + "/badges"))
    }

    /// `operator-id hex-mac` lines.
    private static func readMACs(_ path: String) -> [OperatorID: [UInt8]] {
        var macs: [OperatorID: [UInt8]] = [:]
        guard let text = try? readWholeFile(path) else { return macs }
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let mac = Hex.decode(String(parts[1])), mac.count == 32 else { continue }
            macs[OperatorID(String(parts[0]))] = mac
        }
        return macs
    }

    func setBadge(_ card: String, for id: OperatorID) throws(PinVault.PinError) {
        var next = vault
        try next.setBadge(card, for: id)
        vault = next
    }

    func setPIN(_ pin: String, for id: OperatorID, minimumLength: Int) throws(PinVault.PinError) {
        var next = vault
        try next.setPIN(pin, for: id, minimumLength: minimumLength)
        vault = next
    }

    func remove(_ id: OperatorID) { vault.remove(id) }

    /// Persists the MACs; operator ids never contain spaces or newlines (validated on entry).
    func save() throws(SystemError) {
        for (path, macs) in [(macsPath, vault.macs), (directory + "/badges", vault.badges)] {
            var text = ""
            for (id, mac) in macs.sorted(by: { $0.key < $1.key }) { text += "\(id.rawValue) \(Hex.encode(mac))\n" }
            try writeFileAtomically(path, Array(text.utf8))
        }
    }
}

func randomBytes(_ count: Int) throws(SystemError) -> [UInt8] {
    let fd = SystemCall.open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .last("open(/dev/urandom)") }
    defer { close(fd) }
    let bytes = try readFully(fd, count: count, operation: "read(/dev/urandom)")
    guard bytes.count == count else { throw SystemError("read(/dev/urandom)", errno: EIO) }
    return bytes
}

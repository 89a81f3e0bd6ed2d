import Glibc
import KassaCore
import KassaIPC
import KassaSystem

/// Writes a small file atomically: temporary file, fsync, rename, directory fsync. A power cut
/// leaves either the old file or the new one, never half of either.
func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(SystemError) {
    let tmp = path + ".tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw .last("open(\(tmp))") }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
            let e = SystemError.last("write(\(tmp))")
            close(fd)
            throw e
        }
        done += n
    }
    guard fsync(fd) == 0 else {
        let e = SystemError.last("fsync(\(tmp))")
        close(fd)
        throw e
    }
    close(fd)
    guard rename(tmp, path) == 0 else { throw .last("rename(\(tmp))") }
    let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard dfd >= 0 else { throw .last("open(\(dir))") }
    defer { close(dfd) }
    guard fsync(dfd) == 0 else { throw .last("fsync(\(dir))") }
}

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

    func setPIN(_ pin: String, for id: OperatorID) throws(PinVault.PinError) {
        var next = vault
        try next.setPIN(pin, for: id)
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
    let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .last("open(/dev/urandom)") }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw .last("read(/dev/urandom)") }
        filled += n
    }
    return bytes
}

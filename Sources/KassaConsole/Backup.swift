import Glibc
import KassaIPC
import KassaSystem

/// `backup DIR` and `restore DIR`: the register's state streamed over the socket to and from a
/// USB stick. A backup is a folder of its own named after the register, its last receipt and
/// record, with a manifest (`kassa-backup.json`) that a restore checks first. It holds no PIN
/// secret: a restore asks for one technician of the restored register and a new PIN for them.
enum Backup {
    static let manifestName = "kassa-backup.json"

    static func backup(_ c: Console, _ args: [String]) throws(ConsoleError) {
        try ConsoleCommands.expect(args, 1...1, "backup DIR")
        let list = try c.call(.backupList, as: BackupListReply.self)
        let register = list.register
        if list.shiftOpen {
            c.say("Note: a shift is open; a backup is best right after a Z closing.")
        }
        let name = "kassa-\(register)-r\(list.receipt)-s\(list.lastSeq)"
        let target = args[0] + "/" + name
        guard mkdir(target, 0o700) == 0 else {
            if errno == EEXIST { throw .failed("\(target) is already there: nothing was sold since that backup") }
            throw .failed("cannot make \(target): \(String(cString: strerror(errno)))")
        }
        let files = list.files
        let total = files.reduce(0) { $0 + $1.size }
        var copied: Int64 = 0
        for file in files {
            let (path, size) = (file.path, file.size)
            try makeParents(target, path)
            let fd = open(target + "/" + path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .failed("cannot write \(target)/\(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var offset: Int64 = 0
            while offset < size {
                let chunk = try c.call(.backupRead, ["path": .string(path), "offset": .int(offset)], as: BackupChunkReply.self)
                guard var bytes = chunk.bytes else { throw .failed("kassad sent a chunk that is not base64") }
                // The journal may grow while we copy: the backup stops at the size listed.
                if offset + Int64(bytes.count) > size { bytes = Array(bytes.prefix(Int(size - offset))) }
                do throws(SystemError) { try writeAll(fd, bytes) } catch { throw .failed("writing \(target)/\(path) failed: \(error.reason)") }
                offset += Int64(bytes.count)
                copied += Int64(bytes.count)
                c.progress("backup: \(copied / 1024) of \(total / 1024) KiB")
                if chunk.eof || bytes.isEmpty { break }
            }
            guard fsync(fd) == 0 else { throw .failed("writing \(target)/\(path) failed: \(String(cString: strerror(errno)))") }
        }
        let manifest = BackupManifest(list).json
        let fd = open(target + "/" + manifestName, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0, (try? writeAll(fd, Array((manifest.serialized() + "\n").utf8))) != nil, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            throw .failed("cannot write the manifest in \(target)")
        }
        close(fd)
        c.say("")
        c.say("Backup of register \(register) in \(target) (\(files.count) files, \(copied / 1024) KiB).")
        c.say("It holds no PINs: after a restore, a technician sets them again.")
    }

    static func restore(_ c: Console, _ args: [String]) throws(ConsoleError) {
        try ConsoleCommands.expect(args, 1...1, "restore DIR (a folder made by backup)")
        let source = args[0]
        guard let text = try? readWholeFile(source + "/" + manifestName),
              let json = try? JSONValue.parse(String(decoding: text, as: UTF8.self)),
              let manifest = try? BackupManifest(json: json) else {
            throw .failed("\(source) holds no Kassa backup (\(manifestName) missing or unreadable)")
        }
        // A backup made before backups left the PIN secrets out still lists them: they stay on the stick.
        let register = manifest.register
        let files = manifest.files.filter { !$0.path.hasPrefix("secrets/") }
        c.say("This box takes over register \(register) (up to receipt \(manifest.receipt)).")
        c.say("What this box has set up so far is kept aside, not deleted.")
        guard let typed = c.ask("Type the register id (\(register)) to confirm: ") else { return }
        guard typed == register else { throw .failed("the register id was not typed out; nothing was done") }
        c.say("A backup holds no PINs: name a technician of register \(register) to log in as, with a new PIN.")
        c.say("Every other PIN and badge is set again afterwards (operators reset-pin).")
        guard let technician = c.askNonEmpty("Technician id of register \(register): "), let pin = c.askNewPIN() else { return }
        c.say("The anchor on the last Z report printed (Z12 4711:1a2b3c4d5e6f7a8b) proves the backup holds that history.")
        guard let anchor = c.ask("Anchor of the last Z report (Enter if none is at hand): ") else { return }
        _ = try c.call(.restoreBegin)
        var sent = 0
        let total = files.reduce(0) { $0 + Int($1.size) }
        for file in files {
            let path = file.path
            guard let bytes = try? readWholeFile(source + "/" + path) else { throw .failed("cannot read \(source)/\(path)") }
            guard bytes.count == Int(file.size) else {
                throw .failed("\(source)/\(path) has \(bytes.count) bytes, the manifest says \(file.size): the backup is incomplete")
            }
            var offset = 0
            repeat {
                let chunk = bytes[offset..<min(bytes.count, offset + 24 * 1024)]
                _ = try c.call(.restoreWrite, ["path": .string(path), "offset": .int(Int64(offset)), "data": .string(Base64.encode(chunk))])
                offset += chunk.count
                sent += chunk.count
                c.progress("restore: \(sent / 1024) of \(total / 1024) KiB")
            } while offset < bytes.count
        }
        c.say("")
        var commit: JSONObject = ["register": .string(register), "technician": .string(technician), "pin": .string(pin)]
        if !anchor.trimmingSpaces().isEmpty { commit["anchor"] = .string(anchor.trimmingSpaces()) }
        let result = try c.call(.restoreCommit, commit, as: RestoreReply.self)
        c.say("Restored register \(register): \(result.records) records, chain verified.")
        c.say("kassad restarts to load it; log in as \(technician) with the new PIN and set the other PINs again.")
        c.technician = nil
        usleep(1_000_000)
        _ = c.connectWaiting()
    }

    private static func makeParents(_ root: String, _ path: String) throws(ConsoleError) {
        var dir = root
        for part in path.split(separator: "/").dropLast() {
            dir += "/" + part
            guard mkdir(dir, 0o700) == 0 || errno == EEXIST else { throw .failed("cannot make \(dir): \(String(cString: strerror(errno)))") }
        }
    }
}

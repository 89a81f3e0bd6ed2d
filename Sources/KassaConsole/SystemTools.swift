import Glibc

/// What the console asks of the operating system, never of kassad (kassad stays sandboxed):
/// the clock and time zone (timedatectl), reboot and power-off (systemctl), the network
/// (systemd-networkd files and networkctl). polkit lets the technician group do exactly these.
public struct SystemTools {
    /// Where `network set` writes its systemd-networkd files.
    public var networkDirectory = "/etc/systemd/network"
    /// Where the network interfaces are listed.
    public var sysClassNet = "/sys/class/net"

    public init() {}

    public struct Outcome {
        public var status: Int32
        public var output: String
    }

    /// Runs a program found on PATH with its output captured; never through a shell.
    public func run(_ program: String, _ arguments: [String]) -> Outcome {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return Outcome(status: -1, output: "cannot make a pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            return Outcome(status: 127, output: "\(program): \(String(cString: strerror(spawned)))")
        }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if output.count < 65_536 { output += chunk[..<n] }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(status: code, output: String(decoding: output, as: UTF8.self))
    }

    /// The network interfaces but loopback: name, state, MAC, wired or wireless.
    public func interfaces() -> [(name: String, state: String, mac: String, wireless: Bool)] {
        guard let dir = opendir(sysClassNet) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." && name != "lo" { names.append(name) }
        }
        return names.sorted().map { name in
            let base = sysClassNet + "/" + name
            return (name, readLine(base + "/operstate") ?? "unknown", readLine(base + "/address") ?? "",
                    access(base + "/wireless", F_OK) == 0 || access(base + "/phy80211", F_OK) == 0)
        }
    }

    private func readLine(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, 256, f) != nil else { return nil }
        var text = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while text.last == "\n" { text.removeLast() }
        return text
    }

    /// The systemd-networkd file for one interface: DHCP, or a static address.
    public static func networkFile(interface: String, address: String?, gateway: String?, dns: String?) -> String {
        var text = "# Written by the Kassa technician console.\n[Match]\nName=\(interface)\n\n[Network]\n"
        if let address {
            text += "Address=\(address)\n"
            if let gateway { text += "Gateway=\(gateway)\n" }
            if let dns { text += "DNS=\(dns)\n" }
        } else {
            text += "DHCP=yes\n"
        }
        return text
    }

    /// Writes the file atomically; nil on success, else why not.
    public func writeNetworkFile(interface: String, _ text: String) -> String? {
        let path = networkDirectory + "/50-kassa-\(interface).network"
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot write \(temporary): \(String(cString: strerror(errno)))" }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            return "cannot write \(path): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}

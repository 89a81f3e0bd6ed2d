import Glibc
import KassaSystem

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
        let pipe: (read: Int32, write: Int32)
        do throws(SystemError) { pipe = try makePipe() } catch { return Outcome(status: -1, output: "cannot make a pipe") }
        defer { close(pipe.read) }
        let child: ChildProcess
        do throws(SystemError) {
            child = try ChildProcess(program, arguments, searchingPath: true, standardInput: .nullDevice,
                                     standardOutput: .descriptor(pipe.write), standardError: .descriptor(pipe.write))
        } catch {
            close(pipe.write)
            return Outcome(status: 127, output: "\(program): \(error.reason)")
        }
        close(pipe.write)
        let output = (try? readToEnd(pipe.read, limit: 65_536)) ?? []
        return Outcome(status: child.wait(), output: String(decoding: output, as: UTF8.self))
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
        do throws(SystemError) { try writeFileAtomically(path, Array(text.utf8), mode: 0o644) } catch {
            return "cannot write \(path): \(error.reason)"
        }
        return nil
    }
}

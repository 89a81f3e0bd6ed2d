import Foundation
import KassaSystem

/// Runs one of the package's own executables, built beside the test bundle, and collects what
/// it printed: shared by the test targets that drive the real binaries.
public struct Run: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public static func binary(_ name: String) -> String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }

    @discardableResult
    public static func kassa(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Run {
        try command(binary("kassa"), args, stdin: stdin, environment: environment)
    }

    /// Runs `path` in our environment with `environment` on top, `stdin` as its input, and waits
    /// for it; `status` is its exit code, or 128 + the signal that ended it.
    public static func command(_ path: String, _ args: [String], stdin: String? = nil,
                               environment: [String: String] = [:]) throws -> Run {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let input = try makePipe(), output = try makePipe(), errors = try makePipe()
        let child: ChildProcess
        do {
            child = try ChildProcess(path, args, environment: env.map { $0.key + "=" + $0.value },
                                     standardInput: .descriptor(input.read), standardOutput: .descriptor(output.write),
                                     standardError: .descriptor(errors.write))
        } catch {
            for fd in [input.read, input.write, output.read, output.write, errors.read, errors.write] { close(fd) }
            throw error
        }
        // Only the child's copies stay open, so each pipe ends when the child is done with it.
        for fd in [input.read, output.write, errors.write] { close(fd) }
        defer { close(output.read); close(errors.read) }
        if let stdin { _ = try? writeAll(input.write, Array(stdin.utf8)) }
        close(input.write)
        let o = try readToEnd(output.read), e = try readToEnd(errors.read)
        return Run(status: child.wait(), stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

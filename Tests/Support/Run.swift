import Foundation

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

    public static func command(_ path: String, _ args: [String], stdin: String? = nil,
                               environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

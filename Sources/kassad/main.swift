#if canImport(Glibc)
import Glibc
#endif
import KassaRuntime

/// kassad: the Kassa register's supervisor. Everything lives in KassaRuntime; this is only `main`.
func processEnvironment() -> [String: String] {
    var environment: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
        let pair = String(cString: pointer)
        if let eq = pair.firstIndex(of: "=") { environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
        entry += 1
    }
    return environment
}

exit(Supervisor.main(Array(CommandLine.arguments.dropFirst()), environment: processEnvironment()))

import Glibc

/// A fresh directory under /tmp for one test, removed afterwards.
public final class TemporaryDirectory {
    public let path: String
    public init() {
        var template = Array("/tmp/kassa-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    deinit { _ = system("rm -rf '\(path)'") }
}

// libFuzzer's entry for the "ipc" target (.ci/fuzz builds it with FuzzInputs.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzInputs.targets["ipc"]!(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

// libFuzzer's entry for the "devices" target (.ci/fuzz builds it with FuzzInputs.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzInputs.targets["devices"]!(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

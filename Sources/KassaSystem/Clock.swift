import Glibc

/// Milliseconds of CLOCK_MONOTONIC: for timeouts and stall detection, never for the register's time.
public func monotonicMilliseconds() -> Int64 {
    let ts = monotonicNow()
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Nanoseconds of CLOCK_MONOTONIC, for measuring.
public func monotonicNanoseconds() -> UInt64 {
    let ts = monotonicNow()
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

private func monotonicNow() -> timespec {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts
}

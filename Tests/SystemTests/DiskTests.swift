import Foundation
import Testing
import KassaIPC
import KassaTestSupport

/// A small tmpfs of our own, mounted for one test (we run as root in CI).
final class ScratchMount {
    let path: String
    let mounted: Bool

    init(sizeMegabytes: Int) {
        path = NSTemporaryDirectory() + "kassa-mnt-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        mounted = (try? Run.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(sizeMegabytes)m", "tmpfs", path]).status) == 0
    }

    func remount(readOnly: Bool) -> Bool {
        (try? Run.command("/bin/mount", ["-o", "remount," + (readOnly ? "ro" : "rw"), path]).status) == 0
    }

    deinit {
        _ = try? Run.command("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Whether this machine lets us mount at all (root with the right to mount): tried once.
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        return ScratchMount(sizeMegabytes: 1).mounted
    }()
}

@Suite("Disks that fill up or go read-only", .enabled(if: ScratchMount.available))
struct DiskTests {
    @Test func aReadOnlyFileSystemAtStartMeansAReadOnlyRegisterThatSaysWhy() throws {
        let mount = ScratchMount(sizeMegabytes: 16)
        try #require(mount.mounted)
        let d = Daemon(stateUnder: mount.path)
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        _ = try c.call(.saleScan, args: ["code": "101"])
        _ = try c.call(.saleTender, args: ["kind": "card", "amount": 290])
        #expect(d.stop() == 0)

        try #require(mount.remount(readOnly: true))
        try d.start()
        let ro = try d.client()
        let status = try ro.call(.status)
        #expect(status["journal"]?["mode"]?.stringValue == "read_only")
        #expect(status["journal"]?["reason"]?.stringValue?.contains("cannot be written") == true)
        #expect(status["alarms"]?.arrayValue?.contains { $0["code"]?.stringValue == "journal_read_only" } == true)
        #expect(ro.errorCode(.saleScan, ["code": "101"]) == .readOnly)
        #expect(try ro.xReport()["report"]?["sales"]?.intValue == 1)
        #expect(d.stop() == 0)
        _ = mount.remount(readOnly: false)
    }

    @Test func aFullDiskRefusesTheNextSaleFinishesTheStartedOneAndSellsAgainWhenFreed() throws {
        let mount = ScratchMount(sizeMegabytes: 8)
        try #require(mount.mounted)
        let d = Daemon(stateUnder: mount.path)
        try d.start()
        let c = try d.client()
        try c.readyToSell()
        // Fill every free byte: kassad keeps only the space it reserved ahead.
        let filler = mount.path + "/filler"
        _ = try Run.command("/bin/dd", ["if=/dev/zero", "of=" + filler, "bs=64k"])
        var refusal: IPCError?
        var completed = 0
        selling: for _ in 0..<2000 {
            for _ in 0..<20 {
                switch c.attempt(.saleScan, ["code": "101"]) {
                case .success: continue
                case .failure(let e):
                    refusal = e
                    break selling
                }
            }
            guard case .success = c.attempt(.saleTender, ["kind": "card", "amount": .int(Int64(20 * 290))]) else { break }
            completed += 1
        }
        let error = try #require(refusal, "the disk never filled")
        #expect(error.code == .refused)
        #expect(error.message.contains("disk is full"))
        #expect(try c.call(.status)["alarms"]?.arrayValue?.contains { $0["code"]?.stringValue == "disk_low" } == true)
        #expect(d.process?.isRunning == true)
        #expect(try c.xReport()["report"]?["sales"]?.intValue == Int64(completed))

        try FileManager.default.removeItem(atPath: filler)
        var resumed = false
        for _ in 0..<50 {
            if case .success = c.attempt(.saleScan, ["code": "101"]) {
                resumed = true
                break
            }
            usleep(200_000)
        }
        #expect(resumed, "selling did not resume once space was freed")
        #expect(d.stop() == 0)
        #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)
    }
}

/// systemd's fallback after kassad failed too often: a kassad that records nothing and says why.
@Suite struct ReadOnlyStartTests {
    @Test func aReadOnlyKassadServesWhatItHasRefusesTheRestAndSaysWhyEvenWithABrokenConfiguration() throws {
        let d = Daemon()
        try d.start()
        do {
            let c = try d.client()
            try c.readyToSell()
            _ = try c.call(.saleScan, args: ["code": "101"])
            _ = try c.call(.saleTender, args: ["kind": "cash", "amount": 10_000])
        }
        #expect(d.stop() == 0)
        let before = try d.kassa(["journal", "dump", "--state-dir", d.stateDirectory]).out
        let broken = d.directory + "/broken.conf"
        try "[register]\nid = demo-1\ncurrency = XXX\n".write(toFile: broken, atomically: true, encoding: .utf8)
        d.setArguments(["--demo", "--read-only", "--config", broken])
        try d.start()
        let c = try d.client()
        let status = try c.call(.status)
        #expect(status["journal"]?["mode"]?.stringValue == "read_only")
        let alarm = status["alarms"]?.arrayValue?.first { $0["code"]?.stringValue == "journal_read_only" }?["message"]?.stringValue ?? ""
        #expect(alarm.contains("started read-only") && alarm.contains("configuration file is broken"), "\(alarm)")
        #expect(try c.xReport()["report"] != nil)
        #expect(c.errorCode(.login, ["pin": "1111"]) == .readOnly)
        #expect(try c.call(.receiptReprint, args: ["receipt": 1])["text"]?.arrayValue?.isEmpty == false)
        #expect(d.stop() == 0)
        #expect(try d.kassa(["journal", "dump", "--state-dir", d.stateDirectory]).out == before)
    }
}

/// A disk whose fsync fails: the writer fails closed, nothing unrecorded is acknowledged, kassad
/// exits for its restart, and the restart replays what is really there.
@Suite struct FsyncFailureTests {
    /// An LD_PRELOAD shim: fdatasync fails with EIO from its Nth call on.
    static let shim = """
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <errno.h>
        #include <stdlib.h>
        static int calls;
        int fdatasync(int fd) {
            static int (*real)(int);
            if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
            const char *after = getenv("KASSA_TEST_FAIL_FDATASYNC_AFTER");
            if (after && ++calls > atoi(after)) { errno = EIO; return -1; }
            return real(fd);
        }
        """

    @Test func aFailedFsyncIsNeverAcknowledgedAndKassadExitsToReplay() throws {
        let d = Daemon()
        let source = d.directory + "/fail_fdatasync.c"
        let library = d.directory + "/fail_fdatasync.so"
        try Self.shim.write(toFile: source, atomically: true, encoding: .utf8)
        let cc = try Run.command("/usr/bin/cc", ["-shared", "-fPIC", "-o", library, source, "-ldl"])
        try #require(cc.status == 0, "\(cc.stderr)")

        // Count the fsyncs of a start and one sale, then fail the second sale's.
        try d.start()
        do {
            let c = try d.client()
            try c.readyToSell()
        }
        #expect(d.stop() == 0)
        d.setEnvironment(["LD_PRELOAD": library, "KASSA_TEST_FAIL_FDATASYNC_AFTER": "4"])
        try d.start()
        let c = try d.client()
        var acknowledged = 0
        var failure: IPCError?
        for _ in 0..<20 where failure == nil {
            _ = c.attempt(.login, ["pin": "1111"])
            switch c.attempt(.saleScan, ["code": "101"]) {
            case .failure(let e): failure = e
            case .success:
                switch c.attempt(.saleTender, ["kind": "card", "amount": 290]) {
                case .failure(let e): failure = e
                case .success: acknowledged += 1
                }
            }
        }
        let error = try #require(failure, "fdatasync never failed")
        #expect(error.code == .internal || error.code == .readOnly, "\(error)")
        let p = try #require(d.process)
        p.waitUntilExit()
        #expect(p.terminationStatus == 75)
        #expect(d.log.contains("the journal's writer failed"))

        d.setEnvironment([:])
        try d.start()
        let again = try d.client()
        let x = try again.xReport()
        let sales = x["report"]?["sales"]?.intValue ?? -1
        // Every acknowledged sale is there; the one whose fsync failed was never acknowledged
        // and may or may not have reached the disk.
        #expect(sales >= Int64(acknowledged) && sales <= Int64(acknowledged) + 1, "\(sales) vs \(acknowledged)")
        #expect(try d.kassa(["journal", "verify", "--state-dir", d.stateDirectory]).status == 0)
    }
}

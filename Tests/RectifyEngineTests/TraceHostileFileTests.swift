import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import RectifyEngine

/// Files that are not what a trace reader expects (issue 12): each one must be a one-line error
/// naming the file, never a crash, a hang or garbage logits.
@Suite("Trace: hostile files")
struct TraceHostileFileTests {
    /// `[3 steps, 4 tokens, 2 experts]` of small finite values.
    static let values: [Float] = (0..<24).map { Float($0 % 5) - 2 }

    /// Sets the modification time well into the past, so a rewrite in the same clock tick still moves it.
    static func age(_ path: String) {
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, path, &times, 0)
    }

    @Test("a trace truncated while it is replayed is an error naming the file and step, not SIGBUS")
    func truncatedMidReplay() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("t.npy", TraceNpyBytes.float32File(Self.values, shape: [3, 4, 2]))
        let source = try TraceSource(path: path)
        #expect(try source.nextBatch()?.logits == Array(Self.values[0..<8]))
        #expect(truncate(path, 64) == 0)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try source.nextBatch() }
        #expect(message == "\(path): step 1: changed while it was being read: it was 224 bytes, now 64", "\(message ?? "no error")")
    }

    /// Looped, the whole first pass is read before the rewrite, so step 1 comes from the kept steps.
    @Test("a trace rewritten in place while it is replayed is an error naming the file and step, looped (kept) or not",
          arguments: [(false, 1), (true, 4)])
    func rewrittenMidReplay(loop: Bool, readBefore: Int) throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("t.npy", TraceNpyBytes.float32File(Self.values, shape: [3, 4, 2]))
        Self.age(path)
        let source = try TraceSource(path: path, loop: loop)
        for _ in 0..<readBefore { _ = try source.nextBatch() }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 128 + 32)   // step 1, same size
        try handle.write(contentsOf: TraceNpyBytes.float32([Float](repeating: 9, count: 8)))
        try handle.close()
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try source.nextBatch() }
        #expect(message == "\(path): step 1: changed while it was being read: rewritten in place (modification time moved)",
                "\(message ?? "no error")")
    }

    @Test("a looped trace kept in memory still finds the file truncated after its first pass")
    func keptLoopTruncated() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("u.npy", TraceNpyBytes.float32File(Self.values, shape: [3, 4, 2]))
        let looped = try TraceSource(path: path, loop: true)
        for _ in 0..<3 { _ = try looped.nextBatch() }
        #expect(truncate(path, 64) == 0)
        let truncated = traceErrorMessage { () throws(WorkloadError) in _ = try looped.nextBatch() }
        #expect(truncated == "\(path): step 0: changed while it was being read: it was 224 bytes, now 64",
                "\(truncated ?? "no error")")
    }

    @Test("a FIFO is refused without opening it (never blocks)")
    func fifo() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("pipe.npy").path
        #expect(mkfifo(path, 0o644) == 0)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
        #expect(message == "\(path): is a named pipe (FIFO), not a .npy file")
    }

    @Test("/dev/zero is refused as a character device")
    func devZero() {
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: "/dev/zero") }
        #expect(message == "/dev/zero: is a character device, not a .npy file")
    }

    @Test("a symlink loop is named as one")
    func symlinkLoop() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let a = directory.url.appendingPathComponent("a.npy").path, b = directory.url.appendingPathComponent("b.npy").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: a) }
        #expect(message == "\(a): symbolic link loop (too many levels of symbolic links)")
    }

    @Test("an unreadable file says permission denied (skipped as root, which reads anything)", .enabled(if: geteuid() != 0))
    func unreadable() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("locked.npy", TraceNpyBytes.float32File([1, 2], shape: [1, 2]))
        #expect(chmod(path, 0) == 0)
        #expect(traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) } == "\(path): permission denied")
    }

    @Test("the reason given for EACCES (what an unreadable file gets) is permission denied")
    func permissionReason() {
        #expect(FileAccessError(path: "/x", errno: EACCES).reason == "permission denied")
    }

    @Test("a header-length field shorter than the header is named, not decoded as data")
    func shortHeaderLengthField() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        var bytes = TraceNpyBytes.float32File([1, 2, 3, 4], shape: [2, 2])
        #expect(bytes[8] == 118 && bytes[9] == 0)
        bytes[8] = 114  // four bytes short: the header's last padding and its newline become "data"
        let path = try directory.write("short.npy", bytes)
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
        #expect(message == "\(path): .npy header-length field says 114 bytes, but the header runs to its newline at byte 127 "
                + "(118 bytes); the field is too short", "\(message ?? "no error")")
    }

    @Test("bytes after the data are an error, as is a file shorter than its shape")
    func sizeMismatch() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        let long = try directory.write("long.npy", TraceNpyBytes.float32File([1, 2, 3, 4], shape: [2, 2]) + [0, 0, 0, 0, 0])
        #expect(traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: long) }
                == "\(long): 5 bytes after the data: shape [2, 2] of '<f4' needs 16 bytes after the 128-byte header, the file has 21; "
                + "a .npy file holds exactly its array")
        let short = try directory.write("short.npy", Array(TraceNpyBytes.float32File([1, 2, 3, 4], shape: [2, 2]).dropLast(3)))
        #expect(traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: short) }
                == "\(short): data is truncated: shape [2, 2] of '<f4' needs 16 bytes after the 128-byte header, the file has 13")
    }

    @Test("a huge header-length field is refused before anything is read")
    func hugeHeaderLength() throws {
        let directory = try TraceTemporaryDirectory()
        defer { directory.remove() }
        var bytes = TraceNpyBytes.float32File([1, 2], shape: [1, 2], version: 2)
        bytes[8...11] = [0xFF, 0xFF, 0xFF, 0x7F]
        let path = try directory.write("huge.npy", bytes)
        #expect(traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(path: path) }
                == "\(path): .npy header-length field says 2147483647 bytes, more than the 65536 accepted")
    }

    @Test("deeply nested brackets in the header are an error, not a stack overflow")
    func deepNesting() throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: 5000) + "}"
        let bytes = TraceNpyBytes.file(header: header, payload: [])
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(data: Data(bytes), path: "deep.npy") }
        #expect(message?.hasPrefix("deep.npy: malformed .npy header: brackets nested more than 16 deep") == true, "\(message ?? "no error")")
    }

    @Test("a dtype with a huge size is refused without overflowing (found by the fuzz test)")
    func hugeDTypeSize() {
        let bytes = TraceNpyBytes.file(header: TraceNpyBytes.dictionary(descr: "<f4611686018427387904", shape: [1]), payload: [])
        let message = traceErrorMessage { () throws(WorkloadError) in _ = try NpyArray(data: Data(bytes), path: "big.npy") }
        #expect(message?.hasPrefix("big.npy: dtype '<f4611686018427387904' is not supported") == true, "\(message ?? "no error")")
    }
}

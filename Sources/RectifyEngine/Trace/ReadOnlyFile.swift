#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file opened for `pread`, and what it looked like when it was opened.
///
/// Traces are read with `pread` rather than mapped: a mapped file that another program truncates
/// kills the reader with SIGBUS, while a short read is an error that can name the file. The file
/// is checked against its opening `stat` (size, modification time) so a file rewritten in place is
/// noticed too. `pread` keeps no shared offset, so several threads may read one file at once.
public final class ReadOnlyFile: Sendable {
    /// The path as given; starts every error message.
    public let path: String
    /// The size when opened.
    public let size: Int
    private let descriptor: Int32
    private let opened: Identity

    /// What a file's `stat` says that a rewrite changes.
    struct Identity: Equatable {
        let size: Int
        let seconds: Int
        let nanoseconds: Int

        init(_ info: stat) {
            size = Int(info.st_size)
            (seconds, nanoseconds) = info.modificationTime
        }
    }

    /// Opens `path`, which must be a regular file; `noun` ("a .npy file", "a sidecar") ends the
    /// message when it is something else. Never blocks: a FIFO is refused before it is opened, and
    /// `O_NONBLOCK` covers one swapped in between.
    public init(path: String, noun: String) throws(WorkloadError) {
        switch FileKind.of(path) {
        case .failure(let error): throw WorkloadError("\(path): \(error.reason)")
        case .success(.regular): break
        case .success(let kind): throw WorkloadError("\(path): is \(kind.phrase), not \(noun)")
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw WorkloadError("\(path): \(FileAccessError(path: path, errno: errno).reason)") }
        var info = stat()
        guard fstat(descriptor, &info) == 0, FileKind(mode: info.st_mode) == .regular else {
            close(descriptor)
            throw WorkloadError("\(path): is \(FileKind(mode: info.st_mode).phrase), not \(noun)")
        }
        self.path = path
        self.descriptor = descriptor
        self.opened = Identity(info)
        self.size = opened.size
    }

    deinit { close(descriptor) }

    /// Fills `buffer` from byte `offset`; a file that ends early or cannot be read is an error
    /// naming the file, then `context` ("step 3") when given.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, context: String = "") throws(WorkloadError) {
        let prefix = context.isEmpty ? path : "\(path): \(context)"
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if got > 0 {
                done += got
            } else if got == 0 {
                throw WorkloadError("\(prefix): \(changeDescription() ?? "ends at byte \(offset + done), expected \(offset + buffer.count)")")
            } else if errno != EINTR {
                throw WorkloadError("\(prefix): read failed at byte \(offset + done): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads the whole file (small files: sidecars, headers).
    func readAll(limit: Int) throws(WorkloadError) -> [UInt8] {
        let count = min(size, limit)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { buffer.deallocate() }
        try read(into: buffer, at: 0)
        return [UInt8](buffer)
    }

    /// `nil` while the file is as it was opened; otherwise what changed, as a phrase.
    public func changeDescription() -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return "can no longer be examined: \(String(cString: strerror(errno)))" }
        let now = Identity(info)
        if now == opened { return nil }
        if now.size != opened.size {
            return "changed while it was being read: it was \(opened.size) bytes, now \(now.size)"
        }
        return "changed while it was being read: rewritten in place (modification time moved)"
    }

    /// Throws when the file changed since it was opened; `context` as for `read`.
    public func checkUnchanged(context: String = "") throws(WorkloadError) {
        if let change = changeDescription() {
            throw WorkloadError((context.isEmpty ? path : "\(path): \(context)") + ": \(change)")
        }
    }
}

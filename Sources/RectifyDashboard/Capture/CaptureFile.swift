#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for writing with plain write(2): each call hands the kernel whole lines, so a
/// process that dies between calls leaves complete lines behind (no user-space buffer to lose).
final class CaptureFile {
    let path: String
    private var descriptor: Int32

    /// Creates (or, unless `exclusive`, truncates) the file.
    init(creating path: String, exclusive: Bool = false) throws(CaptureError) {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        descriptor = open(path, flags, 0o644)
        guard descriptor >= 0 else { throw CaptureError("cannot write \(path): \(Self.reason())") }
    }

    deinit { close() }

    /// Writes all of `text`.
    func write(_ text: String) throws(CaptureError) {
        guard descriptor >= 0 else { throw CaptureError("cannot write \(path): already closed") }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                posixWrite(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw CaptureError("cannot write \(path): \(Self.reason())")
            }
            offset += written
        }
    }

    func close() {
        guard descriptor >= 0 else { return }
        posixClose(descriptor)
        descriptor = -1
    }

    static func reason() -> String { String(cString: strerror(errno)) }
}

/// write(2) and close(2), out of reach inside `CaptureFile`, whose methods shadow them.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

private func posixClose(_ descriptor: Int32) {
    _ = close(descriptor)
}

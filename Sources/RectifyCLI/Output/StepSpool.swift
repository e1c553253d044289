import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-step text of a run, one temporary file per mode, so a run of a million steps holds its
/// totals in memory and not its rows. The files are unlinked as soon as they are open: nothing is
/// left behind, whatever ends the process. The text goes to standard output only once the whole
/// run has succeeded (`drain`), as with every format.
final class StepSpool {
    private var descriptors: [Int32] = []

    /// Opens one file per mode in the temporary folder (`TMPDIR`, else /tmp).
    init(modes: Int) throws(CLIError) {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        for _ in 0..<modes {
            var template = Array((folder + "/rectify-run-XXXXXX").utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                let descriptor = mkstemp(base)
                if descriptor >= 0 { unlink(base) }
                return descriptor
            }
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                closeAll()
                throw .runtime("cannot create a temporary file in \(folder) for the run's steps: \(reason)")
            }
            descriptors.append(descriptor)
        }
    }

    deinit { closeAll() }

    /// Appends `text` to mode `index`'s file.
    func append(_ index: Int, _ text: String) throws(CLIError) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(descriptors[index], buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw .runtime("cannot write the run's steps to a temporary file: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        bytes.removeAll()
    }

    /// Hands mode `index`'s text to `body` in pieces of at most 1 MiB, from the start.
    func drain(_ index: Int, _ body: (Data) throws(CLIError) -> Void) throws(CLIError) {
        let descriptor = descriptors[index]
        guard lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw .runtime("cannot read back the run's steps: \(String(cString: strerror(errno)))")
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw .runtime("cannot read back the run's steps: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            try body(Data(buffer[0..<count]))
        }
    }

    private func closeAll() {
        for descriptor in descriptors { _ = close(descriptor) }
        descriptors = []
    }
}

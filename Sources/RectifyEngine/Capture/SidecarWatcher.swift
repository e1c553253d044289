import Foundation

/// Keeps the sidecars of one layer folder current while a writer adds and replaces them.
///
/// Polled several times a second, so only sidecars that are new or changed (by inode, size and
/// modification time: a restarted writer replaces files under the same names) are parsed again.
final class SidecarWatcher {
    let folder: String
    private var entries: [String: Entry] = [:]

    private struct Entry {
        let fingerprint: Fingerprint
        let result: Result<CaptureSidecar, WorkloadError>
    }

    init(folder: String) { self.folder = folder }

    /// The folder's readable sidecars now, and the errors of the unreadable ones (new ones first
    /// seen in this call are in `freshProblems`); `nil` when the folder does not exist.
    func poll(check: (CaptureSidecar) throws(WorkloadError) -> Void) -> (sidecars: [CaptureSidecar], freshProblems: [WorkloadError])? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            entries.removeAll()
            return nil
        }
        var next: [String: Entry] = [:]
        var fresh: [WorkloadError] = []
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = folder + "/" + name
            guard let fingerprint = Fingerprint(path: path) else { continue }
            if let known = entries[name], known.fingerprint == fingerprint {
                next[name] = known
                continue
            }
            let result = Result { () throws(WorkloadError) -> CaptureSidecar in
                let sidecar = try CaptureSidecar(path: path)
                try check(sidecar)
                return sidecar
            }
            if case .failure(let error) = result { fresh.append(error) }
            next[name] = Entry(fingerprint: fingerprint, result: result)
        }
        entries = next
        let sidecars = entries.values.compactMap { try? $0.result.get() }
        return (sidecars, fresh)
    }

    /// Whether the sidecars are still the files that were read (a writer may replace a step
    /// while it is being loaded; then the load is not trusted).
    func unchanged(_ sidecars: [CaptureSidecar]) -> Bool {
        sidecars.allSatisfy { sidecar in
            let name = URL(fileURLWithPath: sidecar.path).lastPathComponent
            guard let known = entries[name] else { return false }
            return Fingerprint(path: sidecar.path) == known.fingerprint
        }
    }
}

/// Identity and version of a file as `stat` reports it.
struct Fingerprint: Equatable {
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}

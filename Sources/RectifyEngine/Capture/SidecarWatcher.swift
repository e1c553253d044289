import Foundation

/// Tells a follower which sidecars of one layer folder appeared, changed or went away.
///
/// Polled ten times a second over folders that grow to tens of thousands of files, so most polls
/// cost one `stat` of the folder: adding, renaming or deleting a file changes the folder's
/// modification time, and the folder is listed again only then. File system clocks tick coarsely
/// (milliseconds), so a change in the same tick as the one before leaves the time as it was: a
/// listing made while the folder's time was still recent is not trusted, and the next poll lists
/// again. The folder is also listed at least once a second (a clock that disagrees with ours, as
/// on a network file system), and at every poll while a sidecar is unreadable (it may be mended in
/// place). Writers rename a new file over the old name
/// (docs/capture-format.md), which gives it a new inode, so the listing's inode tells a known
/// file from a replaced one: only new names, unreadable sidecars and file systems that list no
/// inodes cost a `stat` each, and only new or replaced sidecars are parsed.
final class SidecarWatcher {
    let folder: String
    /// How long an unchanged-looking folder goes without being listed (a second; tests vary it).
    let relistInterval: Duration
    /// How old the folder's modification time must be, when it is listed, for that listing to be
    /// trusted until the time changes: several ticks of any file system clock.
    static let settledAge = 0.05
    private var known: [String: KnownFile] = [:]
    private var unreadable = 0
    /// The folder as it was just before the last listing, when that was, and whether its time was
    /// old enough then that a later change must move it.
    private var listed: (folder: Fingerprint, at: ContinuousClock.Instant, settled: Bool)?
    /// Listings so far (the tests check that unchanged folders are not listed).
    private(set) var listings = 0

    /// What a poll found since the previous one.
    struct Changes {
        /// Readable sidecars that are new or replaced.
        var sidecars: [CaptureSidecar] = []
        /// Paths whose earlier sidecar is gone: deleted, replaced, or now unreadable.
        var gone: [String] = []
        /// Errors of sidecars found unreadable in this poll.
        var freshProblems: [WorkloadError] = []
    }

    /// A file as it was when parsed (plain values: polls copy these by the thousand).
    private struct KnownFile {
        /// From the listing; 0 when the file system gives none.
        let listedInode: UInt64
        let fingerprint: Fingerprint
        let readable: Bool

        func isCurrent(listedInode listed: UInt64, path: String) -> Bool {
            if readable, listed != 0, listed == listedInode { return true }
            return listed == listedInode && Fingerprint(path: path) == fingerprint
        }
    }

    init(folder: String, relistInterval: Duration = .seconds(1)) {
        self.folder = folder
        self.relistInterval = relistInterval
    }

    /// The changes since the previous poll (at the first, every sidecar is new); `nil` when the
    /// folder does not exist (then every known sidecar is forgotten).
    func poll(check: (CaptureSidecar) throws(WorkloadError) -> Void) -> Changes? {
        let now = ContinuousClock.now
        let wallClock = Date().timeIntervalSince1970
        guard let folderNow = Fingerprint(path: folder) else { return vanished() }
        if unreadable == 0, let listed, listed.settled, listed.folder == folderNow, now - listed.at < relistInterval {
            return Changes()
        }
        guard let listing = FolderListing(path: folder) else { return vanished() }
        listed = (folderNow, now, wallClock - folderNow.modified > Self.settledAge)
        listings += 1
        var changes = Changes()
        let knownBefore = known.count
        var stillListed = 0
        for item in listing.entries where CaptureLayerFolder.isSidecar(item.name) {
            let path = folder + "/" + item.name
            if let file = known[item.name] {
                stillListed += 1
                if file.isCurrent(listedInode: item.inode, path: path) { continue }
                forget(item.name, file, path: path, into: &changes)
            }
            guard let fingerprint = Fingerprint(path: path) else { continue }
            do throws(WorkloadError) {
                let sidecar = try CaptureSidecar(path: path)
                try check(sidecar)
                changes.sidecars.append(sidecar)
                known[item.name] = KnownFile(listedInode: item.inode, fingerprint: fingerprint, readable: true)
            } catch {
                changes.freshProblems.append(error)
                known[item.name] = KnownFile(listedInode: item.inode, fingerprint: fingerprint, readable: false)
                unreadable += 1
            }
        }
        if stillListed < knownBefore {
            let names = Set(listing.entries.map(\.name))
            for (name, file) in known where !names.contains(name) {
                forget(name, file, path: folder + "/" + name, into: &changes)
            }
        }
        return changes
    }

    /// The folder is gone: everything known about it is forgotten.
    private func vanished() -> Changes? {
        known.removeAll()
        unreadable = 0
        listed = nil
        return nil
    }

    private func forget(_ name: String, _ file: KnownFile, path: String, into changes: inout Changes) {
        known[name] = nil
        if file.readable { changes.gone.append(path) } else { unreadable -= 1 }
    }

    /// Whether the sidecars are still the files that were read (a writer may replace a step
    /// while it is being loaded; then the load is not trusted).
    func unchanged(_ sidecars: [CaptureSidecar]) -> Bool {
        sidecars.allSatisfy { sidecar in
            let name = URL(fileURLWithPath: sidecar.path).lastPathComponent
            guard let file = known[name] else { return false }
            return Fingerprint(path: sidecar.path) == file.fingerprint
        }
    }
}

/// Identity and version of a file as `stat` reports it.
struct Fingerprint: Equatable {
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    /// The modification time in seconds since 1970.
    var modified: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        (seconds, nanoseconds) = info.modificationTime
    }
}

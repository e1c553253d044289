#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder's entries with their inode numbers, as `readdir` gives them.
///
/// A follower lists a folder of tens of thousands of sidecars ten times a second. Writers replace
/// files by renaming a new file over the old name (docs/capture-format.md), which always changes
/// the inode, so the inode from the listing tells a replaced file from a known one without a
/// `stat` per file.
struct FolderListing {
    struct Entry {
        let name: String
        /// 0 where the file system does not report one; then the caller must `stat`.
        let inode: UInt64
    }

    let entries: [Entry]

    /// `nil` when the folder cannot be opened (it does not exist, or is not a folder).
    init?(path: String) {
        guard let folder = opendir(path) else { return nil }
        defer { closedir(folder) }
        var entries: [Entry] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries.append(Entry(name: name, inode: UInt64(entry.pointee.d_ino)))
        }
        self.entries = entries
    }
}

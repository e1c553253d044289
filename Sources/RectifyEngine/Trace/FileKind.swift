#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, found with `stat` before anything opens it.
///
/// Opening a FIFO for reading blocks until a writer appears, and a device such as `/dev/zero`
/// never ends; looking first turns both, and symlink loops or missing permissions, into a
/// one-line error that names the path.
enum FileKind: Equatable {
    case regular
    case directory
    case fifo
    case characterDevice
    case blockDevice
    case socket
    case other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// "a named pipe (FIFO)" and the like, for "X is ..., not a ..." messages.
    var phrase: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .fifo: "a named pipe (FIFO)"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .socket: "a socket"
        case .other: "not a regular file"
        }
    }

    /// What `path` names (symlinks followed), or the reason it cannot be looked at.
    static func of(_ path: String) -> Result<FileKind, FileAccessError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(FileAccessError(path: path, errno: errno)) }
        return .success(FileKind(mode: info.st_mode))
    }
}

/// A failed system call on a path, as one phrase a user can act on.
struct FileAccessError: Error, Equatable {
    let path: String
    let code: Int32

    init(path: String, errno code: Int32) {
        self.path = path
        self.code = code
    }

    /// Whether the path does not exist (a dangling symlink counts).
    var isMissing: Bool { code == ENOENT }

    /// The reason without the path: "no such file", "permission denied", ...
    var reason: String {
        switch code {
        case ENOENT:
            var info = stat()
            return lstat(path, &info) == 0 && FileKind(mode: info.st_mode) == .other && (info.st_mode & S_IFMT) == S_IFLNK
                ? "symbolic link to a missing file" : "no such file"
        case ELOOP: return "symbolic link loop (too many levels of symbolic links)"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a component of the path is not a folder"
        case ENAMETOOLONG: return "path too long"
        default: return String(cString: strerror(code))
        }
    }
}

/// Whether anything is at `path`, a dangling or looping symlink included: such a path must be
/// read (and fail with its reason) rather than be taken for absent.
public func pathExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}

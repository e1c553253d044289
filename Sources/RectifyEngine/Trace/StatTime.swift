#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension stat {
    /// The modification time, seconds and nanoseconds since 1970. The one place that knows the
    /// field's name: `st_mtim` on Linux, `st_mtimespec` on Darwin.
    var modificationTime: (seconds: Int, nanoseconds: Int) {
        #if canImport(Darwin)
        let time = st_mtimespec
        #else
        let time = st_mtim
        #endif
        return (Int(time.tv_sec), Int(time.tv_nsec))
    }
}

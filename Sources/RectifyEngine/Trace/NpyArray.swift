import Foundation

/// A NumPy `.npy` file of little-endian floats, memory-mapped and decoded on demand.
///
/// The file is mapped rather than read so a long 3-D trace costs address space, not memory:
/// callers decode one range of elements (one step) at a time into `[Float]`.
public struct NpyArray: Sendable {
    /// The path as given, used to start every error message.
    public let path: String
    public let header: NpyHeader
    /// Number of elements, the product of the shape.
    public let count: Int
    private let storage: Data

    public var dtype: NpyDType { header.dtype }
    public var shape: [Int] { header.shape }

    /// Maps the file at `path` and checks its header and length.
    public init(path: String) throws(WorkloadError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WorkloadError("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw WorkloadError("\(path): is a directory, not a .npy file") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            let reason = String(describing: error.localizedDescription).replacingOccurrences(of: "\n", with: " ")
            throw WorkloadError("\(path): cannot read: \(reason)")
        }
        try self.init(data: data, path: path)
    }

    /// Uses `data` as the file's contents; `path` only names it in errors.
    public init(data: Data, path: String) throws(WorkloadError) {
        // `withUnsafeBytes` rethrows untyped errors, so carry the typed one out in a `Result`.
        let header = try data.withUnsafeBytes { raw in
            Result { () throws(WorkloadError) -> NpyHeader in try NpyHeader(bytes: raw, path: path) }
        }.get()
        var count = 1
        for dimension in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw WorkloadError("\(path): shape \(header.shape) is too large") }
            count = product
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: header.dtype.byteCount)
        let available = data.count - header.dataOffset
        guard !overflow, needed <= available else {
            throw WorkloadError(
                "\(path): data is truncated: shape \(header.shape) of '\(header.dtype.rawValue)' needs \(needed) bytes "
                    + "after the \(header.dataOffset)-byte header, the file has \(available)")
        }
        self.path = path
        self.header = header
        self.count = count
        self.storage = data
    }

    /// Decodes elements `range` (flat C-order indices) to `Float`.
    public func decode(_ range: Range<Int>) -> [Float] {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "element range outside the array")
        let dtype = header.dtype
        let start = header.dataOffset + range.lowerBound * dtype.byteCount
        return storage.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: range.count) { buffer, initialized in
                switch dtype {
                case .float32:
                    for index in 0..<range.count {
                        let bits = raw.loadUnaligned(fromByteOffset: start + index * 4, as: UInt32.self)
                        buffer[index] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                case .float16:
                    for index in 0..<range.count {
                        let bits = raw.loadUnaligned(fromByteOffset: start + index * 2, as: UInt16.self)
                        buffer[index] = floatFromHalfBits(UInt16(littleEndian: bits))
                    }
                }
                initialized = range.count
            }
        }
    }
}

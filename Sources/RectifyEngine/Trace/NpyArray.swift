import Foundation
import Synchronization

/// A NumPy `.npy` file of little-endian floats, read on demand with `pread`.
///
/// Only the header is read when it opens, so a long 3-D trace costs no memory up front: callers
/// read one range of elements (one step) at a time. The file is not mapped: a mapped file that
/// shrinks under the reader faults (SIGBUS), a read just comes back short and becomes an error.
public struct NpyArray: Sendable {
    /// The path as given, used to start every error message.
    public let path: String
    public let header: NpyHeader
    /// Number of elements, the product of the shape.
    public let count: Int
    private let storage: Storage

    /// Where the bytes are: an open file, or (for tests and callers that have them) memory.
    private enum Storage: Sendable {
        case file(ReadOnlyFile)
        case memory(Data)
    }

    public var dtype: NpyDType { header.dtype }
    public var shape: [Int] { header.shape }

    /// Opens the file at `path` and checks its header and length.
    public init(path: String) throws(WorkloadError) {
        let file = try ReadOnlyFile(path: path, noun: "a .npy file")
        let prefix = try file.readAll(limit: NpyHeader.prefixLength)
        let header = try prefix.withUnsafeBytes { raw in
            Result { () throws(WorkloadError) -> NpyHeader in try NpyHeader(bytes: raw, path: path) }
        }.get()
        try self.init(header: header, byteCount: file.size, storage: .file(file), path: path)
    }

    /// Uses `data` as the file's contents; `path` only names it in errors.
    public init(data: Data, path: String) throws(WorkloadError) {
        // `withUnsafeBytes` rethrows untyped errors, so carry the typed one out in a `Result`.
        let header = try data.withUnsafeBytes { raw in
            Result { () throws(WorkloadError) -> NpyHeader in try NpyHeader(bytes: raw, path: path) }
        }.get()
        try self.init(header: header, byteCount: data.count, storage: .memory(data), path: path)
    }

    /// Checks that the data after the header is exactly what the shape needs: less is a truncated
    /// file, more is one that was written twice or whose header lies, and either way not an array.
    private init(header: NpyHeader, byteCount: Int, storage: Storage, path: String) throws(WorkloadError) {
        var count = 1
        for dimension in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw WorkloadError("\(path): shape \(header.shape) is too large") }
            count = product
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: header.dtype.byteCount)
        let available = byteCount - header.dataOffset
        let what = "shape \(header.shape) of '\(header.dtype.rawValue)' needs \(overflow ? "more than \(Int.max)" : String(needed)) bytes "
            + "after the \(header.dataOffset)-byte header, the file has \(available)"
        guard !overflow, needed <= available else { throw WorkloadError("\(path): data is truncated: \(what)") }
        guard needed == available else {
            throw WorkloadError("\(path): \(available - needed) bytes after the data: \(what); a .npy file holds exactly its array")
        }
        self.path = path
        self.header = header
        self.count = count
        self.storage = storage
    }

    /// Decodes elements `range` (flat C-order indices) to `Float`; `context` ("step 3") follows
    /// the file's name in errors.
    public func decode(_ range: Range<Int>, context: String = "") throws(WorkloadError) -> [Float] {
        try read(range, parts: 1, context: context).values
    }

    /// Reads elements `range` in `parts` pieces at once, each also searched for NaN and infinities:
    /// the values, and the first non-finite one's index in `range` (`nil` when all are finite).
    public func read(_ range: Range<Int>, parts: Int, context: String = "") throws(WorkloadError)
        -> (values: [Float], nonFinite: Int?)
    {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "element range outside the array")
        let total = range.count
        let pieces = max(1, min(parts, total / Self.minimumPiece))
        let outcomes = PieceOutcomes(count: pieces)
        let values = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            // Float is trivial: a piece that failed leaves garbage, never touched, as the error is thrown.
            initialized = total
            guard let base = buffer.baseAddress else { return }
            let out = SharedBuffer(base, count: total)
            let array = self
            parallelChunks(count: pieces, workers: pieces) { piece, _ in
                let start = total * piece / pieces, end = total * (piece + 1) / pieces
                outcomes.set(piece, Result { () throws(WorkloadError) -> Int? in
                    // Read and scan in cache-sized runs: each run is scanned while it is still in
                    // cache, rather than the whole piece read back from memory.
                    var found: Int?
                    var at = start
                    while at < end {
                        let length = min(Self.scanRun, end - at)
                        let target = out.slice(at, length).buffer
                        try array.fill(target, from: range.lowerBound + at, context: context)
                        if found == nil { found = firstNonFinite(UnsafeBufferPointer(target)).map { at + $0 } }
                        at += length
                    }
                    return found
                })
            }
        }
        var nonFinite: Int?
        for piece in 0..<pieces {
            if let found = try outcomes.get(piece).get(), nonFinite == nil { nonFinite = found }
        }
        return (values, nonFinite)
    }

    /// Smallest piece worth a thread of its own (elements).
    static let minimumPiece = 1 << 16

    /// Elements read and scanned at a time within a piece (256 KiB of floats, within a core's cache).
    static let scanRun = 1 << 16

    /// Reads and converts elements `first..<first + target.count` into `target`.
    private func fill(_ target: UnsafeMutableBufferPointer<Float>, from first: Int, context: String) throws(WorkloadError) {
        let dtype = header.dtype
        let offset = header.dataOffset + first * dtype.byteCount
        switch (storage, dtype) {
        case (.file(let file), .float32):
            // Little-endian on disk and in memory here: read straight into the floats.
            try file.read(into: UnsafeMutableRawBufferPointer(target), at: offset, context: context)
            #if _endian(big)
            for index in target.indices { target[index] = Float(bitPattern: UInt32(littleEndian: target[index].bitPattern)) }
            #endif
        case (.file(let file), .float16):
            let halves = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: target.count)
            defer { halves.deallocate() }
            try file.read(into: UnsafeMutableRawBufferPointer(halves), at: offset, context: context)
            for index in target.indices { target[index] = floatFromHalfBits(UInt16(littleEndian: halves[index])) }
        case (.memory(let data), _):
            data.withUnsafeBytes { raw in
                for index in target.indices {
                    let at = offset + index * dtype.byteCount
                    target[index] = dtype == .float32
                        ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                        : floatFromHalfBits(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
                }
            }
        }
    }

    /// Throws when the file changed since it was opened (memory never does); `context` as for `read`.
    public func checkUnchanged(context: String = "") throws(WorkloadError) {
        if case .file(let file) = storage { try file.checkUnchanged(context: context) }
    }
}

/// Each piece's result of a parallel read, stored by its worker and read after the join.
private final class PieceOutcomes: Sendable {
    private let outcomes: Mutex<[Result<Int?, WorkloadError>]>

    init(count: Int) { outcomes = Mutex(Array(repeating: .success(nil), count: count)) }

    func set(_ index: Int, _ outcome: Result<Int?, WorkloadError>) { outcomes.withLock { $0[index] = outcome } }

    func get(_ index: Int) -> Result<Int?, WorkloadError> { outcomes.withLock { $0[index] } }
}

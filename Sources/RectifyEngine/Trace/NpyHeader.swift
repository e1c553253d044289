/// The preamble and header dictionary of an `.npy` file (NumPy format versions 1.0, 2.0, 3.0).
///
/// Layout: magic `\x93NUMPY`, major and minor version bytes, the header length (2 bytes
/// little-endian in 1.0, 4 bytes in 2.0 and 3.0), then the header dictionary (latin-1, or
/// UTF-8 in 3.0). The data follows at `dataOffset`. Only C-order arrays are accepted: the
/// trace reader slices steps out of the raw bytes, which needs rows to be contiguous.
public struct NpyHeader: Sendable, Equatable {
    /// Format version, e.g. 1 and 0 for "1.0".
    public let majorVersion: Int
    public let minorVersion: Int
    public let dtype: NpyDType
    public let shape: [Int]
    /// Byte offset of the first element from the start of the file.
    public let dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
    /// Longest header dictionary read: NumPy's own reader stops at 10,000 bytes by default; a
    /// trace's header is under 128, so this only keeps a corrupt length field from costing memory.
    static let maximumHeaderLength = 65_536
    /// Bytes a reader must look at to parse any acceptable header (and see past its stated end).
    static let prefixLength = 12 + maximumHeaderLength

    /// Parses the header at the start of `bytes`; errors begin with `path` and a colon.
    init(bytes: UnsafeRawBufferPointer, path: String) throws(WorkloadError) {
        guard bytes.count >= 10 else {
            throw WorkloadError("\(path): not a NumPy .npy file (only \(bytes.count) bytes, too short for the header)")
        }
        let leading = Array(bytes[0..<6])
        guard leading == Self.magic else {
            let shown = leading.map { byte in
                (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: false)
            }.joined()
            throw WorkloadError("\(path): not a NumPy .npy file (starts with \"\(shown)\", expected \"\\x93NUMPY\")")
        }
        let major = Int(bytes[6])
        let minor = Int(bytes[7])
        let lengthBytes: Int
        switch (major, minor) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default:
            throw WorkloadError("\(path): .npy format version \(major).\(minor) is not supported; accepted: 1.0, 2.0, 3.0")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw WorkloadError("\(path): truncated .npy header (file is \(bytes.count) bytes)")
        }
        var headerLength = 0
        for offset in 0..<lengthBytes {
            headerLength |= Int(bytes[8 + offset]) << (8 * offset)
        }
        let headerStart = 8 + lengthBytes
        guard headerLength <= Self.maximumHeaderLength else {
            throw WorkloadError(
                "\(path): .npy header-length field says \(headerLength) bytes, more than the \(Self.maximumHeaderLength) accepted")
        }
        let dataOffset = headerStart + headerLength
        guard dataOffset <= bytes.count else {
            throw WorkloadError(
                "\(path): truncated .npy header (header says \(headerLength) bytes after byte \(headerStart), file is \(bytes.count) bytes)")
        }
        let headerBytes = Array(bytes[headerStart..<dataOffset])
        let utf8 = major >= 3
        let dictionary: [String: NpyHeaderLiteral]
        do {
            dictionary = try NpyHeaderLiteral.parseDictionary(headerBytes, utf8: utf8)
        } catch {
            try Self.checkLengthField(bytes, headerStart: headerStart, headerLength: headerLength, utf8: utf8, path: path)
            throw WorkloadError("\(path): malformed .npy header: \(error.message)")
        }
        if headerBytes.last != 0x0A {
            try Self.checkLengthField(bytes, headerStart: headerStart, headerLength: headerLength, utf8: utf8, path: path)
        }

        guard let descr = dictionary["descr"] else { throw WorkloadError("\(path): .npy header has no 'descr'") }
        guard case .string(let descrText) = descr else {
            throw WorkloadError(
                "\(path): dtype \(descr.pythonDescription) is a structured dtype, not supported; \(NpyDType.acceptedList)")
        }
        guard let fortran = dictionary["fortran_order"] else {
            throw WorkloadError("\(path): .npy header has no 'fortran_order'")
        }
        guard case .bool(let fortranOrder) = fortran else {
            throw WorkloadError("\(path): .npy header 'fortran_order' is \(fortran.pythonDescription), expected True or False")
        }
        guard let shapeValue = dictionary["shape"] else { throw WorkloadError("\(path): .npy header has no 'shape'") }
        guard case .sequence(let items) = shapeValue else {
            throw WorkloadError("\(path): .npy header 'shape' is \(shapeValue.pythonDescription), expected a tuple of integers")
        }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let dimension) = item, dimension >= 0 else {
                throw WorkloadError(
                    "\(path): .npy header 'shape' is \(shapeValue.pythonDescription), expected non-negative integers")
            }
            shape.append(dimension)
        }
        let dtype = try NpyDType.parse(descrText, path: path)
        guard !fortranOrder || shape.count <= 1 else {
            throw WorkloadError(
                "\(path): array is stored in Fortran (column-major) order; only C order is supported (save it with np.ascontiguousarray)")
        }

        self.majorVersion = major
        self.minorVersion = minor
        self.dtype = dtype
        self.shape = shape
        self.dataOffset = dataOffset
    }

    /// NumPy ends the header with a newline after its padding. When the stated header does not,
    /// but a newline a little further on closes a header that parses, the length field is too short
    /// (and the data would be read from inside the header): say so rather than decode garbage.
    private static func checkLengthField(_ bytes: UnsafeRawBufferPointer, headerStart: Int, headerLength: Int, utf8: Bool,
                                         path: String) throws(WorkloadError) {
        let statedEnd = headerStart + headerLength
        let limit = min(bytes.count, headerStart + maximumHeaderLength)
        guard statedEnd < limit, let newline = bytes[statedEnd..<limit].firstIndex(of: 0x0A) else { return }
        let realLength = newline + 1 - headerStart
        guard (try? NpyHeaderLiteral.parseDictionary(Array(bytes[headerStart..<(newline + 1)]), utf8: utf8)) != nil else { return }
        throw WorkloadError(
            "\(path): .npy header-length field says \(headerLength) bytes, but the header runs to its newline at byte \(newline) "
                + "(\(realLength) bytes); the field is too short")
    }
}

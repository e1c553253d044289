/// A snapshot or recording file that could not be written, with the path and the reason.
public struct CaptureError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

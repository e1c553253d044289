/// A mouse action as the dashboard understands it: what happened and at which cell (0-based).
///
/// Only the actions the dashboard reacts to exist; the terminal side drops every other report.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Left button pressed and released (or pressed and held).
        case click
        case doubleClick
        case wheelUp
        case wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

import RectifyEngine

/// One value for each rectify mode, stored by the mode's index (`RectifyMode.index`): lookups by
/// mode without hashing, and a new mode needs no change here.
public struct PerMode<Value> {
    private var values: [Value]

    public init(_ make: (RectifyMode) throws -> Value) rethrows {
        values = try RectifyMode.allCases.map(make)
    }

    public subscript(mode: RectifyMode) -> Value {
        get { values[mode.index] }
        set { values[mode.index] = newValue }
    }
}

extension PerMode: Sendable where Value: Sendable {}
extension PerMode: Equatable where Value: Equatable {}

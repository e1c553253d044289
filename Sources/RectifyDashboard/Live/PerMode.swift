import RectifyEngine

/// One value for each of the four modes, stored inline: lookups by mode without hashing.
public struct PerMode<Value> {
    public var vanilla: Value
    public var ir: Value
    public var fr: Value
    public var irfr: Value

    public init(_ make: (RectifyMode) throws -> Value) rethrows {
        vanilla = try make(.vanilla)
        ir = try make(.ir)
        fr = try make(.fr)
        irfr = try make(.irfr)
    }

    public subscript(mode: RectifyMode) -> Value {
        get {
            switch mode {
            case .vanilla: return vanilla
            case .ir: return ir
            case .fr: return fr
            case .irfr: return irfr
            }
        }
        set {
            switch mode {
            case .vanilla: vanilla = newValue
            case .ir: ir = newValue
            case .fr: fr = newValue
            case .irfr: irfr = newValue
            }
        }
    }
}

extension PerMode: Sendable where Value: Sendable {}
extension PerMode: Equatable where Value: Equatable {}

extension CaseIterable where Self: Equatable {
    /// The case after this one in declaration order, wrapping around: the keys that cycle a
    /// setting (`m` mode, `d` drop policy, `o` expert order, `L` theme) all step this way.
    public var next: Self {
        let all = Array(Self.allCases)
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }
}

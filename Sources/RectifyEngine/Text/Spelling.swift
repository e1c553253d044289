/// Finds the word a user probably meant, for "did you mean ...?" in error messages.
public enum Spelling {
    /// Longer input is not a typo of a short word; also bounds the work on a 10 MB argument.
    static let maxLength = 64

    /// The candidate closest to `word` by edit distance (case-insensitive), if close enough: at most
    /// a third of the shorter word's length (at least one edit), or `word` is a start of the
    /// candidate at least three characters long (`mixtral` for `mixtral-top2`). Ties go to the
    /// earlier candidate. `nil` for an exact match or when nothing is close.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let typed = Array(word.lowercased().unicodeScalars)
        guard !typed.isEmpty, typed.count <= maxLength else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let target = Array(candidate.lowercased().unicodeScalars)
            let isStart = typed.count >= 3 && target.starts(with: typed)
            let allowed = isStart ? target.count - typed.count : max(1, min(typed.count, target.count) / 3)
            // The distance is at least the difference in length: skip the table when that is too far.
            guard abs(target.count - typed.count) <= allowed else { continue }
            let distance = editDistance(typed, target)
            if distance <= allowed, distance < best?.distance ?? Int.max { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// " (did you mean X?)" with `X` as `show` writes it, or "" when nothing is close.
    public static func suggestion(for word: String, in candidates: [String], show: (String) -> String = { $0 }) -> String {
        closest(to: word, in: candidates).map { " (did you mean \(show($0))?)" } ?? ""
    }

    /// Levenshtein distance: insertions, deletions and substitutions, one row at a time.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Levenshtein distance and "did you mean" suggestions for misspelt keys and values.
enum EditDistance {
    /// The minimum number of single-character insertions, deletions and substitutions
    /// turning `a` into `b` (dynamic programming over one row, O(|a|·|b|)).
    static func levenshtein(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)
                diagonal = row[j]
                row[j] = min(substitution, row[j] + 1, row[j - 1] + 1)
            }
        }
        return row[b.count]
    }

    /// The candidate closest to `word` (case-insensitive), if it is close enough to be a likely
    /// misspelling: edit distance ≤ max(2, |word|/2); failing that, a candidate that `word` is a
    /// prefix of (or that is a prefix of `word`), at least 3 characters long.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let w = word.lowercased()
        let scored = candidates.map { ($0, levenshtein(w, $0.lowercased())) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 2) { return best.0 }
        return candidates.first { c in
            let lc = c.lowercased()
            return (lc.hasPrefix(w) || w.hasPrefix(lc)) && min(w.count, lc.count) >= 3
        }
    }
}

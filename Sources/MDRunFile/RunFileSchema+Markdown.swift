extension RunFileSchema {
    /// README's table of run-file keys, generated from the declarations (a test checks that
    /// README holds exactly this text between its `run-file keys` markers; `macemd keys` prints it).
    public static func markdownTable() -> String {
        var lines = ["| key | type | unit | default | where it has an effect | meaning |", "|---|---|---|---|---|---|"]
        for key in keys {
            let unit = key.unit.isEmpty ? "–" : key.unit
            lines.append("| `\(key.dotted)` | \(key.type.readmeText) | \(unit) | \(key.defaultText) | \(scopeText(key)) | \(key.doc) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where `key` has an effect, in words.
    static func scopeText(_ key: RunFileKey) -> String {
        switch key.scope {
        case .always: return "always"
        case .task(let task): return "`task: \(task.rawValue)`"
        case .ensembleKey:
            return EnsembleDefinition.all.filter { $0.keys.contains(key) }.map { "`\($0.name)`" }.joined(separator: ", ")
        case .randomSeed: return "stochastic ensembles, and whenever velocities are drawn"
        case .cellRelaxation: return "`task: relax` with `relax.cell: true`"
        }
    }
}

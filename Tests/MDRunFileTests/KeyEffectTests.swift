import Foundation
import Testing
import TestSupport
@testable import MDRunFile

/// Walks every declared key through every task and ensemble: a key given where it has no
/// effect must be an error naming it, and a key with an effect must be accepted.
@Suite struct KeyEffectTests {
    /// A run context: the task, and the ensemble or cell relaxation that decides which keys act.
    struct Context: CustomStringConvertible {
        var task: String
        var ensemble: String?
        var cell: Bool?
        var description: String { "\(task) \(ensemble ?? "") \(cell.map { "cell \($0)" } ?? "")" }
    }

    /// The oracle, written from README's key descriptions (not from the schema): which
    /// section keys act in each context. A key missing here fails `everyKeyHasAnOracle`.
    static let mdCommon: Set = ["md.ensemble", "md.timestep_fs", "md.steps", "md.initial_temperature_K", "md.fixed_atoms"]
    static let ensembleKeys: [String: Set<String>] = [
        "nve": [],
        "nvt-langevin": ["md.temperature_K", "md.friction_per_ps", "md.seed"],
        "nvt-csvr": ["md.temperature_K", "md.thermostat_time_fs", "md.seed"],
        "nvt-nose-hoover": ["md.temperature_K", "md.thermostat_time_fs", "md.nose_hoover_chain", "md.seed"],
        "nvt-berendsen": ["md.temperature_K", "md.thermostat_time_fs", "md.seed"],
        "npt-crescale": Set(["md.temperature_K", "md.thermostat_time_fs", "md.friction_per_ps", "md.seed"]).union(barostatKeys),
        "npt-mtk": ["md.temperature_K", "md.thermostat_time_fs", "md.nose_hoover_chain", "md.seed", "md.pressure_GPa",
                    "md.barostat_time_fs", "md.pressure_coupling", "md.cell_mask"],
        "npt-berendsen": Set(["md.temperature_K", "md.thermostat_time_fs", "md.seed"]).union(barostatKeys),
    ]
    static let barostatKeys: Set = ["md.pressure_GPa", "md.barostat_time_fs", "md.pressure_coupling", "md.cell_mask",
                                    "md.bulk_modulus_GPa"]
    static let relaxCommon: Set = ["relax.optimizer", "relax.fmax_eV_per_A", "relax.max_steps", "relax.cell", "relax.fixed_atoms"]
    static let cellOnly: Set = ["relax.pressure_GPa", "relax.cell_mask"]
    static let everywhere: Set = ["structure", "model", "head", "precision", "radial", "task", "neighbor_skin_A", "output.directory",
                                  "output.trajectory", "output.trajectory_every", "output.stats", "output.stats_every"]
    static let mdOnlyOutput: Set = ["output.restart", "output.restart_every"]

    static func acts(_ key: String, in c: Context) -> Bool {
        if everywhere.contains(key) { return true }
        if c.task == "md" {
            return mdCommon.contains(key) || mdOnlyOutput.contains(key) || ensembleKeys[c.ensemble ?? "nve"]?.contains(key) == true
        }
        return relaxCommon.contains(key) || (c.cell == true && cellOnly.contains(key))
    }

    static let contexts: [Context] = EnsembleDefinition.all.map { Context(task: "md", ensemble: $0.name) }
        + [Context(task: "relax", cell: false), Context(task: "relax", cell: true)]

    /// A valid YAML value for `key`, from its declared type.
    static func sample(_ key: RunFileKey) -> String {
        switch key.type {
        case let .number(range, _): return "\(min(max(range.lowerBound, 0) + 1, range.upperBound))"
        case let .integer(range): return "\(range.lowerBound + 1)"
        case .text: return "x"
        case .path: return key.name == "model" ? "model.model" : key.name == "structure" ? "water.xyz" : "out"
        case .fileName: return "file.xyz"
        case let .choice(words): return words[0]
        case .flag: return "true"
        // Diagonal flags only: a valid mask for every coupling, isotropic included.
        case let .flags(count, _): return "[" + (0..<count).map { $0 < 3 ? "1" : "0" }.joined(separator: ", ") + "]"
        case .atomIndices: return "[0]"
        case .numberOrVoigt: return "1"
        }
    }

    /// The run file for `context` plus `key` (unless the context already sets it).
    static func yaml(_ c: Context, adding key: RunFileKey) -> String {
        var sections: [String: [String]] = ["md": [], "relax": [], "output": []]
        var top = ["structure: water.xyz", "task: \(c.task)"]
        if let e = c.ensemble { sections["md", default: []].append("ensemble: \(e)") }
        if let cell = c.cell { sections["relax", default: []].append("cell: \(cell)") }
        let contextKeys = ["task", "structure"] + (c.ensemble == nil ? [] : ["md.ensemble"]) + (c.cell == nil ? [] : ["relax.cell"])
        if !contextKeys.contains(key.dotted) {
            if key.section == .top { top.append("\(key.name): \(sample(key))") } else {
                sections[key.section.rawValue, default: []].append("\(key.name): \(sample(key))")
            }
        }
        var text = top.joined(separator: "\n") + "\n"
        for (name, lines) in sections.sorted(by: { $0.key < $1.key }) where !lines.isEmpty {
            text += "\(name):\n" + lines.map { "  \($0)\n" }.joined()
        }
        return text
    }

    @Test func everyKeyHasAnOracle() {
        let known = Self.everywhere.union(Self.mdCommon).union(Self.relaxCommon).union(Self.cellOnly).union(Self.mdOnlyOutput)
            .union(Self.ensembleKeys.values.flatMap { $0 })
        for key in RunFileSchema.keys { #expect(known.contains(key.dotted), "no oracle entry for \(key.dotted)") }
        #expect(Set(EnsembleDefinition.all.map(\.name)) == Set(Self.ensembleKeys.keys))
    }

    @Test func everyKeyWithoutEffectIsAnError() throws {
        let dir = try TestFiles.scratchDirectory()
        try "1\n\nH 0 0 0\n".write(to: dir.appendingPathComponent("water.xyz"), atomically: true, encoding: .utf8)
        try "model".write(to: dir.appendingPathComponent("model.model"), atomically: true, encoding: .utf8)
        var checked = 0
        for context in Self.contexts {
            for key in RunFileSchema.keys {
                let text = Self.yaml(context, adding: key)
                do {
                    let run = try RunFile.parse(yaml: text, file: "run.yaml", baseDirectory: dir.path)
                    #expect(Self.acts(key.dotted, in: context), "\(key.dotted) accepted in \(context) but has no effect:\n\(text)")
                    #expect(run.ineffectiveKeys().isEmpty)
                } catch let error as RunFileError {
                    #expect(!Self.acts(key.dotted, in: context), "\(key.dotted) refused in \(context): \(error)")
                    #expect(error.description.contains(key.dotted) || error.key == key.section.rawValue,
                            "the error does not name \(key.dotted): \(error)")
                    #expect(error.line != nil)
                }
                checked += 1
            }
        }
        #expect(checked == Self.contexts.count * RunFileSchema.keys.count)
    }
}

import Foundation
import Yams

extension RunFile {
    static let topKeys = ["structure", "model", "head", "precision", "task", "md", "relax", "output", "neighbor_skin_A"]
    static let mdKeys = ["ensemble", "timestep_fs", "steps", "temperature_K", "friction_per_ps", "thermostat_time_fs",
                         "nose_hoover_chain", "seed", "initial_temperature_K", "fixed_atoms"]
    static let relaxKeys = ["optimizer", "fmax_eV_per_A", "max_steps", "cell", "pressure_GPa", "cell_mask", "fixed_atoms"]
    static let outputKeys = ["directory", "trajectory", "trajectory_every", "stats", "stats_every", "restart", "restart_every"]

    /// Every key with its section, for "did you mean 'md.timestep_fs'?" on misplaced keys.
    static var allDottedKeys: [String] {
        topKeys + mdKeys.map { "md.\($0)" } + relaxKeys.map { "relax.\($0)" } + outputKeys.map { "output.\($0)" }
    }

    /// Reads and checks the run file at `path`; relative paths inside are resolved against its directory.
    /// - Parameter checkFiles: require `structure` (and `model`, when given) to exist.
    public static func load(path: String, checkFiles: Bool = true) throws -> RunFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RunFileError(file: path, line: nil, key: "", message: "cannot read the run file (\(OutputDirectory.reason(error)))")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, baseDirectory: directory, checkFiles: checkFiles)
    }

    /// Parses run-file YAML. `file` names the source in errors; paths are resolved against `baseDirectory`.
    public static func parse(yaml: String, file: String = "run.yaml", baseDirectory: String,
                             checkFiles: Bool = true) throws -> RunFile {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        }
        guard let node else {
            throw RunFileError(file: file, line: nil, key: "", message: "the run file is empty; it needs at least 'structure: FILE'")
        }
        let top = try YAMLSection(node, file: file, name: "", allowed: topKeys, elsewhere: allDottedKeys)
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") ? p : URL(fileURLWithPath: baseDirectory).appendingPathComponent(p).standardized.path
        }
        guard let structure = try top.string("structure") else {
            throw RunFileError(file: file, line: top.line, key: "structure", message: "missing required key 'structure' (the starting structure file)")
        }
        var run = RunFile(structure: resolve(structure))
        run.task = try top.choice("task", Task.self) ?? .md
        run.output = OutputSettings(task: run.task)
        run.output.directory = baseDirectory
        if let model = try top.string("model") { run.model = resolve(model) }
        run.head = try top.string("head")
        run.precision = try top.choice("precision", Precision.self) ?? .float64
        run.neighborSkin = try top.double("neighbor_skin_A", unit: "Å", 0...5) ?? 0.5
        if checkFiles {
            try requireFile(run.structure, key: "structure", section: top)
            if let model = run.model { try requireFile(model, key: "model", section: top) }
        }
        if let md = try top.section("md", allowed: mdKeys, elsewhere: allDottedKeys) { run.md = try parseMD(md) }
        if let relax = try top.section("relax", allowed: relaxKeys, elsewhere: allDottedKeys) { run.relax = try parseRelax(relax) }
        if let output = try top.section("output", allowed: outputKeys, elsewhere: allDottedKeys) {
            try parseOutput(output, into: &run.output, resolve: resolve)
        }
        return run
    }

    static func requireFile(_ path: String, key: String, section: YAMLSection) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw section.error(key, "file not found: \(path)")
        }
    }

    static func parseMD(_ s: YAMLSection) throws -> MDSettings {
        var md = MDSettings()
        md.ensemble = try s.choice("ensemble", MDSettings.Ensemble.self) ?? md.ensemble
        md.timestepFs = try s.double("timestep_fs", unit: "fs", 0...20, openLower: true) ?? md.timestepFs
        md.steps = try s.int("steps", 0...Int.max) ?? md.steps
        md.temperatureK = try s.double("temperature_K", unit: "K", 0...1e6) ?? md.temperatureK
        md.frictionPerPs = try s.double("friction_per_ps", unit: "1/ps", 0...1e6) ?? md.frictionPerPs
        md.thermostatTimeFs = try s.double("thermostat_time_fs", unit: "fs", 0...1e9, openLower: true) ?? md.thermostatTimeFs
        md.noseHooverChain = try s.int("nose_hoover_chain", 1...10) ?? md.noseHooverChain
        if let seed = try s.int("seed", 0...Int.max) { md.seed = UInt64(seed) }
        md.initialTemperatureK = try s.double("initial_temperature_K", unit: "K", 0...1e6)
        md.fixedAtoms = try s.intList("fixed_atoms", 0...Int.max) ?? []
        if md.ensemble != .nve, md.temperatureK <= 0 {
            throw s.error("temperature_K", "must be > 0 K for ensemble \(md.ensemble.rawValue)")
        }
        return md
    }

    static func parseRelax(_ s: YAMLSection) throws -> RelaxSettings {
        var relax = RelaxSettings()
        relax.optimizer = try s.choice("optimizer", RelaxSettings.Optimizer.self) ?? relax.optimizer
        relax.fmaxEVPerA = try s.double("fmax_eV_per_A", unit: "eV/Å", 0...1e3, openLower: true) ?? relax.fmaxEVPerA
        relax.maxSteps = try s.int("max_steps", 1...Int.max) ?? relax.maxSteps
        relax.cell = try s.bool("cell") ?? relax.cell
        relax.pressureGPa = try s.double("pressure_GPa", unit: "GPa", -1e4...1e4) ?? relax.pressureGPa
        relax.fixedAtoms = try s.intList("fixed_atoms", 0...Int.max) ?? []
        relax.cellMask = try s.flags("cell_mask", count: 6, meaning: "the strain components xx, yy, zz, yz, xz, xy")
        for (key, what) in [("pressure_GPa", "a target pressure"), ("cell_mask", "a cell mask")] where s.has(key) && !relax.cell {
            throw s.error(key, "\(what) needs 'cell: true' in relax")
        }
        return relax
    }

    static func parseOutput(_ s: YAMLSection, into output: inout OutputSettings, resolve: (String) -> String) throws {
        if let directory = try s.string("directory") { output.directory = resolve(directory) }
        for key in ["trajectory", "stats", "restart"] {
            guard let name = try s.string(key) else { continue }
            guard !name.contains("/") else {
                throw s.error(key, "'\(name)' must be a file name inside output.directory, not a path")
            }
            switch key {
            case "trajectory":
                let lower = name.lowercased()
                guard lower.hasSuffix(".nc") || lower.hasSuffix(".xyz") || lower.hasSuffix(".extxyz") else {
                    throw s.error(key, "'\(name)' must end in .nc (AMBER NetCDF) or .xyz (extended XYZ)")
                }
                output.trajectory = name
            case "stats": output.stats = name
            default: output.restart = name
            }
        }
        output.trajectoryEvery = try s.int("trajectory_every", 0...Int.max) ?? output.trajectoryEvery
        output.statsEvery = try s.int("stats_every", 1...Int.max) ?? output.statsEvery
        output.restartEvery = try s.int("restart_every", 0...Int.max) ?? output.restartEvery
    }

    /// A one-line message for a YAML syntax error (Yams' own text spans several lines).
    static func syntaxError(_ error: YamlError, file: String) -> RunFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return RunFileError(file: file, line: mark.line, key: "", message: "YAML syntax error: \(problem) (column \(mark.column))")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return RunFileError(file: file, line: context.mark.line, key: duplicates.first ?? "",
                                message: "key \(keys) is given twice in the mapping starting here")
        default:
            let first = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            return RunFileError(file: file, line: nil, key: "", message: "YAML error: \(first)")
        }
    }
}

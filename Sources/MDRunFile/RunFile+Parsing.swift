import Foundation
import MDDynamics
import Yams

extension RunFile {
    /// Reads and checks the run file at `path`; relative paths inside are resolved against its directory.
    /// - Parameter checkFiles: require `structure` (and `model`, when given) to exist.
    public static func load(path: String, checkFiles: Bool = true) throws -> RunFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw RunFileError(file: path, line: nil, key: "", message: "cannot read the run file (\(reason))")
        }
        guard let text = String(data: data, encoding: .utf8), !data.contains(0) else {
            throw RunFileError(file: path, line: nil, key: "", message:
                "this is not a run file (YAML text) but a binary file; give the run file, e.g. macemd run run.yaml, "
                + "and name models inside it with model: (see macemd keys)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, baseDirectory: directory, checkFiles: checkFiles)
    }

    /// Parses run-file YAML. `file` names the source in errors; paths are resolved against `baseDirectory`.
    /// Keys that have no effect in the chosen task and ensemble are errors (``ineffectiveKeys()``).
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
        let everyKey = RunFileSchema.keys.map(\.dotted)
        let top = try YAMLSection(node, file: file, name: "",
                                  allowed: RunFileSchema.keys(in: .top).map(\.name) + RunFileSchema.sectionNames,
                                  elsewhere: everyKey)
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") ? p : URL(fileURLWithPath: baseDirectory).appendingPathComponent(p).standardized.path
        }
        typealias Top = RunFileSchema.Top
        guard let structure = try top.read(Top.structure) else {
            throw RunFileError(file: file, line: top.line, key: "structure", message: "missing required key 'structure' (the starting structure file)")
        }
        var run = RunFile(structure: resolve(structure), task: try top.read(Top.task) ?? Top.task.defaultValue)
        run.output.directory = baseDirectory
        run.model = try top.read(Top.model).map(resolve)
        run.head = try top.read(Top.head)
        run.precision = try top.read(Top.precision) ?? run.precision
        run.radial = try top.read(Top.radial) ?? run.radial
        run.neighborSkin = try top.read(Top.neighborSkin) ?? run.neighborSkin
        if checkFiles {
            try requireFile(run.structure, key: "structure", section: top)
            if let model = run.model { try requireFile(model, key: "model", section: top) }
        }
        var sections = [top]
        if let md = try top.section("md", allowed: RunFileSchema.keys(in: .md).map(\.name), elsewhere: everyKey) {
            run.md = try parseMD(md)
            sections.append(md)
        }
        if let relax = try top.section("relax", allowed: RunFileSchema.keys(in: .relax).map(\.name), elsewhere: everyKey) {
            run.relax = try parseRelax(relax)
            sections.append(relax)
        }
        if let output = try top.section("output", allowed: RunFileSchema.keys(in: .output).map(\.name), elsewhere: everyKey) {
            try parseOutput(output, into: &run.output, resolve: resolve)
            sections.append(output)
        }
        for section in sections {
            for (key, _) in section.givenKeys where !(section.name.isEmpty && RunFileSchema.sectionNames.contains(key)) {
                run.givenKeys.insert(section.dotted(key))
            }
        }
        try rejectIneffectiveKeys(run, sections: sections, top: top)
        run.warnings = plausibilityWarnings(run, sections: sections)
        return run
    }

    static func requireFile(_ path: String, key: String, section: YAMLSection) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw section.error(key, "file not found: \(path)")
        }
    }

    static func parseMD(_ s: YAMLSection) throws -> MDSettings {
        typealias K = RunFileSchema.MD
        var md = MDSettings()
        md.ensemble = try s.ensemble(K.ensemble.key.name) ?? md.ensemble
        md.timestepFs = try s.read(K.timestep) ?? md.timestepFs
        md.steps = try s.read(K.steps) ?? md.steps
        md.temperatureK = try s.read(K.temperature) ?? md.temperatureK
        md.frictionPerPs = try s.read(K.friction) ?? md.frictionPerPs
        md.thermostatTimeFs = try s.read(K.thermostatTime) ?? md.thermostatTimeFs
        md.noseHooverChain = try s.read(K.noseHooverChain) ?? md.noseHooverChain
        md.pressureGPa = try s.read(K.pressure) ?? md.pressureGPa
        md.barostatTimeFs = try s.read(K.barostatTime) ?? md.barostatTimeFs
        md.pressureCoupling = try s.read(K.pressureCoupling) ?? md.pressureCoupling
        md.cellMask = try s.read(K.cellMask)
        md.bulkModulusGPa = try s.read(K.bulkModulus) ?? md.bulkModulusGPa
        md.frictionGiven = s.has(K.friction.key.name)
        if let seed = try s.int(K.seed.key.name, 0...Int.max) { md.seed = UInt64(seed) }
        md.initialTemperatureK = try s.read(K.initialTemperature)
        md.fixedAtoms = try s.read(K.fixedAtoms) ?? md.fixedAtoms
        if md.ensemble.isThermostatted, md.temperatureK <= 0 {
            throw s.error(K.temperature.key.name, "must be > 0 K for ensemble \(md.ensemble.name)")
        }
        if md.ensemble.keys.contains(K.pressure.key) { try checkBarostat(md, s) }
        return md
    }

    /// The barostat's settings together: a mask or target the coupling cannot honour, and both
    /// thermostat keys, are errors naming the key.
    static func checkBarostat(_ md: MDSettings, _ s: YAMLSection) throws {
        typealias K = RunFileSchema.MD
        if md.frictionGiven, s.has(K.thermostatTime.key.name), md.ensemble.keys.contains(K.friction.key) {
            throw s.error(K.friction.key.name, "give either friction_per_ps (Langevin) or thermostat_time_fs (CSVR, "
                          + "the default) for \(md.ensemble.name), not both")
        }
        do {
            try md.barostat.validate()
        } catch let error as DynamicsError {
            guard case let .invalidParameter(name, _, requirement) = error else { throw error }
            let key = name == "cell mask" ? K.cellMask.key.name : K.pressure.key.name
            let shown = s.has(key) ? key : K.pressureCoupling.key.name
            throw s.error(shown, "\(requirement) (md.pressure_coupling: \(md.pressureCoupling.rawValue))")
        }
    }

    static func parseRelax(_ s: YAMLSection) throws -> RelaxSettings {
        typealias K = RunFileSchema.Relax
        var relax = RelaxSettings()
        relax.optimizer = try s.read(K.optimizer) ?? relax.optimizer
        relax.fmaxEVPerA = try s.read(K.fmax) ?? relax.fmaxEVPerA
        relax.maxSteps = try s.read(K.maxSteps) ?? relax.maxSteps
        relax.cell = try s.read(K.cell) ?? relax.cell
        relax.pressureGPa = try s.read(K.pressure) ?? relax.pressureGPa
        relax.fixedAtoms = try s.read(K.fixedAtoms) ?? relax.fixedAtoms
        relax.cellMask = try s.read(K.cellMask)
        return relax
    }

    static func parseOutput(_ s: YAMLSection, into output: inout OutputSettings, resolve: (String) -> String) throws {
        typealias K = RunFileSchema.Output
        if let directory = try s.read(K.directory) { output.directory = resolve(directory) }
        for setting in [K.trajectory, K.stats, K.restart] {
            let key = setting.key.name
            guard let name = try s.read(setting) else { continue }
            guard !name.contains("/") else {
                throw s.error(key, "'\(name)' must be a file name inside output.directory, not a path")
            }
            switch key {
            case K.trajectory.key.name:
                let lower = name.lowercased()
                guard lower.hasSuffix(".nc") || lower.hasSuffix(".xyz") || lower.hasSuffix(".extxyz") else {
                    throw s.error(key, "'\(name)' must end in .nc (AMBER NetCDF) or .xyz (extended XYZ)")
                }
                output.trajectory = name
            case K.stats.key.name: output.stats = name
            default: output.restart = name
            }
        }
        output.trajectoryEvery = try s.read(K.trajectoryEvery) ?? output.trajectoryEvery
        output.statsEvery = try s.read(K.statsEvery) ?? output.statsEvery
        output.restartEvery = try s.read(K.restartEvery) ?? output.restartEvery
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

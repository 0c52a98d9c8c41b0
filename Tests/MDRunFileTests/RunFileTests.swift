import Foundation
import Testing
import TestSupport
@testable import MDRunFile

@Suite struct RunFileTests {
    /// A scratch directory holding `water.xyz` and `model.model`, and the run-file text parsed there.
    func parse(_ yaml: String, label: String = #function) throws -> RunFile {
        let dir = try TestFiles.scratchDirectory(label)
        try "1\n\nH 0 0 0\n".write(to: dir.appendingPathComponent("water.xyz"), atomically: true, encoding: .utf8)
        try "model".write(to: dir.appendingPathComponent("model.model"), atomically: true, encoding: .utf8)
        let path = dir.appendingPathComponent("run.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try RunFile.load(path: path)
    }

    /// The error for `yaml`, checked to be a one-line RunFileError naming run.yaml.
    func failure(_ yaml: String, label: String = #function) throws -> RunFileError {
        do {
            _ = try parse(yaml, label: label)
        } catch let error as RunFileError {
            #expect(error.file.hasSuffix("run.yaml"))
            #expect(!error.description.contains("\n"))
            return error
        }
        Issue.record("no error for:\n\(yaml)")
        return RunFileError(file: "", line: nil, key: "", message: "")
    }

    @Test func minimalFileGetsTheDefaults() throws {
        let run = try parse("structure: water.xyz\n")
        #expect(run.structure.hasSuffix("/water.xyz") && run.structure.hasPrefix("/"))
        #expect(run.model == nil)
        #expect(run.precision == .float64)
        #expect(run.task == .md)
        #expect(run.md == MDSettings())
        #expect(run.relax == RelaxSettings())
        #expect(run.neighborSkin == 0.5)
        #expect(run.output.trajectory == "trajectory.nc")
        #expect(run.output.directory == URL(fileURLWithPath: run.structure).deletingLastPathComponent().path)
        #expect(run.output.trajectoryEvery == 10 && run.output.statsEvery == 10 && run.output.restartEvery == 1000)
    }

    @Test func everyKeyIsRead() throws {
        let run = try parse("""
            structure: water.xyz
            model: model.model
            head: pt_head
            precision: float32
            task: md
            neighbor_skin_A: 1.0
            md:
              ensemble: nvt-nose-hoover
              timestep_fs: 0.5
              steps: 2e4
              temperature_K: 350
              thermostat_time_fs: 50
              nose_hoover_chain: 5
              seed: 42
              initial_temperature_K: 400
              fixed_atoms: [0, 3]
            output:
              directory: out/run1
              trajectory: relax.extxyz
              trajectory_every: 5
              stats: log.txt
              stats_every: 2
              restart: state.json
              restart_every: 100
            """)
        #expect(run.model?.hasSuffix("/model.model") == true && run.head == "pt_head")
        #expect(run.precision == .float32 && run.task == .md && run.neighborSkin == 1.0)
        #expect(run.md.ensemble == .nvtNoseHoover && run.md.timestepFs == 0.5 && run.md.steps == 20000)
        #expect(run.md.temperatureK == 350 && run.md.thermostatTimeFs == 50)
        #expect(run.md.noseHooverChain == 5 && run.md.seed == 42 && run.md.initialTemperatureK == 400)
        #expect(run.md.fixedAtoms == [0, 3])
        #expect(run.output.directory.hasSuffix("/out/run1"))
        #expect(run.output.trajectory == "relax.extxyz")
        #expect(run.output.trajectoryEvery == 5 && run.output.stats == "log.txt" && run.output.statsEvery == 2)
        #expect(run.output.restart == "state.json" && run.output.restartEvery == 100)
        #expect(try parse("structure: water.xyz\nmd:\n  ensemble: nvt-langevin\n  friction_per_ps: 5\n").md.frictionPerPs == 5)

        let relax = try parse("""
            structure: water.xyz
            task: relax
            relax:
              optimizer: lbfgs
              fmax_eV_per_A: 0.01
              max_steps: 300
              cell: true
              pressure_GPa: 1.5
              fixed_atoms: [1]
            """)
        #expect(relax.relax.optimizer == .lbfgs && relax.relax.fmaxEVPerA == 0.01 && relax.relax.maxSteps == 300)
        #expect(relax.relax.cell && relax.relax.pressureGPa == 1.5 && relax.relax.fixedAtoms == [1])

        for file in [run, relax] {
            let data = try JSONEncoder().encode(file)
            #expect(try JSONDecoder().decode(RunFile.self, from: data) == file)
        }
    }

    @Test func relaxDefaultsDifferFromMD() throws {
        let run = try parse("structure: water.xyz\ntask: relax\n")
        #expect(run.output.trajectory == "relax.xyz" && run.output.trajectoryEvery == 1 && run.output.statsEvery == 1)
    }

    @Test func unknownKeySuggestsTheClosest() throws {
        let e = try failure("structure: water.xyz\nmd:\n  ensemble: nve\n  timestep: 1\n")
        #expect(e.message == "unknown key 'timestep' in md (did you mean 'timestep_fs'?)")
        #expect(e.line == 4)
        #expect(e.key == "md.timestep")
    }

    @Test func misplacedKeySuggestsItsSection() throws {
        let e = try failure("structure: water.xyz\nsteps: 100\n")
        #expect(e.message == "unknown key 'steps' at the top level (did you mean 'md.steps'?)")
        #expect(e.line == 2)
    }

    @Test func unknownKeyWithoutCloseMatchListsTheValidKeys() throws {
        let e = try failure("structure: water.xyz\noutput:\n  zzzzzzzz: 1\n")
        #expect(e.message.hasPrefix("unknown key 'zzzzzzzz' in output (valid keys: directory, trajectory"))
    }

    @Test func wrongTypeNamesKeyAndLine() throws {
        let e = try failure("structure: water.xyz\nmd:\n  steps: many\n")
        #expect(e.message == "md.steps: expected an integer, got 'many'")
        #expect(e.line == 3)
        let f = try failure("structure: water.xyz\nrelax:\n  cell: maybe\n")
        #expect(f.message == "relax.cell: expected true or false, got 'maybe'")
        let g = try failure("structure: water.xyz\nmd:\n  fixed_atoms: 3\n")
        #expect(g.message.hasPrefix("md.fixed_atoms: expected a list of integers"))
        let dup = try failure("structure: water.xyz\nmd:\n  fixed_atoms: [1, 2, 1]\n")
        #expect(dup.message == "md.fixed_atoms: index 1 appears twice")
        let neg = try failure("structure: water.xyz\nrelax:\n  fixed_atoms: [-1]\n")
        #expect(neg.message == "relax.fixed_atoms: index -1 is out of range (must be ≥ 0)")
        let h = try failure("structure: water.xyz\nmd: fast\n")
        #expect(h.message == "md must be a mapping of key: value lines")
    }

    @Test func outOfRangeValues() throws {
        let e = try failure("structure: water.xyz\nmd:\n  timestep_fs: -1\n")
        #expect(e.message == "md.timestep_fs: -1.0 fs is out of range (must be > 0.0 and ≤ 20.0 fs)")
        #expect(e.line == 3)
        let f = try failure("structure: water.xyz\noutput:\n  stats_every: 0\n")
        #expect(f.message == "output.stats_every: 0 is out of range (must be ≥ 1)")
        let g = try failure("structure: water.xyz\nmd:\n  ensemble: nvt-csvr\n  temperature_K: 0\n")
        #expect(g.message == "md.temperature_K: must be > 0 K for ensemble nvt-csvr")
        let h = try failure("structure: water.xyz\ntask: relax\nrelax:\n  pressure_GPa: 2\n")
        #expect(h.message == "relax.pressure_GPa: has no effect without 'cell: true' in relax")
    }

    /// `relax.cell_mask`: six 0/1 (or false/true) flags in Voigt order, only with `cell: true`.
    @Test func cellMask() throws {
        let run = try parse("structure: water.xyz\ntask: relax\nrelax:\n  cell: true\n  cell_mask: [1, 1, 0, false, 0, true]\n")
        #expect(run.relax.cellMask == [true, true, false, false, false, true])
        #expect(try parse("structure: water.xyz\ntask: relax\nrelax:\n  cell: true\n").relax.cellMask == nil)
        let short = try failure("structure: water.xyz\nrelax:\n  cell: true\n  cell_mask: [1, 1, 0]\n")
        #expect(short.message == "relax.cell_mask: expected a list of 6 flags (0 or 1) for the strain components xx, yy, zz, yz, xz, xy, got 3")
        #expect(short.line == 4)
        let two = try failure("structure: water.xyz\nrelax:\n  cell: true\n  cell_mask: [1, 1, 2, 0, 0, 0]\n")
        #expect(two.message.hasSuffix("got '2' in it"))
        let noCell = try failure("structure: water.xyz\ntask: relax\nrelax:\n  cell_mask: [1, 1, 1, 0, 0, 0]\n")
        #expect(noCell.message == "relax.cell_mask: has no effect without 'cell: true' in relax")
    }

    @Test func misspeltValueSuggestsTheClosest() throws {
        let e = try failure("structure: water.xyz\nmd:\n  ensemble: nvt_langevin\n")
        #expect(e.message == "md.ensemble: unknown value 'nvt_langevin' (did you mean 'nvt-langevin'?)")
        let f = try failure("structure: water.xyz\nprecision: double\n")
        #expect(f.message == "precision: unknown value 'double' (valid: float32, float64)")
    }

    @Test func missingFilesAndKeys() throws {
        let e = try failure("structure: nothere.xyz\n")
        #expect(e.message.hasPrefix("structure: file not found: /") && e.message.hasSuffix("/nothere.xyz"))
        #expect(e.line == 1)
        let f = try failure("structure: water.xyz\nmodel: missing.model\n")
        #expect(f.message.hasPrefix("model: file not found:"))
        #expect(f.line == 2)
        let g = try failure("model: model.model\n")
        #expect(g.message == "missing required key 'structure' (the starting structure file)")
        let h = try failure("")
        #expect(h.message.hasPrefix("the run file is empty"))
        #expect(throws: RunFileError.self) { try RunFile.load(path: "/nonexistent/run.yaml") }
    }

    @Test func trajectoryNameMustHaveAKnownExtension() throws {
        let e = try failure("structure: water.xyz\noutput:\n  trajectory: traj.dcd\n")
        #expect(e.message == "output.trajectory: 'traj.dcd' must end in .nc (AMBER NetCDF) or .xyz (extended XYZ)")
    }

    @Test func syntaxErrorIsOneLineWithItsLine() throws {
        let e = try failure("structure: water.xyz\nmd:\n  steps: [1, 2\n")
        #expect(e.message.hasPrefix("YAML syntax error"))
        #expect(e.line != nil)
    }

    @Test func duplicateKeyIsAnError() throws {
        let e = try failure("structure: water.xyz\nmd:\n  steps: 1\n  steps: 2\n")
        #expect(e.message.contains("'steps' is given twice"))
        #expect(e.line != nil)
    }

    @Test func nearestKeyWinsOverAPrefix() throws {
        let e = try failure("structure: water.xyz\noutput:\n  trajectory_evry: 5\n")
        #expect(e.message == "unknown key 'trajectory_evry' in output (did you mean 'trajectory_every'?)")
    }

    @Test func editDistance() {
        #expect(EditDistance.levenshtein("kitten", "sitting") == 3)
        #expect(EditDistance.levenshtein("", "abc") == 3)
        #expect(EditDistance.suggestion(for: "temperature", among: ["temperature_K", "steps"]) == "temperature_K")
        #expect(EditDistance.suggestion(for: "qqq", among: ["temperature_K", "steps"]) == nil)
    }
}

/// The `head:` key of a multi-head model.
@Suite struct RunFileHeadTests {
    @Test func headIsReadAndOptional() throws {
        let dir = try TestFiles.scratchDirectory()
        try "1\n\nH 0 0 0\n".write(to: dir.appendingPathComponent("water.xyz"), atomically: true, encoding: .utf8)
        let run = try RunFile.parse(yaml: "structure: water.xyz\nhead: pbe\n", baseDirectory: dir.path)
        #expect(run.head == "pbe")
        #expect(try RunFile.parse(yaml: "structure: water.xyz\n", baseDirectory: dir.path).head == nil)
        #expect(throws: RunFileError.self) { try RunFile.parse(yaml: "structure: water.xyz\nhead: [a]\n", baseDirectory: dir.path) }
    }
}

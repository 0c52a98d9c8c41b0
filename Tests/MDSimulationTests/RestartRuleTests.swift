import Foundation
import Testing
import TestSupport
import MDCore
import MDDynamics
import MDIO
import MDRunFile
@testable import MDSimulation

/// What may change on a restart (README "Restarts"): thermostat settings and the ensemble come
/// from the new run file and are reported; `md.steps` is a total.
@Suite struct RestartRuleTests {
    /// Collects notices from a run.
    final class Notices: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        var all: [String] { lock.withLock { lines } }
        func add(_ line: String) { lock.withLock { lines.append(line) } }
    }

    func yaml(_ ensemble: String, steps: Int, temperature: Double = 120, timestep: Double = 2) -> String {
        let thermostat = switch ensemble {
        case "nve": ""
        case "nvt-langevin": "\n  temperature_K: \(temperature)\n  friction_per_ps: 5\n  seed: 42"
        default: "\n  temperature_K: \(temperature)\n  seed: 42"
        }
        return "structure: structure.xyz\nmd:\n  ensemble: \(ensemble)\n  timestep_fs: \(timestep)\n  steps: \(steps)\(thermostat)\n"
            + "output:\n  directory: out\n  trajectory: traj.xyz\n  trajectory_every: 2\n  stats_every: 2\n"
    }

    func restartOptions(_ dir: ScratchDirectory, _ notices: Notices) -> RunOptions {
        RunOptions(restart: dir.path("out/restart.json"), quiet: true, notice: { notices.add($0) })
    }

    func payload(_ dir: ScratchDirectory) throws -> RestartPayload {
        try RestartFile.read(RestartPayload.self, from: dir.path("out/restart.json"))
    }

    @Test func nvtEquilibrationContinuesAsNVEProduction() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        try MDRun.run(try writeRun(yaml("nvt-langevin", steps: 6), system: system, in: dir), potential: try testArgon(),
                      options: RunOptions(quiet: true))
        let before = try payload(dir)
        let notices = Notices()
        let nve = try writeRun(yaml("nve", steps: 10), system: system, in: dir)
        let summary = try MDRun.run(nve, potential: try testArgon(), options: restartOptions(dir, notices))
        #expect(summary.steps == 4 && summary.finalStep == 10)
        #expect(notices.all.contains { $0.hasPrefix("restart: ensemble changed from nvt-langevin to nve") })
        let after = try payload(dir)
        #expect(after.ensemble == .nve)
        guard case .nve = after.checkpoint.integrator else { Issue.record("not an NVE integrator"); return }
        // NVE from the restart's velocities: total energy conserved from step 6 on.
        let stats = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        let steps = try #require(stats.column("step")), etot = try #require(stats.column("etot_eV"))
        let nvePart = zip(steps, etot).filter { $0.0 >= 6 }.map(\.1)
        #expect(nvePart.count == 3 && nvePart.allSatisfy { abs($0 - nvePart[0]) < 1e-4 })
        #expect(before.checkpoint.state.system.velocities != after.checkpoint.state.system.velocities)
    }

    @Test func aNewTemperatureIsUsedAndReported() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        try MDRun.run(try writeRun(yaml("nvt-csvr", steps: 4), system: system, in: dir), potential: try testArgon(),
                      options: RunOptions(quiet: true))
        let notices = Notices()
        let hotter = try writeRun(yaml("nvt-csvr", steps: 8, temperature: 400), system: system, in: dir)
        try MDRun.run(hotter, potential: try testArgon(), options: restartOptions(dir, notices))
        #expect(notices.all == ["restart: continuing nvt-csvr with the run file's settings: temperature_K 120.0 K → 400.0 K; "
                                + "thermostat state and random stream carried over"])
        guard case .csvr(let thermostat) = try payload(dir).checkpoint.integrator else { Issue.record("not CSVR"); return }
        #expect(thermostat.temperature == 400)
    }

    @Test func anUnchangedRestartSaysNothing() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        try MDRun.run(try writeRun(yaml("nvt-langevin", steps: 4), system: system, in: dir), potential: try testArgon(),
                      options: RunOptions(quiet: true))
        let notices = Notices()
        try MDRun.run(try writeRun(yaml("nvt-langevin", steps: 6), system: system, in: dir), potential: try testArgon(),
                      options: restartOptions(dir, notices))
        #expect(notices.all.isEmpty)
    }

    @Test func anotherModelHeadOrPrecisionIsReported() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        try MDRun.run(try writeRun(yaml("nve", steps: 2), system: system, in: dir), potential: try testArgon(),
                      options: RunOptions(quiet: true))
        var changed = try writeRun(yaml("nve", steps: 4), system: system, in: dir)
        changed.precision = .float32
        changed.head = "pbe"
        changed.radial = .spline
        let notices = Notices()
        try MDRun.run(changed, potential: try testArgon(), options: restartOptions(dir, notices))
        #expect(notices.all == ["restart: head changed from the model's to pbe",
                                "restart: precision changed from float64 to float32",
                                "restart: radial mode changed from exact to spline"])
    }

    @Test func stepsIsATotal() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        let run = try writeRun(yaml("nve", steps: 6), system: system, in: dir)
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        // The same job again: nothing to do, said so.
        let notices = Notices()
        let again = try MDRun.run(run, potential: try testArgon(), options: restartOptions(dir, notices))
        #expect(again.steps == 0 && notices.all == ["nothing to do: the restart file is already at step 6 = md.steps"])
        // Fewer steps than done: an error explaining that md.steps is a total.
        var fewer = run
        fewer.md.steps = 4
        #expect(throws: SimulationError.invalidSetting(key: "md.steps", message:
            "the restart file is at step 6, past md.steps = 4; md.steps (and --steps) is the step the run ends at, "
            + "not a number of further steps: ask for more than 6")) {
            try MDRun.run(fewer, potential: try testArgon(), options: restartOptions(dir, notices))
        }
    }

    @Test func otherAtomsOrFixedAtomsAreRefused() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        try MDRun.run(try writeRun(yaml("nve", steps: 2), system: system, in: dir), potential: try testArgon(),
                      options: RunOptions(quiet: true))
        var fixed = try writeRun(yaml("nve", steps: 4), system: system, in: dir)
        fixed.md.fixedAtoms = [0]
        #expect(throws: SimulationError.self) {
            try MDRun.run(fixed, potential: try testArgon(), options: restartOptions(dir, Notices()))
        }
        let other = try writeRun(yaml("nve", steps: 4), system: try argonCrystal(n: 3), in: dir)
        #expect(throws: SimulationError.restartMismatch(path: dir.path("out/restart.json"),
                                                        message: "its atoms differ from \(dir.path("structure.xyz"))")) {
            try MDRun.run(other, potential: try testArgon(), options: restartOptions(dir, Notices()))
        }
    }
}

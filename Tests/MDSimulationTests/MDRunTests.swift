import Foundation
import Testing
import MDCore
import MDIO
import MDRunFile
import TestSupport
@testable import MDSimulation

@Suite struct MDRunTests {
    /// A run file for `ensemble` with only the keys that ensemble reads.
    func yaml(steps: Int, directory: String, trajectory: String = "traj.xyz", ensemble: String = "nvt-langevin",
              temperature: Double = 120) -> String {
        let thermostat = switch ensemble {
        case "nve": ""
        case "nvt-langevin": "\n  temperature_K: \(temperature)\n  friction_per_ps: 5\n  seed: 42"
        case "npt-crescale": "\n  temperature_K: \(temperature)\n  seed: 42\n  pressure_GPa: 0.3\n  barostat_time_fs: 200"
            + "\n  bulk_modulus_GPa: 2\n  pressure_coupling: triclinic"
        case "npt-mtk": "\n  temperature_K: \(temperature)\n  seed: 42\n  pressure_GPa: 0.3\n  barostat_time_fs: 200"
        case "npt-mtk\n  pressure_coupling: anisotropic":
            "\n  temperature_K: \(temperature)\n  seed: 42\n  pressure_GPa: [0.3, 0.2, 0.3, 0, 0, 0]\n  barostat_time_fs: 200\n  cell_mask: [1, 1, 0, 0, 0, 0]"
        case "npt-mtk\n  pressure_coupling: triclinic":
            "\n  temperature_K: \(temperature)\n  seed: 42\n  pressure_GPa: [0.3, 0.2, 0.2, 0, 0, 0.05]\n  barostat_time_fs: 200"
        case "npt-berendsen": "\n  temperature_K: \(temperature)\n  seed: 42\n  pressure_GPa: [0.3, 0.2, 0.2, 0, 0, 0]\n  barostat_time_fs: 200"
            + "\n  bulk_modulus_GPa: 2\n  pressure_coupling: anisotropic"
        default: "\n  temperature_K: \(temperature)\n  seed: 42"
        }
        return """
        structure: structure.xyz
        task: md
        md:
          ensemble: \(ensemble)
          timestep_fs: 2.0
          steps: \(steps)\(thermostat)
        output:
          directory: \(directory)
          trajectory: \(trajectory)
          trajectory_every: 3
          stats_every: 2
          restart_every: 10
        """
    }

    /// An interrupted Langevin run continued from its restart file gives the same stats
    /// log, trajectory and final structure as an uninterrupted run, without duplicated steps,
    /// even when the outputs had run ahead of the restart point.
    @Test(arguments: [("traj.xyz", "nvt-langevin"), ("traj.nc", "nvt-langevin"), ("traj.xyz", "npt-crescale"),
                      ("traj.nc", "npt-crescale"), ("traj.xyz", "npt-berendsen"), ("traj.nc", "npt-mtk"),
                      ("traj.xyz", "npt-mtk\n  pressure_coupling: anisotropic"), ("traj.nc", "npt-mtk\n  pressure_coupling: triclinic")])
    func restartContinuesTheExactTrajectory(_ trajectory: String, _ ensemble: String) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        let lj = try testArgon()
        let options = RunOptions(quiet: true)

        let full = try writeRun(yaml(steps: 40, directory: "full", trajectory: trajectory, ensemble: ensemble), system: system, in: dir)
        try MDRun.run(full, potential: lj, options: options)

        // Interrupted at step 20; keep its restart file, then run on to 30 (outputs now hold
        // steps up to 30), and finally continue from the step-20 restart to 40.
        let part = try writeRun(yaml(steps: 20, directory: "part", trajectory: trajectory, ensemble: ensemble), system: system, in: dir)
        try MDRun.run(part, potential: lj, options: options)
        try FileManager.default.copyItem(atPath: dir.path("part/restart.json"), toPath: dir.path("restart20.json"))
        let to30 = try writeRun(yaml(steps: 30, directory: "part", trajectory: trajectory, ensemble: ensemble), system: system, in: dir)
        try MDRun.run(to30, potential: lj, options: RunOptions(restart: dir.path("restart20.json"), quiet: true))
        let to40 = try writeRun(yaml(steps: 40, directory: "part", trajectory: trajectory, ensemble: ensemble), system: system, in: dir)
        try MDRun.run(to40, potential: lj, options: RunOptions(restart: dir.path("restart20.json"), quiet: true))

        #expect(try dir.text("part/stats.log") == dir.text("full/stats.log"))
        #expect(try dir.text("part/final.xyz") == dir.text("full/final.xyz"))
        let stats = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("part/stats.log")))
        #expect(stats.column("step") == stride(from: 0, through: 40, by: 2).map(Double.init))
        if trajectory.hasSuffix(".xyz") {
            #expect(try dir.text("part/traj.xyz") == dir.text("full/traj.xyz"))
        } else {
            let a = try AmberTrajectoryReader(path: dir.path("full/traj.nc"))
            let b = try AmberTrajectoryReader(path: dir.path("part/traj.nc"))
            #expect(a.frameCount == 14 && b.frameCount == 14)   // steps 0, 3, ..., 39
            if ensemble.hasPrefix("npt") {   // the trajectory carries the changing cell
                #expect(try a.cell(frame: 0).lengths != a.cell(frame: 13).lengths)
            }
            for f in 0..<a.frameCount {
                #expect(try a.coordinates(frame: f) == b.coordinates(frame: f))
                #expect(try a.timeInFemtoseconds(frame: f) == b.timeInFemtoseconds(frame: f))
                #expect(try a.cell(frame: f) == b.cell(frame: f))
            }
        }
    }

    /// NPT runs log the cell and the pressure tensor; the cell moves towards the target pressure.
    @Test func nptStatsLogHasCellAndPressureTensorColumns() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(yaml(steps: 20, directory: "out", ensemble: "npt-crescale"), system: try argonCrystal(n: 2), in: dir)
        let summary = try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        #expect(summary.neighborListBuilds >= 1)
        let stats = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        #expect(stats.columns == ["step", "time_fs", "epot_eV", "ekin_eV", "etot_eV", "temperature_K", "conserved_eV",
                                  "volume_A3", "pressure_GPa", "target_temperature_K", "a_A", "b_A", "c_A", "alpha_deg", "beta_deg", "gamma_deg",
                                  "pxx_GPa", "pyy_GPa", "pzz_GPa", "pyz_GPa", "pxz_GPa", "pxy_GPa"])
        let volume = try #require(stats.column("volume_A3"))
        #expect(volume.first != volume.last)
        let p = try #require(stats.column("pressure_GPa")), pxx = try #require(stats.column("pxx_GPa")),
            pyy = try #require(stats.column("pyy_GPa")), pzz = try #require(stats.column("pzz_GPa"))
        for k in p.indices { #expect(abs((pxx[k] + pyy[k] + pzz[k]) / 3 - p[k]) < 2e-5) }
    }

    /// A barostat needs a fully periodic structure: a clear error before the first step.
    @Test func nptOnAClusterIsAnError() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        var cluster = try argonCrystal(n: 1)
        cluster.cell = .none
        let run = try writeRun(yaml(steps: 4, directory: "out", ensemble: "npt-crescale"), system: cluster, in: dir)
        #expect {
            try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        } throws: { error in
            "\(error)".contains("npt-crescale changes the cell and needs a fully periodic structure")
        }
    }

    @Test func statsLogHasTheDocumentedColumns() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(yaml(steps: 6, directory: "out", ensemble: "nve"), system: try argonCrystal(n: 2), in: dir)
        let summary = try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        #expect(summary.finalStep == 6)
        let stats = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        #expect(stats.columns == ["step", "time_fs", "epot_eV", "ekin_eV", "etot_eV", "temperature_K",
                                  "conserved_eV", "volume_A3", "pressure_GPa"])
        // NVE from a structure without velocities: starts at rest, total energy conserved.
        let etot = try #require(stats.column("etot_eV"))
        #expect(etot.allSatisfy { abs($0 - etot[0]) < 1e-5 })
        #expect(stats.column("temperature_K")?.first == 0)
    }

    @Test func existingOutputsAreNeverTruncated() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(yaml(steps: 4, directory: "out"), system: try argonCrystal(n: 2), in: dir)
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        let before = try dir.text("out/stats.log")
        #expect(throws: OutputFileError.self) { try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true)) }
        #expect(try dir.text("out/stats.log") == before)
        // --overwrite replaces them.
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true, overwrite: true))
    }

    @Test func badSettingsNameTheKey() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        var run = try writeRun(yaml(steps: 4, directory: "out"), system: try argonCrystal(n: 2), in: dir)
        run.md.fixedAtoms = [0, 99]
        #expect(throws: SimulationError.self) { try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true)) }
        do {
            try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        } catch {
            #expect("\(error)".hasPrefix("md.fixed_atoms: atom index 99 is out of range"))
        }
    }

    @Test func explosionStopsWithTheLastGoodFrame() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        // Two argon atoms 1.0 Å apart: the repulsion throws them apart faster than 1 Å per step.
        let dimer = try AtomicSystem(atomicNumbers: [18, 18], positions: [SIMD3(4, 4, 4), SIMD3(5, 4, 4)],
                                     cell: .orthorhombic(SIMD3(repeating: 12)))
        let run = try writeRun(yaml(steps: 50, directory: "out", ensemble: "nve"), system: dimer, in: dir)
        do {
            try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
            Issue.record("expected the run to stop")
        } catch let error as SimulationError {
            guard case .stopped(let step, let reason, let last) = error else { Issue.record("\(error)"); return }
            #expect(step >= 1)
            #expect(reason.contains("step \(step)"))
            #expect(FileManager.default.fileExists(atPath: last))
            let frame = try ExtXYZReader.readFirst(path: last)
            #expect(frame.system.positions.allSatisfy { $0.x.isFinite })
        }
    }
}

import Foundation
import Testing
import TestSupport
import MDRunFile
import MDCore
import MDIO
@testable import MDSimulation

/// Stopping on a signal, the output-directory lock, the "file exists" advice and per-atom
/// columns kept through every structure a run writes.
@Suite struct InterruptAndOutputsTests {
    func mdYAML(steps: Int, directory: String = "out", trajectory: String = "traj.xyz", fixed: String = "[]") -> String {
        """
        structure: structure.xyz
        task: md
        md:
          ensemble: nvt-langevin
          timestep_fs: 2.0
          steps: \(steps)
          temperature_K: 120
          friction_per_ps: 5
          seed: 7
          fixed_atoms: \(fixed)
        output:
          directory: \(directory)
          trajectory: \(trajectory)
          trajectory_every: 2
          stats_every: 1
          restart_every: 0
        """
    }

    let relaxYAML = """
        structure: structure.xyz
        task: relax
        relax:
          fmax_eV_per_A: 0.0001
          max_steps: 200
        output:
          directory: out
        """

    /// A stop request (as SIGTERM sets it) ends the run after the step in progress with the
    /// restart file and final structure written; continuing from that restart file gives
    /// exactly the uninterrupted run.
    @Test func interruptedMDRunWritesRestartAndContinuesExactly() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let system = try argonCrystal(n: 2)
        let lj = try testArgon()
        try MDRun.run(try writeRun(mdYAML(steps: 12, directory: "full"), system: system, in: dir), potential: lj,
                      options: RunOptions(quiet: true))

        let run = try writeRun(mdYAML(steps: 12, directory: "part"), system: system, in: dir)
        let interrupt = InterruptSignal()
        interrupt.request(SIGTERM)
        do {
            try MDRun.run(run, potential: lj, options: RunOptions(quiet: true, interrupt: interrupt))
            Issue.record("the run did not stop")
        } catch let stop as RunInterrupted {
            #expect(stop.signal == SIGTERM && stop.step == 1)
            #expect(stop.exitStatus == 143)
            #expect(stop.restartFile == dir.path("part/restart.json"))
            #expect("\(stop)".contains("continue with --restart \(dir.path("part/restart.json"))"))
        }
        #expect(FileManager.default.fileExists(atPath: dir.path("part/restart.json")))
        let stopped = try ExtXYZReader.readFirst(path: dir.path("part/final.xyz"))
        #expect(stopped.info["step"] == .int(1))

        try MDRun.run(run, potential: lj, options: RunOptions(restart: dir.path("part/restart.json"), quiet: true))
        #expect(try dir.text("part/stats.log") == dir.text("full/stats.log"))
        #expect(try dir.text("part/traj.xyz") == dir.text("full/traj.xyz"))
        #expect(try dir.text("part/final.xyz") == dir.text("full/final.xyz"))
    }

    /// A relaxation stopped by a signal writes its last structure.
    @Test func interruptedRelaxationWritesTheLastStructure() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(relaxYAML, system: try argonCrystal(n: 2, rattle: 0.15), in: dir)
        let interrupt = InterruptSignal()
        interrupt.request(SIGINT)
        do {
            try RelaxRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true, interrupt: interrupt))
            Issue.record("the relaxation did not stop")
        } catch let stop as RunInterrupted {
            #expect(stop.signal == SIGINT && stop.exitStatus == 130 && stop.restartFile == nil)
            #expect(stop.finalStructure == dir.path("out/final.xyz"))
        }
        let final = try ExtXYZReader.readFirst(path: dir.path("out/final.xyz"))
        #expect(final.info["converged"] == .bool(false))
        #expect(final.forces != nil && final.energy != nil)
    }

    /// Two runs into one directory at once: the second fails (also with --overwrite) and
    /// leaves the first one's files alone; once the lock is released the directory is usable.
    @Test func outputDirectoryIsLocked() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(mdYAML(steps: 2), system: try argonCrystal(n: 2), in: dir)
        try OutputDirectory.prepare(dir.path("out"))
        let holder = try OutputDirectoryLock(directory: dir.path("out"))
        do {
            try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true, overwrite: true))
            Issue.record("a second run wrote into a locked directory")
        } catch let error as OutputFileError {
            #expect(error.message.contains("another macemd run (process \(getpid()))"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("out/stats.log")))
        holder.release()
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true, overwrite: true))
        // The run released its lock when it ended.
        _ = try OutputDirectoryLock(directory: dir.path("out"))
    }

    /// "file exists" suggests --restart only when there is a restart file to continue from.
    @Test func fileExistsAdviceNamesOnlyFilesThatExist() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(mdYAML(steps: 2), system: try argonCrystal(n: 2), in: dir)
        try OutputDirectory.prepare(dir.path("out"))
        try "".write(toFile: dir.path("out/traj.xyz"), atomically: true, encoding: .utf8)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        let noRestart = message { try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true)) }
        #expect(noRestart.contains("file exists") && !noRestart.contains("--restart"), "\(noRestart)")
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true, overwrite: true))
        let withRestart = message { try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true)) }
        #expect(withRestart.contains("--restart \(dir.path("out/restart.json"))"), "\(withRestart)")

        let relax = try writeRun(relaxYAML, system: try argonCrystal(n: 2, rattle: 0.15), in: dir)
        let relaxAgain = message { try RelaxRun.run(relax, potential: try testArgon(), options: RunOptions(quiet: true)) }
        #expect(relaxAgain.contains("file exists") && !relaxAgain.contains("--restart"), "\(relaxAgain)")
    }

    /// A structure with fixed atoms (`move_mask`), tags and ASE per-atom results of the input.
    func labelledCrystal() throws -> StructureRecord {
        let system = try argonCrystal(n: 2)
        let n = system.count
        return StructureRecord(system: system, arrays: [
            ExtXYZArray(name: "tags", width: 1, values: .integer((0..<n).map { $0 % 3 })),
            ExtXYZArray(name: "move_mask", width: 1, values: .logical((0..<n).map { $0 >= 2 })),
            ExtXYZArray(name: "energies", width: 1, values: .real(Array(repeating: -0.1, count: n))),
        ])
    }

    /// Fixed atoms and tags survive into final.xyz and the trajectory (MD and relaxation), so
    /// relax → MD from final.xyz keeps the fixed atoms fixed; stale per-atom energies are dropped.
    @Test func perAtomColumnsAreKeptInEveryStructure() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let input = try labelledCrystal()
        try ExtXYZWriter.write([input], to: dir.path("structure.xyz"), mode: .overwrite)
        try relaxYAML.replacingOccurrences(of: "directory: out", with: "directory: relaxed\n  trajectory: relax.xyz")
            .write(toFile: dir.path("relax.yaml"), atomically: true, encoding: .utf8)
        _ = try? RelaxRun.run(try RunFile.load(path: dir.path("relax.yaml")), potential: try testArgon(),
                              options: RunOptions(quiet: true))
        let relaxed = try ExtXYZReader.readFirst(path: dir.path("relaxed/final.xyz"))
        #expect(relaxed.fixedAtoms == [0, 1])
        #expect(relaxed.array(named: "tags") == input.array(named: "tags"))
        #expect(relaxed.array(named: "energies") == nil)
        #expect(try ExtXYZReader.readAll(path: dir.path("relaxed/relax.xyz")).allSatisfy { $0.fixedAtoms == [0, 1] })

        // MD from the relaxed structure, one more atom fixed by the run file.
        try FileManager.default.copyItem(atPath: dir.path("relaxed/final.xyz"), toPath: dir.path("relaxed.xyz"))
        try mdYAML(steps: 10, directory: "md", fixed: "[5]").replacingOccurrences(of: "structure.xyz", with: "relaxed.xyz")
            .write(toFile: dir.path("md.yaml"), atomically: true, encoding: .utf8)
        try MDRun.run(try RunFile.load(path: dir.path("md.yaml")), potential: try testArgon(), options: RunOptions(quiet: true))
        let final = try ExtXYZReader.readFirst(path: dir.path("md/final.xyz"))
        #expect(final.fixedAtoms == [0, 1, 5])
        #expect(final.array(named: "tags") == input.array(named: "tags"))
        for i in [0, 1, 5] { #expect(final.system.positions[i] == relaxed.system.positions[i]) }
        let frames = try ExtXYZReader.readAll(path: dir.path("md/traj.xyz"))
        #expect(frames.count == 6 && frames.allSatisfy { $0.fixedAtoms == [0, 1, 5] })
    }
}

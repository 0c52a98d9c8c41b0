import Foundation
import Testing
import MDCore
import MDIO
import MDRunFile
import TestSupport
@testable import MDSimulation

@Suite struct RelaxRunTests {
    func yaml(cell: Bool, maxSteps: Int = 500, optimizer: String = "fire") -> String {
        """
        structure: structure.xyz
        task: relax
        relax:
          optimizer: \(optimizer)
          fmax_eV_per_A: 0.001
          max_steps: \(maxSteps)
          cell: \(cell)
        output:
          directory: out
        """
    }

    @Test(arguments: ["fire", "lbfgs"])
    func positionsRelaxToForceFreeStructure(_ optimizer: String) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(yaml(cell: false, optimizer: optimizer), system: try argonCrystal(n: 2, rattle: 0.15), in: dir)
        let summary = try RelaxRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        #expect(summary.converged)
        let final = try ExtXYZReader.readFirst(path: dir.path("out/final.xyz"))
        let forces = try #require(final.forces)
        #expect(forces.map { length($0) }.max()! <= 0.001)
        #expect(abs(try #require(final.energy) - summary.energy) < 1e-9)
        let log = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        #expect(log.columns == ["step", "epot_eV", "fmax_eV_per_A"])
        #expect(try #require(log.column("fmax_eV_per_A")).last! <= 0.001)
    }

    @Test func cellRelaxationReachesZeroPressure() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        // Start 3 % compressed; the cell must expand until the stress vanishes.
        let run = try writeRun(yaml(cell: true), system: try argonCrystal(n: 2, a: 5.26 * 0.97, rattle: 0.02), in: dir)
        let summary = try RelaxRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        #expect(summary.converged)
        #expect(summary.system.cell.volume > pow(2 * 5.26 * 0.97, 3))
        let log = try StatsTable(contentsOf: URL(fileURLWithPath: dir.path("out/stats.log")))
        #expect(log.columns == ["step", "epot_eV", "fmax_eV_per_A", "a_A", "b_A", "c_A", "volume_A3", "pressure_GPa"])
        let pressure = try #require(log.column("pressure_GPa"))
        #expect(pressure.first! > 0.01)           // compressed: positive pressure
        #expect(abs(pressure.last!) < 0.01)       // relaxed
    }

    @Test func stepLimitIsAClearError() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try writeRun(yaml(cell: false, maxSteps: 3), system: try argonCrystal(n: 2, rattle: 0.2), in: dir)
        do {
            try RelaxRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
            Issue.record("expected a not-converged error")
        } catch let error as SimulationError {
            #expect("\(error)".hasPrefix("relaxation not converged after 3 steps"))
            #expect(FileManager.default.fileExists(atPath: dir.path("out/final.xyz")))
        }
    }

    @Test func cellRelaxationOfAMoleculeIsRefused() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let molecule = try AtomicSystem(atomicNumbers: [18, 18], positions: [.zero, SIMD3(3.8, 0, 0)])
        let run = try writeRun(yaml(cell: true), system: molecule, in: dir)
        #expect(throws: SimulationError.self) { try RelaxRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true)) }
    }
}

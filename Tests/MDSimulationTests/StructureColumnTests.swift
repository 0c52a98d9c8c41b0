import Foundation
import Testing
import TestSupport
import MDCore
import MDIO
import MDRunFile
@testable import MDSimulation

/// Structure columns MaceMD cannot honour are refused, not silently dropped.
@Suite struct StructureColumnTests {
    func run(with array: ExtXYZArray, in dir: ScratchDirectory) throws -> RunFile {
        let system = try argonCrystal(n: 1)
        try ExtXYZWriter.write([StructureRecord(system: system, arrays: [array])], to: dir.path("structure.xyz"), mode: .overwrite)
        try "structure: structure.xyz\nmd:\n  steps: 2\noutput:\n  directory: out\n"
            .write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
        return try RunFile.load(path: dir.path("run.yaml"))
    }

    @Test func fixCartesianIsRefused() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        // Atom 1 fixed along z only (ASE's FixCartesian); atom 2 fully fixed.
        var flags = Array(repeating: true, count: 12)
        flags[5] = false
        flags[6] = false; flags[7] = false; flags[8] = false
        let run = try run(with: ExtXYZArray(name: "move_mask", width: 3, values: .logical(flags)), in: dir)
        #expect(throws: SimulationError.invalidSetting(key: "structure", message:
            "move_mask fixes atoms 1 along some directions only (ASE's FixCartesian); MaceMD fixes whole atoms: "
            + "give each atom three equal flags (or use md.fixed_atoms)")) {
            try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        }
    }

    @Test func wholeAtomMasksStillWork() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        var flags = Array(repeating: true, count: 12)
        flags[6] = false; flags[7] = false; flags[8] = false
        let run = try run(with: ExtXYZArray(name: "move_mask", width: 3, values: .logical(flags)), in: dir)
        try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        let final = try ExtXYZReader.readFirst(path: dir.path("out/final.xyz"))
        #expect(final.fixedAtoms == [2])
    }

    @Test func aVelocitiesColumnIsRefused() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanup() }
        let run = try run(with: ExtXYZArray(name: "velocities", width: 3, values: .real(Array(repeating: 0.01, count: 12))), in: dir)
        #expect(throws: SimulationError.self) {
            try MDRun.run(run, potential: try testArgon(), options: RunOptions(quiet: true))
        }
    }
}

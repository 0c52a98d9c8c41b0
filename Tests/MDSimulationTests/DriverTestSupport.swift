import Foundation
import MDCore
import MDIO
import MDRunFile
import MDPotentials
import TestSupport
@testable import MDSimulation

/// fcc argon, n×n×n conventional cells, lattice constant `a` (Å), rattled by up to `rattle` Å.
func argonCrystal(n: Int, a: Double = 5.26, rattle: Double = 0.05, seed: UInt64 = 3) throws -> AtomicSystem {
    try fccArgon(repeats: n, latticeConstant: a).rattled(amplitude: rattle, seed: seed)
}

/// Writes `system` as `structure.xyz` and `yaml` as `run.yaml` into `dir`; returns the parsed run file.
func writeRun(_ yaml: String, system: AtomicSystem, in dir: ScratchDirectory) throws -> RunFile {
    try ExtXYZWriter.write([StructureRecord(system: system)], to: dir.path("structure.xyz"), mode: .overwrite)
    try yaml.write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
    return try RunFile.load(path: dir.path("run.yaml"))
}

/// LJ argon with a cutoff that fits the small test cells.
func testArgon() throws -> LennardJones { try LennardJones(epsilon: 0.0104, sigma: 3.40, cutoff: 5.0) }

import Foundation
import MDCore
import MDIO
import MDPotentials
@testable import MDSimulation

/// A scratch directory for one test, removed by `cleanup()`.
struct ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("macemd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
    func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
}

/// fcc argon, n×n×n conventional cells, lattice constant `a` (Å), rattled by up to `rattle` Å.
func argonCrystal(n: Int, a: Double = 5.26, rattle: Double = 0.05, seed: UInt64 = 3) throws -> AtomicSystem {
    let basis: [SIMD3<Double>] = [.zero, SIMD3(0.5, 0.5, 0), SIMD3(0.5, 0, 0.5), SIMD3(0, 0.5, 0.5)]
    var state = seed
    func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 52) - 1
    }
    var positions: [SIMD3<Double>] = []
    for x in 0..<n { for y in 0..<n { for z in 0..<n { for b in basis {
        positions.append(a * (SIMD3(Double(x), Double(y), Double(z)) + b) + rattle * SIMD3(uniform(), uniform(), uniform()))
    } } } }
    return try AtomicSystem(atomicNumbers: Array(repeating: 18, count: positions.count), positions: positions,
                            cell: .orthorhombic(SIMD3(repeating: a * Double(n))))
}

/// Writes `system` as `structure.xyz` and `yaml` as `run.yaml` into `dir`; returns the parsed run file.
func writeRun(_ yaml: String, system: AtomicSystem, in dir: ScratchDirectory) throws -> RunFile {
    try ExtXYZWriter.write([ExtXYZFrame(system: system)], to: dir.path("structure.xyz"), mode: .overwrite)
    try yaml.write(toFile: dir.path("run.yaml"), atomically: true, encoding: .utf8)
    return try RunFile.load(path: dir.path("run.yaml"))
}

/// LJ argon with a cutoff that fits the small test cells.
func testArgon() throws -> LennardJones { try LennardJones(epsilon: 0.0104, sigma: 3.40, cutoff: 5.0) }

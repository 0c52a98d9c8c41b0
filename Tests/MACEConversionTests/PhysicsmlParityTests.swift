import Foundation
import Testing
import MDCore
import MDPotentials
import MACE

/// physicsml 0.6.0 models converted by scripts/conversion/physicsml_convert.py against physicsml's
/// own float64 energies and forces (fixtures: `python -m scripts.fixtures.make_physicsml_fixtures`
/// in physicsml's environment).
///
/// physicsml rounds positions, cell and the E0 sum to float32 before its float64 model; the
/// fixture holds those rounded inputs (`positions`, `cell`, `e0_sum`), so the comparison is at
/// full precision: E − ΣE0 on both sides, |Δ| ≤ 1e-9·|E|; max|ΔF| ≤ 1e-6·max|F| + 1e-9 eV/Å.
/// MaceMD's ΣE0 in float64 differs from physicsml's float32 sum by at most its rounding
/// (checked separately). float32: the tolerances of Tests/MACETests/MACEParityTests.
@Suite struct PhysicsmlParityTests {
    static let variants = ["mace_model", "mean_var_mace_model", "ssf_mace_model", "adapter_mace_model"]
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/physicsml")

    struct Structure {
        var name: String
        var system: AtomicSystem
        var e0Sum: Double
        var energy: Double
        var forces: [SIMD3<Double>]
    }

    struct FixtureError: Error, CustomStringConvertible { var description: String }

    static func structures(_ variant: String) throws -> [Structure] {
        let url = directory.appendingPathComponent("\(variant).reference.json")
        guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let list = root["structures"] as? [[String: Any]] else {
            throw FixtureError(description: "\(url.path): no structures")
        }
        func vectors(_ any: Any?) throws -> [SIMD3<Double>] {
            guard let rows = any as? [[Double]] else { throw FixtureError(description: "\(variant): bad vector list") }
            return rows.map { SIMD3($0[0], $0[1], $0[2]) }
        }
        return try list.map { s in
            let flags = (s["pbc"] as? [Bool]) ?? [false, false, false]
            let pbc = Periodicity(flags[0], flags[1], flags[2])
            let cell = try (s["cell"] as? [[Double]]).map { Cell(vectors: try Matrix3($0), pbc: pbc) } ?? .none
            let system = try AtomicSystem(atomicNumbers: s["numbers"] as? [Int] ?? [], positions: try vectors(s["positions"]),
                                          cell: cell)
            return Structure(name: s["name"] as? String ?? "?", system: system, e0Sum: s["e0_sum"] as? Double ?? .nan,
                             energy: s["energy"] as? Double ?? .nan, forces: try vectors(s["forces"]))
        }
    }

    /// Σ E0 as MaceMD adds it (float64), from the converted model's per-element values.
    static func e0Sum(_ system: AtomicSystem, model url: URL) throws -> Double {
        let file = try SafetensorsFile(contentsOf: url)
        let text = try #require(file.metadata["config"])
        let config = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let numbers = try #require(config["atomic_numbers"] as? [Int])
        let energies = try #require((config["atomic_energies"] as? [[Double]])?.first)
        return system.atomicNumbers.reduce(0) { $0 + energies[numbers.firstIndex(of: $1)!] }
    }

    @Test(arguments: variants) func float64Parity(variant: String) throws {
        let url = Self.directory.appendingPathComponent("\(variant).safetensors")
        let mace = try MACEPotential(contentsOf: url, precision: .float64)
        for s in try Self.structures(variant) {
            let r = try mace.evaluate(s.system)
            let e0 = try Self.e0Sum(s.system, model: url)
            let dE = abs((r.energy - e0) - (s.energy - s.e0Sum))
            #expect(dE <= 1e-9 * abs(s.energy), "\(variant)/\(s.name): E−ΣE0 \(r.energy - e0) vs \(s.energy - s.e0Sum)")
            #expect(abs(e0 - s.e0Sum) <= 1e-7 * abs(s.e0Sum), "\(variant)/\(s.name): ΣE0 \(e0) vs physicsml's float32 \(s.e0Sum)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = zip(r.forces, s.forces).reduce(0) { max($0, length($1.0 - $1.1)) }
            #expect(fmax > 0.05, "\(variant)/\(s.name): forces too small to test (max |F| = \(fmax))")
            #expect(df <= 1e-6 * fmax + 1e-9, "\(variant)/\(s.name): max |ΔF| = \(df)")
        }
    }

    @Test(arguments: variants) func float32Parity(variant: String) throws {
        let url = Self.directory.appendingPathComponent("\(variant).safetensors")
        let mace = try MACEPotential(contentsOf: url, precision: .float32)
        for s in try Self.structures(variant) {
            let r = try mace.evaluate(s.system)
            let n = Double(s.system.count)
            let e0 = try Self.e0Sum(s.system, model: url)
            #expect(abs((r.energy - e0) - (s.energy - s.e0Sum)) <= 1e-5 * (abs(s.energy) + n), "\(variant)/\(s.name): E \(r.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = zip(r.forces, s.forces).reduce(0) { max($0, length($1.0 - $1.1)) }
            #expect(df <= 2e-3 * fmax + 1e-5, "\(variant)/\(s.name): max |ΔF| = \(df)")
        }
    }

    /// Forces of the SSF and adapter models are −∂E/∂x: central differences of the energy
    /// (h = 1e-5 Å) on every coordinate of the triclinic structure (the reverse pass of the new
    /// stages, end to end).
    @Test(arguments: ["ssf_mace_model", "adapter_mace_model"]) func forcesAreMinusEnergyGradient(variant: String) throws {
        let url = Self.directory.appendingPathComponent("\(variant).safetensors")
        let mace = try MACEPotential(contentsOf: url, precision: .float64)
        let s = try #require(try Self.structures(variant).first { $0.name == "triclinic" })
        let forces = try mace.evaluate(s.system).forces
        let h = 1e-5
        var worst = 0.0
        for i in 0..<s.system.count {
            for k in 0..<3 {
                var plus = s.system, minus = s.system
                plus.positions[i][k] += h
                minus.positions[i][k] -= h
                let fd = -(try mace.evaluate(plus).energy - mace.evaluate(minus).energy) / (2 * h)
                worst = max(worst, abs(fd - forces[i][k]))
            }
        }
        let fmax = forces.reduce(0) { max($0, length($1)) }
        #expect(worst <= 1e-6 * max(1, fmax), "\(variant): max |F − (−∂E/∂x)_FD| = \(worst)")
    }
}

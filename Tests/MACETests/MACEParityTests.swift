import Foundation
import Testing
import MDCore
import MDPotentials
@testable import MACE

/// Largest |a_i − b_i| over atoms.
func maxDeviation(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    zip(a, b).reduce(0) { max($0, length($1.0 - $1.1)) }
}

/// Parity with mace-torch float64 for every model kind whose fixture is present:
/// |ΔE| ≤ 1e-8 (|E| + N), max |ΔF| ≤ 1e-6 max|F| + 1e-9, |Δσ| ≤ 1e-6 max|σ| + 1e-9 (float64);
/// max |ΔF| ≤ 2e-3 max|F| + 1e-5, |ΔE| ≤ 1e-5 (|E| + N) (float32).
@Suite struct MACEParityTests {
    static let kinds = MACEFixtures.kinds

    /// Tolerances of the acceptance criteria: |ΔE| ≤ e·(|E| + N); max |ΔF| ≤ f·max|F| + fAbs; stress likewise.
    struct Tolerance { let energy: Double; let relative: Double; let absolute: Double }

    @Test(arguments: kinds) func float64Parity(kind: String) throws {
        try checkParity(kind, precision: .float64, Tolerance(energy: 1e-8, relative: 1e-6, absolute: 1e-9))
    }

    @Test(arguments: kinds) func float32Parity(kind: String) throws {
        try checkParity(kind, precision: .float32, Tolerance(energy: 1e-5, relative: 2e-3, absolute: 1e-5))
    }

    /// Evaluates every reference structure of `kind` and compares energy, forces and stress.
    func checkParity(_ kind: String, precision: MACEPrecision, _ tol: Tolerance) throws {
        let reference = try MACEFixtures.reference(kind)
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind), precision: precision, head: reference.head)
        for s in reference.structures {
            let r = try mace.evaluate(s.system)
            let n = Double(s.system.count)
            #expect(abs(r.energy - s.energy) <= tol.energy * (abs(s.energy) + n), "\(kind)/\(s.name): E \(r.energy) vs \(s.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = maxDeviation(r.forces, s.forces)
            #expect(df <= tol.relative * fmax + tol.absolute, "\(kind)/\(s.name): max |ΔF| = \(df)")
            if let ref = s.stress {
                let sigma = try #require(r.stress(volume: s.system.cell.volume))
                let ds = (sigma - ref).maxAbs
                #expect(ds <= tol.relative * ref.maxAbs + tol.absolute, "\(kind)/\(s.name): max |Δσ| = \(ds)")
            }
        }
    }

    /// Every fixture kind is present (regenerate with `python -m scripts.fixtures.make_mace_fixtures`).
    @Test func everyFixtureIsPresent() {
        #expect(MACEFixtures.missing.isEmpty, "missing MACE fixtures: \(MACEFixtures.missing)")
    }
}

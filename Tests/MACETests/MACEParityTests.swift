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
    static let kinds = MACEFixtures.available

    @Test(arguments: kinds) func float64Parity(kind: String) throws {
        let reference = try MACEFixtures.reference(kind)
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind), precision: .float64, head: reference.head)
        for s in reference.structures {
            let r = try mace.evaluate(s.system)
            let n = Double(s.system.count)
            #expect(abs(r.energy - s.energy) <= 1e-8 * (abs(s.energy) + n), "\(kind)/\(s.name): E \(r.energy) vs \(s.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = maxDeviation(r.forces, s.forces)
            #expect(df <= 1e-6 * fmax + 1e-9, "\(kind)/\(s.name): max |ΔF| = \(df)")
            if let ref = s.stress {
                let sigma = try #require(r.stress(volume: s.system.cell.volume))
                let ds = (sigma - ref).maxAbs
                #expect(ds <= 1e-6 * ref.maxAbs + 1e-9, "\(kind)/\(s.name): max |Δσ| = \(ds)")
            }
        }
    }

    @Test(arguments: kinds) func float32Parity(kind: String) throws {
        let reference = try MACEFixtures.reference(kind)
        let mace = try MACEPotential(contentsOf: MACEFixtures.modelURL(kind), precision: .float32, head: reference.head)
        for s in reference.structures {
            let r = try mace.evaluate(s.system)
            let n = Double(s.system.count)
            #expect(abs(r.energy - s.energy) <= 1e-5 * (abs(s.energy) + n), "\(kind)/\(s.name): E \(r.energy) vs \(s.energy)")
            let fmax = s.forces.reduce(0) { max($0, length($1)) }
            let df = maxDeviation(r.forces, s.forces)
            #expect(df <= 2e-3 * fmax + 1e-5, "\(kind)/\(s.name): max |ΔF| = \(df)")
            if let ref = s.stress {
                let sigma = try #require(r.stress(volume: s.system.cell.volume))
                let ds = (sigma - ref).maxAbs
                #expect(ds <= 2e-3 * ref.maxAbs + 1e-5, "\(kind)/\(s.name): max |Δσ| = \(ds)")
            }
        }
    }

    /// The fixture directory must hold the first kind; a missing fixture is only skipped for later kinds.
    @Test func firstFixtureIsPresent() {
        #expect(MACEFixtures.available.contains("mp0_small"))
    }
}

import Foundation
import MDCore
import MDPotentials

/// A deterministic uniform generator for rattling test structures (SplitMix64).
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53
    }
    /// A vector with components uniform in [−amplitude, amplitude).
    mutating func vector(_ amplitude: Double) -> SIMD3<Double> {
        amplitude * SIMD3(2 * uniform() - 1, 2 * uniform() - 1, 2 * uniform() - 1)
    }
}

/// The four-atom basis of the conventional fcc cell, fractional.
let fccBasis: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0), SIMD3(0.5, 0, 0.5), SIMD3(0, 0.5, 0.5)]

/// `repeats`³ conventional fcc argon cells of edge `a` (Å).
func fccArgon(repeats: Int, latticeConstant a: Double) throws -> AtomicSystem {
    var positions: [SIMD3<Double>] = []
    for x in 0..<repeats { for y in 0..<repeats { for z in 0..<repeats {
        for b in fccBasis { positions.append(a * (SIMD3(Double(x), Double(y), Double(z)) + b)) }
    } } }
    let edge = a * Double(repeats)
    return try AtomicSystem(atomicNumbers: Array(repeating: 18, count: positions.count), positions: positions,
                            cell: .orthorhombic(SIMD3(edge, edge, edge)))
}

/// A 13-atom icosahedron (centre + 12 vertices at `radius`), rattled by `rattle` (Å).
func icosahedron(radius: Double, rattle: Double, seed: UInt64) throws -> AtomicSystem {
    let phi = (1 + 5.0.squareRoot()) / 2
    var vertices: [SIMD3<Double>] = [.zero]
    for s1 in [-1.0, 1.0] { for s2 in [-1.0, 1.0] {
        vertices.append(SIMD3(0, s1, s2 * phi))
        vertices.append(SIMD3(s1, s2 * phi, 0))
        vertices.append(SIMD3(s2 * phi, 0, s1))
    } }
    var rng = TestRNG(seed: seed)
    let positions = vertices.map { v in
        (v == .zero ? v : radius * v / (1 + phi * phi).squareRoot()) + rng.vector(rattle)
    }
    return try AtomicSystem(atomicNumbers: Array(repeating: 18, count: 13), positions: positions)
}

/// Energy per atom (eV) and its derivative d/da (eV/Å) of a perfect fcc lattice with
/// lattice constant `a` for `potential`, by direct lattice sums: E/N = ½ Σ_{R≠0} φ(|R|).
func fccLatticeEnergy(_ potential: LennardJones, a: Double) -> (energy: Double, derivative: Double) {
    let reach = Int((potential.cutoff / a).rounded(.up)) + 1
    var energy = 0.0, derivative = 0.0
    for i in -reach...reach { for j in -reach...reach { for k in -reach...reach { for b in fccBasis {
        let r = a * length(SIMD3(Double(i), Double(j), Double(k)) + b)
        guard r > 0, r < potential.cutoff else { continue }
        let (phi, dphi) = potential.pairTerm(r: r, zi: 18, zj: 18)
        energy += 0.5 * phi
        derivative += 0.5 * dphi * r / a          // d|R|/da = |R|/a
    } } } }
    return (energy, derivative)
}

/// The equilibrium fcc lattice constant (Å) of `potential`: the root of dE/da by bisection.
func fccEquilibriumLatticeConstant(_ potential: LennardJones, bracket: ClosedRange<Double>) -> Double {
    var lo = bracket.lowerBound, hi = bracket.upperBound
    precondition(fccLatticeEnergy(potential, a: lo).derivative < 0 && fccLatticeEnergy(potential, a: hi).derivative > 0)
    for _ in 0..<200 where hi - lo > 1e-13 {
        let mid = 0.5 * (lo + hi)
        if fccLatticeEnergy(potential, a: mid).derivative < 0 { lo = mid } else { hi = mid }
    }
    return 0.5 * (lo + hi)
}

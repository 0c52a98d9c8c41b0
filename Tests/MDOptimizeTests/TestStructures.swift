import Foundation
import MDCore
import MDPotentials

/// The four-atom basis of the conventional fcc cell, fractional.
let fccBasis = Crystal.fccBasis

/// A 13-atom icosahedron (centre + 12 vertices at `radius`), rattled by `rattle` (Å).
func icosahedron(radius: Double, rattle: Double, seed: UInt64) throws -> AtomicSystem {
    let phi = (1 + 5.0.squareRoot()) / 2
    var vertices: [SIMD3<Double>] = [.zero]
    for s1 in [-1.0, 1.0] { for s2 in [-1.0, 1.0] {
        vertices.append(SIMD3(0, s1, s2 * phi))
        vertices.append(SIMD3(s1, s2 * phi, 0))
        vertices.append(SIMD3(s2 * phi, 0, s1))
    } }
    var rng = SplitMix64(seed: seed)
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

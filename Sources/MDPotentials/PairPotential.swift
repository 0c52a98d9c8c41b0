import MDCore
import MDNeighbors

/// A potential that is a sum over pairs, E = ½ Σ_i Σ_{j≠i} φ(r_ij), with φ(r) = 0 for r ≥ cutoff;
/// atom i's energy is E_i = ½ Σ_j φ(r_ij), half of each of its pair energies.
///
/// Conformers give φ and φ′; forces and virial follow from the shared loop over the
/// directed pairs:
/// - F_i = Σ_j φ′(r_ij) r_ij / r_ij   (since ∂r_ij/∂x_i = −r_ij/r_ij), with r_ij = x_j − x_i + S·H;
/// - W = −∂E/∂ε = −½ Σ_(i,j) φ′(r_ij) r_ij ⊗ r_ij / r_ij.
public protocol PairPotential: Potential {
    /// φ(r) in eV and dφ/dr in eV/Å at separation r < cutoff (Å) between elements zi and zj.
    func pairTerm(r: Double, zi: Int, zj: Int) -> (energy: Double, derivative: Double)
}

extension PairPotential {
    public func evaluate(_ system: AtomicSystem, neighbors: NeighborPairs,
                         request: EvaluationRequest) throws -> Evaluation {
        try checkElements(of: system)
        let wantForces = request.contains(.forces), wantVirial = request.contains(.virial)
        let h = system.cell.vectors
        let cutoff2 = cutoff * cutoff
        var energy = 0.0
        var forces = wantForces ? [SIMD3<Double>](repeating: .zero, count: system.count) : []
        var virial = Matrix3.zero
        var atomEnergies = request.contains(.atomEnergies) ? [Double](repeating: 0, count: system.count) : nil
        for i in 0..<system.count {
            var fi = SIMD3<Double>.zero
            for e in neighbors.range(of: i) {
                let d = neighbors.vector(e, positions: system.positions, cell: h)
                let r2 = dot(d, d)
                guard r2 < cutoff2 else { continue }
                let r = r2.squareRoot()
                let (phi, dphi) = pairTerm(r: r, zi: system.atomicNumbers[i],
                                           zj: system.atomicNumbers[neighbors.second[e]])
                energy += 0.5 * phi
                atomEnergies?[i] += 0.5 * phi
                let g = (dphi / r) * d      // φ′ r̂ r… = gradient of φ with respect to x_j
                fi += g
                if wantVirial { virial += (-0.5) * Matrix3.outer(g, d) }
            }
            if wantForces { forces[i] = fi }
        }
        return Evaluation(energy: energy, forces: forces, virial: wantVirial ? virial : nil, atomEnergies: atomEnergies)
    }
}

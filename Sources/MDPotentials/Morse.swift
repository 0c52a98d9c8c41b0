import Foundation
import MDCore

/// The Morse pair potential, shifted to zero energy at the cutoff:
///
///     φ(r) = D [e^(−2α(r − r₀)) − 2 e^(−α(r − r₀))] − φ_M(r_c)   for r < r_c.
///
/// The minimum is −D at r = r₀ (before the shift). Same form as ASE's `MorsePotential`
/// with ε = D, ρ₀ = α r₀.
public struct Morse: PairPotential, Sendable {
    /// Well depth D in eV.
    public let depth: Double
    /// Stiffness α in 1/Å.
    public let alpha: Double
    /// Equilibrium distance r₀ in Å.
    public let r0: Double
    /// Cutoff in Å.
    public let cutoff: Double
    public let supportedAtomicNumbers: Set<Int>?
    private let energyAtCutoff: Double

    public init(depth: Double, alpha: Double, r0: Double, cutoff: Double, elements: Set<Int>? = nil) throws {
        for (name, value) in [("depth", depth), ("alpha", alpha), ("r0", r0), ("cutoff", cutoff)]
        where !(value > 0 && value.isFinite) {
            throw PotentialError.invalidParameter(name: name, value: value, reason: "must be a positive finite number")
        }
        self.depth = depth
        self.alpha = alpha
        self.r0 = r0
        self.cutoff = cutoff
        self.supportedAtomicNumbers = elements
        let x = exp(-alpha * (cutoff - r0))
        self.energyAtCutoff = depth * (x * x - 2 * x)
    }

    /// φ = D(x² − 2x) − φ(r_c) with x = e^(−α(r−r₀)); dφ/dr = −2αD(x² − x).
    public func pairTerm(r: Double, zi: Int, zj: Int) -> (energy: Double, derivative: Double) {
        let x = exp(-alpha * (r - r0))
        return (depth * (x * x - 2 * x) - energyAtCutoff, -2 * alpha * depth * (x * x - x))
    }
}

import Foundation
import MDCore

/// The 12-6 Lennard-Jones pair potential, shifted to zero energy at the cutoff:
///
///     φ(r) = 4ε[(σ/r)¹² − (σ/r)⁶] − φ_LJ(r_c)   for r < r_c, 0 otherwise.
///
/// One (ε, σ) pair for all atoms (e.g. argon: ε = 0.0104 eV, σ = 3.40 Å, r_c = 8.5 Å).
/// The force is the plain LJ force; it jumps by φ′_LJ(r_c) at the cutoff, which is tiny
/// for r_c ≥ 2.5σ.
public struct LennardJones: PairPotential, Sendable {
    /// Well depth ε in eV.
    public let epsilon: Double
    /// Zero-crossing distance σ in Å.
    public let sigma: Double
    /// Cutoff r_c in Å.
    public let cutoff: Double
    /// Elements this instance applies to (nil: any).
    public let supportedAtomicNumbers: Set<Int>?
    private let energyAtCutoff: Double

    /// - Parameters: epsilon (eV, > 0), sigma (Å, > 0), cutoff (Å, default 2.5σ).
    public init(epsilon: Double, sigma: Double, cutoff: Double? = nil, elements: Set<Int>? = nil) throws {
        guard epsilon > 0, epsilon.isFinite else {
            throw PotentialError.invalidParameter(name: "epsilon", value: epsilon, reason: "must be > 0 eV")
        }
        guard sigma > 0, sigma.isFinite else {
            throw PotentialError.invalidParameter(name: "sigma", value: sigma, reason: "must be > 0 Å")
        }
        let rc = cutoff ?? 2.5 * sigma
        guard rc > 0, rc.isFinite else {
            throw PotentialError.invalidParameter(name: "cutoff", value: rc, reason: "must be > 0 Å")
        }
        self.epsilon = epsilon
        self.sigma = sigma
        self.cutoff = rc
        self.supportedAtomicNumbers = elements
        let s6 = pow6(sigma / rc)
        self.energyAtCutoff = 4 * epsilon * (s6 * s6 - s6)
    }

    /// Argon parameters: ε = 0.0104 eV (120 K·k_B), σ = 3.40 Å, cutoff 8.5 Å.
    public static func argon(cutoff: Double = 8.5) -> LennardJones {
        // Literal, valid parameters: the initialiser cannot fail.
        try! LennardJones(epsilon: 0.0104, sigma: 3.40, cutoff: cutoff)
    }

    /// φ = 4ε(s¹² − s⁶) − φ(r_c) with s = σ/r; dφ/dr = −(24ε/r)(2s¹² − s⁶).
    public func pairTerm(r: Double, zi: Int, zj: Int) -> (energy: Double, derivative: Double) {
        let s6 = pow6(sigma / r)
        let s12 = s6 * s6
        return (4 * epsilon * (s12 - s6) - energyAtCutoff, -24 * epsilon * (2 * s12 - s6) / r)
    }

    /// The minimum of the unshifted pair potential, r = 2^(1/6) σ (Å).
    public var minimumDistance: Double { pow(2.0, 1.0 / 6.0) * sigma }
}

@inline(__always) func pow6(_ x: Double) -> Double { let x2 = x * x; return x2 * x2 * x2 }



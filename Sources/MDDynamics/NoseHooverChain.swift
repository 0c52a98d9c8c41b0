import Foundation
import MDCore
import MDPotentials

/// A Nosé-Hoover chain thermostat (Martyna, Klein & Tuckerman, J. Chem. Phys. 97, 2635,
/// 1992), integrated with the Trotter factorisation of Martyna, Tuckerman, Tobias & Klein
/// (Mol. Phys. 87, 1117, 1996):
///
///     U_NHC(Δt/2) · velocity Verlet(Δt) · U_NHC(Δt/2),
///
/// where U_NHC(Δt/2) is split into n_c Suzuki-Yoshida sub-steps δ = w_k Δt/(2 n_c).
/// Chain of M thermostats with positions ξ_j, velocities v_ξj (1/fs) and masses
/// Q₁ = N_f k_BT τ², Q_j = k_BT τ² (eV·fs²). Forces on the chain:
///
///     G₁ = (2K − N_f k_BT)/Q₁,   G_j = (Q_{j−1} v_{ξ,j−1}² − k_BT)/Q_j.
///
/// One sub-step updates v_ξM by G_M δ/2, then for j = M−1…1 v_ξj ← (v_ξj e^(−v_ξ,j+1 δ/4)
/// + G_j δ/2) e^(−v_ξ,j+1 δ/4); scales the particle velocities by e^(−v_ξ1 δ); moves
/// ξ_j by v_ξj δ; and repeats the v_ξ updates in the reverse order.
///
/// The extended energy H = K + U + Σ_j Q_j v_ξj²/2 + N_f k_BT ξ₁ + k_BT Σ_{j≥2} ξ_j is
/// conserved (``reservoirEnergy(_:)`` is everything after K + U). Like all velocity
/// scaling, it cannot heat a system with K = 0: start from ``MaxwellBoltzmann`` velocities.
public struct NoseHooverChain: Integrator, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T in K.
    public let temperature: Double
    /// Thermostat period τ in fs (sets the masses Q).
    public let timeConstant: Double
    /// Suzuki-Yoshida weights w_k of one U_NHC factor.
    public let weights: [Double]
    /// Number n_c of sub-steps per weight.
    public let substeps: Int
    /// Chain positions ξ_j (dimensionless).
    public private(set) var positions: [Double]
    /// Chain velocities v_ξj in 1/fs.
    public private(set) var velocities: [Double]

    /// - Parameters:
    ///   - timeStep: Δt in fs (> 0).
    ///   - temperature: T in K (> 0).
    ///   - timeConstant: τ in fs (> 0), typically 20–100 Δt.
    ///   - chainLength: M ≥ 1 (default 3).
    ///   - suzukiYoshidaOrder: 1, 3 or 5 (default 3).
    ///   - substeps: n_c ≥ 1 (default 1).
    public init(timeStep: Double, temperature: Double, timeConstant: Double, chainLength: Int = 3,
                suzukiYoshidaOrder: Int = 3, substeps: Int = 1) throws {
        try requirePositive("timeStep", timeStep, unit: "fs")
        try requirePositive("temperature", temperature, unit: "K (Nosé-Hoover needs T > 0)")
        try requirePositive("timeConstant", timeConstant, unit: "fs")
        guard chainLength >= 1 else {
            throw DynamicsError.invalidParameter(name: "chainLength", value: Double(chainLength), requirement: "must be ≥ 1")
        }
        guard substeps >= 1 else {
            throw DynamicsError.invalidParameter(name: "substeps", value: Double(substeps), requirement: "must be ≥ 1")
        }
        switch suzukiYoshidaOrder {
        case 1:
            weights = [1]
        case 3:
            let w = 1 / (2 - pow(2, 1.0 / 3))
            weights = [w, 1 - 2 * w, w]
        case 5:
            let w = 1 / (4 - pow(4, 1.0 / 3))
            weights = [w, w, 1 - 4 * w, w, w]
        default:
            throw DynamicsError.invalidParameter(name: "suzukiYoshidaOrder", value: Double(suzukiYoshidaOrder),
                                                 requirement: "must be 1, 3 or 5")
        }
        self.timeStep = timeStep
        self.temperature = temperature
        self.timeConstant = timeConstant
        self.substeps = substeps
        self.positions = Array(repeating: 0, count: chainLength)
        self.velocities = Array(repeating: 0, count: chainLength)
    }

    /// Thermostat masses Q_j in eV·fs² for N_f degrees of freedom.
    func masses(degreesOfFreedom nf: Int) -> [Double] {
        let q = thermalEnergy(temperature) * timeConstant * timeConstant
        return (0..<positions.count).map { $0 == 0 ? Double(nf) * q : q }
    }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { chainEnergy(degreesOfFreedom: state.degreesOfFreedom) }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        chainHalfStep(&state)
        try VelocityVerlet.verletStep(&state, timeStep: timeStep, forces: forces)
        chainHalfStep(&state)
    }

    /// U_NHC(Δt/2) as in the type's notes.
    mutating func chainHalfStep(_ state: inout DynamicsState) {
        let nf = state.degreesOfFreedom
        guard nf > 0 else { return }
        state.scaleVelocities(chainHalfStep(twiceKinetic: 2 * state.kineticEnergy, degreesOfFreedom: nf))
    }

    /// U_NHC(Δt/2) for any thermostatted kinetic energy: advances the chain for `nf` degrees of
    /// freedom whose 2K is `twiceKinetic` (eV) and returns the factor their velocities are scaled
    /// by (the particles' here, the barostat's in ``MTKBarostat``).
    mutating func chainHalfStep(twiceKinetic initial: Double, degreesOfFreedom nf: Int) -> Double {
        let q = masses(degreesOfFreedom: nf)
        let kT = thermalEnergy(temperature)
        let m = positions.count
        var twiceKinetic = initial
        var scale = 1.0
        func force(_ j: Int) -> Double {
            j == 0 ? (twiceKinetic - Double(nf) * kT) / q[0]
                   : (q[j - 1] * velocities[j - 1] * velocities[j - 1] - kT) / q[j]
        }
        func kick(_ j: Int, _ d: Double) {
            if j == m - 1 {
                velocities[j] += force(j) * 0.5 * d
            } else {
                let e = exp(-0.25 * d * velocities[j + 1])
                velocities[j] = (velocities[j] * e + force(j) * 0.5 * d) * e
            }
        }
        for w in weights {
            for _ in 0..<substeps {
                let d = w * 0.5 * timeStep / Double(substeps)
                for j in (0..<m).reversed() { kick(j, d) }
                let s = exp(-velocities[0] * d)
                scale *= s
                twiceKinetic *= s * s
                for j in 0..<m { positions[j] += velocities[j] * d }
                for j in 0..<m { kick(j, d) }
            }
        }
        return scale
    }

    /// The chain's energy Σ Q_j v_ξj²/2 + N_f k_BT ξ₁ + k_BT Σ_{j≥2} ξ_j (eV) for `nf` degrees of freedom.
    func chainEnergy(degreesOfFreedom nf: Int) -> Double {
        let q = masses(degreesOfFreedom: nf)
        let kT = thermalEnergy(temperature)
        var energy = 0.0
        for j in positions.indices {
            energy += 0.5 * q[j] * velocities[j] * velocities[j]
            energy += (j == 0 ? Double(nf) : 1) * kT * positions[j]
        }
        return energy
    }
}

extension NoseHooverChain {
    /// Takes over the chain positions and velocities of `earlier` when the chains have the
    /// same length; returns false (chain starts at rest) otherwise.
    mutating func adoptState(of earlier: NoseHooverChain) -> Bool {
        guard earlier.positions.count == positions.count else { return false }
        positions = earlier.positions
        velocities = earlier.velocities
        return true
    }
}

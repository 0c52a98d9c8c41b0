import Foundation
import MDCore
import MDPotentials

/// Langevin dynamics with the BAOAB splitting of Leimkuhler & Matthews (2013):
///
///     B: v ← v + (Δt/2) F/m          A: x ← x + (Δt/2) v
///     O: v ← c₁ v + c₂ ξ,  c₁ = e^(−γΔt),  c₂ = √((1 − c₁²) k_B T / m),  ξ ~ N(0, 1)
///     A: x ← x + (Δt/2) v            F ← F(x)          B: v ← v + (Δt/2) F/m
///
/// BAOAB samples configurations with an O(Δt²) error that is unusually small. Fixed
/// atoms are not thermostatted. Without fixed atoms the centre-of-mass velocity is
/// removed after the O step; in mass-weighted coordinates this is an orthogonal
/// projection that commutes with the O step, so the other 3N − 3 degrees of freedom
/// stay exactly canonical and the total momentum stays zero.
///
/// The kinetic energy removed by the O step is accumulated in ``heatToBath``, so
/// K + U + heatToBath is conserved up to the integration error.
public struct LangevinBAOAB: Integrator, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T in K.
    public let temperature: Double
    /// Friction γ in 1/ps.
    public let friction: Double
    /// Energy given to the bath so far (eV).
    public private(set) var heatToBath: Double = 0
    /// The random-number generator (its state is part of the restart).
    public private(set) var rng: Xoshiro256StarStar

    /// - Parameters:
    ///   - timeStep: Δt in fs (> 0).
    ///   - temperature: T in K (≥ 0).
    ///   - friction: γ in 1/ps (≥ 0; 0 gives NVE); typical 1–10 /ps.
    ///   - seed: seed of the random stream.
    public init(timeStep: Double, temperature: Double, friction: Double, seed: UInt64) throws {
        try requirePositive("timeStep", timeStep, unit: "fs")
        try requireNonNegative("temperature", temperature, unit: "K")
        try requireNonNegative("friction", friction, unit: "1/ps")
        self.timeStep = timeStep
        self.temperature = temperature
        self.friction = friction
        self.rng = Xoshiro256StarStar(seed: seed)
    }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { heatToBath }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        let dt = timeStep
        let start = state.system.positions
        state.momentumStep(0.5 * dt)
        state.positionStep(0.5 * dt)
        ornsteinUhlenbeckStep(&state)
        state.positionStep(0.5 * dt)
        try state.updateForces(forces, startPositions: start)
        state.momentumStep(0.5 * dt)
    }

    /// The O step, with c₁ = exp(−γΔt) (γ converted to 1/fs) and k_BT/m in Å²/fs².
    mutating func ornsteinUhlenbeckStep(_ state: inout DynamicsState) {
        let kineticBefore = state.kineticEnergy
        let c1 = exp(-friction / Units.femtosecondsPerPicosecond * timeStep)
        let kT = thermalEnergy(temperature) / Units.kineticEnergyPerMassVelocitySquared
        let noise = rng.normalVectors(state.system.count)
        for i in 0..<state.system.count where !state.fixed[i] {
            let c2 = ((1 - c1 * c1) * kT / state.system.masses[i]).squareRoot()
            state.system.velocities[i] = c1 * state.system.velocities[i] + c2 * noise[i]
        }
        if state.conservesMomentum { state.removeCenterOfMassVelocity() }
        heatToBath += kineticBefore - state.kineticEnergy
    }
}

extension LangevinBAOAB {
    /// Takes over the bath energy and random stream of `earlier`, so a run continued with new
    /// parameters keeps its noise sequence (identical parameters give an identical integrator).
    mutating func adoptState(of earlier: LangevinBAOAB) {
        heatToBath = earlier.heatToBath
        rng = earlier.rng
    }
}

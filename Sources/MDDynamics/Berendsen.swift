import MDCore
import MDPotentials

/// The Berendsen weak-coupling thermostat (Berendsen et al., J. Chem. Phys. 81, 3684, 1984).
///
/// After each velocity-Verlet step the velocities are scaled by
///
///     λ = √(1 + (Δt/τ)(T₀/T − 1)),
///
/// which relaxes the temperature exponentially towards T₀ with time constant τ.
/// **Not canonical**: it suppresses kinetic-energy fluctuations (and can produce the
/// "flying ice cube"). Use it for equilibration only, then switch to Langevin, CSVR or
/// Nosé-Hoover. The energy removed by the scaling is accumulated in ``heatToBath``.
public struct Berendsen: Integrator, Equatable {
    /// Δt in fs.
    public let timeStep: Double
    /// Target temperature T₀ in K.
    public let temperature: Double
    /// Coupling time τ in fs.
    public let timeConstant: Double
    /// Energy given to the bath so far (eV).
    public private(set) var heatToBath: Double = 0

    /// - Parameters: timeStep Δt (fs, > 0), temperature T₀ (K, ≥ 0), timeConstant τ (fs, > 0).
    public init(timeStep: Double, temperature: Double, timeConstant: Double) throws {
        try requirePositive("timeStep", timeStep, unit: "fs")
        try requireNonNegative("temperature", temperature, unit: "K")
        try requirePositive("timeConstant", timeConstant, unit: "fs")
        self.timeStep = timeStep
        self.temperature = temperature
        self.timeConstant = timeConstant
    }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { heatToBath }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try VelocityVerlet.verletStep(&state, timeStep: timeStep, forces: forces)
        rescale(&state)
    }

    /// Scales the velocities by λ (see the type's notes) and books the energy removed.
    mutating func rescale(_ state: inout DynamicsState) {
        let current = state.temperature
        guard current > 0 else { return }
        let lambda2 = 1 + timeStep / timeConstant * (temperature / current - 1)
        let kinetic = state.kineticEnergy
        state.scaleVelocities(Swift.max(0, lambda2).squareRoot())
        heatToBath += kinetic - state.kineticEnergy
    }
}

extension Berendsen {
    /// Takes over the bath energy of `earlier`.
    mutating func adoptState(of earlier: Berendsen) { heatToBath = earlier.heatToBath }
}

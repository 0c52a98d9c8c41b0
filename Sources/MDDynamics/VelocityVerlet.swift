import MDCore
import MDPotentials

/// Velocity Verlet for the microcanonical (NVE) ensemble:
///
///     v ← v + (Δt/2) F/m;   x ← x + Δt v;   F ← F(x);   v ← v + (Δt/2) F/m.
///
/// Symplectic and time reversible; the energy error is O(Δt²) and does not drift for a
/// smooth potential.
public struct VelocityVerlet: Integrator, Equatable {
    /// Δt in fs.
    public let timeStep: Double

    /// - Parameter timeStep: Δt in fs (> 0).
    public init(timeStep: Double) throws {
        try requirePositive("timeStep", timeStep, unit: "fs")
        self.timeStep = timeStep
    }

    public func reservoirEnergy(_ state: DynamicsState) -> Double { 0 }

    public mutating func advance(_ state: inout DynamicsState, forces: ForceEvaluator) throws {
        try Self.verletStep(&state, timeStep: timeStep, forces: forces)
    }

    /// The B(Δt/2) A(Δt) F B(Δt/2) step shared by the velocity-rescaling thermostats.
    static func verletStep(_ state: inout DynamicsState, timeStep dt: Double, forces: ForceEvaluator) throws {
        let start = state.system.positions
        state.momentumStep(0.5 * dt)
        state.positionStep(dt)
        try state.updateForces(forces, startPositions: start)
        state.momentumStep(0.5 * dt)
    }
}

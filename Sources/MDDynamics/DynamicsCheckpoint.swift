import MDCore
import MDPotentials

/// An exact restart point: the integrator (parameters, thermostat variables, RNG state) and
/// the dynamics state (atoms, fixed mask, last forces, step, time). Encode it with any
/// `Encoder` (JSON round-trips doubles exactly); decoding and continuing reproduces the
/// uninterrupted trajectory bit for bit.
public struct DynamicsCheckpoint: Codable, Sendable, Equatable {
    /// The integrator, whatever the ensemble.
    public var integrator: AnyIntegrator
    /// The state at the checkpoint.
    public var state: DynamicsState

    public init(integrator: AnyIntegrator, state: DynamicsState) {
        self.integrator = integrator
        self.state = state
    }
}

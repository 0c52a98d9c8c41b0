/// How a MACE evaluation computes the per-edge weights of its radial networks; one type for
/// run files, the command line, the C API and the MACE evaluator.
public enum RadialMode: String, Codable, Sendable, CaseIterable {
    /// The radial MLP evaluated for every edge: float64 agrees with mace-torch to ~1e-12.
    case exact
    /// The radial MLP (and envelope) tabulated at load on a grid over [0, r_max] and read back
    /// by cubic Hermite interpolation: faster, with a force error bounded per model kind
    /// (README "Fast radial mode"). Forces stay the exact derivative of the interpolated energy.
    case spline
}

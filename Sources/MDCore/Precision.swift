/// Floating-point precision of a model evaluation; one type for run files, the command line
/// and the MACE evaluator.
public enum Precision: String, Codable, Sendable, CaseIterable {
    /// Single precision: fast MD; MACE forces agree with float64 to ~1e-5 relative.
    case float32
    /// Double precision: MACE agrees with mace-torch float64 to ~1e-12.
    case float64
}

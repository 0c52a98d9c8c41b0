extension EnsembleDefinition {
    /// `nve`: microcanonical velocity Verlet.
    public static let nve = EnsembleDefinition(
        name: "nve", summary: "velocity Verlet (constant energy)", keys: [],
        isStochastic: false, isThermostatted: false) { _ in .nve }
}

extension EnsembleDefinition {
    /// `nvt-langevin`: Langevin dynamics, BAOAB splitting.
    public static let nvtLangevin = EnsembleDefinition(
        name: "nvt-langevin", summary: "Langevin dynamics (BAOAB)",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.friction.key],
        isStochastic: true, isThermostatted: true) { md in
        .langevin(temperature: md.temperatureK, friction: md.frictionPerPs)
    }
}

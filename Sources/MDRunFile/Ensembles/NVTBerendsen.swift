extension EnsembleDefinition {
    /// `nvt-berendsen`: Berendsen weak coupling (equilibration only; not canonical).
    public static let nvtBerendsen = EnsembleDefinition(
        name: "nvt-berendsen", summary: "Berendsen weak coupling (equilibration only, not canonical)",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key],
        isStochastic: false, isThermostatted: true) { md in
        .berendsen(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs)
    }
}

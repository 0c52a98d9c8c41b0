import MDDynamics

extension EnsembleDefinition {
    /// `npt-berendsen`: Berendsen barostat and thermostat (equilibration only; wrong fluctuations).
    public static let nptBerendsen = EnsembleDefinition(
        name: "npt-berendsen",
        summary: "Berendsen barostat and thermostat (equilibration only: volume and energy fluctuations are wrong)",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key] + barostatKeys,
        isStochastic: false, isThermostatted: true) { md in
        .berendsenPressure(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs, barostat: md.barostat)
    }
}

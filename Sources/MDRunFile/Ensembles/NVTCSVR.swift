extension EnsembleDefinition {
    /// `nvt-csvr`: Bussi–Donadio–Parrinello stochastic velocity rescaling.
    public static let nvtCSVR = EnsembleDefinition(
        name: "nvt-csvr", summary: "Bussi stochastic velocity rescaling (CSVR)",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key],
        isStochastic: true, isThermostatted: true) { md in
        .csvr(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs)
    }
}

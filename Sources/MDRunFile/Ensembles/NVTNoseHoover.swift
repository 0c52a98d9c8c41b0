extension EnsembleDefinition {
    /// `nvt-nose-hoover`: Nosé–Hoover chain (Martyna–Klein–Tuckerman).
    public static let nvtNoseHoover = EnsembleDefinition(
        name: "nvt-nose-hoover", summary: "Nosé–Hoover chain",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key, RunFileSchema.MD.noseHooverChain.key],
        isStochastic: false, isThermostatted: true) { md in
        .noseHoover(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs, chainLength: md.noseHooverChain)
    }
}

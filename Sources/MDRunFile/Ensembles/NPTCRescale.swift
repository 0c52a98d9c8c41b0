import MDDynamics

extension EnsembleDefinition {
    /// `npt-crescale`: stochastic cell rescaling (Bernetti & Bussi 2020, isotropic and semi-isotropic;
    /// Del Tatto et al. 2022, anisotropic and triclinic) with CSVR, or Langevin when `friction_per_ps` is given.
    public static let nptCRescale = EnsembleDefinition(
        name: "npt-crescale",
        summary: "stochastic cell rescaling (Bernetti–Bussi C-rescale) with CSVR, or Langevin when friction_per_ps is given",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key, RunFileSchema.MD.friction.key]
            + barostatKeys,
        isStochastic: true, isThermostatted: true) { md in
        .cellRescaling(temperature: md.temperatureK,
                       thermostat: md.frictionGiven ? .langevin(friction: md.frictionPerPs)
                                                    : .csvr(timeConstant: md.thermostatTimeFs),
                       barostat: md.barostat)
    }

    /// The keys every barostat reads.
    static let barostatKeys = [RunFileSchema.MD.pressure.key, RunFileSchema.MD.barostatTime.key,
                               RunFileSchema.MD.pressureCoupling.key, RunFileSchema.MD.cellMask.key,
                               RunFileSchema.MD.bulkModulus.key]
}

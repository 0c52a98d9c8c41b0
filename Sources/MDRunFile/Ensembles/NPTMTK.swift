import MDCore
import MDDynamics

extension EnsembleDefinition {
    /// `npt-mtk`: isotropic Martyna–Tobias–Klein with Nosé–Hoover chains (LAMMPS `fix npt iso`).
    public static let nptMTK = EnsembleDefinition(
        name: "npt-mtk", summary: "Martyna–Tobias–Klein barostat with Nosé–Hoover chains, isotropic (LAMMPS fix npt iso)",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key, RunFileSchema.MD.noseHooverChain.key,
               RunFileSchema.MD.pressure.key, RunFileSchema.MD.barostatTime.key],
        isStochastic: false, isThermostatted: true) { md in
        .mtk(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs, chainLength: md.noseHooverChain,
             pressure: md.pressureGPa[0] / Units.gigapascalPerEVPerCubicAngstrom, barostatTime: md.barostatTimeFs)
    }
}

import MDCore
import MDDynamics

extension EnsembleDefinition {
    /// `npt-mtk`: Martyna–Tobias–Klein with Nosé–Hoover chains, isotropic (LAMMPS `fix npt iso`,
    /// ``MDDynamics/MTKBarostat``) or semi-isotropic/anisotropic/triclinic with an optional cell mask
    /// (LAMMPS `fix npt aniso … couple xy`, `aniso`, `tri`; ``MDDynamics/MTKCellBarostat``).
    public static let nptMTK = EnsembleDefinition(
        name: "npt-mtk", summary: "Martyna–Tobias–Klein barostat with Nosé–Hoover chains, isotropic, semi-isotropic, "
            + "anisotropic or triclinic (LAMMPS fix npt iso/aniso/tri)",
        keys: [RunFileSchema.MD.temperature.key, RunFileSchema.MD.thermostatTime.key, RunFileSchema.MD.noseHooverChain.key,
               RunFileSchema.MD.pressure.key, RunFileSchema.MD.barostatTime.key, RunFileSchema.MD.pressureCoupling.key,
               RunFileSchema.MD.cellMask.key],
        isStochastic: false, isThermostatted: true) { md in
        md.pressureCoupling == .isotropic
            ? .mtk(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs, chainLength: md.noseHooverChain,
                   pressure: md.pressureGPa[0] / Units.gigapascalPerEVPerCubicAngstrom, barostatTime: md.barostatTimeFs)
            : .mtkCell(temperature: md.temperatureK, timeConstant: md.thermostatTimeFs, chainLength: md.noseHooverChain,
                       barostat: md.barostat)
    }
}

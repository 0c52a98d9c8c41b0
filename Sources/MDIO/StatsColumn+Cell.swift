/// The stats-log columns of constant-pressure runs: the cell and the pressure tensor.
extension StatsColumn {
    public static let cellAlpha = StatsColumn("alpha_deg", .fixed(decimals: 4), width: 11)
    public static let cellBeta = StatsColumn("beta_deg", .fixed(decimals: 4), width: 11)
    public static let cellGamma = StatsColumn("gamma_deg", .fixed(decimals: 4), width: 11)
    /// Components of the pressure tensor P = (K + W)/V in GPa, Voigt order (LAMMPS' pxx … pxy).
    public static let pressureTensor = ["pxx", "pyy", "pzz", "pyz", "pxz", "pxy"].map {
        StatsColumn("\($0)_GPa", .fixed(decimals: 5), width: 12)
    }

    /// ``md(periodic:targetTemperature:)``, then for a changing cell of a periodic system
    /// `a_A b_A c_A alpha_deg beta_deg gamma_deg` and `pxx_GPa pyy_GPa pzz_GPa pyz_GPa pxz_GPa
    /// pxy_GPa`. The conserved column holds the barostat's extended (effective) energy.
    public static func md(periodic: Bool, targetTemperature: Bool, changingCell: Bool) -> [StatsColumn] {
        md(periodic: periodic, targetTemperature: targetTemperature)
            + (periodic && changingCell ? [.cellA, .cellB, .cellC, .cellAlpha, .cellBeta, .cellGamma] + pressureTensor : [])
    }
}
